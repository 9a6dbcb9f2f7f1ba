import t from "tap";
import { deliveryWorker } from "../../../src/modules/webhooks/webhook-worker.ts";
import { testDatabase } from "../../helper.ts";
import { FAST_DELIVERY, startReceiver, until, webhookApp } from "../../fixtures/webhooks.ts";

// Issue 12: "after a configurable run of failures, the subscription is disabled and says why" and "old log rows are
// pruned after a configurable number of days".

const db = await testDatabase(t);
t.setTimeout(60_000);

t.test("a run of failures disables the subscription, saying why; nothing more is sent", async (t) => {
  // A short run (3) and short waits; the retry schedule is longer than the run, so the run (not the last retry) stops it.
  const settings = { ...FAST_DELIVERY, disableAfterFailures: 3, retryDelaysMs: [10, 10, 10, 10, 10, 10, 10, 10] };
  const app = await webhookApp(t, db, settings);
  let answer = 500;
  const receiver = await startReceiver(t, () => ({ status: answer, body: "broken" }));
  const created = await app.inject({ method: "POST", url: "/v1/webhooks", payload: { url: receiver.url, eventTypes: ["coordinator.created"] } });
  t.equal(created.statusCode, 201, created.body);
  const { id } = created.json() as { id: string };
  const coordinator = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: "Koordynator Nieosiągalny" } });
  t.equal(coordinator.statusCode, 201, coordinator.body);

  const disabled = await until(async () => {
    const res = await app.inject({ url: `/v1/webhooks/${id}` });
    return res.json().enabled === false ? res : null;
  });
  const subscription = disabled.json();
  t.equal(subscription.disabledReason, "3 attempts in a row failed", "the API says why");
  t.equal(subscription.version, 2, "disabling is a change like any other: a new version");
  const history = (await app.inject({ url: `/v1/webhooks/${id}/history` })).json();
  t.match(JSON.stringify(history), /3 attempts in a row failed/, "and its history records it");

  // Give the worker many rounds (and one more of our own): a disabled subscription gets nothing.
  const more = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: "Koordynator Po Wyłączeniu" } });
  t.equal(more.statusCode, 201, more.body);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await deliveryWorker(db.prisma, app.webhooks.settings, app.log).runOnce();
  t.equal(receiver.received.length, 3, "exactly the run of 3 attempts went out");
  const attempts = (await app.inject({ url: `/v1/webhooks/${id}/deliveries?limit=100` })).json().data as Array<{ attempt: number; statusCode: number }>;
  t.strictSame(
    attempts.map((attempt) => [attempt.attempt, attempt.statusCode]).sort(),
    [
      [1, 500],
      [2, 500],
      [3, 500],
    ],
    "the delivery log shows the three failures",
  );
  t.equal(await db.prisma.webhookDelivery.count({ where: { subscriptionId: id, status: "pending" } }), 1, "the delivery waits, not lost");
  t.equal(await db.prisma.webhookDelivery.count({ where: { subscriptionId: id } }), 1, "events while it is disabled are not queued for it");

  // Enabling it again clears the reason and the run, and the waiting delivery goes out.
  answer = 204;
  const enabled = await app.inject({ method: "PATCH", url: `/v1/webhooks/${id}`, headers: { "if-match": disabled.headers.etag as string }, payload: { enabled: true } });
  t.equal(enabled.statusCode, 200, enabled.body);
  t.equal(enabled.json().disabledReason, null);
  await receiver.waitFor(4);
  await until(async () => (await db.prisma.webhookDelivery.count({ where: { subscriptionId: id, status: "pending" } })) === 0);
  t.equal((await db.prisma.webhookSubscription.findUniqueOrThrow({ where: { id } })).consecutiveFailures, 0);
});

t.test("old log rows are pruned after the configured days; recent and pending ones stay", async (t) => {
  // No worker of the app's own: this test's worker prunes on its first round.
  const app = await webhookApp(t, db, { ...FAST_DELIVERY, deliverInProcess: false, retentionDays: 7 });
  const created = await app.inject({ method: "POST", url: "/v1/webhooks", payload: { url: "http://127.0.0.1:9/hook", eventTypes: ["meeting.created"] } });
  t.equal(created.statusCode, 201, created.body);
  const subscriptionId = (created.json() as { id: string }).id;
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
  let n = 0;
  const delivery = async (status: string, days: number) => {
    n++;
    const row = await db.prisma.webhookDelivery.create({
      data: {
        subscriptionId,
        eventId: `0193b2a6-1b22-7e53-9c4d-${String(n).padStart(12, "0")}`,
        eventType: "coordinator.created",
        position: String(n),
        orderingKey: `record-${n}`,
        occurredAt: daysAgo(days),
        payload: "{}",
        status,
        attempts: 1,
        // A pending one is not due: nothing is sent in this test.
        nextAttemptAt: status === "pending" ? daysAgo(-1) : daysAgo(days),
      },
    });
    await db.prisma.webhookAttempt.create({ data: { deliveryId: row.id, subscriptionId, attempt: 1, statusCode: 500, latencyMs: 3, attemptedAt: daysAgo(days) } });
    // @updatedAt is set by Prisma on every write: back-date it in SQL.
    await db.prisma.$executeRaw`UPDATE webhook_deliveries SET updated_at = ${daysAgo(days)} WHERE id = ${row.id}::uuid`;
    return row.id;
  };
  const oldSucceeded = await delivery("succeeded", 8);
  const oldFailed = await delivery("failed", 30);
  const recentSucceeded = await delivery("succeeded", 6);
  const recentFailed = await delivery("failed", 1);
  const oldPending = await delivery("pending", 40);

  await deliveryWorker(db.prisma, app.webhooks.settings, app.log).runOnce();

  const left = await db.prisma.webhookDelivery.findMany({ where: { subscriptionId }, include: { attemptLog: true } });
  const byId = new Map(left.map((row) => [row.id, row]));
  t.notOk(byId.has(oldSucceeded), "a delivery that succeeded 8 days ago is pruned (retention 7 days)");
  t.notOk(byId.has(oldFailed), "a delivery that failed 30 days ago is pruned");
  t.equal(byId.get(recentSucceeded)?.attemptLog.length, 1, "one 6 days old stays, with its attempt");
  t.equal(byId.get(recentFailed)?.attemptLog.length, 1, "one a day old stays, with its attempt");
  t.ok(byId.has(oldPending), "a pending delivery is never pruned, however old");
  t.equal(byId.get(oldPending)?.status, "pending");
  t.equal(byId.get(oldPending)?.attemptLog.length, 0, "only its old log row went");
  t.equal(await db.prisma.webhookAttempt.count({ where: { subscriptionId, attemptedAt: { lt: daysAgo(7) } } }), 0, "no attempt older than 7 days is left");
  const listed = (await app.inject({ url: `/v1/webhooks/${subscriptionId}/deliveries?limit=100` })).json().data as Array<{ deliveryId: string }>;
  t.strictSame(new Set(listed.map((attempt) => attempt.deliveryId)), new Set([recentSucceeded, recentFailed]), "the delivery log lists what is left");
});
