import t from "tap";
import { Webhook } from "standardwebhooks";
import { recordAudit } from "../../../src/lib/audit.ts";
import { deliveryWorker } from "../../../src/modules/webhooks/webhook-worker.ts";
import { testDatabase } from "../../helper.ts";
import { createGrantApplication, transition } from "../../fixtures/grant-applications.ts";
import { FAST_DELIVERY, assertEachAttemptOnce, startReceiver, until, webhookApp, type Answer, type Received } from "../../fixtures/webhooks.ts";

const db = await testDatabase(t);
const app = await webhookApp(t, db);

/** Each test's own subscription, alone: an earlier test's receiver port may be handed out again. */
async function subscribe(url: string, eventTypes: string[] = ["*"]) {
  await db.prisma.webhookSubscription.deleteMany({});
  const res = await app.inject({ method: "POST", url: "/v1/webhooks", payload: { url, eventTypes } });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json() as { id: string; secret: string };
}

async function createCoordinator(name: string) {
  const res = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name } });
  if (res.statusCode !== 201) throw new Error(res.body);
  return { record: res.json(), etag: res.headers.etag as string };
}

const attemptsOf = async (subscriptionId: string) => (await app.inject({ url: `/v1/webhooks/${subscriptionId}/deliveries?limit=100` })).json().data;

t.test("a delivery is signed the Standard Webhooks way: the standardwebhooks package verifies it", async (t) => {
  const receiver = await startReceiver(t);
  const { secret, id } = await subscribe(receiver.url, ["coordinator.created"]);
  const { record } = await createCoordinator("Koordynator Podpisany");
  await receiver.waitFor(1);
  const [delivery] = receiver.received as [Received];
  const headers = delivery.headers as Record<string, string>;
  const verified = new Webhook(secret).verify(delivery.body, headers) as Record<string, unknown>;
  t.equal(verified.type, "coordinator.created");
  t.equal(verified.resourceId, record.id);
  t.equal(verified.version, 1);
  t.strictSame(verified.data, record, "the record as it now stands");
  t.equal(headers["webhook-id"], verified.id, "webhook-id is the event id");
  t.throws(() => new Webhook(secret).verify(delivery.body.replace("Podpisany", "Podrobiony"), headers), "a tampered body is rejected");
  const stale = { ...headers, "webhook-timestamp": String(Number(headers["webhook-timestamp"]) - 600) };
  t.throws(() => new Webhook(secret).verify(delivery.body, stale), "a stale timestamp is rejected");
  t.throws(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString("base64")}`).verify(delivery.body, headers), "another secret does not verify");
  const attempts = await until(async () => ((await attemptsOf(id)).length > 0 ? attemptsOf(id) : null));
  t.equal(attempts[0].statusCode, 204);
  t.equal(attempts[0].attempt, 1);
  t.equal(attempts[0].deliveryStatus, "succeeded");

  // After a rotation both secrets sign until the overlap ends: a receiver with either verifies.
  const rotated = await app.inject({ method: "POST", url: `/v1/webhooks/${id}/rotate-secret`, payload: {} });
  await createCoordinator("Koordynator Po Rotacji");
  await receiver.waitFor(2);
  const after = receiver.received[1]!;
  t.equal((after.headers["webhook-signature"] as string).split(" ").length, 2, "two signatures");
  t.ok(new Webhook(secret).verify(after.body, after.headers as Record<string, string>), "the old secret verifies");
  t.ok(new Webhook(rotated.json().secret).verify(after.body, after.headers as Record<string, string>), "the new secret verifies");
  await app.inject({ method: "DELETE", url: `/v1/webhooks/${id}`, headers: { "if-match": rotated.headers.etag as string } });
});

t.test("a 500 is retried, then the delivery succeeds; events of one record arrive in order", async (t) => {
  const receiver = await startReceiver(t, (_request, n): Answer => (n === 0 ? { status: 500, body: "down for a moment" } : { status: 200 }));
  const { id } = await subscribe(receiver.url, ["coordinator.created", "coordinator.updated"]);
  const { record, etag } = await createCoordinator("Koordynator Ponawiany");
  const patched = await app.inject({ method: "PATCH", url: `/v1/coordinators/${record.id}`, headers: { "if-match": etag }, payload: { shortName: "KP" } });
  t.equal(patched.statusCode, 200);
  await receiver.waitFor(3);
  const types = receiver.received.map((request) => `${request.json.type} v${request.json.version}`);
  t.strictSame(types, ["coordinator.created v1", "coordinator.created v1", "coordinator.updated v2"], "the update waits for the create's retry");
  t.equal(receiver.received[0]!.headers["webhook-id"], receiver.received[1]!.headers["webhook-id"], "a retry has the same webhook-id");
  const attempts = await until(async () => {
    const list = await attemptsOf(id);
    return list.length === 3 ? list : null;
  });
  const first = attempts.find((attempt: { attempt: number; statusCode: number }) => attempt.statusCode === 500);
  t.equal(first.response, "down for a moment", "the log keeps the response");
  t.equal(first.attempt, 1);
  t.ok(attempts.some((attempt: { attempt: number; statusCode: number }) => attempt.attempt === 2 && attempt.statusCode === 200));
});

t.test("a status change is a grant_application.status_changed event with from and to", async (t) => {
  const receiver = await startReceiver(t);
  await subscribe(receiver.url, ["grant_application.status_changed"]);
  const application = await createGrantApplication(app);
  const moved = await transition(app, application.id, { to: "submitted", on: "2013-03-14" });
  t.equal(moved.statusCode, 200, moved.body);
  await receiver.waitFor(1);
  const [event] = receiver.received.map((request) => request.json);
  t.equal(event!.type, "grant_application.status_changed", "only the event subscribed to (not .created)");
  t.equal(event!.from, "draft");
  t.equal(event!.to, "submitted");
  t.strictSame(event!.data, moved.json(), "the application as it now stands");
});

t.test("a 410 disables the subscription, saying why", async (t) => {
  const receiver = await startReceiver(t, () => ({ status: 410 }));
  const { id } = await subscribe(receiver.url, ["coordinator.created"]);
  await createCoordinator("Koordynator Dla Nikogo");
  await receiver.waitFor(1);
  const subscription = await until(async () => {
    const res = (await app.inject({ url: `/v1/webhooks/${id}` })).json();
    return res.enabled === false ? res : null;
  });
  t.match(subscription.disabledReason, /410/);
  t.equal(subscription.version, 2, "a change like any other");
  await createCoordinator("Koordynator Po Wyłączeniu");
  await app.inject({ method: "POST", url: `/v1/webhooks/${id}/ping` });
  const [delivery] = await db.prisma.webhookDelivery.findMany({ where: { subscriptionId: id, status: "failed" } });
  t.ok(delivery, "the delivery failed");
  t.equal(receiver.received.length, 1, "nothing more is sent to a disabled subscription");
});

t.test("a receiver slower than the timeout: the attempt fails as a timeout and is retried", async (t) => {
  // The app's attempts time out after 2 s (FAST_DELIVERY); the first answer would take 4 s.
  const receiver = await startReceiver(t, (_request, n) => (n === 0 ? { status: 200, delayMs: 4_000 } : { status: 200 }));
  const { id } = await subscribe(receiver.url, ["cluster.created"]);
  const coordinator = await createCoordinator("Koordynator Klastra");
  await app.inject({ method: "POST", url: "/v1/clusters", payload: { name: "Klaster Powolny", coordinatorId: coordinator.record.id } });
  const attempts = await until(async () => {
    const list = await attemptsOf(id);
    return list.length >= 1 ? list : null;
  });
  t.match(attempts.at(-1).error, /timed out after \d+ ms/);
  t.equal(attempts.at(-1).statusCode, null);
  await receiver.waitFor(2);
  t.equal(receiver.received[0]!.headers["webhook-id"], receiver.received[1]!.headers["webhook-id"], "the same event, again");
});

t.test("an event of a write that rolled back is never sent", async (t) => {
  const receiver = await startReceiver(t);
  await subscribe(receiver.url, ["organization.created"]);
  const rolledBack = "0193b2a6-1b22-7e53-9c4d-3f6a7b8c9d0e";
  await t.rejects(
    db.prisma.$transaction(async (tx) => {
      await recordAudit(tx, { action: "create", resourceType: "organizations", resourceId: rolledBack, version: 1, after: {}, data: { id: rolledBack } }, undefined);
      throw new Error("the write fails after its event");
    }),
  );
  const committed = await app.inject({ method: "POST", url: "/v1/organizations", payload: { name: "Organizacja Zapisana", kind: "business" } });
  t.equal(committed.statusCode, 201, committed.body);
  await receiver.waitFor(1);
  // The committed write's event comes after the rolled-back one's position; once it is delivered, the other never will be.
  await until(async () => (await db.prisma.webhookDelivery.count({ where: { eventType: "organization.created", status: "pending" } })) === 0);
  t.strictSame(receiver.received.map((request) => request.json.resourceId), [committed.json().id]);
});

t.test("ping, the delivery log and retry", async (t) => {
  const receiver = await startReceiver(t, () => ({ status: 202, body: "x".repeat(5000) }));
  const { id, secret } = await subscribe(receiver.url, ["meeting.created"]);
  const ping = await app.inject({ method: "POST", url: `/v1/webhooks/${id}/ping` });
  t.equal(ping.statusCode, 202, ping.body);
  await receiver.waitFor(1);
  const verified = new Webhook(secret).verify(receiver.received[0]!.body, receiver.received[0]!.headers as Record<string, string>) as { type: string; data: { id: string } };
  t.equal(verified.type, "webhook.ping");
  t.equal(verified.data.id, id);
  const [attempt] = await until(async () => ((await attemptsOf(id)).length === 1 ? attemptsOf(id) : null));
  t.equal(attempt.response.length, 1024, "the first 1 KB of the response");
  t.equal(attempt.eventId, ping.json().eventId);
  const other = (await app.inject({ method: "POST", url: "/v1/webhooks", payload: { url: receiver.url, eventTypes: ["meeting.created"] } })).json();
  const elsewhere = await app.inject({ method: "POST", url: `/v1/webhooks/${other.id}/deliveries/${attempt.deliveryId}/retry` });
  t.equal(elsewhere.statusCode, 404, "another subscription's delivery is not found under this one");
  t.equal((await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: attempt.deliveryId } })).status, "succeeded", "and is left alone");
  const retry = await app.inject({ method: "POST", url: `/v1/webhooks/${id}/deliveries/${attempt.deliveryId}/retry` });
  t.equal(retry.statusCode, 202, retry.body);
  t.strictSame(retry.json(), { deliveryId: attempt.deliveryId, eventId: ping.json().eventId, eventType: "webhook.ping", status: "pending" }, "the delivery queued again");
  await receiver.waitFor(2);
  t.equal(receiver.received[1]!.headers["webhook-id"], receiver.received[0]!.headers["webhook-id"], "the same event sent again");
  const missing = await app.inject({ method: "POST", url: `/v1/webhooks/${id}/deliveries/0193b2a6-1b22-7e53-9c4d-3f6a7b8c9d0e/retry` });
  t.equal(missing.statusCode, 404);
});

t.test("two workers on one database deliver each attempt once", async (t) => {
  const receiver = await startReceiver(t);
  await subscribe(receiver.url, ["coordinator.deleted"]);
  const settings = { ...app.webhooks.settings, pollIntervalMs: 5 };
  const workers = [deliveryWorker(db.prisma, settings, app.log), deliveryWorker(db.prisma, settings, app.log)];
  workers.forEach((worker) => worker.start());
  const count = 12;
  // With the app's own worker, three workers compete for every delivery.
  for (let i = 0; i < count; i++) {
    const { record, etag } = await createCoordinator(`Koordynator ${i}`);
    const res = await app.inject({ method: "DELETE", url: `/v1/coordinators/${record.id}`, headers: { "if-match": etag } });
    t.equal(res.statusCode, 204, res.body);
  }
  await receiver.waitFor(count);
  await until(async () => (await db.prisma.webhookDelivery.count({ where: { eventType: "coordinator.deleted", status: "pending" } })) === 0);
  await Promise.all(workers.map((worker) => worker.stop()));
  await assertEachAttemptOnce(t, db.prisma, receiver.received, "coordinator.deleted", count);
});

t.test("connect-time check: a target that resolves to a private address is refused when sending", async (t) => {
  // Only this test's worker (which does not allow private targets) may take the delivery.
  await app.webhooks.worker!.stop();
  const guarded = await webhookApp(t, db, { ...FAST_DELIVERY, deliverInProcess: false, allowPrivateTargets: false });
  const worker = deliveryWorker(db.prisma, guarded.webhooks.settings, guarded.log);
  const receiver = await startReceiver(t);
  // Saved while allowed (or its DNS changed since): `localhost` now resolves to 127.0.0.1, which the send refuses.
  const { id } = await subscribe(`https://localhost:${receiver.port}/hook`, ["activity.created"]);
  await db.prisma.webhookDelivery.create({
    data: { subscriptionId: id, eventId: "0193b2a6-1b22-7e53-9c4d-3f6a7b8c9d0f", eventType: "activity.created", position: "0", orderingKey: "x", occurredAt: new Date(), payload: "{}" },
  });
  await worker.runOnce();
  const [attempt] = await attemptsOf(id);
  t.match(attempt.error, /refused: 127\.0\.0\.1 is a loopback address/);
  t.equal(receiver.received.length, 0, "nothing reached the receiver");
});

t.test("/metrics: deliveries by outcome, attempt latency, the oldest undelivered event", async (t) => {
  const res = await app.inject({ url: "/metrics" });
  t.match(res.body, /webhook_deliveries_total\{outcome="success"\} \d+/);
  t.match(res.body, /webhook_deliveries_total\{outcome="http_error"\} \d+/);
  t.match(res.body, /webhook_attempt_duration_seconds_count \d+/);
  t.match(res.body, /webhook_oldest_undelivered_event_age_seconds \d/);
});
