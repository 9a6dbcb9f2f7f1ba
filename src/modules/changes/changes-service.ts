import type { PrismaClient } from "../../generated/prisma/client.ts";
import { readableEvents } from "../../lib/change-feed.ts";
import { CHANGE_RESOURCE_TYPES, type ChangeEventDto, type ChangeFeedQueryInput } from "./changes-schemas.ts";

type ChangeResourceType = ChangeEventDto["resourceType"];

/** Where each kind of record is read; sub-resources live under their parent. */
const LOCATIONS: Record<ChangeResourceType, (id: string, parentId: string | null) => string> = {
  coordinators: (id) => `/v1/coordinators/${id}`,
  clusters: (id) => `/v1/clusters/${id}`,
  organizations: (id) => `/v1/organizations/${id}`,
  memberships: (id, parentId) => `/v1/organizations/${parentId}/memberships/${id}`,
  activities: (id) => `/v1/activities/${id}`,
  meetings: (id) => `/v1/meetings/${id}`,
  "meeting-participants": (id, parentId) => `/v1/meetings/${parentId}/participants/${id}`,
  "media-partners": (id) => `/v1/media-partners/${id}`,
  "media-publications": (id, parentId) => `/v1/media-partners/${parentId}/publications/${id}`,
  "grant-applications": (id) => `/v1/grant-applications/${id}`,
  webhooks: (id) => `/v1/webhooks/${id}`,
};

/**
 * The change feed: the audit log's events in feed order, without who made them or the values (those stay in the
 * admin-only audit log). A client keeps the last `nextCursor` and asks for what came after it; which events may be
 * handed out, and in what order, is the one rule of src/lib/change-feed.ts.
 */
export function changesService(prisma: PrismaClient) {
  return {
    async list(query: ChangeFeedQueryInput) {
      const withRecord = query.include === "record";
      const { events, next, hasMore } = await readableEvents(prisma, {
        after: BigInt(query.cursor ?? "0"),
        limit: query.limit,
        resourceTypes: query.resourceType ? [query.resourceType] : CHANGE_RESOURCE_TYPES,
        details: withRecord,
      });
      const data: ChangeEventDto[] = events.map((event) => {
        const resourceType = event.resourceType as ChangeResourceType;
        return {
          sequence: event.position.toString(),
          occurredAt: event.occurredAt.toISOString(),
          action: event.action as ChangeEventDto["action"],
          resourceType,
          resourceId: event.resourceId,
          parentId: event.parentId,
          version: event.version,
          url: LOCATIONS[resourceType](event.resourceId, event.parentId),
          // A webhook's record (its target URL) is for admins: readers of the feed read it at `url`, if they may.
          ...(withRecord ? { data: resourceType === "webhooks" ? null : ((event.data ?? null) as Record<string, unknown> | null) } : {}),
        };
      });
      return { data, nextCursor: next.toString(), hasMore };
    },
  };
}
