import type { PrismaClient } from "../../generated/prisma/client.ts";
import { feedHorizon } from "../../lib/change-feed.ts";
import { CHANGE_RESOURCE_TYPES } from "../changes/changes-schemas.ts";
import { eventPayload, eventTypeOf, subscribedTo } from "./webhook-events.ts";

const BATCH = 200;

/**
 * Fans committed events out to the subscriptions that want them, as delivery rows (the outbox). It reads the change
 * feed exactly as GET /v1/changes does, past its own position and only up to the feed's horizon (src/lib/change-feed.ts),
 * so it never skips an event that commits later. The position moves in the same transaction that writes the
 * deliveries, and the position's row is locked (SKIP LOCKED: another dispatcher busy with it is simply left to it),
 * so every event is fanned out exactly once however many instances and workers run. Returns how many events it read.
 */
export async function dispatchEvents(prisma: PrismaClient): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const [cursor] = await tx.$queryRaw<Array<{ position: bigint }>>`SELECT position FROM webhook_dispatch WHERE id = 1 FOR UPDATE SKIP LOCKED`;
    if (!cursor) return 0;
    const horizon = await feedHorizon(tx);
    if (horizon === null || horizon <= cursor.position) return 0;
    const events = await tx.auditEvent.findMany({
      where: { sequence: { gt: cursor.position, lte: horizon }, resourceType: { in: [...CHANGE_RESOURCE_TYPES] } },
      orderBy: { sequence: "asc" },
      take: BATCH,
    });
    const subscriptions = events.length === 0 ? [] : await tx.webhookSubscription.findMany({ where: { enabled: true }, select: { id: true, eventTypes: true, createdAt: true } });
    const deliveries = events.flatMap((event) => {
      const type = eventTypeOf(event);
      const targets = subscriptions.filter((subscription) => subscribedTo(subscription.eventTypes, type) && subscription.createdAt <= event.occurredAt);
      if (targets.length === 0) return [];
      const payload = eventPayload(event);
      return targets.map((subscription) => ({
        subscriptionId: subscription.id,
        eventId: event.id,
        eventType: type,
        sequence: event.sequence,
        orderingKey: event.resourceId,
        occurredAt: event.occurredAt,
        payload,
      }));
    });
    if (deliveries.length > 0) await tx.webhookDelivery.createMany({ data: deliveries });
    // A short batch read everything up to the horizon, including what the feed leaves out (API keys).
    const position = events.length === BATCH ? events.at(-1)!.sequence : horizon;
    await tx.webhookDispatch.update({ where: { id: 1 }, data: { position } });
    return events.length;
  });
}
