import t, { type Test } from "tap";
import type { PrismaClient } from "../../../src/generated/prisma/client.ts";
import { dispatchEvents } from "../../../src/modules/webhooks/webhook-dispatcher.ts";
import { feedSettled, testDatabase, usingPostgres } from "../../helper.ts";
import { webhookApp } from "../../fixtures/webhooks.ts";

// A subscription made while a dispatcher round runs, between its reading the subscriptions and its reading the feed's
// horizon, followed (after its 201) by a write: the write's event must still reach it. The round's own transaction id
// (taken by its FOR UPDATE) bounds the horizon, so the write, whose transaction starts later, is left to the next
// round, which sees the subscription. PostgreSQL only: the embedded database is one session, nothing runs meanwhile.
if (!usingPostgres) {
  t.pass("PostgreSQL only (TEST_DATABASE_URL)");
} else {
  const db = await testDatabase(t);
  const app = await webhookApp(t, db, { deliverInProcess: false, allowPrivateTargets: true });

  /** `prisma`, except that right after a round has read the subscriptions, `meanwhile` runs (and commits). */
  const racing = (meanwhile: () => Promise<void>) =>
    new Proxy(db.prisma, {
      get(target, name, receiver) {
        if (name !== "$transaction") return Reflect.get(target, name, receiver);
        const transaction = (target.$transaction as (run: (tx: unknown) => Promise<unknown>, options?: unknown) => Promise<unknown>).bind(target);
        return (run: (tx: unknown) => Promise<unknown>, options?: unknown) =>
          transaction(
            (tx) =>
              run(
                new Proxy(tx as object, {
                  get(txTarget, txName) {
                    const value = Reflect.get(txTarget, txName) as unknown;
                    if (txName !== "webhookSubscription") return typeof value === "function" ? value.bind(txTarget) : value;
                    const model = value as { findMany: (args: unknown) => Promise<unknown> };
                    return {
                      findMany: async (args: unknown) => {
                        const found = await model.findMany(args);
                        await meanwhile();
                        return found;
                      },
                    };
                  },
                }),
              ),
            options,
          );
      },
    }) as PrismaClient;

  const race = async (t: Test, eventType: string) => {
    await feedSettled(db);
    while ((await dispatchEvents(db.prisma)) > 0);
    // A write before the round, so that the round has an event to read: a caught-up round opens no transaction.
    const before = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: `Koordynator przed ${eventType} ${Date.now()}` } });
    t.equal(before.statusCode, 201);
    await feedSettled(db);
    let subscriptionId = "";
    let coordinatorId = "";
    await dispatchEvents(
      racing(async () => {
        const sub = await app.inject({ method: "POST", url: "/v1/webhooks", payload: { url: "http://127.0.0.1:9/hook", eventTypes: [eventType] } });
        t.equal(sub.statusCode, 201);
        subscriptionId = sub.json().id;
        const created = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: `Koordynator ${eventType} ${Date.now()}` } });
        t.equal(created.statusCode, 201);
        coordinatorId = created.json().id;
      }),
    );
    t.not(subscriptionId, "", "the subscription was made while the round ran");
    await feedSettled(db);
    while ((await dispatchEvents(db.prisma)) > 0);
    const deliveries = await db.prisma.webhookDelivery.findMany({ where: { subscriptionId } });
    t.same(
      deliveries.map((delivery) => delivery.orderingKey),
      [coordinatorId],
      "the write made after the subscription's 201 is delivered to it",
    );
  };

  t.test("no subscription before the round", async (t) => {
    await db.prisma.webhookSubscription.deleteMany({});
    await race(t, "coordinator.created");
  });

  t.test("another subscription (the first test's) before the round", async (t) => {
    t.equal(await db.prisma.webhookSubscription.count({ where: { enabled: true } }), 1);
    await race(t, "coordinator.created");
  });
}
