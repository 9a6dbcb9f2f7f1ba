import pg from "pg";
import { v7 as uuidv7 } from "uuid";
import { Prisma } from "../generated/prisma/client.ts";
import { orderSql, whereSql } from "./sql-where.ts";

/**
 * The record service's plain reads (a row by its filters, a page of rows, a count: no `include`) straight through
 * node-postgres, on PostgreSQL. The rows are the ones Prisma returns — the same fields (camelCase, from the
 * snake_case columns), the same values (Date for dates and instants, Prisma.Decimal for numeric, BigInt for int8) —
 * so every mapper reads them unchanged; test/db/sql-models.test.ts compares the two for every record type.
 *
 * Also the plain writes (create, update) of a record type that writes only its own row, each one transaction with
 * its audit event (lib/record-service.ts decides which).
 *
 * Why: a profile of GET /v1/coordinators/{id} put Prisma's client and query compiler at about a quarter of the
 * server's CPU, a page of 25 rows spent more in Prisma's result mapping than in PostgreSQL, and Prisma's interactive
 * transaction was 40 % of a POST (bench/RESULTS.md). `include=`, any filter this subset cannot write
 * (src/db/sql-where.ts), other writes and every transaction of more than one row still go through Prisma, which stays
 * the one place that knows the schema: table and column names are read from the database, and a model whose table
 * is not found keeps using Prisma.
 */

export type SqlReadArgs = { where?: object; orderBy?: ReadonlyArray<Record<string, unknown>>; take?: number; select?: { id: true } };
export type SqlModel = {
  /** undefined: this `where` or `orderBy` needs Prisma. */
  findMany(args: SqlReadArgs): Promise<object[]> | undefined;
  findFirst(args: SqlReadArgs): Promise<object | null> | undefined;
  count(args: { where?: object }): Promise<number> | undefined;
  /**
   * INSERT of `data` (values by field; id, createdAt and updatedAt made here as Prisma would) and, in the same
   * transaction, of the audit event `audit` describes from the new row. undefined: `data` holds what is not a column.
   */
  create(data: Record<string, unknown>, audit: AuditOf): Promise<object> | undefined;
  /** UPDATE of the row at `version` with `data`, version + 1, and its audit event; null when the version has moved. */
  update(id: string, version: number, data: Record<string, unknown>, audit: AuditOf): Promise<object | null> | undefined;
};
/** The audit event of a write (values by field of the AuditEvent model), from the row as written. */
export type AuditOf = (row: { id: string; version: number }) => Record<string, unknown>;
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

/** The plain reads and writes of one table: its columns by field, rows named by field. */
function tableModel(pool: pg.Pool, table: string, described: Column[], auditTable: () => Promise<SqlModel | undefined>, idleLimitMs: number): SqlModel {
  const columns = described.map((column) => column.name);
  const byField = new Map(columns.map((column) => [camel(column), quote(column)]));
  const json = new Set(described.filter((column) => column.json).map((column) => camel(column.name)));
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

  /** `data`'s columns and values, or undefined when a member is not a column (a nested write, `{ increment: 1 }`). */
  function columnsOf(data: Record<string, unknown>) {
    const names: string[] = [];
    const values: unknown[] = [];
    for (const [field, value] of Object.entries(data)) {
      if (value === undefined) continue;
      const column = columnOf(field);
      if (!column) return undefined;
      names.push(column);
      if (json.has(field)) values.push(JSON.stringify(value));
      else if (typeof value === "object" && value !== null && !(value instanceof Date) && !Array.isArray(value) && !(value instanceof Prisma.Decimal)) return undefined;
      else if (value instanceof Prisma.Decimal) values.push(value.toString());
      else values.push(value instanceof Date ? value.toISOString() : value);
    }
    return { names, values };
  }

  /** One transaction on one connection: the write, then its audit event. */
  async function inTransaction(write: pg.QueryConfig, audit: AuditOf) {
    const events = await auditTable();
    if (!events) throw new Error("audit_events not found");
    const client = await pool.connect();
    // The pool listens for a connection's errors only while it is idle: one that breaks while held here (the server
    // went away) would be an unhandled 'error' event, which ends the process. It is noted, and the connection dropped.
    let broken: Error | undefined;
    const onError = (error: Error) => void (broken ??= error);
    client.on("error", onError);
    try {
      // As Prisma's transactions are time-limited: a transaction left idle (a stalled process) is ended by the server,
      // so it never holds its rows, or the change feed (which waits for every older transaction), for long.
      await client.query(`BEGIN; SET LOCAL idle_in_transaction_session_timeout = ${idleLimitMs}`);
      const row = (await client.query({ ...write, types })).rows[0] as { id: string; version: number } | undefined;
      if (row) await (events as TableModel).insert(client, audit(row));
      await client.query("COMMIT");
      return row ?? null;
    } catch (error) {
      await client.query("ROLLBACK").catch((failed: Error) => void (broken ??= failed));
      throw error;
    } finally {
      client.removeListener("error", onError);
      client.release(broken);
    }
  }

  const model: TableModel = {
    findMany: (args) => query(args, args.take),
    findFirst: (args) => query(args, 1)?.then((rows) => rows[0] ?? null),
    count(args) {
      const values: unknown[] = [];
      const where = whereSql(args.where, columnOf, values);
      if (where === undefined) return undefined;
      return pool.query({ text: `SELECT count(*)::int AS n${from} WHERE ${where}`, values }).then((result) => (result.rows[0] as { n: number }).n);
    },
    create(data, audit) {
      const now = new Date();
      const set = columnsOf({ id: uuidv7(), ...data, createdAt: now, updatedAt: now });
      if (!set) return undefined;
      const placeholders = set.values.map((_, i) => `$${i + 1}`).join(", ");
      const text = `INSERT INTO ${quote(table)} (${set.names.join(", ")}) VALUES (${placeholders}) RETURNING ${selectList}`;
      return inTransaction({ text, values: set.values }, audit) as Promise<object>;
    },
    update(id, version, data, audit) {
      const set = columnsOf({ ...data, updatedAt: new Date() });
      if (!set) return undefined;
      const assignments = set.names.map((name, i) => `${name} = $${i + 3}`).join(", ");
      const text = `UPDATE ${quote(table)} SET ${assignments}, "version" = "version" + 1 WHERE "id" = $1 AND "version" = $2 RETURNING ${selectList}`;
      return inTransaction({ text, values: [id, version, ...set.values] }, audit);
    },
    async insert(client, data) {
      const set = columnsOf({ id: uuidv7(), ...data });
      if (!set) throw new Error(`${table}: not a row of columns`);
      const placeholders = set.values.map((_, i) => `$${i + 1}`).join(", ");
      await client.query(`INSERT INTO ${quote(table)} (${set.names.join(", ")}) VALUES (${placeholders})`, set.values);
    },
  };
  return model;
}

type TableModel = SqlModel & { insert(client: pg.PoolClient, data: Record<string, unknown>): Promise<void> };

/**
 * The plain models of a PostgreSQL database, each made on first use (after migrations have made the tables).
 * `idleLimitMs`: how long a write transaction may sit idle before the server ends it (the app's transaction timeout).
 */
export function sqlModels(pool: pg.Pool, idleLimitMs = 5000): SqlModels {
  const made = new Map<string, Promise<SqlModel | undefined>>();
  const models: SqlModels = {
    model(name) {
      let model = made.get(name);
      if (!model) {
        const table = tableOf(name);
        model = pool
          .query<Column>(
            `SELECT column_name AS name, data_type IN ('json', 'jsonb') AS json FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
            [table],
          )
          .then(({ rows }) => (rows.length === 0 ? undefined : tableModel(pool, table, rows, () => models.model("AuditEvent"), Math.max(1, Math.trunc(idleLimitMs)))));
        // A failed lookup (the database was down) is tried again next time.
        model.catch(() => made.delete(name));
        made.set(name, model);
      }
      return model;
    },
  };
  return models;
}

type Column = { name: string; json: boolean };

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
