import type { FastifyRequest } from "fastify";
import { ApiError } from "./problem.ts";
import { problemText } from "./messages/problems.ts";

/**
 * Keyset (cursor) pagination over any sort order. The cursor carries the sort order and the sort values of
 * the last row served, so the next page is "rows after that one" — an index range scan, as cheap deep in a
 * million rows as on the first page, with no duplicates or gaps when rows are inserted meanwhile.
 */

/** `number`: an Int column (PostgreSQL integer), so a cursor's number must be an integer it can hold. */
export type SortFieldType = "string" | "number" | "date" | "datetime";
const INT4_MAX = 2_147_483_647;
export type SortableFields = Record<string, { type: SortFieldType; nullable?: boolean }>;
export type SortTerm<F extends string = string> = { field: F; direction: "asc" | "desc" };

type CursorValue = string | number | null;
type Cursor = { s: string; v: CursorValue[] };

const sortKey = (sort: SortTerm[]) => sort.map((term) => (term.direction === "desc" ? "-" : "") + term.field).join(",");

export function encodeCursor(sort: SortTerm[], values: CursorValue[]): string {
  return Buffer.from(JSON.stringify({ s: sortKey(sort), v: values } satisfies Cursor)).toString("base64url");
}

const damagedCursor = () =>
  new ApiError("invalid_cursor", problemText("cursorDamaged"), {
    errors: [{ path: "/cursor", message: "is not a valid cursor", location: "query" }],
  });

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A cursor is client input: each value must have its field's type (null only where the field is nullable), or a
 * tampered cursor would reach the database as a malformed query and come back as a 500.
 */
function isCursorValue(value: unknown, type: SortFieldType | "uuid", nullable: boolean): boolean {
  if (value === null) return nullable;
  switch (type) {
    case "uuid":
      return typeof value === "string" && UUID.test(value);
    case "number":
      // 0.5 or 1e308 against an integer column: Prisma answered with rows or a 500, PostgreSQL itself with a 400.
      return typeof value === "number" && Number.isInteger(value) && value >= -INT4_MAX - 1 && value <= INT4_MAX;
    case "date":
    case "datetime":
      // As encoded: Date#toISOString() of a date PostgreSQL can hold.
      return typeof value === "string" && ISO_INSTANT.test(value) && !Number.isNaN(new Date(value).getTime());
    default:
      return typeof value === "string" && !value.includes("\u0000");
  }
}

function decodeCursor(cursor: string, sort: SortTerm[]): CursorValue[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  const c = parsed as Partial<Cursor> | undefined;
  if (!c || typeof c !== "object" || !Array.isArray(c.v) || c.v.length !== sort.length + 1) throw damagedCursor();
  if (c.s !== sortKey(sort)) {
    throw new ApiError("invalid_cursor", problemText("cursorOtherSort", { sort: String(c.s) }), {
      errors: [{ path: "/cursor", message: "was issued for a different sort order", location: "query" }],
    });
  }
  return c.v as CursorValue[];
}

const toDbValue = (value: CursorValue, type: SortFieldType | "uuid") => {
  if (value === null) return null;
  if (type === "date" || type === "datetime") {
    return new Date(value as string);
  }
  return value;
};

const toCursorValue = (value: unknown): CursorValue => {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number" || typeof value === "string") return value;
  return String(value);
};

/**
 * Prisma `orderBy` and the `where` condition selecting rows after the cursor.
 * Nulls sort last ascending and first descending (PostgreSQL's default), and the condition follows suit.
 */
export function keyset(fields: SortableFields, sort: SortTerm[], cursor: string | undefined, idDirection: "asc" | "desc" = "asc") {
  const orderBy: Array<Record<string, unknown>> = sort.map(({ field, direction }) => ({
    [field]: fields[field]?.nullable ? { sort: direction, nulls: direction === "asc" ? "last" : "first" } : direction,
  }));
  orderBy.push({ id: idDirection });
  if (!cursor) return { orderBy, where: {} };

  const values = decodeCursor(cursor, sort);
  const terms = [...sort.map((term) => ({ ...term, type: fields[term.field]?.type ?? "string" })), { field: "id", direction: idDirection, type: "uuid" as const }];
  if (!terms.every((term, i) => isCursorValue(values[i], term.type, term.field !== "id" && Boolean(fields[term.field]?.nullable)))) throw damagedCursor();
  const or: Array<Record<string, unknown>> = [];
  terms.forEach((term, i) => {
    const equalBefore = terms.slice(0, i).map((previous, j) => ({ [previous.field]: toDbValue(values[j] ?? null, previous.type) }));
    const value = toDbValue(values[i] ?? null, term.type);
    const nullable = term.field !== "id" && fields[term.field]?.nullable;
    let after: Record<string, unknown> | undefined;
    if (term.direction === "asc") {
      if (value !== null) after = nullable ? { OR: [{ [term.field]: { gt: value } }, { [term.field]: null }] } : { [term.field]: { gt: value } };
    } else if (value === null) {
      after = { [term.field]: { not: null } };
    } else {
      after = { [term.field]: { lt: value } };
    }
    if (after) or.push({ AND: [...equalBefore, after] });
  });
  if (or.length === 0) return { orderBy, where: { id: { in: [] } } };
  return { orderBy, where: { AND: [...leadingBound(terms[0]!, values[0] ?? null, fields), { OR: or }] } };
}

/**
 * The row comparison `(sort, id) > ($1, $2)` that Prisma cannot write, made index-friendly. The OR-expanded form alone
 * gives PostgreSQL no range on the sort index: a page 1,000 pages deep scans and discards the 25,000 rows before it.
 * A redundant bound on the leading sort field (`sort >= $1` ascending, `<=` descending) becomes the index scan's
 * start (Index Cond), so the scan begins where the last page ended and the OR only drops the few rows that tie on
 * $1: every page costs what the first costs (test/lib/keyset-plans.test.ts checks the plans). Not for an ascending
 * nullable field (its NULLs come after every value) nor a NULL cursor value.
 */
function leadingBound(term: { field: string; direction: "asc" | "desc"; type: SortFieldType | "uuid" }, value: CursorValue, fields: SortableFields) {
  const nullable = term.field !== "id" && Boolean(fields[term.field]?.nullable);
  if (value === null || (nullable && term.direction === "asc")) return [];
  return [{ [term.field]: { [term.direction === "asc" ? "gte" : "lte"]: toDbValue(value, term.type) } }];
}

/** Runs one page of a keyset query: fetches limit+1 rows to learn whether there is a next page. */
export async function paginate<Row extends { id: string }>(options: {
  fields: SortableFields;
  sort: SortTerm[];
  limit: number;
  cursor: string | undefined;
  where: Record<string, unknown>;
  /** The direction of the `id` tiebreak (ascending unless a list runs newest first, like the audit log). */
  idDirection?: "asc" | "desc";
  findMany: (args: { where: Record<string, unknown>; orderBy: Array<Record<string, unknown>>; take: number }) => Promise<Row[]>;
}): Promise<{ rows: Row[]; nextCursor: string | null }> {
  const { orderBy, where } = keyset(options.fields, options.sort, options.cursor, options.idDirection);
  const rows = await options.findMany({ where: { AND: [options.where, where] }, orderBy, take: options.limit + 1 });
  if (rows.length <= options.limit) return { rows, nextCursor: null };
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1] as Row & Record<string, unknown>;
  const values = [...options.sort.map((term) => toCursorValue(last[term.field])), last.id];
  return { rows: page, nextCursor: encodeCursor(options.sort, values) };
}

declare module "fastify" {
  interface FastifyInstance {
    /** PUBLIC_BASE_URL (`https://api.example.com`, no trailing slash): absolute links start with it; unset: links are relative. */
    publicBaseUrl: string | undefined;
  }
}

/**
 * RFC 8288 `Link: <...>; rel="next"` pointing at the same list with the next cursor. Never built from the request's
 * Host header, which the client chooses (`Host: evil.example` would put a link to evil.example in our answer): the
 * configured public base URL, or a reference relative to this request (RFC 8288 §3.2 resolves it against the
 * request's URL).
 */
export function nextLink(request: FastifyRequest, nextCursor: string): string {
  const url = new URL(request.url, "http://base.invalid");
  url.searchParams.set("cursor", nextCursor);
  return `<${request.server.publicBaseUrl ?? ""}${url.pathname}${url.search}>; rel="next"`;
}
