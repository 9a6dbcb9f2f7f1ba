import { isDeepStrictEqual } from "node:util";
import type { RequestContext } from "./request-context.ts";
import type { Tx } from "./records.ts";

/**
 * The audit log: every write appends one event, inside the write's own transaction (so a write that rolls back
 * leaves no event, and an event never describes a write that did not happen). Who (the API key and request id of
 * the request context the write was given; none for work no request started), what (action, resource type and id,
 * version after the change) and how (`changes`: the before/after values of exactly the top-level fields that
 * differ, compared on the records' API input shapes). Secrets are never logged. The table is append-only (a trigger
 * rejects UPDATE and DELETE; see README for restricting the app's role).
 */

export const auditActions = ["create", "update", "delete", "transition", "revoke"] as const;
export type AuditAction = (typeof auditActions)[number];

/** The plural kebab-case collection name of the resource, as in its URL. */
export type AuditResourceType =
  | "coordinators"
  | "clusters"
  | "organizations"
  | "activities"
  | "media-partners"
  | "meetings"
  | "grant-applications"
  | "meeting-participants"
  | "media-publications"
  | "memberships"
  | "api-keys"
  // Any other collection name (kept open so a new resource does not need this list changed first).
  | (string & {});

export type AuditChanges = Record<string, { before: unknown; after: unknown }>;

export type AuditInput = {
  action: AuditAction;
  resourceType: AuditResourceType;
  resourceId: string;
  /** The owning record of a sub-resource (the meeting of a participant, the organization of a membership...). */
  parentId?: string | null;
  /** The record's version after the change (or at deletion). */
  version?: number | null;
  /** The record's input shape before the change (absent/null on create). */
  before?: object | null;
  /** The record's input shape after the change (absent/null on delete). */
  after?: object | null;
  /** The record as the API shows it after the change (at a delete: as deleted), for the feed and webhooks. */
  data?: object | null;
};

/** Members that are never written to the log, at any depth. */
const secretMembers = new Set(["key", "secretHash", "searchText", "secret", "previousSecret"]);

/**
 * A JSON-safe copy without secret members, as JSON.parse(JSON.stringify(value)) would make it (toJSON applied, so
 * Dates become ISO strings and Decimals strings; undefined members dropped, undefined array items null), built
 * directly: the round trip through text, with a replacer, was the largest part of a write's own work in a profile.
 */
function sanitize(value: unknown): unknown {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  if (value === null || typeof value !== "object") return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return sanitize((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return value.map((item) => sanitize(item) ?? null);
  const copy: Record<string, unknown> = {};
  for (const name of Object.keys(value)) {
    if (secretMembers.has(name)) continue;
    const member = sanitize((value as Record<string, unknown>)[name]);
    if (member !== undefined) copy[name] = member;
  }
  return copy;
}

/** { field: { before, after } } for exactly the top-level fields whose values differ (a missing field counts as null). */
export function diffChanges(before: object | null | undefined, after: object | null | undefined): AuditChanges {
  const a = (sanitize(before ?? {}) ?? {}) as Record<string, unknown>;
  const b = (sanitize(after ?? {}) ?? {}) as Record<string, unknown>;
  const changes: AuditChanges = {};
  for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (secretMembers.has(field)) continue;
    const was = a[field] ?? null;
    const is = b[field] ?? null;
    if (!isDeepStrictEqual(was, is)) changes[field] = { before: was, after: is };
  }
  return changes;
}

/** The columns of an audit event (by field): who (from the request's context), what, and how; secrets left out. */
export function auditEventData(input: AuditInput, context: RequestContext | undefined) {
  return {
    keyId: context?.actor?.keyId ?? null,
    keyName: context?.actor?.keyName ?? null,
    requestId: context?.requestId ?? null,
    action: input.action,
    resourceType: input.resourceType,
    resourceId: input.resourceId,
    parentId: input.parentId ?? null,
    version: input.version ?? null,
    changes: diffChanges(input.before, input.after) as object,
    ...(input.data ? { data: sanitize(input.data) as object } : {}),
  };
}
export type AuditEventData = ReturnType<typeof auditEventData>;

/**
 * Appends one audit event with the transaction client of the write it describes: the write's final statement.
 * No lock: the database stamps the event for the change feed (column `feed_xid`, see src/lib/change-feed.ts), and
 * concurrent writes never wait for each other here.
 */
export async function recordAudit(tx: Tx, input: AuditInput, context: RequestContext | undefined): Promise<void> {
  await tx.auditEvent.create({ data: auditEventData(input, context) });
}
