// The plain reads that bypass Prisma on PostgreSQL (src/db/sql-models.ts) return exactly the rows Prisma returns, for
// every record type, so that every mapper reads them unchanged: the same fields, and values of the same types (dates
// at UTC midnight, instants, numeric as Prisma.Decimal, arrays, JSON, enums). And the filters it writes as SQL select
// what Prisma's select; what it cannot write goes to Prisma (undefined), never half translated.
import t from "tap";

// West of UTC, where a DATE read as local midnight would be the previous day in UTC (Node applies TZ when it changes).
process.env.TZ = "America/Sao_Paulo";
import { seedDemoData } from "../../src/db/seed.ts";
import { plainReads, type SqlModel } from "../../src/db/sql-models.ts";
import { writesOnlyItsRow } from "../../src/lib/record-service.ts";
import { RESOURCES } from "../../src/modules/resources.ts";
import { collectionOf, parentOf, RECORD_TYPES } from "../fixtures/record-types.ts";
import { testApp, usingPostgres } from "../helper.ts";

if (!usingPostgres) {
  t.pass("PostgreSQL only: on PGlite every read goes through Prisma");
} else {
  const { app, db } = await testApp(t);
  await seedDemoData(db.prisma);
  // Two records of every type written through the API (the demo data has no memberships or participants, say).
  for (const row of RECORD_TYPES) {
    const make = await row.prepare(app, db);
    const parentId = parentOf(row.definition) ? await row.parent!(app) : undefined;
    for (const n of [1, 2]) {
      const res = await app.inject({ method: "POST", url: collectionOf(row.definition, parentId), payload: await make.body(n) });
      if (res.statusCode !== 201) throw new Error(`${row.definition.key}: ${res.statusCode} ${res.body}`);
    }
  }
  const sql = db.sql!;
  type Delegate = { name: string; findMany(args: object): Promise<Array<Record<string, unknown>>>; count(args: object): Promise<number> };

  for (const definition of RESOURCES) {
    const delegate = definition.model(db.prisma) as unknown as Delegate;
    t.test(`${definition.key}: the same rows as Prisma`, async (t) => {
      const model = (await sql.model(delegate.name)) as SqlModel;
      t.ok(model, `the table of ${delegate.name} is found`);
      const orderBy = [{ id: "asc" }];
      const expected = await delegate.findMany({ orderBy });
      const rows = (await model.findMany({ orderBy })) as Array<Record<string, unknown>>;
      t.ok(expected.length >= 2, "rows to compare");
      t.same(rows.length, expected.length, "as many rows");
      rows.forEach((row, i) => t.strictSame(row, expected[i], `row ${i}`));
      t.equal(await model.count({}), expected.length, "count");
    });
  }

  t.test("a record by its fields (made once, then reused): each read gets its own row, and a wrong parent none", async (t) => {
    const memberships = RESOURCES.find((definition) => definition.parent !== undefined)!;
    const delegate = memberships.model(db.prisma) as unknown as Delegate & { findFirst(args: object): Promise<unknown> };
    const model = (await sql.model(delegate.name)) as SqlModel;
    const rows = await delegate.findMany({ orderBy: [{ id: "asc" }], take: 2 });
    t.equal(rows.length, 2, "two rows to read");
    const parentKey = memberships.parent!.key;
    for (const row of [...rows, ...rows]) {
      t.strictSame(await model.findFirst({ where: { id: row.id } }), row, `by id ${row.id}`);
      t.strictSame(await model.findFirst({ where: { id: row.id, [parentKey]: row[parentKey] } }), row, "by id within its parent");
    }
    t.equal(await model.findFirst({ where: { id: rows[0]!.id, [parentKey]: "00000000-0000-0000-0000-000000000000" } }), null, "not within another parent");
    t.strictSame(await model.findFirst({ where: { [parentKey]: rows[0]![parentKey], id: rows[0]!.id } }), rows[0], "the same fields in another order");
  });

  t.test("a statement made once is reused only for the same fields and limit, never across null, lists or select", async (t) => {
    const memberships = RESOURCES.find((definition) => definition.parent !== undefined)!;
    const delegate = memberships.model(db.prisma) as unknown as Delegate;
    const model = (await sql.model(delegate.name)) as SqlModel;
    const parentKey = memberships.parent!.key;
    const [first] = await delegate.findMany({ orderBy: [{ id: "asc" }], take: 1 });
    const where = { [parentKey]: first![parentKey] };
    const all = await delegate.findMany({ where, orderBy: [{ id: "asc" }] });
    t.ok(all.length >= 2, "a parent with two records");
    const sorted = (rows: object[]) => [...(rows as Array<Record<string, unknown>>)].sort((a, b) => String(a.id).localeCompare(String(b.id)));
    // One row, then every row, then two, then one again: the limit is part of what is reused.
    t.equal((await model.findFirst({ where }) as Record<string, unknown> | null)?.[parentKey], first![parentKey], "findFirst: one row");
    t.strictSame(sorted((await model.findMany({ where }))!), all, "findMany without take: every row, not the first's LIMIT 1");
    t.equal((await model.findMany({ where, take: 2 }))!.length, 2, "take 2: two rows");
    t.strictSame(sorted((await model.findMany({ where }))!), all, "and every row again");
    // select: ids only, whatever was made for the same where before.
    t.strictSame(((await model.findMany({ where, select: { id: true } }))! as Array<{ id: string }>).map((row) => Object.keys(row)), all.map(() => ["id"]));
    // The same field, equal to a value, then to null (IS NULL, no placeholder), then to a value again.
    const nullable = ["notes", "description", "shortName"].find((field) => first![field] === null);
    t.ok(nullable, "a text field left empty");
    if (nullable) {
      const byId = { id: first!.id };
      t.strictSame(await model.findFirst({ where: { ...byId, [nullable]: null } }), first, `${nullable} IS NULL`);
      t.equal(await model.findFirst({ where: { ...byId, [nullable]: "not this" } }), null, `${nullable} = a value`);
      t.strictSame(await model.findFirst({ where: { ...byId, [nullable]: null } }), first, `${nullable} IS NULL again`);
    }
  });

  t.test("filters: the SQL selects what Prisma selects", async (t) => {
    const organizations = RESOURCES.find((definition) => definition.key === "organizations")!;
    const delegate = organizations.model(db.prisma) as unknown as Delegate;
    const model = (await sql.model(delegate.name)) as SqlModel;
    const all = await delegate.findMany({ orderBy: [{ name: "asc" }, { id: "asc" }] });
    const some = all.slice(0, 3);
    const wheres: object[] = [
      { city: { equals: String(some[0]!.city ?? "x").toUpperCase(), mode: "insensitive" } },
      { searchText: { contains: "a" } },
      { id: { in: some.map((row) => row.id) } },
      { id: { in: [] } },
      { krs: null },
      { krs: { not: null } },
      { AND: [{ name: { gte: String(some[1]!.name) } }, { OR: [{ city: null }, { createdAt: { lt: new Date() } }] }] },
      { name: { gt: String(some[0]!.name) }, kind: some[0]!.kind },
    ];
    for (const where of wheres) {
      const orderBy = [{ name: "desc" }, { id: "desc" }];
      const expected = await delegate.findMany({ where, orderBy, take: 10 });
      t.strictSame(await model.findMany({ where, orderBy, take: 10 }), expected, JSON.stringify(where));
      t.equal(await model.count({ where }), await delegate.count({ where }), `count ${JSON.stringify(where)}`);
    }
    t.equal(model.findMany({ where: { memberships: { some: {} } } }), undefined, "a relation filter goes to Prisma");
    t.equal(model.findMany({ where: { name: { startsWith: "A" } } }), undefined, "an operator outside the subset goes to Prisma");
    t.equal(model.findMany({ where: { name: { equals: "a", mode: "default" } } }), undefined, "a mode other than insensitive goes to Prisma");
    const reads = plainReads(delegate as never, sql) as unknown as Delegate;
    t.strictSame(await reads.findMany({ where: { memberships: { some: {} } }, orderBy: [{ id: "asc" }] }),
      await delegate.findMany({ where: { memberships: { some: {} } }, orderBy: [{ id: "asc" }] }), "plainReads falls back to Prisma");
  });

  t.test("links (a one-to-many relation's ids) in the same statement: the rows Prisma gives, in its order and number", async (t) => {
    const activities = RESOURCES.find((definition) => definition.key === "activities")!;
    const delegate = activities.model(db.prisma) as unknown as Delegate & { findFirst(args: object): Promise<unknown> };
    const model = (await sql.model(delegate.name)) as SqlModel;
    const include = activities.rowInclude as Record<string, { take?: number }>;
    const orderBy = [{ year: "asc" }, { id: "asc" }];
    // The demo data's publications name no activity: two of them now name the first.
    const [first] = await delegate.findMany({ orderBy, take: 1 });
    const publications = await db.prisma.mediaPublication.findMany({ take: 2, orderBy: { id: "asc" } });
    t.equal(publications.length, 2, "two publications to link");
    await db.prisma.mediaPublication.updateMany({ where: { id: { in: publications.map((row) => row.id) } }, data: { activityId: String(first!.id) } });
    const expected = await delegate.findMany({ orderBy, include });
    t.ok(expected.some((row) => (row.meetings as unknown[]).length > 1), "an activity with two meetings or more");
    for (const relation of ["mediaPartners", "meetings", "grantApplications", "publications"]) {
      t.ok(expected.some((row) => (row[relation] as unknown[]).length > 0), `an activity with ${relation}`);
    }
    const plain = model.findMany({ orderBy, include });
    t.ok(plain, "read without Prisma");
    t.strictSame(await plain, expected, "every activity with its links");
    // A page, by id: the same statement shape the API's list and GET use.
    const where = { id: { in: expected.slice(0, 3).map((row) => row.id) } };
    t.strictSame(await model.findMany({ where, orderBy, take: 2, include }), await delegate.findMany({ where, orderBy, take: 2, include }), "a page");
    t.strictSame(await model.findFirst({ where: { id: expected[0]!.id }, include }), await delegate.findFirst({ where: { id: expected[0]!.id }, include }), "by id");
    // take and orderBy are the relation's: the first of two meetings by date, then the last by date descending.
    const busy = expected.find((row) => (row.meetings as unknown[]).length > 1)!;
    for (const meetings of [{ select: { id: true }, orderBy: [{ date: "asc" }, { id: "asc" }], take: 1 }, { select: { id: true }, orderBy: { date: "desc" }, take: 1 }, { select: { id: true } }]) {
      const args = { where: { id: busy.id }, include: { meetings } };
      const rows = (await model.findMany(args)) as Array<Record<string, unknown>>;
      const [row] = await delegate.findMany(args);
      t.strictSame(rows[0]!.meetings, row!.meetings, `meetings ${JSON.stringify(meetings)}`);
    }
    // What it cannot write goes to Prisma: related rows in full, a to-one relation, a filter, a field that is not text.
    for (const other of [
      { meetings: true },
      { coordinator: true },
      { meetings: { select: { id: true }, where: { status: "held" } } },
      { meetings: { select: { sequenceNumber: true } } },
      { meetings: { select: { id: true, title: true } } },
      { nothing: { select: { id: true } } },
    ]) {
      t.equal(model.findMany({ include: other }), undefined, `include ${JSON.stringify(other)} goes to Prisma`);
    }
    const reads = plainReads(delegate as never, sql) as unknown as Delegate;
    t.strictSame(await reads.findMany({ where, orderBy, include: { coordinator: true } }), await delegate.findMany({ where, orderBy, include: { coordinator: true } }), "plainReads falls back to Prisma");
  });

  t.test("plain writes: the row and its audit event in one transaction", async (t) => {
    const plain = RESOURCES.filter(writesOnlyItsRow).map((definition) => definition.key);
    t.ok(plain.includes("coordinators") && plain.includes("organizations"), `written straight through node-postgres: ${plain.join(", ")}`);
    const count = async () => db.prisma.coordinator.count();
    const before = await count();
    const created = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: "Koordynator Zwykły Sp. z o.o." } });
    t.equal(created.statusCode, 201);
    const { id } = created.json() as { id: string };
    const events = await db.prisma.auditEvent.findMany({ where: { resourceId: id } });
    t.equal(events.length, 1, "one audit event");
    t.match(events[0], { action: "create", resourceType: "coordinators", version: 1, data: { id, name: "Koordynator Zwykły Sp. z o.o." } });
    t.match(events[0]!.changes, { name: { before: null, after: "Koordynator Zwykły Sp. z o.o." } });

    // An audit insert that fails (here: a statement timeout) takes the write with it.
    await db.prisma.$executeRawUnsafe(`CREATE FUNCTION fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit refused' USING ERRCODE = '57014'; END $$`);
    await db.prisma.$executeRawUnsafe("CREATE TRIGGER fail_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION fail_audit()");
    t.teardown(async () => {
      await db.prisma.$executeRawUnsafe("DROP TRIGGER IF EXISTS fail_audit ON audit_events");
      await db.prisma.$executeRawUnsafe("DROP FUNCTION IF EXISTS fail_audit()");
    });
    const refused = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: "Koordynator Bez Śladu Sp. z o.o." } });
    t.equal(refused.statusCode, 503, "the database's refusal is a 503");
    t.equal(await count(), before + 1, "no coordinator without its audit event");
    const patched = await app.inject({ method: "PATCH", url: `/v1/coordinators/${id}`, headers: { "if-match": created.headers.etag as string, "content-type": "application/merge-patch+json" }, payload: { name: "Nowa Nazwa" } });
    t.equal(patched.statusCode, 503);
    t.equal((await db.prisma.coordinator.findUniqueOrThrow({ where: { id } })).name, "Koordynator Zwykły Sp. z o.o.", "no update without its audit event");
    await db.prisma.$executeRawUnsafe("DROP TRIGGER fail_audit ON audit_events");

    const updated = await app.inject({ method: "PATCH", url: `/v1/coordinators/${id}`, headers: { "if-match": created.headers.etag as string, "content-type": "application/merge-patch+json" }, payload: { name: "Nowa Nazwa" } });
    t.equal(updated.statusCode, 200);
    t.match(updated.json(), { version: 2, name: "Nowa Nazwa" });
    const stale = await app.inject({ method: "PATCH", url: `/v1/coordinators/${id}`, headers: { "if-match": created.headers.etag as string, "content-type": "application/merge-patch+json" }, payload: { name: "Jeszcze Inna" } });
    t.equal(stale.statusCode, 412, "a stale If-Match is a 412");
    const [, second] = await db.prisma.auditEvent.findMany({ where: { resourceId: id }, orderBy: { sequence: "asc" } });
    t.match(second, { action: "update", version: 2, changes: { name: { before: "Koordynator Zwykły Sp. z o.o.", after: "Nowa Nazwa" } } });
  });

  t.test("dates at UTC midnight whatever the process's time zone", async (t) => {
    const activities = RESOURCES.find((definition) => definition.key === "activities")!;
    const delegate = activities.model(db.prisma) as unknown as Delegate;
    const model = (await sql.model(delegate.name)) as SqlModel;
    const [row] = (await model.findMany({ where: { startDate: { not: null } }, orderBy: [{ id: "asc" }], take: 1 })) as Array<{ startDate: Date }>;
    t.ok(row, "an activity with a start date");
    t.match(row!.startDate.toISOString(), /T00:00:00\.000Z$/);
  });
}
