// Two interleavings of concurrent writes the change feed must get right without a global lock (src/lib/change-feed.ts):
// an older transaction whose event is written after a younger one's, and a meeting deleted while one of its
// participants is being updated. Both need two connections, so PostgreSQL only.
import t from "tap";
import { recordAudit } from "../../../src/lib/audit.ts";
import { testApp, usingPostgres } from "../../helper.ts";
import { createCoordinator } from "../../fixtures/records.ts";
import { createMeeting, createParticipant } from "../../fixtures/meetings.ts";
import { sleep } from "../../expect.ts";

type Change = { action: string; resourceId: string; version: number | null; sequence: string };
type Feed = { data: Change[]; nextCursor: string; hasMore: boolean };

const signal = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
};

const postgresOnly = { skip: !usingPostgres && "needs two connections (PostgreSQL)" };

t.test("an older transaction's event written after a younger one's: a follower gets both, the younger's included", postgresOnly, async (t) => {
  const { app, db } = await testApp(t);
  const feed = async (cursor: string) => (await app.inject({ url: `/v1/changes?cursor=${cursor}&limit=100` })).json() as Feed;
  const [a, b] = [await createCoordinator(app), await createCoordinator(app)];
  // Catch up with the creates (the feed may hold them back a moment while other databases' transactions are open).
  let cursor = "0";
  for (let seen = 0, i = 0; seen < 2 && i < 400; i++) {
    const page = await feed(cursor);
    seen += page.data.length;
    cursor = page.nextCursor;
    if (seen < 2) await sleep(25);
  }

  const olderHasXid = signal();
  const youngerWrote = signal();
  const youngerMayCommit = signal();
  // The older transaction: its first write (an idempotency claim, as in a request) gives it the older id; its event
  // comes only after the younger transaction has written its own (and so taken the lower sequence number).
  const older = db.prisma.$transaction(
    async (tx) => {
      await tx.idempotencyKey.create({
        data: { scope: "test", key: "older", method: "PATCH", path: "/", requestHash: "x", expiresAt: new Date(Date.now() + 60_000) },
      });
      olderHasXid.resolve();
      await youngerWrote.promise;
      await recordAudit(tx as never, { action: "update", resourceType: "coordinators", resourceId: b.id, version: 2, before: {}, after: {} }, undefined);
    },
    { timeout: 30_000 },
  );
  await olderHasXid.promise;
  const younger = db.prisma.$transaction(
    async (tx) => {
      await recordAudit(tx as never, { action: "update", resourceType: "coordinators", resourceId: a.id, version: 2, before: {}, after: {} }, undefined);
      youngerWrote.resolve();
      await youngerMayCommit.promise;
    },
    { timeout: 30_000 },
  );
  await older;

  // Read while the younger transaction is still open, then after it commits: nothing may be skipped.
  const seen: string[] = [];
  const during = await feed(cursor);
  seen.push(...during.data.map((change) => change.resourceId));
  cursor = during.nextCursor;
  youngerMayCommit.resolve();
  await younger;
  for (let i = 0; i < 400 && seen.length < 2; i++) {
    const page = await feed(cursor);
    seen.push(...page.data.map((change) => change.resourceId));
    cursor = page.nextCursor;
    if (seen.length < 2) await sleep(25);
  }
  t.same([...seen].sort(), [a.id, b.id].sort(), "both events reach the follower");
});

t.test("a meeting deleted while a participant is updated: the participant's delete comes after its update", postgresOnly, async (t) => {
  const { app, db } = await testApp(t);
  const meeting = await createMeeting(app);
  const participant = await createParticipant(app, meeting.id);
  const meetingRow = await db.prisma.meeting.findFirstOrThrow({ where: { id: meeting.id } });

  const rowUpdated = signal();
  const deleteWaits = signal();
  // The update takes the participant's row, then waits until the meeting's delete is under way (and waiting for a
  // lock) before it records its event and commits, as a request that is slower to finish would.
  const update = db.prisma.$transaction(
    async (tx) => {
      const row = await tx.meetingParticipant.update({ where: { id: participant.id }, data: { personName: "Zmieniony", version: { increment: 1 } } });
      rowUpdated.resolve();
      await deleteWaits.promise;
      await recordAudit(tx as never, { action: "update", resourceType: "meeting-participants", resourceId: participant.id, parentId: meeting.id, version: row.version, before: {}, after: {} }, undefined);
    },
    { timeout: 30_000 },
  );
  await rowUpdated.promise;
  const remove = app.inject({ method: "DELETE", url: `/v1/meetings/${meeting.id}`, headers: { "if-match": `"${meeting.id}.v${meetingRow.version}"` } });
  for (let i = 0; i < 400; i++) {
    const [waiting] = await db.prisma.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    if (waiting!.n > 0) break;
    await sleep(10);
  }
  deleteWaits.resolve();
  await update;
  const deleted = await remove;
  t.equal(deleted.statusCode, 204, "the meeting is deleted");
  t.equal(await db.prisma.meetingParticipant.count({ where: { id: participant.id } }), 0, "with its participant");

  let ofParticipant: string[] = [];
  for (let i = 0; i < 400; i++) {
    const changes: Change[] = [];
    let cursor = "0";
    for (;;) {
      const page = (await app.inject({ url: `/v1/changes?cursor=${cursor}&limit=100` })).json() as Feed;
      changes.push(...page.data);
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    ofParticipant = changes.filter((change) => change.resourceId === participant.id).map((change) => `${change.action} v${change.version}`);
    if (changes.some((change) => change.resourceId === meeting.id && change.action === "delete")) break;
    await sleep(25);
  }
  t.same(ofParticipant, ["create v1", "update v2", "delete v2"], "create, update, then the delete of the version the update left");
});
