import type { FuncKeywordDefinition } from "ajv";

/**
 * The document's own schema keywords, for the cross-field rules JSON Schema has no keyword for (issue 10). Each is
 * stated beside the zod refinement the server checks, and means:
 * - `x-not-after: { a: "b" }`: when members `a` and `b` both have a value, `a` is not after `b` (dates, instants or
 *   decimals: `joinedOn` not after `leftOn`, `score` not above `maxScore`);
 * - `x-before: { a: "b" }`: the same, strictly (`startsAt` before `endsAt`);
 * - `x-unique-by: "m"` on an array of objects: no two items have the same member `m` (UUIDs ignoring case).
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
];
