import pg from "pg";
import { Prisma } from "../generated/prisma/client.ts";
import { orderSql, whereSql } from "./sql-where.ts";

/**
 * The record service's plain reads (a row by its filters, a page of rows, a count: no `include`) straight through
 * node-postgres, on PostgreSQL. The rows are the ones Prisma returns — the same fields (camelCase, from the
 * snake_case columns), the same values (Date for dates and instants, Prisma.Decimal for numeric, BigInt for int8) —
 * so every mapper reads them unchanged; test/db/sql-models.test.ts compares the two for every record type.
 *
 * Why: a profile of GET /v1/coordinators/{id} put Prisma's client and query compiler at about a quarter of the
 * server's CPU, and a page of 25 rows spends more in Prisma's result mapping than in PostgreSQL (bench/RESULTS.md).
 * Writes, `include=` and any filter this subset cannot write (src/db/sql-where.ts) still go through Prisma, which
 * stays the one place that knows the schema: table and column names are read from the database, and a model whose
 * table or columns are not found keeps using Prisma.
 */

export type SqlReadArgs = { where?: object; orderBy?: ReadonlyArray<Record<string, unknown>>; take?: number; select?: { id: true } };
export type SqlModel = {
  /** undefined: this `where` or `orderBy` needs Prisma. */
  findMany(args: SqlReadArgs): Promise<object[]> | undefined;
  findFirst(args: SqlReadArgs): Promise<object | null> | undefined;
  count(args: { where?: object }): Promise<number> | undefined;
};
export type SqlModels = { model(name: string): Promise<SqlModel | undefined> };

/** Values as Prisma gives them: a DATE is UTC midnight (node-postgres would use local time), numeric a Decimal, int8 a BigInt. */
const PARSERS: Record<number, (value: string) => unknown> = {
  1082: (value) => new Date(`${value}T00:00:00.000Z`),
  1700: (value) => new Prisma.Decimal(value),
  20: (value) => BigInt(value),
};
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => PARSERS[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const snake = (field: string) => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
const camel = (column: string) => column.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** Prisma model name -> table, as this schema names them: snake_case, plural ("MediaPartner" -> "media_partners"). */
const tableOf = (model: string) => `${snake(model.charAt(0).toLowerCase() + model.slice(1)).replace(/([^aeiou])y$/, "$1ie")}s`;

/** The reads of one table: its columns' fields, and rows renamed to them. */
function tableModel(pool: pg.Pool, table: string, columns: string[]): SqlModel {
  const byField = new Map(columns.map((column) => [camel(column), quote(column)]));
  const columnOf = (field: string) => byField.get(field);
  // The select list names each column by its field, so a row needs no renaming: `"short_name" AS "shortName"`.
  const selectList = columns.map((column) => (camel(column) === column ? quote(column) : `${quote(column)} AS ${quote(camel(column))}`)).join(", ");
  const from = ` FROM ${quote(table)}`;

  function query(args: SqlReadArgs, limit: number | undefined) {
    const values: unknown[] = [];
    const where = whereSql(args.where, columnOf, values);
    const order = orderSql(args.orderBy, columnOf);
    if (where === undefined || order === undefined) return undefined;
    const list = args.select ? '"id"' : selectList;
    const take = limit === undefined ? "" : ` LIMIT ${Math.max(0, Math.trunc(limit))}`;
    return pool.query({ text: `SELECT ${list}${from} WHERE ${where}${order}${take}`, values, types }).then((result) => result.rows as object[]);
  }

  return {
    findMany: (args) => query(args, args.take),
    findFirst: (args) => query(args, 1)?.then((rows) => rows[0] ?? null),
    count(args) {
      const values: unknown[] = [];
      const where = whereSql(args.where, columnOf, values);
      if (where === undefined) return undefined;
      return pool.query({ text: `SELECT count(*)::int AS n${from} WHERE ${where}`, values }).then((result) => (result.rows[0] as { n: number }).n);
    },
  };
}

/** The plain-read models of a PostgreSQL database, each made on first use (after migrations have made the tables). */
export function sqlModels(pool: pg.Pool): SqlModels {
  const made = new Map<string, Promise<SqlModel | undefined>>();
  return {
    model(name) {
      let model = made.get(name);
      if (!model) {
        const table = tableOf(name);
        model = pool
          .query<{ column_name: string }>(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            [table],
          )
          .then(({ rows }) => (rows.length === 0 ? undefined : tableModel(pool, table, rows.map((row) => row.column_name))));
        // A failed lookup (the database was down) is tried again next time.
        model.catch(() => made.delete(name));
        made.set(name, model);
      }
      return model;
    },
  };
}

type Delegate = {
  findFirst(args: { where: object; include?: object }): Promise<unknown>;
  findMany(args: { where: object; orderBy?: object[]; take?: number; include?: object; select?: { id: true } }): Promise<unknown[]>;
  count(args: { where: object }): Promise<number>;
};

/**
 * A Prisma model's reads, made through `sql` where they can be (no `include`, a `where` and `orderBy` that
 * src/db/sql-where.ts writes), else through the model itself. Only for reads outside a transaction: a transaction's
 * reads stay on its own connection.
 */
export function plainReads<D extends Delegate>(delegate: D, sql: SqlModels | undefined): Pick<D, "findFirst" | "findMany" | "count"> {
  const name = (delegate as { name?: unknown }).name;
  if (!sql || typeof name !== "string") return delegate;
  let model: SqlModel | undefined | null = null;
  const plain = async () => (model === null ? (model = await sql.model(name)) : model);
  return {
    findFirst: (async (args: Parameters<D["findFirst"]>[0]) =>
      (args.include ? undefined : (await plain())?.findFirst(args)) ?? delegate.findFirst(args)) as D["findFirst"],
    findMany: (async (args: Parameters<D["findMany"]>[0]) =>
      (args.include ? undefined : (await plain())?.findMany(args as SqlReadArgs)) ?? delegate.findMany(args)) as D["findMany"],
    count: (async (args: Parameters<D["count"]>[0]) => (await plain())?.count(args) ?? delegate.count(args)) as D["count"],
  };
}
