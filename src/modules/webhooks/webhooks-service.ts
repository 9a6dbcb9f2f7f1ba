import { randomUUID } from "node:crypto";
import type { Prisma, PrismaClient, WebhookAttempt as AttemptRow, WebhookDelivery as DeliveryRow } from "../../generated/prisma/client.ts";
import { withRequestHooks } from "../../db/transactions.ts";
import { recordAudit } from "../../lib/audit.ts";
import { assertIfMatch } from "../../lib/etag.ts";
import { paginate } from "../../lib/pagination.ts";
import { notFound } from "../../lib/problem.ts";
import { atVersion, lostRace, type Tx } from "../../lib/records.ts";
import type { RequestContext } from "../../lib/request-context.ts";
import { newWebhookSecret, toWebhookWithSecret, toWebhookRecord } from "./webhooks-mapper.ts";
import type { WebhookAttemptDto } from "./webhooks-schemas.ts";

/** What only webhooks have besides their record life: secret rotation, pings, the delivery log and replays. */

const NEWEST_FIRST = [{ field: "attemptedAt", direction: "desc" as const }];

const toAttemptDto = (row: AttemptRow & { delivery: DeliveryRow }): WebhookAttemptDto => ({
  id: row.id,
  deliveryId: row.deliveryId,
  eventId: row.delivery.eventId,
  eventType: row.delivery.eventType as WebhookAttemptDto["eventType"],
  deliveryStatus: row.delivery.status as WebhookAttemptDto["deliveryStatus"],
  attempt: row.attempt,
  statusCode: row.statusCode,
  latencyMs: row.latencyMs,
  response: row.response,
  error: row.error,
  attemptedAt: row.attemptedAt.toISOString(),
});

const queued = (delivery: DeliveryRow) => ({ deliveryId: delivery.id, eventId: delivery.eventId, eventType: delivery.eventType, status: "pending" as const });

export function webhooksService(prisma: PrismaClient) {
  async function subscription(db: Prisma.TransactionClient | PrismaClient, id: string) {
    const row = await db.webhookSubscription.findUnique({ where: { id } });
    if (!row) throw notFound("webhook", id);
    return row;
  }

  return {
    /**
     * A new secret, shown once; the previous one keeps signing beside it for `overlapSeconds`, so receivers can
     * switch without losing a delivery. A new version, with its audit event (which never holds a secret).
     */
    async rotateSecret(id: string, overlapSeconds: number, ifMatch: string | undefined, context?: RequestContext) {
      return prisma.$transaction(withRequestHooks(context, async (tx: Tx) => {
        const current = await subscription(tx, id);
        if (ifMatch !== undefined) assertIfMatch(ifMatch, current);
        const expiresAt = new Date(Date.now() + overlapSeconds * 1000);
        const { count } = await tx.webhookSubscription.updateMany({
          where: atVersion(current),
          data: { secret: newWebhookSecret(), previousSecret: current.secret, previousSecretExpiresAt: expiresAt, version: { increment: 1 } },
        });
        if (count === 0) throw lostRace("webhook");
        const updated = await subscription(tx, id);
        const rotation = (row: typeof current) => ({ previousSecretExpiresAt: row.previousSecretExpiresAt?.toISOString() ?? null });
        await recordAudit(tx, {
          action: "update",
          resourceType: "webhooks",
          resourceId: id,
          version: updated.version,
          before: rotation(current),
          after: rotation(updated),
          data: toWebhookRecord(updated),
        }, context);
        return toWebhookWithSecret(updated);
      }));
    },

    /** Queues a `webhook.ping` event for this subscription alone (sent like any event, once it is enabled). */
    async ping(id: string) {
      const row = await subscription(prisma, id);
      const eventId = randomUUID();
      const occurredAt = new Date();
      const payload = JSON.stringify({
        id: eventId,
        type: "webhook.ping",
        timestamp: occurredAt.toISOString(),
        resource: "webhooks",
        resourceId: row.id,
        parentId: null,
        version: row.version,
        data: toWebhookRecord(row),
      });
      const delivery = await prisma.webhookDelivery.create({
        data: { subscriptionId: id, eventId, eventType: "webhook.ping", position: "0", orderingKey: eventId, occurredAt, payload },
      });
      return queued(delivery);
    },

    /** Every attempt, newest first. */
    async attempts(id: string, query: { limit: number; cursor?: string }) {
      await subscription(prisma, id);
      const { rows, nextCursor } = await paginate({
        fields: { attemptedAt: { type: "datetime" } },
        sort: NEWEST_FIRST,
        idDirection: "desc",
        limit: query.limit,
        cursor: query.cursor,
        where: { subscriptionId: id },
        findMany: (args) => prisma.webhookAttempt.findMany({ ...(args as Prisma.WebhookAttemptFindManyArgs), include: { delivery: true } }),
      });
      return { data: rows.map(toAttemptDto), nextCursor };
    },

    /** Sends a delivery again (whatever became of it), as soon as a worker is free, with a fresh schedule of retries. */
    async retry(id: string, deliveryId: string) {
      await subscription(prisma, id);
      // One statement that answers the row it wrote: a delivery pruned (or its subscription deleted) between an update
      // and a read back would have been a 500.
      const [delivery] = await prisma.webhookDelivery.updateManyAndReturn({
        where: { id: deliveryId, subscriptionId: id },
        data: { status: "pending", nextAttemptAt: new Date(), leasedUntil: null, attempts: 0 },
      });
      if (!delivery) throw notFound("webhook delivery", deliveryId);
      return queued(delivery);
    },
  };
}
