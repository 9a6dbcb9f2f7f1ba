import { z } from "zod";
import { SORT_BY_TIME, recordSchemas } from "../../lib/record-schemas.ts";
import { INT32_MAX, Instant, Uuid, int32, outText, page, recordMeta, text } from "../../lib/schemas.ts";

/** Every record type, by its name in event types (`grant_application.created`); test/modules/webhooks checks it is complete. */
export const EVENT_RESOURCES = [
  "coordinator",
  "cluster",
  "organization",
  "membership",
  "activity",
  "meeting",
  "meeting_participant",
  "grant_application",
  "media_partner",
  "media_publication",
  "webhook",
] as const;

export const EVENT_TYPES = [
  "*",
  ...EVENT_RESOURCES.flatMap((resource) => [`${resource}.created`, `${resource}.updated`, `${resource}.deleted`] as const),
  "grant_application.status_changed",
  "webhook.ping",
] as const;

export const EventType = z.enum(EVENT_TYPES, { error: "must be an event type such as meeting.created, or *" }).meta({
  id: "WebhookEventType",
  description:
    "`<resource>.created|updated|deleted`, `grant_application.status_changed` (with `from` and `to`), `webhook.ping` (sent only by …/ping), or `*` for every event.",
  example: "grant_application.status_changed",
});

const URL_MAX_LENGTH = 2048;
const DESCRIPTION_MAX_LENGTH = 500;
export const EVENT_TYPES_MAX_ITEMS = 50;

const TargetUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://example.pl" })
  .max(URL_MAX_LENGTH, `must be at most ${URL_MAX_LENGTH} characters`)
  .meta({
    description:
      "Where events are POSTed. Must be `https` and resolve to public addresses only (422 `webhook_url_refused` names the rule), unless the service allows private targets (WEBHOOK_ALLOW_PRIVATE_TARGETS).",
    // The scheme rule of checkTarget (webhook-targets.ts), as the document can state it; where a host resolves it cannot.
    pattern: "^[Hh][Tt][Tt][Pp][Ss]://",
    example: "https://crm.example.pl/hooks/cluster-records",
  });

const webhookFields = {
  url: TargetUrl,
  eventTypes: z
    .array(EventType)
    .min(1, "must list at least 1 items")
    .max(EVENT_TYPES_MAX_ITEMS, `must list at most ${EVENT_TYPES_MAX_ITEMS} items`)
    .meta({ description: "The events to send; `*` for all." }),
  description: text(DESCRIPTION_MAX_LENGTH).nullish().meta({ example: "CRM of the regional office" }),
  enabled: z.boolean().default(true).meta({ description: "Disabled subscriptions receive nothing. Enabling one clears `disabledReason`." }),
};

export const WebhookCreate = z.strictObject(webhookFields).meta({
  id: "WebhookCreate",
  example: { url: "https://crm.example.pl/hooks/cluster-records", eventTypes: ["grant_application.status_changed", "meeting.created"], description: "CRM" },
});

export const WebhookPatch = z
  .strictObject({ ...webhookFields, url: TargetUrl.optional(), eventTypes: webhookFields.eventTypes.optional(), enabled: z.boolean().optional() })
  .meta({ id: "WebhookPatch", example: { enabled: true } });

const recordFields = {
  id: recordMeta.id,
  url: outText(URL_MAX_LENGTH),
  eventTypes: z.array(EventType).max(EVENT_TYPES_MAX_ITEMS),
  description: outText(DESCRIPTION_MAX_LENGTH).nullable(),
  enabled: z.boolean(),
  disabledReason: outText(200)
    .nullable()
    .meta({ description: "Why the service disabled the subscription (the receiver answered 410, or a run of failed attempts); null otherwise." }),
  previousSecretExpiresAt: Instant.nullable().meta({ description: "After a rotation: until when the previous secret still signs, beside the new one." }),
  version: recordMeta.version,
  createdAt: recordMeta.createdAt,
  updatedAt: recordMeta.updatedAt,
};

const example = {
  id: "0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f",
  url: "https://crm.example.pl/hooks/cluster-records",
  eventTypes: ["grant_application.status_changed", "meeting.created"],
  description: "CRM",
  enabled: true,
  disabledReason: null,
  previousSecretExpiresAt: null,
  version: 1,
  createdAt: "2026-11-29T12:00:00.000Z",
  updatedAt: "2026-11-29T12:00:00.000Z",
};

export const Webhook = z.object(recordFields).meta({ id: "Webhook", description: "A webhook subscription. Its signing secret is shown only when created or rotated.", example });

const Secret = outText(100).meta({
  description: "The signing secret (`whsec_` + base64), shown only now: keep it to verify the `webhook-signature` of deliveries.",
  example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
});

export const WebhookCreated = z.object({ ...recordFields, secret: Secret }).meta({ id: "WebhookCreated", example: { ...example, secret: Secret.meta()?.example } });

export const webhookSchemas = {
  ...recordSchemas({ record: Webhook, create: WebhookCreate, patch: WebhookPatch }, {
    filters: { enabled: z.enum(["true", "false"], { error: "must be true or false" }).optional().meta({ description: "Only enabled (true) or disabled (false) subscriptions." }) },
    sortable: SORT_BY_TIME,
    sort: "createdAt",
  }),
  created: WebhookCreated,
};

export const RotateSecret = z
  .strictObject({
    overlapSeconds: int32(0, 7 * 86_400, "must be a whole number from 0 to 604800")
      .optional()
      .meta({ description: "How long the previous secret keeps signing beside the new one (default: WEBHOOK_SECRET_OVERLAP_SECONDS, 24 h)." }),
  })
  .meta({ id: "WebhookSecretRotation" });

export const WebhookAttempt = z
  .object({
    id: Uuid,
    deliveryId: Uuid.meta({ description: "The delivery (one event to this subscription) the attempt belongs to: retry it with …/deliveries/{deliveryId}/retry." }),
    eventId: Uuid.meta({ description: "The event's id, sent as `webhook-id` (the same on every attempt)." }),
    eventType: EventType,
    deliveryStatus: z.enum(["pending", "succeeded", "failed"]).meta({ description: "Where the delivery stands now." }),
    attempt: int32(1, INT32_MAX).meta({ description: "1 for the first attempt of the delivery, 2 for the first retry, …" }),
    statusCode: int32(100, 599).nullable().meta({ description: "The receiver's HTTP status; null when none came (timeout, refused, connection error)." }),
    latencyMs: int32(0, INT32_MAX),
    response: outText(1024).nullable().meta({ description: "The first 1 KB of the response body." }),
    error: outText(1000).nullable().meta({ description: "Why the attempt failed without a status (timeout, connection refused, address refused)." }),
    attemptedAt: Instant,
  })
  .meta({ id: "WebhookAttempt" });

export const WebhookAttemptPage = page(WebhookAttempt, "WebhookAttemptPage");

export const WebhookDeliveryParams = z.strictObject({ id: Uuid, deliveryId: Uuid });

export const WebhookDeliveryQueued = z
  .object({ deliveryId: Uuid, eventId: Uuid, eventType: EventType, status: z.literal("pending") })
  .meta({ id: "WebhookDeliveryQueued", description: "The delivery is queued; its attempts appear in …/deliveries." });

export type WebhookDto = z.output<typeof Webhook>;
export type WebhookCreateInput = z.output<typeof WebhookCreate>;
export type WebhookListQueryInput = z.output<typeof webhookSchemas.listQuery>;
export type WebhookAttemptDto = z.output<typeof WebhookAttempt>;
