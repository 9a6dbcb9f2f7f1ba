import type { PrismaClient } from "../../generated/prisma/client.ts";
import { readableEvents, readablePosition } from "../../lib/change-feed.ts";
import { CHANGE_RESOURCE_TYPES } from "../changes/changes-schemas.ts";
import { eventPayload, eventTypeOf, subscribedTo } from "./webhook-events.ts";

const BATCH = 200;
/** Batches one round may fan out (10,000 events): far above any write rate a poll interval sees, a bound all the same. */
const ROUND_BATCHES = 50;

/**
 * Fans committed events out to the subscriptions that want them, as delivery rows (the outbox). It reads the change
 * feed exactly as GET /v1/changes does, past its own position, through the feed's one visibility rule
 * (src/lib/change-feed.ts `readableEvents`), so it never skips an event that commits later and a record's events come
 * in the order they were written. The position moves in the same transaction that writes the deliveries, and the
 * position's row is locked (SKIP LOCKED: another dispatcher busy with it is simply left to it), so every event is
 * fanned out exactly once however many instances and workers run. Returns how many events it read.
 */
export async function dispatchEvents(prisma: PrismaClient): Promise<number> {
  if (!(await anythingNew(prisma))) return 0;
  return prisma.$transaction(async (tx) => {
    const [cursor] = await tx.$queryRaw<Array<{ position: string }>>`SELECT position::text AS position FROM webhook_dispatch WHERE id = 1 FOR UPDATE SKIP LOCKED`;
    if (!cursor) return 0;
    const after = BigInt(cursor.position);
    // The FOR UPDATE above gives this transaction its id, and the feed's horizon (readableEvents) stays below it: a
    // subscription that commits after this read, and any write begun after it, are left to the next round
    // (test/modules/webhooks/webhooks-dispatch-race.test.ts). A plain SELECT here would let the round skip them.
    const subscriptions = await tx.webhookSubscription.findMany({ where: { enabled: true }, select: { id: true, eventTypes: true, createdAt: true } });
    // With no subscription nothing is delivered: the position moves straight to the feed's horizon, reading no event
    // (an instance with no webhooks would otherwise read its whole audit log, 200 events a poll, for nothing).
    const subscribed = subscriptions.length > 0;
    const { events, next } = await readableEvents(tx, { after, limit: BATCH, resourceTypes: subscribed ? CHANGE_RESOURCE_TYPES : [], details: subscribed });
    const deliveries = events.flatMap((event) => {
      const type = eventTypeOf(event);
      const targets = subscriptions.filter((subscription) => subscribedTo(subscription.eventTypes, type) && subscription.createdAt <= event.occurredAt);
      if (targets.length === 0) return [];
      const payload = eventPayload(event);
      return targets.map((subscription) => ({
        subscriptionId: subscription.id,
        eventId: event.id,
        eventType: type,
        position: event.position.toString(),
        orderingKey: event.resourceId,
        occurredAt: event.occurredAt,
        payload,
      }));
    });
    if (deliveries.length > 0) await tx.webhookDelivery.createMany({ data: deliveries });
    // `next` covers what the feed leaves out (API keys) as well: a short batch read everything up to the horizon.
    if (next !== after) await tx.webhookDispatch.update({ where: { id: 1 }, data: { position: next.toString() } });
    return events.length;
  });
}

/**
 * Whether the feed has gone past the dispatcher's position: two plain reads, no lock, no transaction. A round with
 * nothing to fan out (most rounds of an instance that is only read from) skips the transaction of four or five
 * queries, which cost 4 ms of CPU each poll interval. Either read may be older than the other; the answer may then be
 * "yes" for nothing (the transaction finds nothing), never "no" while there is an event the transaction would read.
 */
async function anythingNew(prisma: PrismaClient): Promise<boolean> {
  const [[cursor], readable] = await Promise.all([
    prisma.$queryRaw<Array<{ position: string }>>`SELECT position::text AS position FROM webhook_dispatch WHERE id = 1`,
    readablePosition(prisma),
  ]);
  return cursor !== undefined && readable > BigInt(cursor.position);
}

/**
 * Fans out batch after batch until the feed is caught up (a batch comes back short), at most ROUND_BATCHES: one batch
 * a round capped fan-out at 200 events a poll interval, and under more writes than that the backlog grew without end.
 * `goOn` is asked after each batch: a worker told to stop ends its round there (up to 50 batches would otherwise hold
 * up its shutdown well past the attempt timeout it is given). Returns how many events it read.
 */
export async function dispatchPending(prisma: PrismaClient, goOn: () => boolean = () => true): Promise<number> {
  let read = 0;
  for (let batch = 0; batch < ROUND_BATCHES; batch++) {
    const events = await dispatchEvents(prisma);
    read += events;
    if (events < BATCH || !goOn()) break;
  }
  return read;
}
