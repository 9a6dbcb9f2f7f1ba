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
  // Short attempts, so the lease is as short as it gets (the timeout plus 5 s); no worker of the app's own.
  const settings = { ...FAST_DELIVERY, deliverInProcess: false, attemptTimeoutMs: 200, pollIntervalMs: 20 };
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
