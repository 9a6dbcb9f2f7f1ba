// The plain writes (src/db/sql-models.ts) against Prisma's, through the HTTP API: two apps on one PostgreSQL database,
// one with the plain path and one without (`sql` undefined), make the same writes, which must answer alike and leave
// the same records and audit events.
import t from "tap";

process.env.TZ = "Pacific/Kiritimati";
import { writesOnlyItsRow } from "../../src/lib/record-service.ts";
import { collectionOf, parentOf, RECORD_TYPES } from "../fixtures/record-types.ts";
import { testApp, usingPostgres } from "../helper.ts";

type Json = Record<string, unknown>;
const ODD = ["x,y", "{z}", '"q"', "back\\slash", "NULL", "żółć 🙂"];
/** Merge patches of nested members and lists, by record type. */
const NESTED: Record<string, Json[]> = {
  coordinators: [{ address: { city: "Gdynia", country: "PL" } }, { address: { city: null } }, { address: null }, { nip: null, address: { street: "ul. 100% _x_" } }],
  clusters: [{ sectors: ODD }, { sectors: [] }, { sectors: null }],
  organizations: [{ address: { city: "Gdynia", country: "PL" } }, { address: { city: null } }, { address: null }],
  meetings: [{ venue: { name: "Sala", city: "Gdańsk" } }, { venue: { city: null } }, { venue: null }, { agenda: ODD }, { startsAt: "2013-06-19T23:30:00+02:00", endsAt: "2013-06-20T01:00:00Z" }],
  "media-partners": [{ cooperation: { since: "2013-01-01", until: "2014-01-01" } }, { cooperation: { until: null } }, { cooperation: null }],
};
const PATCH = { "content-type": "application/merge-patch+json" };

if (!usingPostgres) {
  t.pass("PostgreSQL only: on PGlite every write goes through Prisma");
} else {
  const { app, db } = await testApp(t);
  const { app: viaPrisma } = await testApp(t, { ...db, sql: undefined });
  // Which writes the plain path took (a create or update it declines goes through Prisma, and would compare alike).
  const taken = new Map<string, number>();
  const models = db.sql!;
  const model = models.model.bind(models);
  models.model = async (name) => {
    const found = await model(name);
    if (!found) return found;
    const count = <T>(kind: string, result: T) => (result && taken.set(`${name} ${kind}`, (taken.get(`${name} ${kind}`) ?? 0) + 1), result);
    return { ...found, create: (...args) => count("create", found.create(...args)), update: (...args) => count("update", found.update(...args)) };
  };

  /** A body with the record's own id and instants (and a problem's request id) named, not given. */
  const comparable = (body: unknown, id?: string): unknown =>
    JSON.parse(
      JSON.stringify(body ?? null, (key, value) =>
        ["createdAt", "updatedAt", "occurredAt", "requestId", "instance"].includes(key) ? "<varies>" : typeof value === "string" && id ? value.replaceAll(id, "<id>") : value,
      ),
    );
  const events = async (id: string) =>
    (await db.prisma.auditEvent.findMany({ where: { resourceId: id }, orderBy: { sequence: "asc" } })).map((event) =>
      comparable({ ...event, id: undefined, sequence: undefined, resourceId: undefined, keyId: undefined, feedXid: undefined }, id),
    );

  for (const row of RECORD_TYPES.filter((type) => writesOnlyItsRow(type.definition))) {
    t.test(`${row.definition.key}: writes alike`, async (t) => {
      const make = await row.prepare(app, db);
      const parentId = parentOf(row.definition) ? await row.parent!(app) : undefined;
      const url = collectionOf(row.definition, parentId);
      /** The same request to both apps: its answers, alike, and the record each wrote. */
      const both = async (label: string, request: (target: typeof app, id?: string) => Promise<{ statusCode: number; json(): unknown; headers: Json }>, ids: [string?, string?] = []) => {
        const plain = await request(app, ids[0]);
        const prisma = await request(viaPrisma, ids[1]);
        const [a, b] = [plain.json() as Json, prisma.json() as Json];
        t.equal(plain.statusCode, prisma.statusCode, `${label}: status ${plain.statusCode}`);
        t.ok(plain.statusCode < 500, `${label}: never a 500`);
        t.strictSame(comparable(a, ids[0] ?? (a?.id as string)), comparable(b, ids[1] ?? (b?.id as string)), `${label}: body`);
        t.equal(plain.headers.etag === undefined, prisma.headers.etag === undefined, `${label}: etag`);
        return [plain, prisma] as const;
      };
      // Unique fields left empty: both apps write the same values.
      const shared = async (body: Json) => ({ ...body, ...Object.fromEntries((row.unique ?? []).map((field) => [field, null])) });
      for (const n of [1, 2, 3]) {
        const body = await shared({ ...(await make.body(n + 10)), ...(await make.sorted(n)) });
        const [plain, prisma] = await both(`create ${n}`, (target) => target.inject({ method: "POST", url, payload: body }));
        if (plain.statusCode !== 201) continue;
        const ids: [string, string] = [(plain.json() as Json).id as string, (prisma.json() as Json).id as string];
        const etags = [plain.headers.etag, prisma.headers.etag] as string[];
        t.equal(etags[0]!.replace(ids[0], ""), etags[1]!.replace(ids[1], ""), "etags alike");
        const nulls = Object.fromEntries(Object.entries({ ...(await make.sorted(3)), ...(await make.sorted(4)) }).filter(([, value]) => value === null));
        const patches: Json[] = [row.patch, await shared(await make.sorted(n + 3)), nulls, ...(NESTED[row.definition.key] ?? [])];
        for (const [i, patch] of patches.entries()) {
          const [a, b] = await both(
            `patch ${n}.${i} ${JSON.stringify(patch)}`,
            async (target, id) => {
              const current = await target.inject(`${url}/${id}`);
              return target.inject({ method: "PATCH", url: `${url}/${id}`, headers: { ...PATCH, "if-match": current.headers.etag as string }, payload: patch });
            },
            ids,
          );
          t.equal(a.headers.etag === undefined, b.headers.etag === undefined);
        }
        // A stale If-Match: a 412 alike.
        await both("stale", (target, id) => target.inject({ method: "PATCH", url: `${url}/${id}`, headers: { ...PATCH, "if-match": etags[ids.indexOf(id!)]! }, payload: row.patch }), ids);
        t.strictSame(await events(ids[0]), await events(ids[1]), `audit events of record ${n}`);
      }
      const modelName = (row.definition.model(db.prisma) as unknown as { name: string }).name;
      t.ok(taken.get(`${modelName} create`), `the plain path made the ${row.definition.key}`);
      t.ok(taken.get(`${modelName} update`), `the plain path updated the ${row.definition.key}`);
      // Values no column holds: a 400 alike, never a 500.
      const huge = { ...(await make.body(99)), ...row.text("x".repeat(70_000)) };
      await both("oversized", (target) => target.inject({ method: "POST", url, payload: huge }));
      const nul = { ...(await make.body(98)), ...row.text("a\u0000b") };
      await both("nul", (target) => target.inject({ method: "POST", url, payload: nul }));
      const lone = `{"x":1,${JSON.stringify({ ...(await make.body(97)), ...row.text("S") }).slice(1).replace('"S"', '"\\ud800"')}`;
      await both("lone surrogate", (target) => target.inject({ method: "POST", url, payload: lone, headers: { "content-type": "application/json" } }));
    });
  }
}
