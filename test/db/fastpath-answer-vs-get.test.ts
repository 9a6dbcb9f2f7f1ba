// The plain writes (src/db/sql-models.ts) answer with the row as built in JavaScript, not as read back from the
// database: every answer of a POST and a PATCH must be what a following GET returns, and a PATCH written against the
// row held in memory (src/lib/row-memory.ts) must give what a GET then returns.
import t, { type Test } from "tap";

process.env.TZ = "Pacific/Kiritimati";
import { writesOnlyItsRow } from "../../src/lib/record-service.ts";
import { collectionOf, parentOf, RECORD_TYPES } from "../fixtures/record-types.ts";
import { testApp, usingPostgres } from "../helper.ts";

type Json = Record<string, unknown>;
const PATCH = { "content-type": "application/merge-patch+json" };

if (!usingPostgres) {
  t.pass("PostgreSQL only: on PGlite every write goes through Prisma");
} else {
  const { app, db } = await testApp(t);

  /** The answer `res` against a GET of the same record: body and ETag. */
  const sameAsGet = async (t: Test, label: string, url: string, res: { statusCode: number; headers: Json; json(): unknown }) => {
    const got = await app.inject(url);
    t.equal(got.statusCode, 200, `${label}: GET 200`);
    t.strictSame(res.json(), got.json(), `${label}: the answer is what GET returns`);
    t.equal(res.headers.etag, got.headers.etag, `${label}: ETag`);
    return got;
  };

  for (const row of RECORD_TYPES.filter((type) => writesOnlyItsRow(type.definition))) {
    t.test(`${row.definition.key}: POST and PATCH answer what GET returns`, async (t) => {
      const make = await row.prepare(app, db);
      const parentId = parentOf(row.definition) ? await row.parent!(app) : undefined;
      const url = collectionOf(row.definition, parentId);
      for (const n of [1, 2, 3]) {
        const body = { ...(await make.body(n + 20)), ...(await make.sorted(n)), ...Object.fromEntries((row.unique ?? []).map((f) => [f, null])) };
        const created = await app.inject({ method: "POST", url, payload: body });
        t.equal(created.statusCode, 201, `create ${n}: ${created.body.slice(0, 200)}`);
        if (created.statusCode !== 201) continue;
        const id = (created.json() as Json).id as string;
        await sameAsGet(t, `create ${n}`, `${url}/${id}`, created);
        let etag = created.headers.etag as string;
        // Written against the row held since the POST (no read), then against the one held since that PATCH.
        for (const [i, patch] of [row.patch, await make.sorted(n + 3), row.text("  Żółw \u00e9 \u0065\u0301 \"q\" \\ 🙂  ")].entries()) {
          const patched = await app.inject({ method: "PATCH", url: `${url}/${id}`, headers: { ...PATCH, "if-match": etag }, payload: patch });
          t.equal(patched.statusCode, 200, `patch ${n}.${i}: ${patched.body.slice(0, 200)}`);
          if (patched.statusCode !== 200) break;
          etag = (await sameAsGet(t, `patch ${n}.${i}`, `${url}/${id}`, patched)).headers.etag as string;
        }
        // A lone surrogate (PostgreSQL would store U+FFFD, JavaScript holds U+D800): never answered as if stored.
        // (fastpath-writes-compare.test.ts's "lone surrogate" POST also carries an unknown member "x", so it is
        // refused by the schema before any write.)
        const lone = JSON.stringify(row.text("S\u0001")).replace("\\u0001", "\\ud800");
        const surrogate = await app.inject({ method: "PATCH", url: `${url}/${id}`, headers: { ...PATCH, "if-match": etag }, payload: lone });
        t.ok(surrogate.statusCode < 500, `lone surrogate: ${surrogate.statusCode} ${surrogate.body.slice(0, 200)}`);
        if (surrogate.statusCode === 200) etag = (await sameAsGet(t, "lone surrogate", `${url}/${id}`, surrogate)).headers.etag as string;
        const createdLone = await app.inject({
          method: "POST",
          url,
          payload: JSON.stringify({ ...body, ...row.text("S\u0001") }).replace("\\u0001", "\\ud800"),
          headers: { "content-type": "application/json" },
        });
        t.ok(createdLone.statusCode < 500, `lone surrogate create: ${createdLone.statusCode}`);
        if (createdLone.statusCode === 201) await sameAsGet(t, "lone surrogate create", `${url}/${(createdLone.json() as Json).id}`, createdLone);
        // A version that has moved: 412, and the record unchanged.
        const stale = await app.inject({ method: "PATCH", url: `${url}/${id}`, headers: { ...PATCH, "if-match": created.headers.etag as string }, payload: row.patch });
        t.equal(stale.statusCode, 412, "stale If-Match: 412");
      }
    });
  }

  // Values PostgreSQL stores otherwise than JavaScript holds them.
  t.test("coordinators: a lone surrogate in the name", async (t) => {
    const payload = '{"name":"Koordynator \\ud800 sp. z o.o."}';
    const created = await app.inject({ method: "POST", url: "/v1/coordinators", payload, headers: { "content-type": "application/json" } });
    t.ok(created.statusCode < 500, `never a 500 (${created.statusCode} ${created.body.slice(0, 300)})`);
    if (created.statusCode === 201) await sameAsGet(t, "lone surrogate", `/v1/coordinators/${(created.json() as Json).id}`, created);
  });

  t.test("meetings: the first and last days and instants, the largest sequence number", async (t) => {
    const bodies = [
      { title: "Spotkanie graniczne", date: "9999-12-31", format: "workshop", sequenceNumber: 10000 },
      { title: "Spotkanie graniczne", date: "0001-01-01", format: "workshop", timeZone: "UTC", startsAt: "0001-01-01T00:00:00Z", endsAt: "0001-01-01T00:00:00.001Z" },
      { title: "Spotkanie graniczne", date: "2013-06-20", format: "workshop", timeZone: "Pacific/Kiritimati", startsAt: "2013-06-19T10:30:00.123456-02:00" },
    ];
    for (const [i, body] of bodies.entries()) {
      const created = await app.inject({ method: "POST", url: "/v1/meetings", payload: body });
      t.ok(created.statusCode < 500, `create ${i}: ${created.statusCode} ${created.body.slice(0, 300)}`);
      if (created.statusCode !== 201) continue;
      const url = `/v1/meetings/${(created.json() as Json).id}`;
      const got = await sameAsGet(t, `create ${i}`, url, created);
      const patched = await app.inject({ method: "PATCH", url, headers: { ...PATCH, "if-match": got.headers.etag as string }, payload: { agenda: [" a ", "NULL", "{\"x\"}"], outcomes: "x\r\ny\t" } });
      t.ok(patched.statusCode < 500, `patch ${i}: ${patched.statusCode}`);
      if (patched.statusCode === 200) await sameAsGet(t, `patch ${i}`, url, patched);
    }
  });

  // An upper-case UUID names the same record (it used to be a 422 "does not exist": the reference check compared it
  // with the lower-case ids PostgreSQL returns); it is stored and answered in lower case.
  t.test("clusters: a reference named by an upper-case UUID", async (t) => {
    const coordinator = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: "Koordynator UUID" } });
    const upper = ((coordinator.json() as Json).id as string).toUpperCase();
    const created = await app.inject({ method: "POST", url: "/v1/clusters", payload: { name: "Klaster UUID", coordinatorId: upper } });
    t.equal(created.statusCode, 201, created.body.slice(0, 300));
    const id = (created.json() as Json).id as string;
    t.equal((created.json() as Json).coordinatorId, upper.toLowerCase(), "answered as stored: in lower case");
    const got = await sameAsGet(t, "create", `/v1/clusters/${id}`, created);
    const byUpper = await app.inject({ method: "GET", url: `/v1/clusters/${id.toUpperCase()}` });
    t.equal(byUpper.statusCode, 200, "the record is found by its id in upper case too");
    t.equal((byUpper.json() as Json).id, id);
    const other = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: "Koordynator UUID 2" } });
    const patched = await app.inject({
      method: "PATCH",
      url: `/v1/clusters/${id}`,
      headers: { ...PATCH, "if-match": got.headers.etag as string },
      payload: { coordinatorId: ((other.json() as Json).id as string).toUpperCase() },
    });
    t.equal(patched.statusCode, 200);
    await sameAsGet(t, "patch", `/v1/clusters/${id}`, patched);
  });
}
