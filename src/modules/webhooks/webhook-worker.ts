import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { WebhookSettings } from "../../config-webhooks.ts";
import { recordAudit } from "../../lib/audit.ts";
import type { Tx } from "../../lib/records.ts";
import { dispatchPending } from "./webhook-dispatcher.ts";
import { leaseKeeper, leaseMarginMs, leaseMsFor } from "./webhook-leases.ts";
import { WebhookMetrics } from "./webhook-metrics.ts";
import { postDelivery, signedHeaders, type AttemptResult } from "./webhook-sender.ts";
import { toWebhookRecord } from "./webhooks-mapper.ts";

/**
 * The delivery worker: runs inside the service (default) or as `npm run worker`, any number of them on one database.
 * Each round it fans new events out (webhook-dispatcher.ts), then claims due deliveries and sends them.
 *
 * Claiming: a short transaction picks due deliveries with FOR UPDATE SKIP LOCKED and leases them (`leased_until`),
 * so two workers never take the same attempt. The worker renews its leases until each attempt is recorded
 * (webhook-leases.ts), retrying a recording that fails; a worker that dies mid-attempt leaves a lease that runs out,
 * and the attempt is made again (at least once). A delivery waits while an earlier one for the same record and subscription is
 * pending, so the events of one record arrive in order. A small outbox table rather than pg-boss or graphile-worker:
 * see README "Webhooks".
 */

type Logger = { error(object: object, message: string): void; warn(object: object, message: string): void };

const CLAIM_BATCH = 10;
const PRUNE_EVERY_MS = 3_600_000;
/** A failed recording of an attempt is tried again this many times in all (0.5, 1, 2, 4 s apart), its lease renewed meanwhile. */
const RECORD_TRIES = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  const leaseMs = leaseMsFor(settings.attemptTimeoutMs);
  const leases = leaseKeeper(prisma, leaseMs, log);
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

  /** Sends a claimed delivery and records the attempt; `claimedAt` is when the claim was asked for (performance.now()). */
  async function send(delivery: Claimed, claimedAt: number) {
    leases.hold(delivery.id, delivery.attempts);
    try {
      // A claim is only sent while fresh, with most of its lease ahead: an event loop that stalled since the claim was
      // asked for may have let the lease run out, and another worker take the delivery. Handed back untried instead.
      if (performance.now() - claimedAt > leaseMarginMs(settings.attemptTimeoutMs) / 2) return await unclaim(delivery, "webhook claim too old to send: handed back");
      const result = await attempt(delivery);
      metrics.observe(result);
      await recordWithRetries(delivery, result);
    } finally {
      leases.release(delivery.id);
    }
  }

  /** Hands a claimed delivery back untried (the attempt number it took is given back too), for any worker to take now. */
  async function unclaim(delivery: Claimed, why?: string) {
    if (why) log.warn({ deliveryId: delivery.id }, why);
    await prisma.webhookDelivery
      .updateMany({ where: { id: delivery.id, attempts: delivery.attempts, status: "pending" }, data: { leasedUntil: null, attempts: { decrement: 1 } } })
      .catch((error: unknown) => log.warn({ err: error, deliveryId: delivery.id }, "webhook claim not handed back: its lease runs out"));
  }

  function attempt(delivery: Claimed) {
    const now = new Date();
    const secrets = [delivery.secret];
    if (delivery.previous_secret && delivery.previous_secret_expires_at && delivery.previous_secret_expires_at > now) secrets.push(delivery.previous_secret);
    return postDelivery(delivery.url, signedHeaders(secrets, delivery.event_id, delivery.payload, now), delivery.payload, {
      timeoutMs: settings.attemptTimeoutMs,
      allowPrivate: settings.allowPrivateTargets,
    });
  }

  /**
   * Records the attempt, trying again when that fails (a busy pool, a lock held elsewhere) while the lease is renewed:
   * letting the lease run out instead would have another worker send the attempt again. It gives up when the
   * subscription was deleted meanwhile (its deliveries went with it), or after RECORD_TRIES (the database is away):
   * then the lease runs out and the attempt is made again, as after a crash.
   */
  async function recordWithRetries(delivery: Claimed, result: AttemptResult) {
    for (let tries = 1; ; tries++) {
      try {
        return await prisma.$transaction((tx) => record(tx, delivery, result));
      } catch (error) {
        const claimed = await prisma.webhookDelivery.count({ where: { id: delivery.id, attempts: delivery.attempts } }).catch(() => 1);
        if (claimed === 0 || tries >= RECORD_TRIES) return log.warn({ err: error, deliveryId: delivery.id }, "webhook attempt not recorded");
        await sleep(250 * 2 ** tries);
      }
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
    const own = await tx.webhookDelivery.updateMany({ where: { id: delivery.id, attempts: delivery.attempts }, data: { status: state, leasedUntil: null, nextAttemptAt } });
    if (own.count === 0) log.warn({ deliveryId: delivery.id }, "webhook lease lost before the attempt was recorded: the delivery may have been sent twice");
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
    }, undefined); // no request: the worker's own change
  }

  async function prune() {
    const cutoff = new Date(Date.now() - settings.retentionDays * 86_400_000);
    await prisma.webhookAttempt.deleteMany({ where: { attemptedAt: { lt: cutoff } } });
    await prisma.webhookDelivery.deleteMany({ where: { status: { not: "pending" }, updatedAt: { lt: cutoff } } });
  }

  async function runOnce() {
    await dispatchPending(prisma, () => !stopped);
    for (;;) {
      const claimedAt = performance.now();
      const claimed = await claim();
      if (stopped) await Promise.all(claimed.map((delivery) => unclaim(delivery)));
      if (claimed.length === 0 || stopped) break;
      await Promise.all(claimed.map((delivery) => send(delivery, claimedAt)));
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
