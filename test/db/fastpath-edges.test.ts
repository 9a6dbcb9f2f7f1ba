// The plain one-statement writes (src/db/sql-models.ts) against Prisma's on edge values: the audit event
// the plain path predicts must be the row as stored (the answer), and both paths must answer alike.
import t from "tap";

process.env.TZ = "America/St_Johns";
import { testApp, usingPostgres } from "../helper.ts";

type Json = Record<string, unknown>;

if (!usingPostgres) {
  t.pass("PostgreSQL only");
} else {
  const { app, db } = await testApp(t);
  const { app: viaPrisma } = await testApp(t, { ...db, sql: undefined });
  const lastEvent = async (id: string) =>
    (await db.prisma.auditEvent.findFirst({ where: { resourceId: id }, orderBy: { sequence: "desc" } })) as unknown as { data: Json; changes: Json; version: number; action: string } | null;
  const strip = (body: Json) => {
    const { createdAt: _c, updatedAt: _u, ...rest } = body;
    return rest;
  };

  const coordinator = (n: number, extra: Json) => ({ name: `Koordynator R14 ${n} ${Math.random()}`, legalForm: "limited_liability_company", address: { city: "Gdańsk" }, ...extra });

  for (const mandateDate of ["0000-01-01", "0000-02-29", "0001-01-01", "0999-12-31", "1582-10-10", "1900-02-28", "2000-02-29", "9999-12-31"]) {
    t.test(`coordinator mandateDate ${mandateDate}`, async (t) => {
      const n = Math.random();
      const a = await app.inject({ method: "POST", url: "/v1/coordinators", payload: coordinator(n, { mandateDate }) });
      const b = await viaPrisma.inject({ method: "POST", url: "/v1/coordinators", payload: coordinator(n, { mandateDate }) });
      t.equal(a.statusCode, b.statusCode, `status alike: plain ${a.statusCode} ${a.statusCode >= 400 ? a.body : ""} prisma ${b.statusCode} ${b.statusCode >= 400 ? b.body : ""}`);
      t.ok(a.statusCode < 500, "plain: never a 500");
      if (a.statusCode !== 201) return;
      const body = a.json() as Json;
      t.equal(body.mandateDate, mandateDate, "answered as sent");
      const event = await lastEvent(body.id as string);
      t.strictSame(strip(event!.data), strip(body), "audit data is the stored row");
      // PATCH to another odd date, then one that changes nothing.
      const patched = await app.inject({ method: "PATCH", url: `/v1/coordinators/${body.id}`, headers: { "content-type": "application/merge-patch+json", "if-match": a.headers.etag as string }, payload: { mandateDate: "0001-12-31" } });
      t.equal(patched.statusCode, 200);
      const after = await lastEvent(body.id as string);
      t.strictSame(strip(after!.data), strip(patched.json() as Json), "audit data after PATCH is the stored row");
      const same = await app.inject({ method: "PATCH", url: `/v1/coordinators/${body.id}`, headers: { "content-type": "application/merge-patch+json", "if-match": patched.headers.etag as string }, payload: { mandateDate: "0001-12-31" } });
      t.equal(same.statusCode, 200);
      const noop = await lastEvent(body.id as string);
      t.strictSame(noop!.changes, {}, "a PATCH that changes nothing records no change");
      const read = await app.inject(`/v1/coordinators/${body.id}`);
      t.strictSame(read.json(), same.json(), "GET reads back what PATCH answered");
    });
  }


  for (const startsAt of ["0001-01-01T00:00:00Z", "0001-01-02T23:59:59.999+23:59", "1000-01-01T00:00:00.001Z", "1893-03-31T23:59:59.999Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "9999-12-31T00:00:00.5Z", "2013-03-31T02:30:00+02:00"]) {
    t.test(`meeting startsAt ${startsAt}`, async (t) => {
      const payload = { title: `Spotkanie R14 ${Math.random()}`, format: "working_meeting", startsAt, agenda: ["a", " b ", "{c}"] };
      const a = await app.inject({ method: "POST", url: "/v1/meetings", payload });
      const b = await viaPrisma.inject({ method: "POST", url: "/v1/meetings", payload });
      t.equal(a.statusCode, b.statusCode, `status alike: plain ${a.statusCode} ${a.statusCode >= 400 ? a.body : ""} prisma ${b.statusCode} ${b.statusCode >= 400 ? b.body : ""}`);
      if (a.statusCode !== 201) return;
      const body = a.json() as Json;
      t.strictSame(strip(body), { ...strip(b.json() as Json), id: body.id, title: body.title }, "answers alike");
      t.strictSame(strip((await lastEvent(body.id as string))!.data), strip(body), "audit data is the stored row");
      const read = await app.inject(`/v1/meetings/${body.id}`);
      t.strictSame(read.json(), body, "GET reads back what POST answered");
      const patched = await app.inject({ method: "PATCH", url: `/v1/meetings/${body.id}`, headers: { "content-type": "application/merge-patch+json", "if-match": a.headers.etag as string }, payload: { endsAt: "9999-12-31T12:00:00Z", agenda: [] } });
      t.equal(patched.statusCode, 200, patched.body);
      t.strictSame(strip((await lastEvent(body.id as string))!.data), strip(patched.json() as Json), "audit data after PATCH is the stored row");
      t.strictSame((await app.inject(`/v1/meetings/${body.id}`)).json(), patched.json(), "GET reads back what PATCH answered");
    });
  }


  t.test("create and update decline (undefined, nothing written) what they cannot predict", async (t) => {
    const model = (await db.sql!.model("Coordinator"))!;
    const made = (await app.inject({ method: "POST", url: "/v1/coordinators", payload: coordinator(7, { mandateDate: "2012-06-01" }) })).json() as Json;
    const row = (await db.prisma.coordinator.findUniqueOrThrow({ where: { id: made.id as string } })) as unknown as Record<string, unknown>;
    const { id: _id, version: _v, createdAt: _c, updatedAt: _u, ...data } = row;
    let audited = 0;
    const audit = (written: { id: string; version: number }) => {
      audited++;
      return { action: "create", resourceType: "coordinators", resourceId: written.id, version: written.version, changes: {}, data: {} };
    };
    const before = await db.prisma.coordinator.count();
    const events = await db.prisma.auditEvent.count();
    const { name: _n, ...withoutName } = data;
    t.equal(model.create(withoutName, audit), undefined, "a column left to its default (or out): undefined");
    t.equal(model.create({ ...data, name: undefined }, audit), undefined, "a column given as undefined: undefined");
    t.equal(model.create({ ...data, name: "R14 x", notAColumn: 1 }, audit), undefined, "a member that is not a column: undefined");
    t.equal(model.create({ ...data, name: { set: "R14 y" } }, audit), undefined, "an operation, not a value: undefined");
    const current = row as { id: string; version: number } & Record<string, unknown>;
    t.equal(model.update(current, { name: "R14 z", nested: { create: {} } }, audit), undefined, "update: a member that is not a column");
    t.equal(audited, 0, "no audit event made");
    t.equal(await db.prisma.coordinator.count(), before, "nothing written");
    t.equal(await db.prisma.auditEvent.count(), events, "no event written");
    // And what it can predict, it writes with its event, in one statement.
    const written = (await model.create({ ...data, name: `R14 complete ${Math.random()}`, shortName: null, nip: null, regon: null, krs: null }, audit)) as Json;
    t.ok(written?.id, "a complete row: written");
    t.equal(audited, 1, "its event made once");
    t.equal(await db.prisma.auditEvent.count({ where: { resourceId: written.id as string } }), 1, "and written");
  });


  t.test("ids of plain creates are UUIDv7 in creation order, also within one millisecond", async (t) => {
    // The API lists some relations "by id (creation order)" (activities' grantApplicationIds, publicationIds), and
    // uuid's own v7() keeps a counter for ids of one millisecond; ids made from given random bytes had none.
    const model = (await db.sql!.model("Coordinator"))!;
    const made = (await app.inject({ method: "POST", url: "/v1/coordinators", payload: coordinator(8, {}) })).json() as Json;
    const row = (await db.prisma.coordinator.findUniqueOrThrow({ where: { id: made.id as string } })) as unknown as Record<string, unknown>;
    const { id: _id, version: _v, createdAt: _c, updatedAt: _u, ...data } = row;
    const audit = (written: { id: string; version: number }) => ({ action: "create", resourceType: "coordinators", resourceId: written.id, version: written.version, changes: {}, data: {} });
    // Made one after another, synchronously: most within the same millisecond.
    const writes = Array.from({ length: 40 }, (_, i) => model.create({ ...data, name: `R14 order ${i} ${Math.random()}`, nip: null, regon: null, krs: null, shortName: null }, audit)!);
    const ids = ((await Promise.all(writes)) as Json[]).map((written) => written.id as string);
    t.ok(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)), "UUIDv7");
    t.strictSame(ids, [...ids].sort(), "ascending in the order they were made");
    t.equal(new Set(ids).size, ids.length, "all different");
  });

  t.test("cluster sectors and founding date edge values", async (t) => {
    const coordinatorId = ((await app.inject({ method: "POST", url: "/v1/coordinators", payload: coordinator(1, {}) })).json() as Json).id;
    for (const [label, extra] of [
      ["odd sectors", { sectors: ["a\"b", "{}", "NULL", " padded ", "x,y", "back\\\\slash", "🙂".repeat(50), "tab\there"] }],
      ["empty sectors", { sectors: [] }],
      ["old date", { foundingAgreementDate: "0001-01-01" }],
      ["leap date", { foundingAgreementDate: "2400-02-29" }],
    ] as const) {
      const payload = { name: `Klaster R14 ${label} ${Math.random()}`, coordinatorId, sectors: ["x"], ...extra };
      const a = await app.inject({ method: "POST", url: "/v1/clusters", payload });
      const b = await viaPrisma.inject({ method: "POST", url: "/v1/clusters", payload: { ...payload, name: `${payload.name} p` } });
      t.equal(a.statusCode, b.statusCode, `${label}: status alike (${a.statusCode} ${a.statusCode >= 400 ? a.body : ""})`);
      if (a.statusCode !== 201) continue;
      const body = a.json() as Json;
      t.strictSame(strip((await lastEvent(body.id as string))!.data), strip(body), `${label}: audit data is the stored row`);
    }
  });
}
