import type { PrismaClient } from "../../generated/prisma/client.ts";
import { feedHorizon } from "../../lib/change-feed.ts";
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
 * The change feed: the audit log's events in commit order (`sequence`), without who made them or the values
 * (those stay in the admin-only audit log). A client keeps the last `nextCursor` and asks for what came after it;
 * by the feed's visibility rule (src/lib/change-feed.ts), nothing can later appear behind a
 * position already handed out.
 */
export function changesService(prisma: PrismaClient) {
  return {
    async list(query: ChangeFeedQueryInput) {
      const after = BigInt(query.cursor ?? "0");
      const withRecord = query.include === "record";
      // Read first: nothing at or below it can still appear, so a filtered reader may move past what it skipped.
      const latest = (await feedHorizon(prisma)) ?? after;
      const rows = await prisma.auditEvent.findMany({
        where: {
          sequence: { gt: after, lte: latest },
          resourceType: query.resourceType ?? { in: [...CHANGE_RESOURCE_TYPES] },
        },
        orderBy: { sequence: "asc" },
        take: query.limit + 1,
        select: { sequence: true, occurredAt: true, action: true, resourceType: true, resourceId: true, parentId: true, version: true, data: withRecord },
      });
      const hasMore = rows.length > query.limit;
      const page = rows.slice(0, query.limit);
      const data: ChangeEventDto[] = page.map((row) => {
        const resourceType = row.resourceType as ChangeResourceType;
        return {
          sequence: row.sequence.toString(),
          occurredAt: row.occurredAt.toISOString(),
          action: row.action as ChangeEventDto["action"],
          resourceType,
          resourceId: row.resourceId,
          parentId: row.parentId,
          version: row.version,
          url: LOCATIONS[resourceType](row.resourceId, row.parentId),
          // A webhook's record (its target URL) is for admins: readers of the feed read it at `url`, if they may.
          ...(withRecord ? { data: resourceType === "webhooks" ? null : ((row.data ?? null) as Record<string, unknown> | null) } : {}),
        };
      });
      // A full page continues after its last event; otherwise the reader is up to date with everything until
      // `latest`, including the events the filters (or the feed: API keys) left out, which it need not scan again.
      const last = page.at(-1);
      const position = hasMore ? last!.sequence : latest > after ? latest : after;
      return { data, nextCursor: position.toString(), hasMore };
    },
  };
}
