import { randomFillSync } from "node:crypto";
import pg from "pg";
import { v7 as uuidv7 } from "uuid";
import { Prisma } from "../generated/prisma/client.ts";
import { dateOnlyFromDb } from "../lib/dates.ts";
import { columnsByField, quote, readCatalog, tableOf, type Catalog, type Column, type DataModel } from "./sql-catalog.ts";
import { decodeLinks, linksOf, linksSql, type Link } from "./sql-links.ts";
import { orderSql, whereSql } from "./sql-where.ts";

/**
 * The record service's plain reads (a row by its filters, a page of rows, a count; with its one-to-many links, such
 * as an activity's meeting ids, in the same statement: src/db/sql-links.ts) straight through node-postgres, on
 * PostgreSQL. The rows are the ones Prisma returns — the same fields (camelCase, from the snake_case columns), the
 * same values (Date for dates and instants, Prisma.Decimal for numeric, BigInt for int8) — so every mapper reads them
 * unchanged; test/db/sql-models.test.ts compares the two for every record type.
 *
 * Also the plain writes (create, update) of a record type that writes only its own row, each one statement with its
 * audit event (lib/record-service.ts decides which): one round trip, where a transaction of BEGIN, the write, the
 * audit INSERT and COMMIT took four (bench/RESULTS.md).
 *
 * Why: a profile of GET /v1/coordinators/{id} put Prisma's client and query compiler at about a quarter of the
 * server's CPU, a page of 25 rows spent more in Prisma's result mapping than in PostgreSQL, and Prisma's interactive
 * transaction was 40 % of a POST (bench/RESULTS.md). `include=` (related records in full), any filter this subset
 * cannot write (src/db/sql-where.ts), other writes and every transaction of more than one row still go through Prisma,
 * which stays the one place that knows the schema: table, column and foreign-key names are read from the database,
 * relations from Prisma's data model, and a model whose table is not found keeps using Prisma.
 */

/** `include`: only what src/db/sql-links.ts loads (a one-to-many relation's list of one field), else the read is Prisma's. */
export type SqlReadArgs = { where?: object; orderBy?: ReadonlyArray<Record<string, unknown>>; take?: number; select?: { id: true }; include?: object };
export type SqlModel = {
  /** undefined: this `where`, `orderBy` or `include` needs Prisma. */
  findMany(args: SqlReadArgs): Promise<object[]> | undefined;
  findFirst(args: SqlReadArgs): Promise<object | null> | undefined;
  count(args: { where?: object }): Promise<number> | undefined;
  /**
   * INSERT of `data` (values by field; id, version, createdAt and updatedAt made here as Prisma would) and of the
   * audit event `audit` describes from the new row, in one statement. undefined: the row as it will be stored cannot
   * be told from `data` (a member that is not a column, a JSON or numeric value, a column left to its default).
   */
  create(data: Record<string, unknown>, audit: AuditOf): Promise<object> | undefined;
  /**
   * UPDATE of `current` (the row as read) with `data`, at its version, version + 1, and its audit event, in one
   * statement; null when the version has moved. undefined as for create.
   */
  update(current: Row, data: Record<string, unknown>, audit: AuditOf): Promise<object | null> | undefined;
};
type Row = { id: string; version: number } & Record<string, unknown>;
/** The audit event of a write (values by field of the AuditEvent model), from the row as written. */
export type AuditOf = (row: Row) => Record<string, unknown>;
export type SqlModels = { model(name: string): Promise<SqlModel | undefined> };

/** Values as Prisma gives them: a DATE is UTC midnight (node-postgres would use local time), numeric a Decimal, int8 a BigInt. */
const PARSERS: Record<number, (value: string) => unknown> = {
  1082: (value) => new Date(`${value}T00:00:00.000Z`),
  1700: (value) => new Prisma.Decimal(value),
  20: (value) => BigInt(value),
};

/**
 * A new record's id: a UUIDv7 (time-ordered, so new rows land at the end of the primary key's index, not all over it).
 * Its random bytes come from a pool refilled 256 ids at a time: uuid's own source asks the kernel for 16 bytes per id
 * (a getrandom call, and WebCrypto's argument checks), which a profile of POST showed at 3 % of a create.
 */
const randomPool = new Uint8Array(16 * 256);
let randomUsed = randomPool.length;
// The millisecond and counter of the last id, as uuid's own v7() keeps them (RFC 9562, method 1), which it skips for
// given random bytes: without them, ids of one millisecond came in random order, not the order they were made.
let idMs = -Infinity;
let idSeq = 0;
function newId(): string {
  if (randomUsed === randomPool.length) {
    randomFillSync(randomPool);
    randomUsed = 0;
  }
  randomUsed += 16;
  const random = randomPool.subarray(randomUsed - 16, randomUsed);
  const now = Date.now();
  if (now > idMs) {
    idMs = now;
    idSeq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
  } else {
    idSeq = (idSeq + 1) | 0;
    if (idSeq === 0) idMs++;
  }
  return uuidv7({ random, msecs: idMs, seq: idSeq });
}

/**
 * The key of a `where` whose every member is field = a string or a number (its fields, then `limit`), whose statement
 * takes its values in member order; undefined for any other `where`.
 */
function equalitiesKey(where: object | undefined, limit: number | undefined): string | undefined {
  if (where === undefined) return undefined;
  let key = "";
  for (const field in where) {
    const value = (where as Record<string, unknown>)[field];
    if (typeof value !== "string" && typeof value !== "number") return undefined;
    key += `${field},`;
  }
  return key === "" ? undefined : `${key}${limit}`;
}

/** The plain reads and writes of one table: its columns by field, rows named by field. */
function tableModel(pool: pg.Pool, table: string, described: Column[], links: ReadonlyMap<string, Link>, auditTable: () => Promise<SqlModel | undefined>): SqlModel {
  // By field: the column, its quoted name, and its type's quoted name (a parameter's cast).
  const columns = columnsByField(described);
  const columnOf = (field: string) => columns.get(field)?.quoted;
  // The select list names each column by its field, so a row needs no renaming: `"short_name" AS "shortName"`.
  const selectList = [...columns]
    .map(([field, { name }]) => (field === name ? quote(name) : `${quote(name)} AS ${quote(field)}`))
    .join(", ");
  const quotedTable = quote(table);
  const from = ` FROM ${quotedTable}`;

  // The statement of a read whose `where` only says field = value (a record by its id, within its parent: every GET
  // of one record), by its fields and limit, made once: building it each time was 1 % of a GET by id.
  const statements = new Map<string, string>();

  function query(args: SqlReadArgs, limit: number | undefined) {
    const key = args.orderBy || args.select || args.include ? undefined : equalitiesKey(args.where, limit);
    const known = key === undefined ? undefined : statements.get(key);
    if (known !== undefined) return pool.query(known, Object.values(args.where!)).then((result) => result.rows as object[]);
    const linked = args.include && !args.select ? linksSql(args.include, links, quotedTable) : undefined;
    if (args.include && !linked) return undefined;
    const values: unknown[] = [];
    const where = whereSql(args.where, columnOf, values);
    const order = orderSql(args.orderBy, columnOf);
    if (where === undefined || order === undefined) return undefined;
    const list = args.select ? '"id"' : linked ? selectList + linked.sql : selectList;
    const take = limit === undefined ? "" : ` LIMIT ${Math.max(0, Math.trunc(limit))}`;
    const text = `SELECT ${list}${from} WHERE ${where}${order}${take}`;
    if (key !== undefined) statements.set(key, text);
    const rows = pool.query(text, values).then((result) => result.rows as object[]);
    return linked && linked.fields.length > 0 ? rows.then((found) => decodeLinks(found, linked.fields)) : rows;
  }

  /**
   * `data` as the columns and values of a write. With `stored`, also the values as they will read back; undefined
   * then when a member holds what the database may store otherwise than sent (JSON: jsonb orders keys; numeric:
   * its scale). Always undefined when a member is not a column (a nested write, `{ increment: 1 }`).
   */
  function columnsOf(data: Record<string, unknown>, stored?: Record<string, unknown>) {
    const names: string[] = [];
    const casts: string[] = [];
    const values: unknown[] = [];
    for (const field in data) {
      const value = data[field];
      if (value === undefined) continue;
      const column = columns.get(field);
      if (!column) return undefined;
      if (stored && (column.json || column.type === "numeric")) return undefined;
      names.push(column.quoted);
      casts.push(column.cast);
      if (column.json) {
        values.push(JSON.stringify(value));
        continue;
      }
      if (typeof value === "object" && value !== null && !(value instanceof Date) && !Array.isArray(value)) {
        if (!(value instanceof Prisma.Decimal)) return undefined;
        values.push(value.toString());
        continue;
      }
      // A DATE goes as its UTC calendar day, which the server stores whatever its time zone (a full instant would be
      // cast to a day in the session's zone).
      const sent = value instanceof Date ? (column.type === "date" ? dateOnlyFromDb(value) : value.toISOString()) : value;
      values.push(sent);
      if (stored) stored[field] = !(value instanceof Date) ? value : column.type === "date" ? PARSERS[1082]!(sent as string) : new Date(value.getTime());
    }
    return { names, casts, values };
  }

  /**
   * The write (INSERT or UPDATE, `$1`.. its values) and its audit event as one statement: a data-modifying CTE,
   * atomic without BEGIN and COMMIT, one round trip. The event is made in JavaScript from the row as it will be
   * stored — every column of it is written here with a value whose stored form is known (columnsOf) — and inserted
   * only when the write wrote a row (an UPDATE at a version that has moved writes none). That row is also the answer
   * (null: nothing written): the statement returns no columns, since reading a row back costs node-postgres as much
   * per column as the read before an update (its result-shape set-up runs per query; bench/RESULTS.md).
   */
  async function writeWithAudit(write: string, values: unknown[], row: Row, audit: AuditOf): Promise<object | null> {
    const events = (await auditTable()) as TableModel | undefined;
    if (!events) throw new Error("audit_events not found");
    const event = events.insertSelect(audit(row), "written", values.length);
    const text = `WITH written AS (${write} RETURNING 1), audited AS (${event.text}) SELECT FROM written`;
    const result = await pool.query(text, [...values, ...event.values]);
    return result.rowCount === 1 ? row : null;
  }

  const model: TableModel = {
    findMany: (args) => query(args, args.take),
    findFirst: (args) => query(args, 1)?.then((rows) => rows[0] ?? null),
    count(args) {
      const values: unknown[] = [];
      const where = whereSql(args.where, columnOf, values);
      if (where === undefined) return undefined;
      return pool.query(`SELECT count(*)::int AS n${from} WHERE ${where}`, values).then((result) => (result.rows[0] as { n: number }).n);
    },
    create(data, audit) {
      const now = new Date();
      const stored: Record<string, unknown> = {};
      const set = columnsOf({ ...data, id: newId(), version: 1, createdAt: now, updatedAt: now }, stored);
      // A column left out would get its default, which the audit event could not show.
      if (!set || set.names.length !== columns.size) return undefined;
      const placeholders = set.values.map((_, i) => `$${i + 1}`).join(", ");
      const write = `INSERT INTO ${quote(table)} (${set.names.join(", ")}) VALUES (${placeholders})`;
      return writeWithAudit(write, set.values, stored as Row, audit) as Promise<object>;
    },
    update(current, data, audit) {
      const stored: Record<string, unknown> = {};
      const set = columnsOf({ ...data, updatedAt: new Date() }, stored);
      if (!set) return undefined;
      const assignments = set.names.map((name, i) => `${name} = $${i + 3}`).join(", ");
      const write = `UPDATE ${quote(table)} SET ${assignments}, "version" = "version" + 1 WHERE "id" = $1 AND "version" = $2`;
      const row = { ...current, ...stored, version: current.version + 1 };
      return writeWithAudit(write, [current.id, current.version, ...set.values], row, audit);
    },
    insertSelect(data, from, after) {
      const set = columnsOf({ id: newId(), ...data });
      if (!set) throw new Error(`${table}: not a row of columns`);
      // In a SELECT list a parameter has no column to take its type from: each is cast to its column's type.
      const casts = set.casts.map((cast, i) => `$${after + i + 1}::${cast}`);
      return { text: `INSERT INTO ${quote(table)} (${set.names.join(", ")}) SELECT ${casts.join(", ")} FROM ${from}`, values: set.values };
    },
  };
  return model;
}

type TableModel = SqlModel & {
  /** `INSERT INTO <this table> (...) SELECT <data's values, from parameter after + 1> FROM <from>`, and its values. */
  insertSelect(data: Record<string, unknown>, from: string, after: number): { text: string; values: unknown[] };
};

/** The plain models of a PostgreSQL database, each made on first use (after migrations have made the tables). */
export function sqlModels(pool: pg.Pool, dataModel?: DataModel): SqlModels {
  // Every connection of the pool reads values as Prisma gives them (PARSERS). Prisma's own queries on the same pool
  // bring their own parsers with each query, which take precedence.
  pool.on("connect", (client) => {
    for (const [oid, parse] of Object.entries(PARSERS)) client.setTypeParser(Number(oid), "text", parse);
  });
  let catalog: Promise<Catalog> | undefined;
  const made = new Map<string, Promise<SqlModel | undefined>>();
  const models: SqlModels = {
    model(name) {
      let model = made.get(name);
      if (!model) {
        const table = tableOf(name, dataModel);
        catalog ??= readCatalog(pool);
        model = catalog.then(({ columns, foreignKeys }) => {
          const described = columns.get(table);
          // No such table (yet): the next model's lookup reads the catalog again, in case migrations have run since.
          if (!described) return void (catalog = undefined);
          const fieldsOf = (related: string) => {
            const list = columns.get(related);
            return list && columnsByField(list);
          };
          const links = linksOf(dataModel, name, table, foreignKeys, fieldsOf);
          return tableModel(pool, table, described, links, () => models.model("AuditEvent"));
        });
        // A failed lookup (the database was down) is tried again next time.
        model.catch(() => {
          made.delete(name);
          catalog = undefined;
        });
        made.set(name, model);
      }
      return model;
    },
  };
  return models;
}

type Delegate = {
  findFirst(args: { where: object; include?: object }): Promise<unknown>;
  findMany(args: { where: object; orderBy?: object[]; take?: number; include?: object; select?: { id: true } }): Promise<unknown[]>;
  count(args: { where: object }): Promise<number>;
};

/**
 * A Prisma model's reads, made through `sql` where they can be (an `include` that src/db/sql-links.ts writes or none,
 * a `where` and `orderBy` that src/db/sql-where.ts writes), else through the model itself. Only for reads outside a
 * transaction: a transaction's reads stay on its own connection.
 */
export function plainReads<D extends Delegate>(delegate: D, sql: SqlModels | undefined): Pick<D, "findFirst" | "findMany" | "count"> {
  const name = (delegate as { name?: unknown }).name;
  if (!sql || typeof name !== "string") return delegate;
  let model: SqlModel | undefined | null = null;
  const plain = async () => (model === null ? (model = await sql.model(name)) : model);
  return {
    findFirst: (async (args: Parameters<D["findFirst"]>[0]) => (await plain())?.findFirst(args) ?? delegate.findFirst(args)) as D["findFirst"],
    findMany: (async (args: Parameters<D["findMany"]>[0]) => (await plain())?.findMany(args as SqlReadArgs) ?? delegate.findMany(args)) as D["findMany"],
    count: (async (args: Parameters<D["count"]>[0]) => (await plain())?.count(args) ?? delegate.count(args)) as D["count"],
  };
}
