import { randomBytes } from "node:crypto";
import type { Prisma, WebhookSubscription as WebhookRow } from "../../generated/prisma/client.ts";
import { recordOf } from "../../lib/mapping.ts";
import { searchText } from "../../lib/search-text.ts";
import type { WebhookCreateInput, WebhookDto } from "./webhooks-schemas.ts";

/** A new signing secret: `whsec_` + base64 of 32 random bytes (the Standard Webhooks form). */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

/** A new subscription's secret: kept in clear (HMAC needs it), shown in the create's answer this once. */
export function newSubscriptionSecret() {
  const secret = newWebhookSecret();
  return { stored: { secret }, shown: { secret } };
}

export const toWebhookRecord = (row: WebhookRow): WebhookDto =>
  recordOf(row, ["url", "description", "enabled", "disabledReason"], {
    eventTypes: row.eventTypes as WebhookDto["eventTypes"],
    previousSecretExpiresAt: row.previousSecretExpiresAt?.toISOString() ?? null,
  });

/** A rotation's answer: the record and, this once, its new secret. */
export const toWebhookWithSecret = (row: WebhookRow) => ({ ...toWebhookRecord(row), secret: row.secret });

export const toWebhookData = (input: WebhookCreateInput) =>
  ({
    url: input.url,
    eventTypes: [...new Set(input.eventTypes)],
    description: input.description ?? null,
    enabled: input.enabled,
    // Enabling a subscription (again) forgets why it was disabled and its run of failures.
    ...(input.enabled ? { disabledReason: null, consecutiveFailures: 0 } : {}),
    searchText: searchText(input.url, input.description),
  }) satisfies Prisma.WebhookSubscriptionUncheckedUpdateInput;
