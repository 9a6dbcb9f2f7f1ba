import type { AuditEvent as AuditEventRow, Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { paginate, type SortableFields } from "../../lib/pagination.ts";
import type { AuditEventDto, AuditEventListQueryInput, AuditHistoryQueryInput } from "./audit-events-schemas.ts";

const SORTABLE: SortableFields = { occurredAt: { type: "datetime" } };

/** The whole log: newest first. A record's history: oldest first (the order it happened in). */
const NEWEST_FIRST = [{ field: "occurredAt", direction: "desc" as const }];
const OLDEST_FIRST = [{ field: "occurredAt", direction: "asc" as const }];

export function toAuditEventDto(row: AuditEventRow): AuditEventDto {
  return {
    id: row.id,
    occurredAt: row.occurredAt.toISOString(),
    keyId: row.keyId,
    keyName: row.keyName,
    requestId: row.requestId,
    action: row.action as AuditEventDto["action"],
    resourceType: row.resourceType as AuditEventDto["resourceType"],
    resourceId: row.resourceId,
    parentId: row.parentId,
    version: row.version,
    changes: row.changes as AuditEventDto["changes"],
  };
}

/** Reads the audit log; nothing here (or anywhere in the API) changes or removes an event. */
export function auditEventsService(prisma: PrismaClient) {
  const page = (where: Prisma.AuditEventWhereInput, query: { limit: number; cursor?: string }, newestFirst: boolean) =>
    paginate({
      fields: SORTABLE,
      sort: newestFirst ? NEWEST_FIRST : OLDEST_FIRST,
      idDirection: newestFirst ? "desc" : "asc",
      limit: query.limit,
      cursor: query.cursor,
      where,
      findMany: (args) => prisma.auditEvent.findMany(args as Prisma.AuditEventFindManyArgs),
    });

  return {
    async list(query: AuditEventListQueryInput) {
      const where: Prisma.AuditEventWhereInput = {
        AND: [
          query.resourceType ? { resourceType: query.resourceType } : {},
          query.resourceId ? { resourceId: query.resourceId } : {},
          query.keyId ? { keyId: query.keyId } : {},
          query.action ? { action: query.action } : {},
          query.requestId ? { requestId: query.requestId } : {},
          query.occurredFrom ? { occurredAt: { gte: new Date(query.occurredFrom) } } : {},
          query.occurredTo ? { occurredAt: { lte: new Date(query.occurredTo) } } : {},
        ],
      };
      const { rows, nextCursor } = await page(where, query, true);
      return { data: rows.map(toAuditEventDto), nextCursor };
    },

    /**
     * The events of one record, oldest first; `parentId` scopes a sub-resource to its parent. Null when the record
     * has no events at all (the caller then decides between "never existed" and "exists, changed before the log").
     */
    async history(resourceType: string, resourceId: string, parentId: string | undefined, query: AuditHistoryQueryInput) {
      const where: Prisma.AuditEventWhereInput = { resourceType, resourceId, ...(parentId ? { parentId } : {}) };
      const { rows, nextCursor } = await page(where, query, false);
      if (rows.length === 0 && (await prisma.auditEvent.count({ where })) === 0) return null;
      return { data: rows.map(toAuditEventDto), nextCursor };
    },
  };
}

export type AuditEventsService = ReturnType<typeof auditEventsService>;
