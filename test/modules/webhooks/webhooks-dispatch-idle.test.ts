import t from "tap";
import { positionOf } from "../../../src/lib/change-feed.ts";
import type { PrismaClient } from "../../../src/generated/prisma/client.ts";
import { dispatchEvents, dispatchPending } from "../../../src/modules/webhooks/webhook-dispatcher.ts";
import { deliveryWorker } from "../../../src/modules/webhooks/webhook-worker.ts";
import { feedSettled, testDatabase } from "../../helper.ts";
import { webhookApp } from "../../fixtures/webhooks.ts";

// The dispatcher reads 200 events a batch. With no subscription it must not walk the audit log 200 at a time (an
// instance without webhooks would read its whole history, a round a second, for nothing): one round moves its
// position to the feed's horizon, and a subscription made later gets the events after it, and only those.
const db = await testDatabase(t);
// No worker in process: this test runs the dispatcher itself, a round at a time.
const app = await webhookApp(t, db, { deliverInProcess: false, allowPrivateTargets: true });

const position = async () =>
  BigInt((await db.prisma.$queryRaw<Array<{ position: string }>>`SELECT position::text AS position FROM webhook_dispatch WHERE id = 1`)[0]!.position);
const newest = async () => {
  const [row] = await db.prisma.$queryRaw<Array<{ feed_xid: bigint; sequence: bigint }>>`SELECT feed_xid, sequence FROM audit_events ORDER BY feed_xid DESC, sequence DESC LIMIT 1`;
  return positionOf(row!.feed_xid, row!.sequence);
};

t.test("with no subscription one round moves past every event, reading none", async (t) => {
  await db.prisma.webhookSubscription.deleteMany({});
  for (let i = 0; i < 250; i++) {
    const res = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: `Koordynator ${i}` } });
    t.equal(res.statusCode, 201);
  }
  await feedSettled(db);
  t.equal(await dispatchEvents(db.prisma), 0, "no event read");
  t.equal(await position(), await newest(), "the position is the newest event's, more than one batch ahead");
  t.equal(await db.prisma.webhookDelivery.count(), 0);
});

t.test("a subscription made afterwards gets the events written after it", async (t) => {
  const sub = await app.inject({ method: "POST", url: "/v1/webhooks", payload: { url: "http://127.0.0.1:9/hook", eventTypes: ["coordinator.created"] } });
  t.equal(sub.statusCode, 201);
  const created = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: "Koordynator Po Subskrypcji" } });
  await feedSettled(db);
  t.ok((await dispatchEvents(db.prisma)) >= 1, "events read once there is a subscription");
  const deliveries = await db.prisma.webhookDelivery.findMany({});
  t.equal(deliveries.length, 1, "only the event written after the subscription");
  t.equal(deliveries[0]!.orderingKey, created.json().id);
});

t.test("a round fans out every event waiting, not one batch of 200", async (t) => {
  const before = await db.prisma.webhookDelivery.count();
  for (let i = 0; i < 450; i++) {
    const res = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: `Koordynator Seryjny ${i}` } });
    t.equal(res.statusCode, 201);
  }
  await feedSettled(db);
  t.ok((await dispatchPending(db.prisma)) >= 450, "every event read in one round");
  t.equal((await db.prisma.webhookDelivery.count()) - before, 450, "a delivery for each");
  t.equal(await position(), await newest(), "the position is the newest event's");
});

/** The client, counting the transactions begun through it (one for each batch the dispatcher reads). */
function counting(prisma: PrismaClient, onTransaction: () => void = () => undefined) {
  const counter = { transactions: 0 };
  const client = new Proxy(prisma, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (property === "$transaction") {
        return (...args: unknown[]) => {
          counter.transactions += 1;
          onTransaction();
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { client, counter };
}

/** `count` coordinator.created events written straight into the audit log, in one statement, copies of one made by the API. */
async function backlog(count: number) {
  await db.prisma.$executeRaw`
    INSERT INTO audit_events (id, action, resource_type, resource_id, version, changes, data)
    SELECT gen_random_uuid(), e.action, e.resource_type, gen_random_uuid(), e.version, e.changes, e.data
    FROM (SELECT * FROM audit_events WHERE resource_type = 'coordinators' AND action = 'create' ORDER BY sequence DESC LIMIT 1) e,
      generate_series(1, ${count}::int)`;
  await feedSettled(db);
}

t.test("a round that finds the feed caught up opens no transaction; one event behind, it reads one batch", async (t) => {
  await dispatchPending(db.prisma);
  const { client, counter } = counting(db.prisma);
  t.equal(await dispatchPending(client), 0);
  t.equal(counter.transactions, 0, "nothing past the position: no transaction at all");
  await backlog(1);
  t.equal(await dispatchPending(client), 1);
  t.equal(counter.transactions, 1, "one batch, short: the round ends");
  t.equal(await position(), await newest());
});

t.test("a round fans out at most 50 batches (10,000 events); the next round goes on", async (t) => {
  const before = await db.prisma.webhookDelivery.count();
  await backlog(10_250);
  const { client, counter } = counting(db.prisma);
  t.equal(await dispatchPending(client), 10_000, "50 batches of 200");
  t.equal(counter.transactions, 50);
  t.ok((await position()) < (await newest()), "the rest waits for the next round");
  t.equal(await dispatchPending(db.prisma), 250);
  t.equal((await db.prisma.webhookDelivery.count()) - before, 10_250);
  t.equal(await position(), await newest());
});

t.test("a worker told to stop ends its round after the batch in hand", async (t) => {
  await backlog(450);
  let worker: ReturnType<typeof deliveryWorker> | undefined;
  const { client, counter } = counting(db.prisma, () => void worker?.stop());
  worker = deliveryWorker(client, { ...app.webhooks.settings, allowPrivateTargets: true }, app.log);
  await worker.runOnce();
  t.equal(counter.transactions, 1, "no batch read after stop()");
  t.ok((await position()) < (await newest()), "the rest is left to the next worker");
  t.equal(await dispatchPending(db.prisma), 250, "which fans it out");
});

t.test("events the feed leaves out (API keys) still move the position: the round that skips nothing past it is not skipped", async (t) => {
  await dispatchPending(db.prisma);
  for (const withSubscription of [true, false]) {
    if (!withSubscription) await db.prisma.webhookSubscription.deleteMany({});
    const res = await app.inject({ method: "POST", url: "/v1/api-keys", payload: { name: `Klucz ${withSubscription}`, role: "reader" } });
    t.equal(res.statusCode, 201);
    await feedSettled(db);
    const [last] = await db.prisma.$queryRaw<Array<{ resource_type: string }>>`SELECT resource_type FROM audit_events ORDER BY feed_xid DESC, sequence DESC LIMIT 1`;
    t.equal(last!.resource_type, "api-keys", "the newest event is one no subscription can receive");
    const { client, counter } = counting(db.prisma);
    t.equal(await dispatchPending(client), 0, "no event read");
    t.equal(counter.transactions, 1, `${withSubscription ? "with" : "without"} a subscription: a round that moves the position`);
    t.equal(await position(), await newest(), "to the newest event");
    t.equal(await dispatchPending(client), 0);
    t.equal(counter.transactions, 1, "and then, caught up, no transaction");
  }
});
