import type pg from "pg";

/**
 * What the plain reads and writes (src/db/sql-models.ts) know of the schema, read from the database itself (tables,
 * columns, foreign keys) and from Prisma's data model (which model a relation field points at, and each model's
 * table): nothing about the schema is written here twice.
 */

export const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const camel = (column: string) => column.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
const snake = (field: string) => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** A column: its name, its type's name in the catalog (udt_name: "text", "date", "timestamptz", "_text", an enum's name). */
export type Column = { name: string; type: string; json: boolean };

/**
 * A foreign key of one column, from `table.column` to `references."id"`; `unique` when a unique index holds that
 * column alone (Prisma's one-to-one: the other side's relation field is one record, not a list).
 */
export type ForeignKey = { table: string; column: string; references: string; unique: boolean };

/** The part of Prisma's runtime data model read here: each model's table, its relation fields and the model they point at. */
export type DataModel = {
  models: Record<string, { dbName?: string | null; fields: ReadonlyArray<{ name: string; kind: string; type: string }> }>;
};

export const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A Prisma client's data model, which its queries are compiled from; undefined if this version of Prisma keeps it
 * elsewhere, and every `include` then goes to Prisma. Prisma 7's generated client has no public DMMF; the client
 * declares this member in its types (runtime/client.d.ts).
 */
export function dataModelOf(client: object): DataModel | undefined {
  const model = (client as { _runtimeDataModel?: unknown })._runtimeDataModel;
  return isPlainObject(model) && isPlainObject(model.models) ? (model as DataModel) : undefined;
}

/**
 * A model's table: as the data model names it (`@@map`), else as this schema names tables: snake_case, plural
 * ("MediaPartner" -> "media_partners").
 */
export const tableOf = (model: string, dataModel?: DataModel) =>
  dataModel?.models[model]?.dbName ?? `${snake(model.charAt(0).toLowerCase() + model.slice(1)).replace(/([^aeiou])y$/, "$1ie")}s`;

/** A table's columns by field (camelCase of the column name), each with its quoted name and its type's quoted name. */
export const columnsByField = (columns: readonly Column[]) =>
  new Map(columns.map((column) => [camel(column.name), { ...column, quoted: quote(column.name), cast: quote(column.type) }]));

/** The tables' columns (by table, in order) and single-column foreign keys to an `id`, of the current schema. */
export type Catalog = { columns: Map<string, Column[]>; foreignKeys: ForeignKey[] };
export async function readCatalog(pool: pg.Pool): Promise<Catalog> {
  const [described, keys] = await Promise.all([
    pool.query<Column & { table: string }>(
      `SELECT table_name AS table, column_name AS name, udt_name AS type, data_type IN ('json', 'jsonb') AS json
       FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
    ),
    pool.query<ForeignKey>(
      `SELECT t.relname AS table, a.attname AS column, r.relname AS references,
         EXISTS (SELECT FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indisunique AND i.indnkeyatts = 1
           AND i.indkey[0] = c.conkey[1]) AS "unique"
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
       WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND ra.attname = 'id' AND r.relnamespace = t.relnamespace
         AND t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())`,
    ),
  ]);
  const columns = new Map<string, Column[]>();
  for (const { table, ...column } of described.rows) {
    const list = columns.get(table);
    if (list) list.push(column);
    else columns.set(table, [column]);
  }
  return { columns, foreignKeys: keys.rows };
}

