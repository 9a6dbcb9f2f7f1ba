import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { WebhookSettings } from "../../config-webhooks.ts";
import { recordAudit } from "../../lib/audit.ts";
import type { Tx } from "../../lib/records.ts";
import { dispatchEvents } from "./webhook-dispatcher.ts";
import { WebhookMetrics } from "./webhook-metrics.ts";
import { postDelivery, signedHeaders, type AttemptResult } from "./webhook-sender.ts";
import { toWebhookRecord } from "./webhooks-mapper.ts";

/**
 * The delivery worker: runs inside the service (default) or as `npm run worker`, any number of them on one database.
 * Each round it fans new events out (webhook-dispatcher.ts), then claims due deliveries and sends them.
 *
 * Claiming: a short transaction picks due deliveries with FOR UPDATE SKIP LOCKED and leases them (`leased_until`),
 * so two workers never take the same attempt; a worker that dies mid-attempt leaves a lease that runs out, and the
 * attempt is made again (at least once). A delivery waits while an earlier one for the same record and subscription is
 * pending, so the events of one record arrive in order. A small outbox table rather than pg-boss or graphile-worker:
 * see README "Webhooks".
 */

type Logger = { error(object: object, message: string): void; warn(object: object, message: string): void };

const CLAIM_BATCH = 10;
const PRUNE_EVERY_MS = 3_600_000;
/** A lease outlives the attempt timeout by this (at least 5 s, at most 30 s): time to record the attempt on a busy machine. */
const leaseMarginMs = (timeoutMs: number) => Math.max(5_000, Math.min(30_000, timeoutMs));

type Claimed = {
  id: string;
  subscription_id: string;
  event_id: string;
  payload: string;
  attempts: number;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
};

export type DeliveryWorker = { start(): void; stop(): Promise<void>; runOnce(): Promise<void>; readonly metrics: WebhookMetrics };

export function deliveryWorker(prisma: PrismaClient, settings: WebhookSettings, log: Logger, metrics = new WebhookMetrics()): DeliveryWorker {
  const leaseMs = settings.attemptTimeoutMs + leaseMarginMs(settings.attemptTimeoutMs);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let prunedAt = 0;

  const claim = () =>
    prisma.$queryRaw<Claimed[]>`
      WITH due AS (
        SELECT d.id FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id AND s.enabled
        WHERE d.status = 'pending' AND d.next_attempt_at <= clock_timestamp() AND (d.leased_until IS NULL OR d.leased_until < clock_timestamp())
          AND NOT EXISTS (
            SELECT 1 FROM webhook_deliveries e
            WHERE e.subscription_id = d.subscription_id AND e.ordering_key = d.ordering_key AND e.status = 'pending' AND e.position < d.position)
        ORDER BY d.next_attempt_at, d.position
        LIMIT ${CLAIM_BATCH}
        FOR UPDATE OF d SKIP LOCKED)
      UPDATE webhook_deliveries d
      SET leased_until = clock_timestamp() + ${leaseMs} * interval '1 millisecond', attempts = d.attempts + 1, updated_at = clock_timestamp()
      FROM due, webhook_subscriptions s
      WHERE d.id = due.id AND s.id = d.subscription_id
      RETURNING d.id, d.subscription_id, d.event_id, d.payload, d.attempts, s.url, s.secret, s.previous_secret, s.previous_secret_expires_at`;

  async function send(delivery: Claimed) {
    const now = new Date();
    const secrets = [delivery.secret];
    if (delivery.previous_secret && delivery.previous_secret_expires_at && delivery.previous_secret_expires_at > now) secrets.push(delivery.previous_secret);
    const result = await postDelivery(delivery.url, signedHeaders(secrets, delivery.event_id, delivery.payload, now), delivery.payload, {
      timeoutMs: settings.attemptTimeoutMs,
      allowPrivate: settings.allowPrivateTargets,
    });
    metrics.observe(result);
    try {
      await prisma.$transaction((tx) => record(tx, delivery, result));
    } catch (error) {
      // The subscription was deleted meanwhile (its deliveries went with it), or the database is away: the lease runs out.
      log.warn({ err: error, deliveryId: delivery.id }, "webhook attempt not recorded");
    }
  }

  async function record(tx: Tx, delivery: Claimed, result: AttemptResult) {
    await tx.webhookAttempt.create({
      data: {
        deliveryId: delivery.id,
        subscriptionId: delivery.subscription_id,
        attempt: delivery.attempts,
        statusCode: result.statusCode,
        latencyMs: result.latencyMs,
        response: result.response,
        error: result.error,
      },
    });
    const status = result.statusCode ?? 0;
    const succeeded = status >= 200 && status < 300;
    const gone = status === 410;
    const delay = settings.retryDelaysMs[delivery.attempts - 1];
    const state = succeeded ? "succeeded" : gone || delay === undefined ? "failed" : "pending";
    const nextAttemptAt = state === "pending" ? new Date(Date.now() + Math.round(delay! * (0.8 + Math.random() * 0.4))) : undefined;
    // Only the attempt this worker claimed (a lease that ran out may have let another worker take the delivery).
    await tx.webhookDelivery.updateMany({ where: { id: delivery.id, attempts: delivery.attempts }, data: { status: state, leasedUntil: null, nextAttemptAt } });
    if (succeeded) {
      await tx.webhookSubscription.updateMany({ where: { id: delivery.subscription_id, consecutiveFailures: { gt: 0 } }, data: { consecutiveFailures: 0 } });
      return;
    }
    const subscription = await tx.webhookSubscription.update({ where: { id: delivery.subscription_id }, data: { consecutiveFailures: { increment: 1 } } });
    const reason = gone
      ? "the receiver answered 410 Gone"
      : subscription.consecutiveFailures >= settings.disableAfterFailures
        ? `${subscription.consecutiveFailures} attempts in a row failed`
        : null;
    if (reason && subscription.enabled) await disable(tx, subscription, reason);
  }

  /** Disables a subscription as any change to it is made: a new version, with its audit event (and webhook event). */
  async function disable(tx: Tx, current: Parameters<typeof toWebhookRecord>[0], reason: string) {
    const updated = await tx.webhookSubscription.update({ where: { id: current.id }, data: { enabled: false, disabledReason: reason, version: { increment: 1 } } });
    await recordAudit(tx, {
      action: "update",
      resourceType: "webhooks",
      resourceId: updated.id,
      version: updated.version,
      before: { enabled: true, disabledReason: null },
      after: { enabled: false, disabledReason: reason },
      data: toWebhookRecord(updated),
    });
  }

  async function prune() {
    const cutoff = new Date(Date.now() - settings.retentionDays * 86_400_000);
    await prisma.webhookAttempt.deleteMany({ where: { attemptedAt: { lt: cutoff } } });
    await prisma.webhookDelivery.deleteMany({ where: { status: { not: "pending" }, updatedAt: { lt: cutoff } } });
  }

  async function runOnce() {
    await dispatchEvents(prisma);
    for (let claimed = await claim(); claimed.length > 0 && !stopped; claimed = await claim()) {
      await Promise.all(claimed.map(send));
    }
    if (Date.now() - prunedAt >= PRUNE_EVERY_MS) {
      prunedAt = Date.now();
      await prune();
    }
  }

  function schedule(delayMs: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce()
        .catch((error: unknown) => log.error({ err: error }, "webhook delivery round failed"))
        .finally(() => {
          running = undefined;
          schedule(settings.pollIntervalMs);
        });
    }, delayMs);
    // Never what keeps a process (or a test) alive.
    timer.unref();
  }

  return {
    metrics,
    start: () => schedule(0),
    runOnce,
    /** Stops polling and waits for the round in flight (its attempts end within the attempt timeout). */
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
