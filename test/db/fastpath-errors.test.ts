// The plain writes' failures (src/db/sql-models.ts) are Prisma's problems: a taken unique key a 409 naming the field, a
// reference to a missing record a 422 naming it, a database that drops the connection mid-write a 503, never a 500.
import t, { type Test } from "tap";

import { problemFromDatabaseError } from "../../src/lib/prisma-errors.ts";
import { testApp, usingPostgres } from "../helper.ts";

type Json = Record<string, unknown>;
const PATCH = { "content-type": "application/merge-patch+json" };
const comparable = (body: Json) => {
  const { requestId: _requestId, instance: _instance, ...rest } = body;
  return rest;
};

if (!usingPostgres) {
  t.pass("PostgreSQL only: on PGlite every write goes through Prisma");
} else {
  const { app, db } = await testApp(t);
  const { app: viaPrisma } = await testApp(t, { ...db, sql: undefined });
  const coordinator = (await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: "Koordynator Unikalny" } })).json() as { id: string };

  /** The same request to both apps, each with its own value: the same answer (the value named alike). */
  async function alike(t: Test, label: string, request: (target: typeof app, value: string) => Promise<{ statusCode: number; json(): unknown }>) {
    const plain = await request(app, "PLAIN");
    const prisma = await request(viaPrisma, "PRISMA");
    t.equal(plain.statusCode, prisma.statusCode, `${label}: ${plain.statusCode}`);
    t.strictSame(JSON.parse(JSON.stringify(comparable(plain.json() as Json)).replaceAll("PLAIN", "X")), JSON.parse(JSON.stringify(comparable(prisma.json() as Json)).replaceAll("PRISMA", "X")), label);
    return plain;
  }

  t.test("a taken unique key: the same 409, naming the field", async (t) => {
    const cases: Array<[string, (value: string) => Json, Json?]> = [
      ["/v1/clusters", (value) => ({ name: "Klaster", shortName: `SN-${value}`, coordinatorId: coordinator.id })],
      ["/v1/media-partners", (value) => ({ name: "Portal", kind: "portal", domain: `${value.toLowerCase()}.example.pl` })],
    ];
    for (const [url, body] of cases) {
      for (const target of [app, viaPrisma]) {
        const value = target === app ? "PLAIN" : "PRISMA";
        const first = await target.inject({ method: "POST", url, payload: body(value) });
        t.equal(first.statusCode, 201, `${url} ${first.body}`);
      }
      const taken = await alike(t, `${url} create`, (target, value) => target.inject({ method: "POST", url, payload: body(value) }));
      t.equal(taken.statusCode, 409);
      t.match(taken.json(), { errors: [{ path: /^\/(shortName|domain)$/ }] });
      await alike(t, `${url} update`, async (target, value) => {
        const other = (await target.inject({ method: "POST", url, payload: { ...body(`${value}-2`), name: "Inny" } }));
        const { id } = other.json() as { id: string };
        return target.inject({ method: "PATCH", url: `${url}/${id}`, headers: { ...PATCH, "if-match": other.headers.etag as string }, payload: body(value) });
      });
    }
  });

  t.test("a database error of a plain write maps as Prisma's does", async (t) => {
    const model = (await db.sql!.model("Cluster"))!;
    // Every column given: the plain create writes a row only when it knows every value it stores.
    const data = { name: "Klaster", shortName: null, sectors: [], description: null, foundingAgreementDate: null, coordinatorId: "01900000-0000-7000-8000-000000000000", searchText: "klaster" };
    const written = model.create(data, (row) => ({ action: "create", resourceType: "clusters", resourceId: row.id, changes: {} }));
    t.ok(written, "the plain path takes the write");
    const plainError = await Promise.resolve(written).catch((error: unknown) => error);
    const prismaError = await db.prisma.cluster.create({ data }).catch((error: unknown) => error);
    const problem = (error: unknown) => {
      const found = problemFromDatabaseError(error);
      return found && { code: found.code, status: found.status, message: found.message, errors: found.errors };
    };
    t.strictSame(problem(plainError), problem(prismaError), "a missing reference");
    t.match(problemFromDatabaseError(plainError), { code: "reference_not_found" });
  });

  t.test("the connection dropped mid-write: a 503, and the next write works", async (t) => {
    await db.prisma.$executeRawUnsafe(`CREATE FUNCTION drop_me() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.name LIKE 'Drop%' THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF; RETURN NEW; END $$`);
    await db.prisma.$executeRawUnsafe("CREATE TRIGGER drop_me BEFORE INSERT OR UPDATE ON coordinators FOR EACH ROW EXECUTE FUNCTION drop_me()");
    t.teardown(async () => {
      await db.prisma.$executeRawUnsafe("DROP TRIGGER IF EXISTS drop_me ON coordinators");
      await db.prisma.$executeRawUnsafe("DROP FUNCTION IF EXISTS drop_me()");
    });
    await alike(t, "create", (target, value) => target.inject({ method: "POST", url: "/v1/coordinators", payload: { name: `Drop ${value}` } }));
    await alike(t, "update", async (target, value) => {
      const made = await target.inject({ method: "POST", url: "/v1/coordinators", payload: { name: `Keep ${value}` } });
      const { id } = made.json() as { id: string };
      return target.inject({ method: "PATCH", url: `/v1/coordinators/${id}`, headers: { ...PATCH, "if-match": made.headers.etag as string }, payload: { name: `Drop ${value}` } });
    });
    for (const target of [app, viaPrisma]) {
      const after = await target.inject({ method: "POST", url: "/v1/coordinators", payload: { name: "Po zerwaniu" } });
      t.equal(after.statusCode, 201, "the next write works");
    }
  });

  t.test("every connection of the server's dropped between requests: reads and writes answer, never a 500", async (t) => {
    const database = (await db.prisma.$queryRawUnsafe<Array<{ name: string }>>("SELECT current_database() AS name"))[0]!.name;
    for (let round = 0; round < 3; round++) {
      await db.prisma.$executeRawUnsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}' AND pid <> pg_backend_pid()`).catch(() => undefined);
      for (const target of [app, viaPrisma]) {
        const [list, made] = await Promise.all([
          target.inject("/v1/coordinators?limit=5"),
          target.inject({ method: "POST", url: "/v1/coordinators", payload: { name: `Po restarcie ${round}` } }),
        ]);
        t.ok([200, 503].includes(list.statusCode), `list: ${list.statusCode}`);
        t.ok([201, 503].includes(made.statusCode), `create: ${made.statusCode}`);
      }
    }
    t.equal((await app.inject("/v1/coordinators?limit=5")).statusCode, 200, "the plain path recovers");
  });

  t.test("concurrent writes: one wins, the others are 412 or 409, each winner with one audit event", async (t) => {
    const made = await app.inject({ method: "POST", url: "/v1/clusters", payload: { name: "Klaster Wyścigowy", coordinatorId: coordinator.id } });
    const { id } = made.json() as { id: string };
    const patches = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        app.inject({ method: "PATCH", url: `/v1/clusters/${id}`, headers: { ...PATCH, "if-match": made.headers.etag as string }, payload: { description: `Wersja ${i}` } }),
      ),
    );
    t.strictSame(patches.map((res) => res.statusCode).sort(), [200, 412, 412, 412, 412, 412, 412, 412], "one update wins");
    t.equal(await db.prisma.auditEvent.count({ where: { resourceId: id } }), 2, "its audit event, and the create's");
    const creates = await Promise.all(
      Array.from({ length: 8 }, () => app.inject({ method: "POST", url: "/v1/clusters", payload: { name: "Klaster", shortName: "WYSCIG", coordinatorId: coordinator.id } })),
    );
    t.strictSame(creates.map((res) => res.statusCode).sort(), [201, 409, 409, 409, 409, 409, 409, 409], "one create wins");
    for (const res of creates.filter((res) => res.statusCode === 409)) t.match(res.json(), { code: "conflict", errors: [{ path: "/shortName" }] });
  });

  t.test("a reference to a missing (or deleted) record: the same 422, naming the field", async (t) => {
    const gone = (await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: "Koordynator Usunięty" } }));
    const goneId = (gone.json() as { id: string }).id;
    t.equal((await app.inject({ method: "DELETE", url: `/v1/coordinators/${goneId}`, headers: { "if-match": gone.headers.etag as string } })).statusCode, 204);
    for (const missing of [goneId, "01900000-0000-7000-8000-000000000001"]) {
      const created = await alike(t, `create ${missing}`, (target, value) => target.inject({ method: "POST", url: "/v1/clusters", payload: { name: `Klaster ${value}`, coordinatorId: missing } }));
      t.match(created.json(), { code: "reference_not_found", errors: [{ path: "/coordinatorId" }] });
      await alike(t, `update ${missing}`, async (target, value) => {
        const made = await target.inject({ method: "POST", url: "/v1/clusters", payload: { name: `Klaster ${value}`, coordinatorId: coordinator.id } });
        const { id } = made.json() as { id: string };
        return target.inject({ method: "PATCH", url: `/v1/clusters/${id}`, headers: { ...PATCH, "if-match": made.headers.etag as string }, payload: { coordinatorId: missing } });
      });
      await alike(t, `participant of a missing meeting ${missing}`, (target) => target.inject({ method: "POST", url: `/v1/meetings/${missing}/participants`, payload: { personName: "Ktoś" } }));
    }
  });

  t.test("the referenced record deleted between the check and the write: the foreign key's 422, as through Prisma", async (t) => {
    await db.prisma.$executeRawUnsafe(`CREATE FUNCTION race_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.name LIKE 'Race%' THEN DELETE FROM coordinators WHERE id = NEW.coordinator_id; END IF; RETURN NEW; END $$`);
    await db.prisma.$executeRawUnsafe("CREATE TRIGGER race_delete BEFORE INSERT ON clusters FOR EACH ROW EXECUTE FUNCTION race_delete()");
    t.teardown(async () => {
      await db.prisma.$executeRawUnsafe("DROP TRIGGER IF EXISTS race_delete ON clusters");
      await db.prisma.$executeRawUnsafe("DROP FUNCTION IF EXISTS race_delete()");
    });
    const raced = await alike(t, "create", async (target, value) => {
      const owner = (await target.inject({ method: "POST", url: "/v1/coordinators", payload: { name: `Koordynator ${value}` } })).json() as { id: string };
      return target.inject({ method: "POST", url: "/v1/clusters", payload: { name: `Race ${value}`, coordinatorId: owner.id } });
    });
    t.match(raced.json(), { status: 422, code: "reference_not_found", errors: [{ path: "/coordinatorId" }] });
  });
}
