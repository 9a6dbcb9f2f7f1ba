// An update whose If-Match names the version this process holds of the record (from its GET, create or last update)
// is written against that row without reading it first (src/lib/row-memory.ts). Two apps on one PostgreSQL
// database stand for two instances: whatever one changes, the other's held row must never be written over it.
import t from "tap";
import { testApp, usingPostgres } from "../helper.ts";

if (!usingPostgres) {
  t.pass("PostgreSQL only: on PGlite every write goes through Prisma, which reads the record in its transaction");
} else {
  const { app: a, db } = await testApp(t);
  const { app: b } = await testApp(t, db);
  // The plain reads of coordinators, counted: a held row means no read before the write.
  let reads = 0;
  const models = db.sql!;
  const model = models.model.bind(models);
  models.model = async (name) => {
    const found = await model(name);
    if (!found || name !== "Coordinator") return found;
    return { ...found, findFirst: (...args) => (reads++, found.findFirst(...args)) };
  };
  const PATCH = { "content-type": "application/merge-patch+json" };
  const patch = (app: typeof a, id: string, etag: string, payload: object) =>
    app.inject({ method: "PATCH", url: `/v1/coordinators/${id}`, headers: { ...PATCH, "if-match": etag }, payload });
  const create = async (name: string) => {
    const res = await a.inject({ method: "POST", url: "/v1/coordinators", payload: { name } });
    t.equal(res.statusCode, 201, res.body);
    return { id: res.json().id as string, etag: res.headers.etag as string };
  };

  t.test("create, then PATCH with its ETag, then PATCH again: no read before either write", async (t) => {
    const { id, etag } = await create("Pamięć Pierwsza");
    reads = 0;
    const first = await patch(a, id, etag, { shortName: "PP" });
    t.equal(first.statusCode, 200, first.body);
    const second = await patch(a, id, first.headers.etag as string, { name: "Pamięć Druga" });
    t.equal(second.statusCode, 200, second.body);
    t.equal(reads, 0, "written against the rows this instance held");
    t.match(second.json(), { name: "Pamięć Druga", shortName: "PP", version: 3 });
    const stored = await db.prisma.coordinator.findUniqueOrThrow({ where: { id } });
    t.match(stored, { name: "Pamięć Druga", shortName: "PP", version: 3 });
  });

  t.test("a GET's row is not held (it would cost every read more than it saves a later update)", async (t) => {
    const { id } = await create("Pamięć Z Odczytu");
    const read = await b.inject({ url: `/v1/coordinators/${id}` });
    reads = 0;
    const res = await patch(b, id, read.headers.etag as string, { shortName: "PZO" });
    t.equal(res.statusCode, 200, res.body);
    t.equal(reads, 1, "read before the write");
  });

  t.test("a version this instance has not seen: it reads the record, and merges into that", async (t) => {
    const { id, etag } = await create("Pamięć Cudza");
    const elsewhere = await patch(b, id, etag, { shortName: "CUDZA" }); // instance b: v2; a still holds v1
    t.equal(elsewhere.statusCode, 200);
    reads = 0;
    const res = await patch(a, id, elsewhere.headers.etag as string, { name: "Pamięć Cudza Zmieniona" });
    t.equal(res.statusCode, 200, res.body);
    t.equal(reads, 1, "read first: the held row is of another version");
    t.match(res.json(), { name: "Pamięć Cudza Zmieniona", shortName: "CUDZA", version: 3 }, "b's change kept");
  });

  t.test("the held version changed elsewhere: 412, and the other write stands", async (t) => {
    const { id, etag } = await create("Pamięć Nieaktualna");
    const mine = await patch(a, id, etag, { shortName: "A1" }); // a holds v2
    const theirs = await patch(b, id, mine.headers.etag as string, { shortName: "B1" }); // the database: v3
    t.equal(theirs.statusCode, 200);
    const stale = await patch(a, id, mine.headers.etag as string, { name: "Nadpisana?" });
    t.equal(stale.statusCode, 412, stale.body);
    t.equal(stale.json().code, "version_mismatch");
    t.equal(stale.json().currentVersion, 3);
    t.match(await db.prisma.coordinator.findUniqueOrThrow({ where: { id } }), { name: "Pamięć Nieaktualna", shortName: "B1", version: 3 });
    reads = 0;
    const retried = await patch(a, id, theirs.headers.etag as string, { name: "Pamięć Aktualna" });
    t.equal(retried.statusCode, 200, "with the current ETag the update goes through");
    t.equal(reads, 1, "the stale row was forgotten and the record read");
  });

  t.test("deleted elsewhere: 404, not a write", async (t) => {
    const { id, etag } = await create("Pamięć Usunięta");
    const mine = await patch(a, id, etag, { shortName: "U" });
    const gone = await b.inject({ method: "DELETE", url: `/v1/coordinators/${id}`, headers: { "if-match": mine.headers.etag as string } });
    t.equal(gone.statusCode, 204);
    const res = await patch(a, id, mine.headers.etag as string, { name: "Wskrzeszona?" });
    t.equal(res.statusCode, 404, res.body);
    t.equal(await db.prisma.coordinator.count({ where: { id } }), 0);
  });

  t.test("two updates naming the same held version at once: one is written, the other is a 412", async (t) => {
    const { id, etag } = await create("Pamięć Wyścig");
    const answers = await Promise.all([patch(a, id, etag, { shortName: "W1" }), patch(a, id, etag, { shortName: "W2" })]);
    t.strictSame(answers.map((res) => res.statusCode).sort(), [200, 412]);
    const stored = await db.prisma.coordinator.findUniqueOrThrow({ where: { id } });
    t.equal(stored.version, 2);
    t.equal(stored.shortName, answers.find((res) => res.statusCode === 200)!.json().shortName);
    t.equal(await db.prisma.auditEvent.count({ where: { resourceId: id, action: "update" } }), 1, "one audit event");
  });
}
