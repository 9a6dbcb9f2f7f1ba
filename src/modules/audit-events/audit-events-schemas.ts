import { z } from "zod";
import { auditActions } from "../../lib/audit.ts";
import { REQUEST_ID_MAX_LENGTH } from "../../lib/problem.ts";
import { INT32_MAX, Instant, Timestamp, Uuid, int32, outText, page, paginationQuery, recordMeta } from "../../lib/schemas.ts";
import { API_KEY_NAME_MAX } from "../api-keys/api-keys-schemas.ts";

/**
 * The keys of `changes` are field names of the API's own record shapes (`name`, `cooperation`, `foundingAgreementDate`,
 * …, a few dozen characters at most): never client text, so this bound only has to be larger than any of them.
 */
export const AUDIT_FIELD_NAME_MAX = 100;

/** The collections the audit log files events under (their URL names). */
export const AUDIT_RESOURCE_TYPES = [
  "coordinators",
  "clusters",
  "organizations",
  "memberships",
  "activities",
  "meetings",
  "meeting-participants",
  "media-partners",
  "media-publications",
  "grant-applications",
  "calendar-feeds",
  "webhooks",
  "api-keys",
] as const;

export const AuditAction = z.enum(auditActions).meta({
  id: "AuditAction",
  description: "What happened: `create`, `update` (PATCH), `delete`, `transition` (a grant application's status change), `revoke` (an API key).",
  example: "update",
});

export const AuditResourceType = z.enum(AUDIT_RESOURCE_TYPES).meta({
  id: "AuditResourceType",
  description: "The collection of the changed record; sub-resources are named with their parent (`meeting-participants`, `media-publications`).",
  example: "coordinators",
});

export const AuditEvent = z
  .object({
    id: recordMeta.id,
    occurredAt: Instant.meta({ description: "When the change was written (UTC)." }),
    keyId: Uuid.nullable().meta({ description: "The API key that made the change; null for changes made outside a request (seeding, scripts)." }),
    keyName: outText(API_KEY_NAME_MAX).nullable().meta({ description: "That key's name at the time." }),
    requestId: outText(REQUEST_ID_MAX_LENGTH).nullable().meta({ description: "The request's X-Request-Id, to find it in the logs." }),
    action: AuditAction,
    resourceType: AuditResourceType,
    resourceId: Uuid.meta({ description: "The changed record's id." }),
    parentId: Uuid.nullable().meta({ description: "For a sub-resource: the owning record (the meeting of a participant, the media partner of a publication, …)." }),
    version: int32(1, INT32_MAX).nullable().meta({ description: "The record's version after the change (at deletion: the version deleted)." }),
    changes: z.record(z.string().max(AUDIT_FIELD_NAME_MAX), z.object({ before: z.unknown(), after: z.unknown() })).meta({
      description:
        "For each top-level field that changed (as in the create body): its value before and after. A create has `before: null` " +
        "for every field it set, a delete `after: null`. Secrets (API key values and hashes) are never logged.",
    }),
  })
  .meta({
    id: "AuditEvent",
    description: "One entry of the append-only audit log: who changed what, when, and how.",
    example: {
      id: "0193b2a7-0c1d-7a2b-8c3d-4e5f6a7b8c9d",
      occurredAt: "2026-11-29T12:00:00.000Z",
      keyId: "0193b2a5-7a1b-7c2d-8e3f-4a5b6c7d8e9f",
      keyName: "biuro klastra",
      requestId: "0193b2a7-0c1d-7a2b-8c3d-4e5f6a7b8c9e",
      action: "transition",
      resourceType: "grant-applications",
      resourceId: "0193b2a6-1b22-7e53-9c4d-3f6a7b8c9d0e",
      parentId: null,
      version: 4,
      changes: { status: { before: "under_evaluation", after: "approved" }, statusChangedOn: { before: "2012-10-01", after: "2012-12-20" } },
    },
  });

export const AuditEventPage = page(AuditEvent, "AuditEventPage");

export const AuditEventListQuery = z
  .strictObject({
    ...paginationQuery,
    resourceType: AuditResourceType.optional(),
    resourceId: Uuid.optional(),
    keyId: Uuid.optional(),
    action: AuditAction.optional(),
    requestId: z.string().min(1).max(REQUEST_ID_MAX_LENGTH).optional().meta({ description: "Events written by this request (its X-Request-Id)." }),
    occurredFrom: Timestamp.optional().meta({ description: "At or after this instant (RFC 3339 with offset)." }),
    occurredTo: Timestamp.optional().meta({ description: "At or before this instant (RFC 3339 with offset)." }),
  })
  .refine((query) => !query.occurredFrom || !query.occurredTo || new Date(query.occurredFrom) <= new Date(query.occurredTo), {
    message: "must not be before occurredFrom",
    path: ["occurredTo"],
  });

export const AuditHistoryQuery = z.strictObject({ ...paginationQuery });

export type AuditEventDto = z.output<typeof AuditEvent>;
export type AuditEventListQueryInput = z.output<typeof AuditEventListQuery>;
export type AuditHistoryQueryInput = z.output<typeof AuditHistoryQuery>;
