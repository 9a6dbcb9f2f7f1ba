// The change feed (/v1/changes): every committed change of a record, in commit order, from a position a client
// keeps; nothing can appear behind a position already handed out.
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

  const { changes, position } = await drain(cursor);
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
  const { changes } = await drain(cursor, "&resourceType=meetings");
  t.same(
    changes.map((change) => change.resourceId),
    [meeting.id],
  );
  t.notOk(changes.some((change) => change.resourceId === coordinator.id));

  // A filtered reader moves past what its filter skips: the next poll does not scan the coordinator again.
  const later = await createCoordinator(app);
  const filtered = await drain(cursor, "&resourceType=meetings");
  const everything = await drain(cursor);
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
  for (const cursor of ["abc", "-1", "1.5", "01", "99999999999999999999", "9223372036854775808"]) {
    expectProblem(t, await app.inject({ method: "GET", url: `/v1/changes?cursor=${cursor}` }), 400, "validation_failed", ["/cursor"]);
  }
  expectProblem(t, await app.inject({ method: "GET", url: "/v1/changes?resourceType=api-keys" }), 400, "validation_failed", ["/resourceType"]);
  t.equal((await app.inject({ method: "GET", url: "/v1/changes?cursor=9223372036854775807" })).statusCode, 200, "the largest position is fine");
});

t.test("a change still being written is numbered after every change a client has already seen", { skip: !usingPostgres && "needs two connections (PostgreSQL)" }, async (t) => {
  const { position: cursor } = await drain("0");
  const [first, second] = [await createCoordinator(app), await createCoordinator(app)];
  const { position: afterSetup } = await drain(cursor);

  // T1 writes its event, then stays open; T2 starts later and commits quickly.
  let firstCommittedAt = 0;
  let secondCommittedAt = 0;
  const slow = db.prisma.$transaction(
    async (tx) => {
      await recordAudit(tx, { action: "update", resourceType: "coordinators", resourceId: first.id, version: 2, before: { a: 1 }, after: { a: 2 } });
      await sleep(400);
    },
    { timeout: 10_000 },
  ).then(() => (firstCommittedAt = Date.now()));
  await sleep(100);
  const quick = db.prisma.$transaction(async (tx) => {
    await recordAudit(tx, { action: "update", resourceType: "coordinators", resourceId: second.id, version: 2, before: { a: 1 }, after: { a: 2 } });
  }, { timeout: 10_000 }).then(() => (secondCommittedAt = Date.now()));

  // While T1 is open, a reader must not be handed T2's event (it would then never see T1's, numbered lower).
  await sleep(100);
  const during = await drain(afterSetup);
  t.same(during.changes, [], "nothing is visible while the first writer is still open");
  t.equal(during.position, afterSetup);

  await Promise.all([slow, quick]);
  t.ok(secondCommittedAt >= firstCommittedAt, "the second writer waited for the first to commit");
  const after = await drain(afterSetup);
  t.same(
    after.changes.map((change) => change.resourceId),
    [first.id, second.id],
    "numbered in commit order",
  );
});
