// The change feed (/v1/changes): every committed change, from a position a client keeps; nothing can appear behind a
// position already handed out, and the changes of one record come in the order they happened (src/lib/change-feed.ts).
import t from "tap";
import { recordAudit } from "../../../src/lib/audit.ts";
import { bearer, createReaderKey, testApp, usingPostgres } from "../../helper.ts";
import { createCoordinator } from "../../fixtures/records.ts";
import { createMeeting, createParticipant } from "../../fixtures/meetings.ts";
import { expectProblem, ISO_UTC, nextLinkOf, sleep } from "../../expect.ts";

type Change = {
  sequence: string;
  occurredAt: string;
  action: string;
  resourceType: string;
  resourceId: string;
  parentId: string | null;
  version: number | null;
  url: string;
};
type Feed = { data: Change[]; nextCursor: string; hasMore: boolean };

const { app, db } = await testApp(t);

const feed = async (query = "") => {
  const response = await app.inject({ method: "GET", url: `/v1/changes${query}` });
  if (response.statusCode !== 200) throw new Error(`GET /v1/changes${query}: ${response.statusCode} ${response.body}`);
  return { body: response.json() as Feed, response };
};

/** Everything after `cursor`, following `hasMore`. */
async function drain(cursor: string, extra = "") {
  const changes: Change[] = [];
  let position = cursor;
  for (;;) {
    const { body } = await feed(`?cursor=${position}&limit=100${extra}`);
    changes.push(...body.data);
    position = body.nextCursor;
    if (!body.hasMore) return { changes, position };
  }
}

/**
 * Everything after `cursor`, once at least `count` changes are there. The feed holds changes back while any
 * transaction that began before them is still open anywhere on the server (on PostgreSQL, other test files' databases
 * share it): a moment's wait, never a reordering.
 */
async function drainAtLeast(cursor: string, count: number, extra = "") {
  for (let attempt = 1; ; attempt++) {
    const result = await drain(cursor, extra);
    if (result.changes.length >= count || attempt === 200) return result;
    await sleep(25);
  }
}

t.test("a client that starts at the beginning sees every change, in order, and where to continue", async (t) => {
  const start = await feed();
  t.equal(start.response.statusCode, 200);
  // API keys (the test's admin key was created through the service) are not part of the feed.
  t.notOk(start.body.data.some((change) => change.resourceType === "api-keys"), "API key changes stay in the audit log");
  const { position: cursor } = await drain("0");

  const coordinator = await createCoordinator(app);
  const patched = await app.inject({
    method: "PATCH",
    url: `/v1/coordinators/${coordinator.id}`,
    headers: { "if-match": `"${coordinator.id}.v${coordinator.version}"`, "content-type": "application/merge-patch+json" },
    payload: { shortName: "Zmieniony" },
  });
  t.equal(patched.statusCode, 200, patched.body);
  const meeting = await createMeeting(app);
  const participant = await createParticipant(app, meeting.id);
  const removed = await app.inject({ method: "DELETE", url: `/v1/meetings/${meeting.id}/participants/${participant.id}`, headers: { "if-match": `"${participant.id}.v1"` } });
  t.equal(removed.statusCode, 204, removed.body);

  const { changes, position } = await drainAtLeast(cursor, 5);
  t.same(
    changes.map(({ action, resourceType, resourceId, parentId, version, url }) => ({ action, resourceType, resourceId, parentId, version, url })),
    [
      { action: "create", resourceType: "coordinators", resourceId: coordinator.id, parentId: null, version: 1, url: `/v1/coordinators/${coordinator.id}` },
      { action: "update", resourceType: "coordinators", resourceId: coordinator.id, parentId: null, version: 2, url: `/v1/coordinators/${coordinator.id}` },
      { action: "create", resourceType: "meetings", resourceId: meeting.id, parentId: null, version: 1, url: `/v1/meetings/${meeting.id}` },
      {
        action: "create",
        resourceType: "meeting-participants",
        resourceId: participant.id,
        parentId: meeting.id,
        version: 1,
        url: `/v1/meetings/${meeting.id}/participants/${participant.id}`,
      },
      {
        action: "delete",
        resourceType: "meeting-participants",
        resourceId: participant.id,
        parentId: meeting.id,
        version: 1,
        url: `/v1/meetings/${meeting.id}/participants/${participant.id}`,
      },
    ],
  );
  const sequences = changes.map((change) => BigInt(change.sequence));
  t.ok(
    sequences.every((sequence, i) => i === 0 || sequence > sequences[i - 1]!),
    "positions strictly increase",
  );
  t.ok(BigInt(changes[0]!.sequence) > BigInt(cursor), "and come after the position the client held");
  for (const change of changes) t.match(change.occurredAt, ISO_UTC);
  t.equal(position, changes.at(-1)!.sequence, "nextCursor is the last position seen");

  const idle = await feed(`?cursor=${position}`);
  t.same(idle.body, { data: [], nextCursor: position, hasMore: false }, "up to date: nothing new, the same position back");
  t.notOk(idle.response.headers.link, "no Link when there is nothing more");
});

t.test("pages: limit, hasMore and the Link header", async (t) => {
  const { position: cursor } = await drain("0");
  const coordinators = [await createCoordinator(app), await createCoordinator(app), await createCoordinator(app)];
  await drainAtLeast(cursor, 3);
  const first = await feed(`?cursor=${cursor}&limit=2`);
  t.equal(first.body.data.length, 2);
  t.equal(first.body.hasMore, true, "more is waiting");
  t.equal(first.body.nextCursor, first.body.data[1]!.sequence);
  const link = nextLinkOf(t, first.response);
  t.ok(link, "a Link to the next page");
  const second = await app.inject({ method: "GET", url: link! });
  const body = second.json() as Feed;
  t.same(body.data.map((change) => change.resourceId), [coordinators[2]!.id]);
  t.equal(body.hasMore, false);
  t.same(
    [...first.body.data, ...body.data].map((change) => change.resourceId),
    coordinators.map((coordinator) => coordinator.id),
  );
});

t.test("resourceType narrows the feed to one collection", async (t) => {
  const { position: cursor } = await drain("0");
  const coordinator = await createCoordinator(app);
  const meeting = await createMeeting(app);
  const { changes } = await drainAtLeast(cursor, 1, "&resourceType=meetings");
  t.same(
    changes.map((change) => change.resourceId),
    [meeting.id],
  );
  t.notOk(changes.some((change) => change.resourceId === coordinator.id));

  // A filtered reader moves past what its filter skips: the next poll does not scan the coordinator again.
  const later = await createCoordinator(app);
  const everything = await drainAtLeast(cursor, 3);
  const filtered = await drain(cursor, "&resourceType=meetings");
  t.ok(everything.changes.some((change) => change.resourceId === later.id));
  t.equal(filtered.position, everything.position, "both readers stand at the newest position");
  t.same(filtered.changes.map((change) => change.resourceId), [meeting.id]);
});

t.test("a reader key may follow the feed", async (t) => {
  const reader = await createReaderKey(db);
  const response = await app.inject({ method: "GET", url: "/v1/changes?limit=1", headers: bearer(reader.key) });
  t.equal(response.statusCode, 200);
  const anonymous = await app.inject({ method: "GET", url: "/v1/changes", headers: { authorization: "" } });
  t.equal(anonymous.statusCode, 401);
});

t.test("a position that is not one is a 400 naming the cursor", async (t) => {
  for (const cursor of ["abc", "-1", "1.5", "01", "99999999999999999999", "9223372036854775808", "19223372036854775808"]) {
    expectProblem(t, await app.inject({ method: "GET", url: `/v1/changes?cursor=${cursor}` }), 400, "validation_failed", ["/cursor"]);
  }
  expectProblem(t, await app.inject({ method: "GET", url: "/v1/changes?resourceType=api-keys" }), 400, "validation_failed", ["/resourceType"]);
  t.equal((await app.inject({ method: "GET", url: "/v1/changes?cursor=9223372036854775807" })).statusCode, 200, "a plain sequence number is a position");
  // A position is a stamp and a sequence number, each a PostgreSQL bigint: the stamp * 10^19 + the sequence.
  const largest = "92233720368547758079223372036854775807";
  t.equal((await app.inject({ method: "GET", url: `/v1/changes?cursor=${largest}` })).statusCode, 200, "the largest position is fine");
  expectProblem(t, await app.inject({ method: "GET", url: `/v1/changes?cursor=${largest.replace(/7$/, "8")}` }), 400, "validation_failed", ["/cursor"]);
  expectProblem(t, await app.inject({ method: "GET", url: `/v1/changes?cursor=1${largest}` }), 400, "validation_failed", ["/cursor"]);
});

t.test("a change still being written holds back every later one, and no write waits for another", { skip: !usingPostgres && "needs two connections (PostgreSQL)" }, async (t) => {
  const { position: cursor } = await drain("0");
  const [first, second] = [await createCoordinator(app), await createCoordinator(app)];
  const { position: afterSetup } = await drainAtLeast(cursor, 2);

  // T1 writes its event, then stays open until the test lets it go; T2 starts later and commits while T1 is open
  // (with a lock shared by all writes, T2 would wait for T1 and this test would never get past T2).
  let releaseFirst!: () => void;
  const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
  let firstWrote!: () => void;
  const firstHasWritten = new Promise<void>((resolve) => (firstWrote = resolve));
  const slow = db.prisma.$transaction(
    async (tx) => {
      await recordAudit(tx, { action: "update", resourceType: "coordinators", resourceId: first.id, version: 2, before: { a: 1 }, after: { a: 2 } }, undefined);
      firstWrote();
      await firstMayCommit;
    },
    { timeout: 10_000 },
  );
  await firstHasWritten;
  await db.prisma.$transaction(async (tx) => {
    await recordAudit(tx, { action: "update", resourceType: "coordinators", resourceId: second.id, version: 2, before: { a: 1 }, after: { a: 2 } }, undefined);
  }, { timeout: 10_000 });
  t.pass("the second writer committed while the first was still open");

  // While T1 is open, a reader must not be handed T2's event (it would then never see T1's, which sorts before it).
  const during = await drain(afterSetup);
  t.same(during.changes, [], "nothing is visible while the first writer is still open");
  t.equal(during.position, afterSetup);

  releaseFirst();
  await slow;
  const after = await drainAtLeast(afterSetup, 2);
  t.same(
    after.changes.map((change) => change.resourceId),
    [first.id, second.id],
    "both, in the order they were written",
  );
});

t.test("a transaction that began before another but writes the record after it: the record's changes stay in version order", { skip: !usingPostgres && "needs two connections (PostgreSQL)" }, async (t) => {
  const { position: cursor } = await drain("0");
  const coordinator = await createCoordinator(app);
  await drainAtLeast(cursor, 1);

  // The older transaction's first write (like the idempotency claim, the first write of a request's transaction)
  // gives it its transaction id; it writes the record only later.
  let releaseOlder!: () => void;
  const olderMayGoOn = new Promise<void>((resolve) => (releaseOlder = resolve));
  let olderBegan!: () => void;
  const olderHasItsId = new Promise<void>((resolve) => (olderBegan = resolve));
  const older = db.prisma.$transaction(
    async (tx) => {
      await tx.idempotencyKey.create({
        data: { scope: "test", key: "older", method: "PATCH", path: "/", requestHash: "x", expiresAt: new Date(Date.now() + 60_000) },
      });
      olderBegan();
      await olderMayGoOn;
      const row = await tx.coordinator.update({ where: { id: coordinator.id }, data: { shortName: "Starszy", version: { increment: 1 } } });
      await recordAudit(tx, { action: "update", resourceType: "coordinators", resourceId: coordinator.id, version: row.version, before: { a: 1 }, after: { a: 2 } }, undefined);
    },
    { timeout: 10_000 },
  );
  await olderHasItsId;

  // A younger request changes the record and commits first.
  const patched = await app.inject({
    method: "PATCH",
    url: `/v1/coordinators/${coordinator.id}`,
    headers: { "if-match": `"${coordinator.id}.v1"`, "content-type": "application/merge-patch+json" },
    payload: { shortName: "Młodszy" },
  });
  t.equal(patched.statusCode, 200, patched.body);
  releaseOlder();
  await older;

  const { changes } = await drainAtLeast(cursor, 3);
  t.same(
    changes.filter((change) => change.resourceId === coordinator.id).map((change) => change.version),
    [1, 2, 3],
    "create, the younger transaction's update, then the older one's",
  );
});

t.test("the order holds when the event is inserted in the same statement as a write that waited for a row", { skip: !usingPostgres && "needs two connections (PostgreSQL)" }, async (t) => {
  const { position: cursor } = await drain("0");
  const coordinator = await createCoordinator(app);
  await drainAtLeast(cursor, 1);

  // The older transaction gets its id first.
  let olderBegan!: () => void;
  const olderHasItsId = new Promise<void>((resolve) => (olderBegan = resolve));
  let releaseOlder!: () => void;
  const olderMayGoOn = new Promise<void>((resolve) => (releaseOlder = resolve));
  const older = db.prisma.$transaction(
    async (tx) => {
      await tx.idempotencyKey.create({
        data: { scope: "test", key: "one statement", method: "PATCH", path: "/", requestHash: "x", expiresAt: new Date(Date.now() + 60_000) },
      });
      olderBegan();
      await olderMayGoOn;
      // One statement: the change and its event. It waits for the younger transaction's row lock, so its statement
      // snapshot is older than the younger transaction's commit.
      await tx.$executeRaw`
        WITH changed AS (UPDATE coordinators SET version = version + 1 WHERE id = ${coordinator.id}::uuid RETURNING id, version)
        INSERT INTO audit_events (id, action, resource_type, resource_id, version)
        SELECT gen_random_uuid(), 'update', 'coordinators', id, version FROM changed`;
    },
    { timeout: 10_000 },
  );
  await olderHasItsId;

  // The younger transaction changes the record and holds its row until the older one waits for it.
  await db.prisma.$transaction(
    async (tx) => {
      const row = await tx.coordinator.update({ where: { id: coordinator.id }, data: { shortName: "Młodszy", version: { increment: 1 } } });
      await recordAudit(tx, { action: "update", resourceType: "coordinators", resourceId: coordinator.id, version: row.version, before: { a: 1 }, after: { a: 2 } }, undefined);
      releaseOlder();
      for (let attempt = 1; attempt <= 400; attempt++) {
        const [row] = await db.prisma.$queryRaw<Array<{ waiting: number }>>`
          SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
        if (row!.waiting > 0) break;
        await sleep(10);
      }
    },
    { timeout: 10_000 },
  );
  await older;

  const { changes } = await drainAtLeast(cursor, 3);
  t.same(
    changes.filter((change) => change.resourceId === coordinator.id).map((change) => change.version),
    [1, 2, 3],
    "the event written after the wait sorts after the change it waited for",
  );
});
