import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { AttemptResult } from "./webhook-sender.ts";

const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export type Outcome = "success" | "http_error" | "gone" | "timeout" | "refused" | "connection_error";

export const outcomeOf = (result: AttemptResult): Outcome => {
  if (result.statusCode !== null) return result.statusCode >= 200 && result.statusCode < 300 ? "success" : result.statusCode === 410 ? "gone" : "http_error";
  if (result.error?.startsWith("timed out")) return "timeout";
  return result.error?.startsWith("refused") ? "refused" : "connection_error";
};

/** This process's webhook attempts, by outcome and latency; and, from the database, the oldest undelivered event. */
export class WebhookMetrics {
  private readonly outcomes = new Map<Outcome, number>();
  private readonly buckets = BUCKETS.map(() => 0);
  private count = 0;
  private sum = 0;

  observe(result: AttemptResult) {
    const outcome = outcomeOf(result);
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    const seconds = result.latencyMs / 1000;
    this.count += 1;
    this.sum += seconds;
    BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) this.buckets[i]! += 1;
    });
  }

  async lines(prisma: PrismaClient): Promise<string[]> {
    const lines = ["# HELP webhook_deliveries_total Webhook delivery attempts made by this process, by outcome.", "# TYPE webhook_deliveries_total counter"];
    for (const [outcome, count] of this.outcomes) lines.push(`webhook_deliveries_total{outcome="${outcome}"} ${count}`);
    lines.push("# HELP webhook_attempt_duration_seconds Time of webhook delivery attempts.", "# TYPE webhook_attempt_duration_seconds histogram");
    BUCKETS.forEach((bound, i) => lines.push(`webhook_attempt_duration_seconds_bucket{le="${bound}"} ${this.buckets[i]}`));
    lines.push(`webhook_attempt_duration_seconds_bucket{le="+Inf"} ${this.count}`, `webhook_attempt_duration_seconds_sum ${this.sum}`, `webhook_attempt_duration_seconds_count ${this.count}`);
    // Pending deliveries, and events not yet fanned out: whichever is older.
    const [row] = await prisma.$queryRaw<Array<{ oldest: Date | null }>>`
      SELECT LEAST(
        (SELECT min(occurred_at) FROM webhook_deliveries WHERE status = 'pending'),
        (SELECT min(occurred_at) FROM audit_events
         WHERE (feed_xid, sequence) > (SELECT trunc(position / 1e19)::bigint, mod(position, 1e19)::bigint FROM webhook_dispatch WHERE id = 1))) AS oldest`;
    const age = row?.oldest ? Math.max(0, (Date.now() - row.oldest.getTime()) / 1000) : 0;
    lines.push(
      "# HELP webhook_oldest_undelivered_event_age_seconds Age of the oldest event not yet delivered (0: none waiting).",
      "# TYPE webhook_oldest_undelivered_event_age_seconds gauge",
      `webhook_oldest_undelivered_event_age_seconds ${age}`,
    );
    return lines;
  }
}
