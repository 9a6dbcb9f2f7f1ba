import { META_COLUMNS, columnsOf } from "../../lib/exports/columns.ts";
import { defineResource } from "../../lib/resource.ts";
import { newSubscriptionSecret, toWebhookData, toWebhookRecord } from "./webhooks-mapper.ts";
import { webhookSchemas } from "./webhooks-schemas.ts";

export const webhooks = defineResource(webhookSchemas, {
  path: "webhooks",
  names: { tag: "Webhooks", many: "Webhooks", noun: "webhook" },
  operationIds: ["listWebhooks", "createWebhook", "getWebhook", "updateWebhook", "deleteWebhook", "getWebhookHistory"],
  minRole: "admin",

  model: (db) => db.webhookSubscription,
  where: (query) => (query.enabled === undefined ? [] : [{ enabled: query.enabled === "true" }]),
  toRecord: toWebhookRecord,
  toData: toWebhookData,
  secret: newSubscriptionSecret,
  // The secret is never exported: it exists only in the create's (and a rotation's) answer.
  export: {
    columns: [
      ...columnsOf("text", "id", "url"),
      { key: "eventTypes", type: "text", value: (record: { eventTypes: string[] }) => record.eventTypes.join(" ") },
      ...columnsOf("text", "description"),
      { key: "enabled", type: "boolean" },
      ...columnsOf("text", "disabledReason"),
      ...META_COLUMNS,
    ],
  },
  readOnly: ["disabledReason", "previousSecretExpiresAt"],

  descriptions: {
    list: "Filters: `q` (URL, description), `enabled`. Sort: `createdAt` (default), `updatedAt`.",
    create:
      "The answer carries the signing secret (`secret`), this once. The target URL must be `https` and resolve to public addresses only " +
      "(loopback, private, link-local and metadata addresses are refused, 422 `webhook_url_refused`), unless the service allows private targets.",
    delete: "Deletes the subscription with its pending deliveries and its delivery log.",
  },
});
