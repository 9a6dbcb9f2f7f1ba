import type { FuncKeywordDefinition } from "ajv";
import { canonicalTimeZone, localDateOf } from "../lib/dates.ts";

/**
 * The document's own schema keywords, for the cross-field rules JSON Schema has no keyword for (issue 10). Each is
 * stated beside the zod refinement the server checks, and means:
 * - `x-not-after: { a: "b" }`: when members `a` and `b` both have a value, `a` is not after `b` (dates, instants or
 *   decimals: `joinedOn` not after `leftOn`, `score` not above `maxScore`);
 * - `x-before: { a: "b" }`: the same, strictly (`startsAt` before `endsAt`);
 * - `x-unique-by: "m"` on an array of objects: no two items have the same member `m` (UUIDs ignoring case);
 * - `x-year-within: { year: ["startDate", "endDate"] }`: `year` is not before the first date's year nor after the
 *   second's, when they have values;
 * - `x-date-of: { member: "date", instant: "startsAt", timeZone: "timeZone", default: "Europe/Warsaw" }`: when both
 *   have values, `date` is the calendar date of `startsAt` in the time zone (`default` when none is given);
 * - `x-future: true` on an instant: it lies in the future when the request arrives.
 * Here as ajv keywords, so that a generator keeps only the bodies that keep them, and a test can check a record.
 */

type Keyword = FuncKeywordDefinition & { validate: (rule: never, data: unknown) => boolean };

/** A date, an instant or a decimal as a number to compare; undefined when the member has none. */
function comparable(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "number") return value;
  if (typeof value !== "string") return undefined;
  const number = Number(value);
  if (value.trim() !== "" && !Number.isNaN(number)) return number;
  const instant = Date.parse(value);
  return Number.isNaN(instant) ? undefined : instant;
}

const ordered = (strict: boolean) => (rule: Record<string, string>, data: unknown) => {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return true;
  const members = data as Record<string, unknown>;
  return Object.entries(rule).every(([first, second]) => {
    const a = comparable(members[first]);
    const b = comparable(members[second]);
    return a === undefined || b === undefined || (strict ? a < b : a <= b);
  });
};

export const EXTENSION_KEYWORDS: Keyword[] = [
  { keyword: "x-not-after", schemaType: "object", validate: ordered(false) as Keyword["validate"] },
  { keyword: "x-before", schemaType: "object", validate: ordered(true) as Keyword["validate"] },
  {
    keyword: "x-unique-by",
    schemaType: "string",
    validate: ((member: string, data: unknown) => {
      if (!Array.isArray(data)) return true;
      const keys = data.map((item) => String((item as Record<string, unknown> | null)?.[member] ?? "").toLowerCase());
      return new Set(keys).size === keys.length;
    }) as Keyword["validate"],
  },
  {
    keyword: "x-year-within",
    schemaType: "object",
    validate: ((rule: Record<string, [string, string]>, data: unknown) => {
      if (data === null || typeof data !== "object") return true;
      const members = data as Record<string, unknown>;
      const yearOf = (name: string) => (typeof members[name] === "string" ? Number((members[name] as string).slice(0, 4)) : undefined);
      return Object.entries(rule).every(([member, [from, to]]) => {
        const year = members[member];
        if (typeof year !== "number") return true;
        return !((yearOf(from) ?? -Infinity) > year || (yearOf(to) ?? Infinity) < year);
      });
    }) as Keyword["validate"],
  },
  {
    keyword: "x-date-of",
    schemaType: "object",
    validate: ((rule: { member: string; instant: string; timeZone: string; default: string }, data: unknown) => {
      if (data === null || typeof data !== "object") return true;
      const members = data as Record<string, unknown>;
      const date = members[rule.member];
      const instant = typeof members[rule.instant] === "string" ? new Date(members[rule.instant] as string) : undefined;
      const zone = canonicalTimeZone(typeof members[rule.timeZone] === "string" ? (members[rule.timeZone] as string) : rule.default);
      if (typeof date !== "string" || !instant || Number.isNaN(instant.getTime()) || !zone) return true;
      return localDateOf(instant, zone) === date;
    }) as Keyword["validate"],
  },
  {
    keyword: "x-future",
    schemaType: "boolean",
    validate: ((future: boolean, data: unknown) => !future || typeof data !== "string" || Date.parse(data) > Date.now()) as Keyword["validate"],
  },
];
