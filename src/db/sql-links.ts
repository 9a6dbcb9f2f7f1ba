import { isPlainObject, quote, tableOf, type DataModel, type ForeignKey } from "./sql-catalog.ts";
import { orderSql } from "./sql-where.ts";

/**
 * The `include` a plain read can load in its own statement: a one-to-many relation read as the list of one text
 * field of each related row, in an order, at most `take` of them — `{ meetings: { select: { id: true }, orderBy:
 * [{ date: "asc" }, { id: "asc" }], take: 10 } }`, an activity's meeting ids. Each such relation is a correlated
 * `ARRAY(SELECT ...)` in the select list, which PostgreSQL evaluates for the rows of the page only (after its LIMIT),
 * one index probe each: the page and its links in one round trip, where Prisma sends a query per relation and maps
 * each result. Anything else (a to-one relation, whole related rows, a filter on them, `take` with no order) answers
 * undefined, and the read goes to Prisma.
 */

/** A one-to-many relation: the related table, its column that points at the parent's id, and its columns by field. */
export type Link = { table: string; key: string; columns: ReadonlyMap<string, { quoted: string; type: string }> };

/** Column types whose text form is the value Prisma gives (not char(n): its cast to text drops the padding). */
const TEXT_TYPES = new Set(["uuid", "text", "varchar"]);

/** Select-list terms for `include` (each `, ARRAY(...) AS "relation"`) and the field each relation's values are of. */
export type LinksSql = { sql: string; fields: Array<[relation: string, field: string]> };

/** `include` as select-list terms over `parent` (the quoted table of the outer query), or undefined. */
export function linksSql(include: object, links: ReadonlyMap<string, Link>, parent: string): LinksSql | undefined {
  let sql = "";
  const fields: LinksSql["fields"] = [];
  for (const [relation, spec] of Object.entries(include)) {
    if (spec === undefined || spec === false) continue;
    const link = links.get(relation);
    if (!link || !isPlainObject(spec)) return undefined;
    const { select, orderBy, take, ...rest } = spec;
    if (Object.keys(rest).length > 0 || !isPlainObject(select)) return undefined;
    const selected = Object.keys(select);
    if (selected.length !== 1 || select[selected[0]!] !== true) return undefined;
    const field = selected[0]!;
    const column = link.columns.get(field);
    if (!column || !TEXT_TYPES.has(column.type)) return undefined;
    if (orderBy !== undefined && !isPlainObject(orderBy) && !Array.isArray(orderBy)) return undefined;
    const order = orderSql(orderBy === undefined ? undefined : [orderBy].flat(), (name) => link.columns.get(name)?.quoted);
    if (order === undefined) return undefined;
    if (take !== undefined && !(typeof take === "number" && Number.isInteger(take) && take >= 0)) return undefined;
    // Given no order, Prisma takes the first by the related model's primary key (its query orders by it).
    if (take !== undefined && order === "") return undefined;
    const limit = take === undefined ? "" : ` LIMIT ${take}`;
    // The value is named apart from every column: ORDER BY "id" would otherwise sort by the output `"id"::text`.
    sql += `, ARRAY(SELECT ${column.quoted}::text AS " value" FROM ${link.table} WHERE ${link.key} = ${parent}."id"${order}${limit}) AS ${quote(relation)}`;
    fields.push([relation, field]);
  }
  return { sql, fields };
}

/** Each relation's values as Prisma gives them: `["a", "b"]` -> `[{ id: "a" }, { id: "b" }]`. */
export function decodeLinks(rows: object[], fields: LinksSql["fields"]): object[] {
  for (const row of rows as Array<Record<string, unknown>>) {
    for (const [relation, field] of fields) row[relation] = (row[relation] as string[]).map((value) => ({ [field]: value }));
  }
  return rows;
}

/**
 * The one-to-many relations of `model` (stored in `table`) that a plain read can load: a relation field whose model's
 * table has exactly one foreign key to this table, not unique (a one-to-one, read as one record), and that this table
 * has none back to (which would leave it unclear which side the relation's key is on), and not to itself (a subquery
 * on the same table would hide the outer one).
 * Only the one relation between the two models: of two (one many-to-many, say, or on a key the catalog does not
 * read), the data model does not say which the foreign key is.
 */
export function linksOf(
  dataModel: DataModel | undefined,
  model: string,
  table: string,
  foreignKeys: readonly ForeignKey[],
  columnsOf: (table: string) => Link["columns"] | undefined,
): Map<string, Link> {
  const links = new Map<string, Link>();
  const fields = dataModel?.models[model]?.fields ?? [];
  const relations = (type: string) => fields.filter((field) => field.kind === "object" && field.type === type).length;
  for (const field of fields) {
    if (field.kind !== "object" || relations(field.type) !== 1) continue;
    const related = tableOf(field.type, dataModel);
    if (related === table) continue;
    const keys = foreignKeys.filter((key) => key.table === related && key.references === table);
    const back = foreignKeys.some((key) => key.table === table && key.references === related);
    const columns = columnsOf(related);
    if (keys.length !== 1 || keys[0]!.unique || back || !columns) continue;
    links.set(field.name, { table: quote(related), key: quote(keys[0]!.column), columns });
  }
  return links;
}

