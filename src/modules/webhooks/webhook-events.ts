import type { FeedEvent } from "../../lib/change-feed.ts";
import type { EVENT_TYPES } from "./webhooks-schemas.ts";

/**
 * What a webhook sends for an audit event: its type (`meeting.created`, `grant_application.status_changed`) and its
 * payload. The payload is fixed when the event is fanned out, so every attempt sends (and signs) the same bytes.
 */

export type EventTypeName = (typeof EVENT_TYPES)[number];

const PAST: Record<string, string> = { create: "created", update: "updated", delete: "deleted", transition: "status_changed" };

/** "grant-applications" -> "grant_application", "activities" -> "activity". */
export const eventResourceName = (resourceType: string) => resourceType.replaceAll("-", "_").replace(/ies$/, "y").replace(/s$/, "");

export const eventTypeOf = (event: Pick<FeedEvent, "resourceType" | "action">) =>
  `${eventResourceName(event.resourceType)}.${PAST[event.action] ?? event.action}` as EventTypeName;

export const subscribedTo = (eventTypes: readonly string[], type: string) => eventTypes.includes("*") || eventTypes.includes(type);

type EventRow = Pick<FeedEvent, "id" | "occurredAt" | "action" | "resourceType" | "resourceId" | "parentId" | "version" | "changes" | "data">;

/** The JSON body of an event's deliveries. */
export function eventPayload(event: EventRow): string {
  const status = (event.changes as Record<string, { before: unknown; after: unknown }> | null)?.status;
  return JSON.stringify({
    id: event.id,
    type: eventTypeOf(event),
    timestamp: event.occurredAt.toISOString(),
    resource: event.resourceType,
    resourceId: event.resourceId,
    parentId: event.parentId,
    version: event.version,
    ...(event.action === "transition" && status ? { from: status.before, to: status.after } : {}),
    data: event.data ?? null,
  });
}
