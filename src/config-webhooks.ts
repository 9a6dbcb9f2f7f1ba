import { z } from "zod";

/** Webhook delivery settings (README "Webhooks"): part of the environment src/config.ts parses once. */
export type WebhookSettings = {
  /** Run the delivery worker inside the service (default); off when `npm run worker` processes deliver instead. */
  deliverInProcess: boolean;
  /** Allow http and private, loopback and link-local targets (intranets, tests). Off: https to public addresses only. */
  allowPrivateTargets: boolean;
  /** Longest time one attempt may take (connect, send, first byte and the response's first 1 KB). */
  attemptTimeoutMs: number;
  /** How often an idle worker looks for new events and due deliveries. */
  pollIntervalMs: number;
  /** A subscription whose attempts failed this many times in a row is disabled, with the reason. */
  disableAfterFailures: number;
  /** Delivery log rows (and finished deliveries) older than this are pruned. */
  retentionDays: number;
  /** After a rotation, how long the previous secret keeps signing beside the new one, by default. */
  secretOverlapSeconds: number;
  /** The waits before each retry; after the last, the delivery is failed. Svix's schedule, with jitter added. */
  retryDelaysMs: readonly number[];
};

export const RETRY_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000] as const;

export const WEBHOOK_DEFAULTS: WebhookSettings = {
  deliverInProcess: true,
  allowPrivateTargets: false,
  attemptTimeoutMs: 10_000,
  pollIntervalMs: 1_000,
  disableAfterFailures: 100,
  retentionDays: 30,
  secretOverlapSeconds: 86_400,
  retryDelaysMs: RETRY_SCHEDULE_MS,
};

const flag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], { error: "must be true or false" })
    .optional()
    .transform((value) => (value === undefined ? fallback : ["true", "1", "yes", "on"].includes(value)));

const whole = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

export const WEBHOOK_ENV = {
  WEBHOOK_DELIVER_IN_PROCESS: flag(WEBHOOK_DEFAULTS.deliverInProcess),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: flag(WEBHOOK_DEFAULTS.allowPrivateTargets),
  WEBHOOK_ATTEMPT_TIMEOUT_MS: whole(WEBHOOK_DEFAULTS.attemptTimeoutMs, 100, 120_000),
  WEBHOOK_POLL_INTERVAL_MS: whole(WEBHOOK_DEFAULTS.pollIntervalMs, 10, 3_600_000),
  WEBHOOK_DISABLE_AFTER_FAILURES: whole(WEBHOOK_DEFAULTS.disableAfterFailures, 1, 1_000_000),
  WEBHOOK_LOG_RETENTION_DAYS: whole(WEBHOOK_DEFAULTS.retentionDays, 1, 3650),
  WEBHOOK_SECRET_OVERLAP_SECONDS: whole(WEBHOOK_DEFAULTS.secretOverlapSeconds, 0, 604_800),
};

type WebhookEnv = { [K in keyof typeof WEBHOOK_ENV]: z.output<(typeof WEBHOOK_ENV)[K]> };

export const webhookSettings = (env: WebhookEnv): WebhookSettings => ({
  deliverInProcess: env.WEBHOOK_DELIVER_IN_PROCESS,
  allowPrivateTargets: env.WEBHOOK_ALLOW_PRIVATE_TARGETS,
  attemptTimeoutMs: env.WEBHOOK_ATTEMPT_TIMEOUT_MS,
  pollIntervalMs: env.WEBHOOK_POLL_INTERVAL_MS,
  disableAfterFailures: env.WEBHOOK_DISABLE_AFTER_FAILURES,
  retentionDays: env.WEBHOOK_LOG_RETENTION_DAYS,
  secretOverlapSeconds: env.WEBHOOK_SECRET_OVERLAP_SECONDS,
  retryDelaysMs: RETRY_SCHEDULE_MS,
});
