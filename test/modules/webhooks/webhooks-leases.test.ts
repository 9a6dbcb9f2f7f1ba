import t from "tap";
import type { PrismaClient } from "../../../src/generated/prisma/client.ts";
import { leaseMsFor } from "../../../src/modules/webhooks/webhook-leases.ts";
import { deliveryWorker } from "../../../src/modules/webhooks/webhook-worker.ts";
import { testDatabase } from "../../helper.ts";
import { FAST_DELIVERY, startReceiver, until, webhookApp } from "../../fixtures/webhooks.ts";

// Issue 12: "several instances or workers on one database never deliver an attempt twice in normal operation". A
// worker that is alive keeps its claim however long recording its attempt takes; only a crash hands it on.

const db = await testDatabase(t);
t.setTimeout(90_000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The database, except that the first transaction asked for once `armed()` holds waits `ms`, then fails (a busy pool's maxWait). */
function slowFirstTransaction(prisma: PrismaClient, armed: () => boolean, ms: number): PrismaClient {
  let done = false;
  return new Proxy(prisma, {
    get(target, property) {
      if (property === "$transaction" && !done && armed()) {
        done = true;
        return async () => {
          await sleep(ms);
          throw new Error("Transaction API error: Unable to start a transaction in the given time.");
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

t.test("recording an attempt takes longer than the lease: a second worker does not send it again", async (t) => {
  // A short lease (the timeout plus 5 s; a timeout long enough for a receiver in this busy process); no worker of the app's own.
  const settings = { ...FAST_DELIVERY, deliverInProcess: false, attemptTimeoutMs: 1_000, pollIntervalMs: 20 };
  const leaseMs = leaseMsFor(settings.attemptTimeoutMs);
  const app = await webhookApp(t, db, settings);
  const receiver = await startReceiver(t);
  const created = await app.inject({ method: "POST", url: "/v1/webhooks", payload: { url: receiver.url, eventTypes: ["coordinator.created"] } });
  t.equal(created.statusCode, 201, created.body);
  const subscriptionId = (created.json() as { id: string }).id;

  // The first worker's recording of its attempt waits longer than a whole lease, then fails, as a transaction does
  // that finds no free connection on a busy machine.
  const slow = slowFirstTransaction(db.prisma, () => receiver.received.length > 0, leaseMs + 1_500);
  const first = deliveryWorker(slow, app.webhooks.settings, app.log);
  const second = deliveryWorker(db.prisma, app.webhooks.settings, app.log);
  t.teardown(() => Promise.all([first.stop(), second.stop()]));
  first.start();
  const coordinator = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: "Koordynator Cierpliwy" } });
  t.equal(coordinator.statusCode, 201, coordinator.body);
  await receiver.waitFor(1);
  // The second worker polls every 20 ms all through the first one's slow recording.
  second.start();

  const delivery = await until(() => db.prisma.webhookDelivery.findFirst({ where: { subscriptionId, status: "succeeded" }, include: { attemptLog: true } }));
  await sleep(500);
  t.equal(receiver.received.length, 1, "the attempt went out once");
  t.equal(delivery.attempts, 1, "one attempt was claimed");
  t.strictSame(
    delivery.attemptLog.map((attempt) => [attempt.attempt, attempt.statusCode]),
    [[1, 204]],
    "and recorded once, by the worker that made it, once its recording was tried again",
  );
});

t.test("a worker stalled between its claim and the send: past its lease, it does not send (another worker has)", async (t) => {
  const settings = { ...FAST_DELIVERY, deliverInProcess: false, attemptTimeoutMs: 1_000, pollIntervalMs: 20 };
  const leaseMs = leaseMsFor(settings.attemptTimeoutMs);
  const app = await webhookApp(t, db, settings);
  const receiver = await startReceiver(t);
  await db.prisma.webhookSubscription.deleteMany({});
  const created = await app.inject({ method: "POST", url: "/v1/webhooks", payload: { url: receiver.url, eventTypes: ["cluster.created"] } });
  t.equal(created.statusCode, 201, created.body);
  const subscriptionId = (created.json() as { id: string }).id;

  // The first claim that gets a delivery reaches the first worker only after more than a whole lease, as to a process
  // whose event loop was blocked meanwhile.
  let stalled = false;
  const slowClaims = new Proxy(db.prisma, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (property === "$queryRaw") {
        return async (...args: unknown[]) => {
          const rows = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          // A claim's rows, not another read's (the dispatcher's position, say): they name a delivery's subscription.
          if (!stalled && Array.isArray(rows) && rows.length > 0 && "subscription_id" in (rows[0] as object)) {
            stalled = true;
            await sleep(leaseMs + 1_500);
          }
          return rows;
        };
      }
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const first = deliveryWorker(slowClaims, app.webhooks.settings, app.log);
  const second = deliveryWorker(db.prisma, app.webhooks.settings, app.log);
  t.teardown(() => Promise.all([first.stop(), second.stop()]));
  first.start();
  const coordinator = (await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: "Koordynator Zamyślony" } })).json();
  const cluster = await app.inject({ method: "POST", url: "/v1/clusters", payload: { name: "Klaster Zamyślony", coordinatorId: coordinator.id } });
  t.equal(cluster.statusCode, 201, cluster.body);
  // Once the first worker holds the claim, the second starts polling.
  await until(() => db.prisma.webhookDelivery.findFirst({ where: { subscriptionId, leasedUntil: { not: null } } }));
  const claimedAt = Date.now();
  second.start();

  const delivery = await until(() => db.prisma.webhookDelivery.findFirst({ where: { subscriptionId, status: "succeeded" }, include: { attemptLog: true } }));
  // Past the moment the first worker wakes up with its stale claim, and a little more.
  await sleep(Math.max(0, claimedAt + leaseMs + 2_500 - Date.now()));
  t.equal(receiver.received.length, 1, "the attempt went out once, from the second worker");
  t.strictSame(
    delivery.attemptLog.map((attempt) => attempt.statusCode),
    [204],
    "one attempt recorded",
  );
  t.equal((await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).status, "succeeded", "the stale claim changed nothing");
});
