import { z } from "zod";
import type { SortableFields } from "./pagination.ts";
import { FIELD_ERROR_TEXT_MAX, PROBLEM_MAX_FIELD_ERRORS, PROBLEM_TEXT_MAX, PROBLEM_TYPES, REQUEST_ID_MAX_LENGTH } from "./problem.ts";

/**
 * Text as the API stores it: Unicode NFC, trimmed, never empty. The document says "not empty once trimmed" as the
 * pattern `\S` (a character that is not white space: ECMAScript's `\s` is what `trim` removes).
 */
export const text = (max: number) =>
  z.string().normalize("NFC").trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`).meta({ pattern: "\\S" });

/**
 * Size limits are part of the contract (OWASP API4: every string has a maxLength, every array a maxItems, every
 * integer a format). Where a format already fixes the length (a UUID is 36 characters, a date 10), the bound is
 * stated in the document only; everywhere else it is a validation rule of its own.
 */
export const UUID_LENGTH = 36;

/**
 * In lower case, as PostgreSQL writes a uuid: an id sent in upper case names the same record, and is compared,
 * stored and answered as the database has it (a reference check compares with the ids the database returns).
 */
export const Uuid = z
  .uuid({ error: "must be a UUID" })
  .overwrite((id) => id.toLowerCase())
  .meta({ maxLength: UUID_LENGTH });

export const DateOnly = z.iso.date({ error: "must be a date in the form YYYY-MM-DD" }).meta({ maxLength: 10 });

/** Longest RFC 3339 date-time accepted: `2013-03-14T10:00:00.123456789+01:00` is 35 characters. */
export const TIMESTAMP_MAX_LENGTH = 40;

/** The instants the API can write back: `toISOString()` of anything outside these years is not RFC 3339. */
const INSTANT_MIN = Date.parse("0001-01-01T00:00:00.000Z");
const INSTANT_MAX = Date.parse("9999-12-31T23:59:59.999Z");

export const Timestamp = z.iso
  .datetime({ offset: true, error: "must be an RFC 3339 date-time with offset" })
  .max(TIMESTAMP_MAX_LENGTH, `must be an RFC 3339 date-time with offset (at most ${TIMESTAMP_MAX_LENGTH} characters)`)
  // `9999-12-31T23:59:59-23:59` has the right form, but falls in the year 10000 in UTC.
  .refine((value) => {
    const instant = Date.parse(value);
    return Number.isNaN(instant) || (instant >= INSTANT_MIN && instant <= INSTANT_MAX);
  }, "must fall between 0001-01-01 and 9999-12-31 in UTC");

/** An instant the service writes (`2013-03-14T09:00:00.000Z`, always UTC). */
export const Instant = z.string().max(TIMESTAMP_MAX_LENGTH).meta({ format: "date-time" });

/** Text the service returns: bounded by the same limit its input had. */
export const outText = (max: number) => z.string().max(max);

/** A whole number that fits PostgreSQL's `integer` (int32), from `min` to `max`. */
export const int32 = (min: number, max: number, message?: string) =>
  z
    .number(message ? { error: message } : undefined)
    .int(message)
    .min(min, message)
    .max(max, message)
    .meta({ format: "int32" });

export const INT32_MAX = 2_147_483_647;

export const Email = z.email({ error: "must be an e-mail address" }).max(254);

export const WebUrl = z
  .url({ protocol: /^https?$/, hostname: z.regexes.domain, error: "must be an http(s) URL such as https://example.pl" })
  .max(2048);

export const Phone = z
  .string()
  .trim()
  // Checked after trimming, so it never ends in a space: the pattern says so, for those who check before trimming.
  .regex(/^\+?[0-9][0-9 ()-]{4,23}[0-9()-]$/, "must be a phone number such as +48 58 123 45 67")
  .meta({ id: "Phone", maxLength: 26 }); // "+", then 1 + up to 24 characters

/** Fields every record carries. */
export const recordMeta = {
  id: Uuid.meta({ description: "Time-ordered UUID (v7), assigned by the service." }),
  version: int32(1, INT32_MAX).meta({ description: "Starts at 1 and grows by one with every change; the ETag is derived from it." }),
  createdAt: Instant.meta({ description: "When the record was created (UTC)." }),
  updatedAt: Instant.meta({ description: "When the record last changed (UTC)." }),
};

export const IdParams = z.strictObject({ id: Uuid });

export const FieldError = z
  .object({
    path: z.string().max(FIELD_ERROR_TEXT_MAX).meta({ description: "JSON Pointer to the offending field.", example: "/nip" }),
    message: z.string().max(FIELD_ERROR_TEXT_MAX).meta({ example: "must be a valid NIP (10 digits with a correct check digit)" }),
    location: z.enum(["body", "query", "path", "header"]).optional(),
  })
  .meta({ id: "FieldError" });

/** The stable codes of the problem catalogue (/problems/{code}): one schema for problems and the catalogue alike. */
export const ProblemCodeSchema = z.enum(Object.keys(PROBLEM_TYPES) as [keyof typeof PROBLEM_TYPES, ...Array<keyof typeof PROBLEM_TYPES>]).meta({ id: "ProblemCode" });

export const Problem = z
  .looseObject({
    type: z.string().max(PROBLEM_TEXT_MAX).meta({ description: "URI reference identifying the problem type.", example: "/problems/validation_failed" }),
    title: z.string().max(PROBLEM_TEXT_MAX),
    status: int32(400, 599),
    detail: z.string().max(PROBLEM_TEXT_MAX),
    instance: z.string().max(PROBLEM_TEXT_MAX).optional(),
    code: ProblemCodeSchema,
    requestId: z.string().max(REQUEST_ID_MAX_LENGTH).optional(),
    errors: z
      .array(FieldError)
      .max(PROBLEM_MAX_FIELD_ERRORS)
      .optional()
      .meta({ description: `The fields at fault: at most ${PROBLEM_MAX_FIELD_ERRORS} (the detail gives the full count).` }),
  })
  .meta({
    id: "Problem",
    description: "RFC 9457 problem details, sent as application/problem+json.",
    example: {
      type: "/problems/validation_failed",
      title: "The request is not valid",
      status: 400,
      detail: "1 field is not valid.",
      instance: "/v1/coordinators",
      code: "validation_failed",
      requestId: "0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f",
      errors: [{ path: "/nip", message: "must be a valid NIP (10 digits with a correct check digit)", location: "body" }],
    },
  });

export const PAGE_MAX_LIMIT = 100;

/**
 * A to-many relation embedded in a record (`include=participants`, or derived ids such as an activity's
 * `meetingIds`) holds at most this many, the first in the relation's list order: one record stays bounded in size.
 * The relation's own list endpoint pages through all of them.
 */
export const EMBED_MAX_ITEMS = 100;

/** Ids a client sends in one array (an activity's media partners, an application's partners, ...). */
export const ID_LIST_MAX_ITEMS = 100;
export const CURSOR_MAX_LENGTH = 2000;

/** `{ data, nextCursor }`: one page of a list. */
export const page = <T extends z.ZodType>(item: T, id: string) =>
  z
    .object({
      data: z.array(item).max(PAGE_MAX_LIMIT),
      nextCursor: z.string().max(CURSOR_MAX_LENGTH).nullable().meta({ description: "Pass as `cursor` to get the next page; null on the last page." }),
    })
    .meta({ id });

/**
 * A whole number in a query string, where every value arrives as text: digits only, so that `0x10`, `1e2`, ` 5`
 * or `5.0` are refused rather than read as a number (as `Number()` would).
 */
export const digitsToNumber = (value: unknown) => (typeof value === "string" && /^\d{1,9}$/.test(value) ? Number(value) : value);

const LIMIT_ERROR = `must be a whole number from 1 to ${PAGE_MAX_LIMIT}`;

export const paginationQuery = {
  limit: z
    .preprocess(digitsToNumber, z.number({ error: LIMIT_ERROR }).int(LIMIT_ERROR).min(1, LIMIT_ERROR).max(PAGE_MAX_LIMIT, LIMIT_ERROR).default(25))
    .meta({ description: "Page size (1–100).", format: "int32" }),
  cursor: z.string().max(CURSOR_MAX_LENGTH).optional().meta({ description: "Opaque cursor from the previous page's `nextCursor`." }),
};

export const searchQuery = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters")
  .optional()
  .meta({ description: "Text search ignoring case and Polish diacritics (`lodz` finds `Łódź`); every word must match." });

/**
 * `?sort=name,-createdAt` over the listed fields; `-` means descending. A record list passes its sortable fields
 * with their types (the same object its definition pages with), other lists their names.
 */
export const sortQuery = <F extends string>(sortable: readonly [F, ...F[]] | Readonly<Record<F, SortableFields[string]>>, fallback: string) => {
  const fields = (Array.isArray(sortable) ? sortable : Object.keys(sortable)) as readonly F[];
  return z
    .string()
    .max(200, "must be at most 200 characters")
    .default(fallback)
    .transform((value, ctx) => {
      const parts = value.split(",").map((part) => part.trim());
      if (parts.some((part) => part === "" || part === "-")) {
        ctx.addIssue({ code: "custom", message: `lists an empty field (two commas in a row, or one at either end); use ${fields.join(", ")}` });
        return z.NEVER;
      }
      const seen = new Set<string>();
      const sort: Array<{ field: F; direction: "asc" | "desc" }> = [];
      for (const part of parts) {
        const descending = part.startsWith("-");
        const field = (descending ? part.slice(1) : part) as F;
        if (!fields.includes(field) || seen.has(field)) {
          ctx.addIssue({
            code: "custom",
            message: `"${part}" is not a sortable field here; use ${fields.join(", ")} (prefix - for descending), each once`,
          });
          return z.NEVER;
        }
        seen.add(field);
        sort.push({ field, direction: descending ? "desc" : "asc" });
      }
      return sort;
    })
    // How `sort` is written is said once, in the document's description (src/plugins/swagger.ts).
    .meta({ description: `Fields: ${fields.join(", ")}.` });
};

/** Request headers of conditional and retried requests, with the bounds they are checked against. */
export const ETAG_HEADER_MAX_LENGTH = 1024;

export const ifMatchHeader = (description: string) =>
  z.string().max(ETAG_HEADER_MAX_LENGTH, `must be at most ${ETAG_HEADER_MAX_LENGTH} characters`).optional().meta({ description });

export const ifNoneMatchHeader = z
  .string()
  .max(ETAG_HEADER_MAX_LENGTH, `must be at most ${ETAG_HEADER_MAX_LENGTH} characters`)
  .optional()
  .meta({ description: "An ETag you hold; if it is current the answer is 304 with no body." });

export const idempotencyKeyHeader = z
  .string()
  .optional()
  // Checked by the idempotency plugin, before validation, which answers with its own problem.
  .meta({
    maxLength: 255,
    pattern: "^[\\x21-\\x7e]+$",
    description: "Any unique string (1–255 visible ASCII characters), e.g. a UUID. Retrying with the same key and body replays the first answer for 24 h.",
  });

/** Headers of single-record writes. */
export const IfMatchHeaders = z.object({
  "if-match": ifMatchHeader("Required: the ETag from your last read. Missing -> 428, stale -> 412."),
});

export const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: Problem } },
});

/** The problems every /v1 route declares: invalid input (400), an Accept that allows no JSON (406), the database down (503). */
export const commonProblems = {
  400: problemResponse("The request is not valid: `errors` names each field and rule."),
  406: problemResponse("The Accept header allows no JSON."),
  503: problemResponse("The database is unavailable; retry after the Retry-After delay."),
};

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** The years a record can be filed under (an activity's `year`, a report's). */
export const YEAR_MIN = 1900;
export const YEAR_MAX = 2200;

const yearRange = (schema: z.ZodNumber) =>
  schema
    .int("must be a year such as 2013")
    .min(YEAR_MIN, `must be a year from ${YEAR_MIN} to ${YEAR_MAX}`)
    .max(YEAR_MAX, `must be a year from ${YEAR_MIN} to ${YEAR_MAX}`)
    .meta({ format: "int32" });

/** A year in a JSON body: a number, as JSON has them ("2013" as a string is rejected). */
export const Year = yearRange(z.number({ error: "must be a year such as 2013" }));

/**
 * A year in a query string or path, where every value arrives as text: digits only, so that `0x7dd`, `2013.0`
 * or `2e3` are refused rather than read as a number.
 */
export const YearQuery = z.preprocess(
  (value) => (typeof value === "string" && /^\d{1,4}$/.test(value) ? Number(value) : value),
  yearRange(z.number({ error: "must be a year such as 2013" })),
);

/** `?include=a,b`: embed the named relations; each name must be one of `allowed`. */
export const includeQuery = <N extends string>(allowed: readonly [N, ...N[]]) =>
  z
    .string()
    .max(200, "must be at most 200 characters")
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return [] as N[];
      const names = [...new Set(value.split(",").map((name) => name.trim()).filter(Boolean))];
      const unknown = names.filter((name) => !allowed.includes(name as N));
      if (unknown.length > 0) {
        ctx.addIssue({ code: "custom", message: `cannot include ${unknown.join(", ")}; choose from ${allowed.join(", ")}` });
        return z.NEVER;
      }
      return names as N[];
    })
    .meta({ description: `Comma-separated relations to embed: ${allowed.join(", ")}.` });
