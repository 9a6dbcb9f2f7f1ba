import type { MediaPublication as MediaPublicationRow, Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { recordAudit } from "../../lib/audit.ts";
import { dateOnlyToDb, optionalDateFromDb, optionalDateToDb } from "../../lib/dates.ts";
import { paginate, type SortableFields } from "../../lib/pagination.ts";
import { notFound } from "../../lib/problem.ts";
import { assertReference, atVersion, deleteRecord, lostRace, mergePatchRecord, type Tx } from "../../lib/records.ts";
import { searchText, searchWhere } from "../../lib/search-text.ts";
import { ACTIVITY_LINKS, toActivityDto, type ActivityWithLinks } from "../activities/activities-service.ts";
import {
  MediaPublicationCreate,
  type MediaPublicationCreateInput,
  type MediaPublicationDto,
  type MediaPublicationGetQueryInput,
  type MediaPublicationListQueryInput,
  type MediaPublicationPatchInput,
} from "./media-partners-publications-schemas.ts";

const SORTABLE: SortableFields = { publishedOn: { type: "date", nullable: true }, createdAt: { type: "datetime" } };

/** The order of publications embedded in a media partner (`include=publications`): the default list order. */
export const PUBLICATION_ORDER = [{ publishedOn: { sort: "asc", nulls: "last" } }, { id: "asc" }] satisfies Prisma.MediaPublicationOrderByWithRelationInput[];

export type MediaPublicationWithRelations = MediaPublicationRow & { activity?: ActivityWithLinks | null };

export function toMediaPublicationDto(row: MediaPublicationWithRelations): MediaPublicationDto {
  return {
    id: row.id,
    mediaPartnerId: row.mediaPartnerId,
    title: row.title,
    url: row.url,
    publishedOn: optionalDateFromDb(row.publishedOn),
    activityId: row.activityId,
    ...(row.activity !== undefined ? { activity: row.activity === null ? null : toActivityDto(row.activity) } : {}),
    notes: row.notes,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toInput(row: MediaPublicationRow) {
  const {
    id: _id,
    mediaPartnerId: _parent,
    activity: _activity,
    version: _version,
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    ...input
  } = toMediaPublicationDto(row);
  return input;
}

function toData(input: MediaPublicationCreateInput) {
  return {
    title: input.title,
    url: input.url ?? null,
    publishedOn: optionalDateToDb(input.publishedOn),
    activityId: input.activityId ?? null,
    notes: input.notes ?? null,
    searchText: searchText(input.title, input.notes),
  } satisfies Omit<Prisma.MediaPublicationUncheckedCreateInput, "mediaPartnerId">;
}

type Db = Tx | PrismaClient;

async function assertMediaPartnerExists(db: Db, mediaPartnerId: string) {
  if ((await db.mediaPartner.count({ where: { id: mediaPartnerId } })) === 0) throw notFound("media partner", mediaPartnerId);
}

async function assertActivityExists(tx: Tx, activityId: string | null | undefined) {
  if (activityId != null) assertReference(await tx.activity.count({ where: { id: activityId } }), "activityId", "activity", activityId);
}

/** `include=activity`: the activity, loaded in the same query as the publications. */
const includeOf = (include: readonly string[] = []) => (include.includes("activity") ? { activity: { include: ACTIVITY_LINKS } } : undefined);

/** The publication, if it belongs to this media partner; a missing partner is a 404 of its own. */
async function loadPublication(db: Db, id: string, mediaPartnerId: string, include: readonly string[] = []) {
  const row = (await db.mediaPublication.findFirst({ where: { id, mediaPartnerId }, include: includeOf(include) })) as MediaPublicationWithRelations | null;
  if (!row) await assertMediaPartnerExists(db, mediaPartnerId);
  return row;
}

export function mediaPublicationsService(prisma: PrismaClient) {
  return {
    async list(query: MediaPublicationListQueryInput, mediaPartnerId: string) {
      await assertMediaPartnerExists(prisma, mediaPartnerId);
      const where: Prisma.MediaPublicationWhereInput = {
        AND: [
          { mediaPartnerId },
          ...searchWhere(query.q),
          query.activityId ? { activityId: query.activityId } : {},
          query.publishedOnFrom ? { publishedOn: { gte: dateOnlyToDb(query.publishedOnFrom) } } : {},
          query.publishedOnTo ? { publishedOn: { lte: dateOnlyToDb(query.publishedOnTo) } } : {},
        ],
      };
      const { rows, nextCursor } = await paginate({
        fields: SORTABLE,
        sort: query.sort,
        limit: query.limit,
        cursor: query.cursor,
        where,
        findMany: (args) =>
          prisma.mediaPublication.findMany({ ...(args as Prisma.MediaPublicationFindManyArgs), include: includeOf(query.include) }) as Promise<
            MediaPublicationWithRelations[]
          >,
      });
      return { data: rows.map(toMediaPublicationDto), nextCursor };
    },

    async get(id: string, query: MediaPublicationGetQueryInput, mediaPartnerId: string) {
      const row = await loadPublication(prisma, id, mediaPartnerId, query.include);
      if (!row) throw notFound("publication", id);
      return toMediaPublicationDto(row);
    },

    async create(input: MediaPublicationCreateInput, mediaPartnerId: string) {
      return prisma.$transaction(async (tx) => {
        await assertMediaPartnerExists(tx, mediaPartnerId);
        await assertActivityExists(tx, input.activityId);
        const row = await tx.mediaPublication.create({ data: { ...toData(input), mediaPartnerId } });
        await recordAudit(tx, {
          action: "create",
          resourceType: "media-publications",
          resourceId: row.id,
          parentId: mediaPartnerId,
          version: row.version,
          after: toInput(row),
        });
        return toMediaPublicationDto(row);
      });
    },

    async update(id: string, patch: MediaPublicationPatchInput, ifMatch: string, mediaPartnerId: string) {
      const row = await mergePatchRecord({
        prisma,
        resource: "publication",
        resourceType: "media-publications",
        parentId: mediaPartnerId,
        id,
        ifMatch,
        patch,
        load: (tx) => loadPublication(tx, id, mediaPartnerId),
        toInput,
        schema: MediaPublicationCreate,
        save: async (tx, current, input) => {
          if (input.activityId !== current.activityId) await assertActivityExists(tx, input.activityId);
          const { count } = await tx.mediaPublication.updateMany({ where: atVersion(current), data: { ...toData(input), version: { increment: 1 } } });
          if (count === 0) throw lostRace("publication");
          return (await tx.mediaPublication.findUnique({ where: { id } }))!;
        },
      });
      return toMediaPublicationDto(row);
    },

    async remove(id: string, ifMatch: string, mediaPartnerId: string) {
      await deleteRecord({
        prisma,
        resource: "publication",
        resourceType: "media-publications",
        parentId: mediaPartnerId,
        toInput,
        id,
        ifMatch,
        load: (tx) => loadPublication(tx, id, mediaPartnerId),
        remove: async (tx, row) => (await tx.mediaPublication.deleteMany({ where: atVersion(row) })).count,
      });
    },
  };
}

export type MediaPublicationsService = ReturnType<typeof mediaPublicationsService>;
