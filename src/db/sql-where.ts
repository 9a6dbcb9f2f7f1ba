/**
 * The subset of Prisma's `where` and `orderBy` that the record service's lists use, written as SQL over a table's
 * columns: equality and NULL, `in`, ranges (`gt`, `gte`, `lt`, `lte`), `not: null`, `contains` (LIKE, as Prisma
 * writes it), `equals` with `mode: "insensitive"` (ILIKE), and AND/OR of those. Anything else (a relation filter, an
 * operator not listed) answers `undefined`, and the caller asks Prisma instead: a filter is never half translated.
 */

type Params = unknown[];
/** field -> quoted column, for the fields of one table. */
export type ColumnsOf = (field: string) => string | undefined;

const OPERATORS: Record<string, string> = { gt: ">", gte: ">=", lt: "<", lte: "<=" };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** A value as node-postgres should send it: dates as UTC instants (never the process's local time). */
const param = (params: Params, value: unknown) => {
  params.push(value instanceof Date ? value.toISOString() : value);
  return `$${params.length}`;
};

function condition(column: string, test: unknown, params: Params): string | undefined {
  if (test === null) return `${column} IS NULL`;
  if (!isPlainObject(test)) {
    if (Array.isArray(test)) return undefined;
    return `${column} = ${param(params, test)}`;
  }
  const { mode, ...operators } = test;
  if (mode !== undefined && mode !== "insensitive") return undefined;
  const parts: string[] = [];
  for (const [operator, value] of Object.entries(operators)) {
    if (operator === "equals" && mode === "insensitive" && typeof value === "string") parts.push(`${column} ILIKE ${param(params, value)}`);
    else if (mode !== undefined) return undefined;
    else if (operator === "equals") parts.push(value === null ? `${column} IS NULL` : `${column} = ${param(params, value)}`);
    else if (operator === "not" && value === null) parts.push(`${column} IS NOT NULL`);
    else if (operator === "contains" && typeof value === "string") parts.push(`${column} LIKE ${param(params, `%${value}%`)}`);
    else if (operator === "in" && Array.isArray(value)) parts.push(value.length === 0 ? "FALSE" : `${column} = ANY(${param(params, value)})`);
    else if (operator in OPERATORS && value !== null && value !== undefined) parts.push(`${column} ${OPERATORS[operator]} ${param(params, value)}`);
    else return undefined;
  }
  return parts.length === 0 ? "TRUE" : parts.join(" AND ");
}

/** `where` as SQL (parameters appended to `params`), or undefined when it uses anything this subset lacks. */
export function whereSql(where: unknown, columnOf: ColumnsOf, params: Params): string | undefined {
  if (where === undefined) return "TRUE";
  if (!isPlainObject(where)) return undefined;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (key === "AND" || key === "OR") {
      const list = Array.isArray(value) ? value : [value];
      const inner: string[] = [];
      for (const item of list) {
        const sql = whereSql(item, columnOf, params);
        if (sql === undefined) return undefined;
        inner.push(`(${sql})`);
      }
      if (inner.length === 0) parts.push(key === "AND" ? "TRUE" : "FALSE");
      else parts.push(inner.join(key === "AND" ? " AND " : " OR "));
      continue;
    }
    if (value === undefined) continue;
    const column = columnOf(key);
    if (!column) return undefined;
    const sql = condition(column, value, params);
    if (sql === undefined) return undefined;
    parts.push(sql);
  }
  return parts.length === 0 ? "TRUE" : parts.map((part) => `(${part})`).join(" AND ");
}

/** `orderBy` (`[{ field: "asc" }, { field: { sort, nulls } }]`) as SQL, or undefined. */
export function orderSql(orderBy: ReadonlyArray<Record<string, unknown>> | undefined, columnOf: ColumnsOf): string | undefined {
  if (!orderBy || orderBy.length === 0) return "";
  const terms: string[] = [];
  for (const term of orderBy) {
    const entries = Object.entries(term);
    if (entries.length !== 1) return undefined;
    const [field, how] = entries[0]!;
    const column = columnOf(field);
    if (!column) return undefined;
    const { sort, nulls } = typeof how === "string" ? { sort: how, nulls: undefined } : ((how ?? {}) as { sort?: unknown; nulls?: unknown });
    if (sort !== "asc" && sort !== "desc") return undefined;
    if (nulls !== undefined && nulls !== "first" && nulls !== "last") return undefined;
    terms.push(`${column} ${sort.toUpperCase()}${nulls ? ` NULLS ${nulls.toUpperCase()}` : ""}`);
  }
  return ` ORDER BY ${terms.join(", ")}`;
}
