// Which relations a plain read loads in its own statement (src/db/sql-links.ts), from the schema it reads
// (src/db/sql-catalog.ts): only a one-to-many relation whose foreign key is beyond doubt, only an `include` it writes
// exactly as Prisma reads it; everything else goes to Prisma (undefined). test/db/sql-models.test.ts compares the
// activities' links with Prisma's; this file covers what the demo schema has no case of.
import pg from "pg";
import t from "tap";
import { openDatabase } from "../../src/db/database.ts";
import { seedDemoData } from "../../src/db/seed.ts";
import { readCatalog, type DataModel, type ForeignKey } from "../../src/db/sql-catalog.ts";
import { linksOf, linksSql, type Link } from "../../src/db/sql-links.ts";
import type { SqlModel } from "../../src/db/sql-models.ts";
import { ACTIVITY_LINKS } from "../../src/modules/activities/activities-mapper.ts";
import { createPostgresDatabase, usingPostgres } from "../helper.ts";

const relation = (name: string, type: string) => ({ name, kind: "object", type });
const key = (table: string, column: string, references: string, unique = false): ForeignKey => ({ table, column, references, unique });
const idColumns = () => new Map([["id", { quoted: '"id"', type: "uuid" }], ["parentId", { quoted: '"parent_id"', type: "uuid" }]]);

t.test("linksOf: a relation is loaded only when its one foreign key is beyond doubt", async (t) => {
  const model = (fields: ReturnType<typeof relation>[], dbName: string) => ({ dbName, fields: [{ name: "id", kind: "scalar", type: "String" }, ...fields] });
  const links = (fields: ReturnType<typeof relation>[], keys: ForeignKey[], child = "children") =>
    [...linksOf({ models: { Parent: model(fields, "parents"), Child: model([], child) } } as DataModel, "Parent", "parents", keys, () => idColumns()).keys()];

  t.strictSame(links([relation("children", "Child")], [key("children", "parent_id", "parents")]), ["children"], "one-to-many, one foreign key");
  t.strictSame(links([relation("children", "Child")], []), [], "no foreign key (many-to-many through a join table)");
  t.strictSame(links([relation("child", "Child")], [key("children", "parent_id", "parents", true)]), [], "one-to-one: the key is unique");
  t.strictSame(links([relation("children", "Child")], [key("children", "parent_id", "parents"), key("children", "other_id", "parents")]), [], "two foreign keys to the parent");
  t.strictSame(links([relation("children", "Child")], [key("children", "parent_id", "parents"), key("parents", "child_id", "children")]), [], "foreign keys both ways");
  t.strictSame(links([relation("children", "Parent"), relation("parent", "Parent")], [key("parents", "parent_id", "parents")], "parents"), [], "a self-relation");
  // Two relations to one model, one of them many-to-many (or on a key of two columns, or to a column other than id):
  // the one foreign key read is only one relation's, and which is not known.
  t.strictSame(links([relation("children", "Child"), relation("tagged", "Child")], [key("children", "parent_id", "parents")]), [], "two relations to one model");
});

t.test("linksSql: what it cannot write exactly as Prisma reads it goes to Prisma", async (t) => {
  const links = new Map<string, Link>([["children", { table: '"children"', key: '"parent_id"', columns: idColumns() }]]);
  t.ok(linksSql({ children: { select: { id: true }, orderBy: { id: "asc" }, take: 2 } }, links, '"parents"'), "ids, ordered, at most two");
  for (const children of [
    { select: { id: true }, orderBy: { id: "asc" }, take: -1 },
    { select: { id: true }, orderBy: { id: "asc" }, take: 1.5 },
    { select: { id: false } },
    { select: { id: true }, skip: 1 },
  ]) {
    t.equal(linksSql({ children }, links, '"parents"'), undefined, JSON.stringify(children));
  }
});

if (!usingPostgres) {
  t.pass("PostgreSQL only: on PGlite every read goes through Prisma");
} else {
  // A database of its own, first empty: what the plain models make of it before and after its migrations.
  const { url, drop } = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
  const db = await openDatabase({ kind: "postgres", url, poolSize: 3 });
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  t.teardown(async () => {
    await pool.end();
    await db.close();
    await drop();
  });
  const sql = db.sql!;

  t.test("a model looked up before the migrations: the catalog is read again after them", async (t) => {
    t.equal(await sql.model("Coordinator"), undefined, "no table yet");
    await db.migrate();
    const model = (await sql.model("Activity")) as SqlModel;
    t.ok(model, "found once the migrations have run");
    t.ok(model.findMany({ include: ACTIVITY_LINKS }), "with its links");
  });

  t.test("the catalog: single-column foreign keys to an id, of this schema only, and which are unique", async (t) => {
    await pool.query(`
      CREATE TABLE coded (id uuid PRIMARY KEY, code text UNIQUE);
      CREATE TABLE by_code (id uuid PRIMARY KEY, code text REFERENCES coded (code));
      CREATE TABLE profiles (id uuid PRIMARY KEY, coordinator_id uuid UNIQUE REFERENCES coordinators (id));
      CREATE SCHEMA elsewhere;
      CREATE TABLE elsewhere.activities (id uuid PRIMARY KEY);
      CREATE TABLE elsewhere.meetings (id uuid PRIMARY KEY, activity_id uuid REFERENCES elsewhere.activities (id));
      CREATE TABLE elsewhere.publications (id uuid PRIMARY KEY, activity_id uuid REFERENCES public.activities (id));
      CREATE TABLE notes (id uuid PRIMARY KEY, activity_id uuid REFERENCES elsewhere.activities (id));`);
    const { foreignKeys } = await readCatalog(pool);
    const keys = foreignKeys.map((key) => `${key.table}.${key.column} -> ${key.references}`);
    t.ok(keys.includes("meetings.activity_id -> activities"), "meetings.activity_id");
    const unique = (table: string) => foreignKeys.find((key) => key.table === table)?.unique;
    t.equal(unique("meetings"), false, "a key of many rows (one-to-many)");
    t.equal(unique("profiles"), true, "a unique key (one-to-one)");
    t.notOk(keys.includes("by_code.code -> coded"), "not one to a column other than id");
    t.equal(keys.filter((key) => key === "meetings.activity_id -> activities").length, 1, "not one of another schema's table");
    t.equal(keys.filter((key) => key === "publications.activity_id -> activities").length, 0, "not one from another schema's table");
    t.notOk(keys.includes("notes.activity_id -> activities"), "not one to another schema's table of the same name");
  });

  t.test("a relation's own order, NULLs included: the ids Prisma gives", async (t) => {
    await seedDemoData(db.prisma);
    const model = (await sql.model("Activity")) as SqlModel;
    const [activity] = await db.prisma.activity.findMany({ orderBy: { id: "asc" }, take: 1 });
    const template = (await db.prisma.meeting.findFirstOrThrow({ omit: { id: true, activityId: true, version: true, createdAt: true, updatedAt: true } }));
    // Series names with NULLs among them, some dates equal (the order's next term decides).
    for (const [i, seriesName] of ["b", null, "a", null, "c"].entries()) {
      await db.prisma.meeting.create({ data: { ...template, activityId: activity!.id, seriesName, title: `order ${i}`, date: new Date(Date.UTC(2031, 0, 1 + (i % 2))) } });
    }
    const where = { id: activity!.id };
    for (const meetings of [
      { select: { seriesName: true }, orderBy: [{ seriesName: "asc" }, { id: "asc" }] },
      { select: { seriesName: true }, orderBy: [{ seriesName: "desc" }, { id: "asc" }] },
      { select: { seriesName: true }, orderBy: [{ seriesName: { sort: "asc", nulls: "first" } }, { id: "asc" }] },
      { select: { seriesName: true }, orderBy: [{ seriesName: { sort: "desc", nulls: "last" } }, { id: "asc" }] },
      { select: { id: true }, orderBy: [{ date: "desc" }, { seriesName: { sort: "asc", nulls: "first" } }, { id: "desc" }], take: 3 },
      { select: { id: true }, orderBy: [{ seriesName: "asc" }, { id: "asc" }], take: 0 },
    ]) {
      const args = { where, include: { meetings } };
      const plain = model.findMany(args);
      t.ok(plain, `read without Prisma: ${JSON.stringify(meetings)}`);
      t.strictSame(await plain, await db.prisma.activity.findMany(args as never), JSON.stringify(meetings));
    }
  });

  t.test("take with no order: Prisma takes the first by primary key, whatever order the rows were written in", async (t) => {
    const model = (await sql.model("Activity")) as SqlModel;
    const [activity] = await db.prisma.activity.findMany({ orderBy: { id: "desc" }, take: 1 });
    const { id: mediaPartnerId } = await db.prisma.mediaPartner.findFirstOrThrow();
    // The lowest id written last: first neither in the table nor in its index on activity_id.
    for (const id of [undefined, "00000000-0000-7000-8000-000000000001"]) {
      await db.prisma.mediaPublication.create({ data: { id, mediaPartnerId, activityId: activity!.id, title: "taken" } });
    }
    for (const publications of [{ select: { id: true }, take: 1 }, { select: { id: true }, orderBy: [], take: 1 }]) {
      const args = { where: { id: activity!.id }, include: { publications } };
      const expected = await db.prisma.activity.findMany(args as never);
      t.strictSame(await (model.findMany(args) ?? expected), expected, JSON.stringify(publications));
    }
  });
}
