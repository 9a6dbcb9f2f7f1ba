import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { AttemptResult } from "./webhook-sender.ts";

const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export type Outcome = "success" | "http_error" | "gone" | "timeout" | "refused" | "connection_error";

export const outcomeOf = (result: AttemptResult): Outcome => {
  if (result.statusCode !== null) return result.statusCode >= 200 && result.statusCode < 300 ? "success" : result.statusCode === 410 ? "gone" : "http_error";
  if (result.error?.startsWith("timed out")) return "timeout";
  return result.error?.startsWith("refused") ? "refused" : "connection_error";
};

/**
 * This process's webhook attempts, by outcome and latency; and, read from the database at each scrape, the age of the
 * oldest undelivered event (with `prisma`). Registered in `registry`: the app's, served at /metrics; the worker
 * process's, served on WEBHOOK_WORKER_METRICS_PORT (src/bin/worker.ts); by default a registry of their own.
 */
export class WebhookMetrics {
  private readonly deliveries: Counter<"outcome">;
  private readonly durations: Histogram;

  constructor(registry: Registry = new Registry(), prisma?: PrismaClient) {
    this.deliveries = new Counter({
      name: "webhook_deliveries_total",
      help: "Webhook delivery attempts made by this process, by outcome.",
      labelNames: ["outcome"],
      registers: [registry],
    });
    this.durations = new Histogram({ name: "webhook_attempt_duration_seconds", help: "Time of webhook delivery attempts.", buckets: BUCKETS, registers: [registry] });
    if (!prisma) return;
    new Gauge({
      name: "webhook_oldest_undelivered_event_age_seconds",
      help: "Age of the oldest event not yet delivered (0: none waiting; NaN: the database did not answer).",
      registers: [registry],
      async collect() {
        this.set(await oldestUndeliveredAge(prisma).catch(() => Number.NaN));
      },
    });
  }

  observe(result: AttemptResult) {
    this.deliveries.inc({ outcome: outcomeOf(result) });
    this.durations.observe(result.latencyMs / 1000);
  }
}

/** Seconds since the oldest event that is pending delivery or not yet fanned out, whichever is older (0: none). */
async function oldestUndeliveredAge(prisma: PrismaClient): Promise<number> {
  const [row] = await prisma.$queryRaw<Array<{ oldest: Date | null }>>`
    SELECT LEAST(
      (SELECT min(occurred_at) FROM webhook_deliveries WHERE status = 'pending'),
      (SELECT min(occurred_at) FROM audit_events
       WHERE (feed_xid, sequence) > (SELECT trunc(position / 1e19)::bigint, mod(position, 1e19)::bigint FROM webhook_dispatch WHERE id = 1))) AS oldest`;
  return row?.oldest ? Math.max(0, (Date.now() - row.oldest.getTime()) / 1000) : 0;
}
