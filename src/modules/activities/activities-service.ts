import type {
  Activity as ActivityRow,
  Cluster as ClusterRow,
  Coordinator as CoordinatorRow,
  MediaPartner as MediaPartnerRow,
  MediaPublication as MediaPublicationRow,
  Meeting as MeetingRow,
  Prisma,
  PrismaClient,
} from "../../generated/prisma/client.ts";
import { recordAudit } from "../../lib/audit.ts";
import { dateOnlyToDb, optionalDateFromDb, optionalDateToDb } from "../../lib/dates.ts";
import { paginate, type SortableFields } from "../../lib/pagination.ts";
import { ApiError, notFound, type FieldError } from "../../lib/problem.ts";
import { atVersion, deleteRecord, lostRace, mergePatchRecord, type Tx } from "../../lib/records.ts";
import { EMBED_MAX_ITEMS } from "../../lib/schemas.ts";
import { searchText, searchWhere } from "../../lib/search-text.ts";
import { toClusterDto } from "../clusters/clusters-service.ts";
import { toCoordinatorDto } from "../coordinators/coordinators-service.ts";
import { PARTNERS_IN_ORDER, toGrantApplicationDto, type GrantApplicationWithRelations } from "../grant-applications/grant-applications-service.ts";
import { toMediaPublicationDto } from "../media-partners/media-partners-publications-service.ts";
import { toMediaPartnerDto } from "../media-partners/media-partners-service.ts";
import { toMeetingDto } from "../meetings/meetings-service.ts";
import {
  ActivityCreate,
  type ActivityCreateInput,
  type ActivityDto,
  type ActivityGetQueryInput,
  type ActivityIncludeName,
  type ActivityListQueryInput,
  type ActivityPatchInput,
} from "./activities-schemas.ts";
import { EXPORT_MAX_ROWS, type ExportRow } from "./activities-export.ts";

const SORTABLE: SortableFields = {
  year: { type: "number" },
  startDate: { type: "date", nullable: true },
  title: { type: "string" },
  createdAt: { type: "datetime" },
  updatedAt: { type: "datetime" },
};

/**
 * The ids of what belongs to an activity, which every Activity DTO carries. Load an activity with
 * `include: ACTIVITY_LINKS` (e.g. `include: { activity: { include: ACTIVITY_LINKS } }`) before toActivityDto.
 * Each relation holds at most EMBED_MAX_ITEMS, the first in its order (the Activity schema says which); the
 * relation's own list pages through all of them.
 */
export const ACTIVITY_LINKS = {
  mediaPartners: { select: { mediaPartnerId: true }, orderBy: { mediaPartnerId: "asc" }, take: EMBED_MAX_ITEMS },
  meetings: { select: { id: true }, orderBy: [{ date: "asc" }, { id: "asc" }], take: EMBED_MAX_ITEMS },
  grantApplications: { select: { id: true }, orderBy: { id: "asc" }, take: EMBED_MAX_ITEMS },
  publications: { select: { id: true }, orderBy: { id: "asc" }, take: EMBED_MAX_ITEMS },
} as const satisfies Prisma.ActivityInclude;

export type ActivityWithLinks = ActivityRow & {
  mediaPartners: Array<{ mediaPartnerId: string; mediaPartner?: MediaPartnerRow }>;
  meetings: Array<{ id: string } | MeetingRow>;
  grantApplications: Array<{ id: string } | GrantApplicationWithRelations>;
  publications: Array<{ id: string } | MediaPublicationRow>;
  coordinator?: CoordinatorRow;
  cluster?: ClusterRow | null;
};

/**
 * What to load for `include=`: the linked records themselves instead of their ids, in the same order, in the
 * same query as the activity (one round of Prisma, never a query per activity).
 */
function includeOf(include: readonly ActivityIncludeName[] = []) {
  const { mediaPartners, meetings, grantApplications, publications } = ACTIVITY_LINKS;
  return {
    mediaPartners: include.includes("mediaPartners")
      ? { select: { mediaPartnerId: true, mediaPartner: true }, orderBy: mediaPartners.orderBy, take: mediaPartners.take }
      : mediaPartners,
    meetings: include.includes("meetings") ? { orderBy: meetings.orderBy, take: meetings.take } : meetings,
    grantApplications: include.includes("grantApplications")
      ? { include: PARTNERS_IN_ORDER, orderBy: grantApplications.orderBy, take: grantApplications.take }
      : grantApplications,
    publications: include.includes("publications") ? { orderBy: publications.orderBy, take: publications.take } : publications,
    ...(include.includes("coordinator") ? { coordinator: true } : {}),
    ...(include.includes("cluster") ? { cluster: true } : {}),
  } satisfies Prisma.ActivityInclude;
}

/**
 * `include` names the relations that were loaded in full (see includeOf); without it only their ids are there.
 * Other modules embedding an activity load it with `include: ACTIVITY_LINKS` and pass no `include`.
 */
export function toActivityDto(row: ActivityWithLinks, include: readonly ActivityIncludeName[] = []): ActivityDto {
  return {
    id: row.id,
    coordinatorId: row.coordinatorId,
    clusterId: row.clusterId,
    title: row.title,
    description: row.description,
    category: row.category,
    status: row.status,
    year: row.year,
    startDate: optionalDateFromDb(row.startDate),
    endDate: optionalDateFromDb(row.endDate),
    mediaPartnerIds: row.mediaPartners.map((link) => link.mediaPartnerId),
    meetingIds: row.meetings.map((meeting) => meeting.id),
    grantApplicationIds: row.grantApplications.map((application) => application.id),
    publicationIds: row.publications.map((publication) => publication.id),
    ...(row.coordinator ? { coordinator: toCoordinatorDto(row.coordinator) } : {}),
    ...(row.cluster !== undefined ? { cluster: row.cluster === null ? null : toClusterDto(row.cluster) } : {}),
    ...(include.includes("mediaPartners") ? { mediaPartners: row.mediaPartners.map((link) => toMediaPartnerDto(link.mediaPartner!)) } : {}),
    ...(include.includes("meetings") ? { meetings: (row.meetings as MeetingRow[]).map((meeting) => toMeetingDto(meeting)) } : {}),
    ...(include.includes("grantApplications")
      ? { grantApplications: (row.grantApplications as GrantApplicationWithRelations[]).map((application) => toGrantApplicationDto(application)) }
      : {}),
    ...(include.includes("publications")
      ? { publications: (row.publications as MediaPublicationRow[]).map((publication) => toMediaPublicationDto(publication)) }
      : {}),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The record as a create body would describe it: what a merge patch is applied to. */
function toInput(row: ActivityWithLinks) {
  const {
    id: _id,
    version: _version,
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    meetingIds: _meetingIds,
    grantApplicationIds: _grantApplicationIds,
    publicationIds: _publicationIds,
    coordinator: _coordinator,
    cluster: _cluster,
    mediaPartners: _mediaPartners,
    meetings: _meetings,
    grantApplications: _grantApplications,
    publications: _publications,
    ...input
  } = toActivityDto(row);
  return input;
}

function toData(input: ActivityCreateInput) {
  return {
    coordinatorId: input.coordinatorId,
    clusterId: input.clusterId ?? null,
    title: input.title,
    description: input.description ?? null,
    category: input.category,
    status: input.status,
    year: input.year,
    startDate: optionalDateToDb(input.startDate),
    endDate: optionalDateToDb(input.endDate),
    searchText: searchText(input.title, input.description),
  } satisfies Prisma.ActivityUncheckedCreateInput;
}

/**
 * Every foreign id of the body must name an existing record: one 422 listing each one that does not
 * (`/coordinatorId`, `/clusterId`, `/mediaPartnerIds/2`). Only ids that changed are checked on a PATCH.
 */
async function assertReferences(tx: Tx, input: ActivityCreateInput, current?: ActivityWithLinks) {
  const errors: FieldError[] = [];
  const details: string[] = [];
  const missing = (path: string, noun: string, id: string) => {
    errors.push({ path, message: `refers to a ${noun} that does not exist`, location: "body" });
    details.push(`No ${noun} with id ${id}.`);
  };
  if (input.coordinatorId !== current?.coordinatorId && (await tx.coordinator.count({ where: { id: input.coordinatorId } })) === 0) {
    missing("/coordinatorId", "coordinator", input.coordinatorId);
  }
  if (input.clusterId != null && input.clusterId !== current?.clusterId && (await tx.cluster.count({ where: { id: input.clusterId } })) === 0) {
    missing("/clusterId", "cluster", input.clusterId);
  }
  const linked = new Set(current?.mediaPartners.map((link) => link.mediaPartnerId));
  const toCheck = input.mediaPartnerIds.filter((id) => !linked.has(id));
  if (toCheck.length > 0) {
    const found = new Set((await tx.mediaPartner.findMany({ where: { id: { in: toCheck } }, select: { id: true } })).map((row) => row.id));
    input.mediaPartnerIds.forEach((id, index) => {
      if (!linked.has(id) && !found.has(id)) missing(`/mediaPartnerIds/${index}`, "media partner", id);
    });
  }
  if (errors.length > 0) {
    throw new ApiError("reference_not_found", details.join(" "), { errors });
  }
}

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/**
 * Year Y: recorded under Y, or its [startDate, endDate] overlaps Y (a missing end counts as the start, and vice versa).
 * `GET /v1/activities?year=` and the annual report (src/modules/reports) both use it, so they always agree.
 */
export function inYear(year: number): Prisma.ActivityWhereInput {
  const first = dateOnlyToDb(`${String(year).padStart(4, "0")}-01-01`);
  const last = dateOnlyToDb(`${String(year).padStart(4, "0")}-12-31`);
  return {
    OR: [
      { year },
      { startDate: { lte: last }, endDate: { gte: first } },
      { startDate: { gte: first, lte: last }, endDate: null },
      { startDate: null, endDate: { gte: first, lte: last } },
    ],
  };
}

/** The filters of the activities list, which the CSV export shares. */
export type ActivityFilters = Pick<
  ActivityListQueryInput,
  "q" | "year" | "category" | "status" | "coordinatorId" | "clusterId" | "startDateFrom" | "startDateTo"
>;

/** The filters of `GET /v1/activities` (and of its CSV export), all ANDed. */
export function activityFilterWhere(query: ActivityFilters): Prisma.ActivityWhereInput {
  return {
    AND: [
      ...searchWhere(query.q),
      query.year !== undefined ? inYear(query.year) : {},
      query.category ? { category: query.category } : {},
      query.status ? { status: query.status } : {},
      query.coordinatorId ? { coordinatorId: query.coordinatorId } : {},
      query.clusterId ? { clusterId: query.clusterId } : {},
      query.startDateFrom ? { startDate: { gte: dateOnlyToDb(query.startDateFrom) } } : {},
      query.startDateTo ? { startDate: { lte: dateOnlyToDb(query.startDateTo) } } : {},
    ],
  };
}

/** What a row of the CSV export needs, in one query: the names of the coordinator and cluster, and counts of what links to it. */
const EXPORT_SELECT = {
  id: true,
  year: true,
  title: true,
  category: true,
  status: true,
  startDate: true,
  endDate: true,
  coordinatorId: true,
  clusterId: true,
  description: true,
  coordinator: { select: { name: true } },
  cluster: { select: { name: true } },
  _count: { select: { meetings: true, grantApplications: true, publications: true, mediaPartners: true } },
} as const satisfies Prisma.ActivitySelect;

/** The list's default order (`sort=year,startDate`, then id), activities without a start date last in their year. */
const EXPORT_ORDER = [
  { year: "asc" },
  { startDate: { sort: "asc", nulls: "last" } },
  { id: "asc" },
] as const satisfies Prisma.ActivityOrderByWithRelationInput[];

/** An export is never cut short: past the cap it is refused, with the count, so the client narrows its filters. */
const tooManyRows = (matched: number) =>
  new ApiError(
    "too_many_rows",
    `${matched} activities match; an export holds at most ${EXPORT_MAX_ROWS}. Narrow the filters (e.g. \`year\`, \`coordinatorId\`, \`status\`) and export in parts.`,
    { extensions: { matched, limit: EXPORT_MAX_ROWS } },
  );

export function activitiesService(prisma: PrismaClient) {
  const load = (tx: Tx | PrismaClient, id: string, include: readonly ActivityIncludeName[] = []) =>
    tx.activity.findUnique({ where: { id }, include: includeOf(include) }) as Promise<ActivityWithLinks | null>;

  return {
    async list(query: ActivityListQueryInput) {
      const { rows, nextCursor } = await paginate({
        fields: SORTABLE,
        sort: query.sort,
        limit: query.limit,
        cursor: query.cursor,
        where: activityFilterWhere(query),
        findMany: (args) =>
          prisma.activity.findMany({ ...(args as Prisma.ActivityFindManyArgs), include: includeOf(query.include) }) as Promise<ActivityWithLinks[]>,
      });
      return { data: rows.map((row) => toActivityDto(row, query.include)), nextCursor };
    },

    /**
     * Every activity the filters match, as spreadsheet rows, in the list's order: counted first, and refused (422)
     * beyond EXPORT_MAX_ROWS rather than cut short.
     */
    async exportRows(query: ActivityFilters): Promise<ExportRow[]> {
      const where = activityFilterWhere(query);
      const matched = await prisma.activity.count({ where });
      if (matched > EXPORT_MAX_ROWS) throw tooManyRows(matched);
      // One more than the cap: activities added between the count and this read are caught too.
      const rows = await prisma.activity.findMany({ where, select: EXPORT_SELECT, orderBy: [...EXPORT_ORDER], take: EXPORT_MAX_ROWS + 1 });
      if (rows.length > EXPORT_MAX_ROWS) throw tooManyRows(await prisma.activity.count({ where }));
      return rows.map((row) => ({
        id: row.id,
        year: row.year,
        title: row.title,
        category: row.category,
        status: row.status,
        startDate: optionalDateFromDb(row.startDate),
        endDate: optionalDateFromDb(row.endDate),
        coordinatorId: row.coordinatorId,
        coordinatorName: row.coordinator.name,
        clusterId: row.clusterId,
        clusterName: row.cluster?.name ?? null,
        meetings: row._count.meetings,
        grantApplications: row._count.grantApplications,
        publications: row._count.publications,
        mediaPartners: row._count.mediaPartners,
        description: row.description,
      }));
    },

    async get(id: string, query: ActivityGetQueryInput = { include: [] }) {
      const row = await load(prisma, id, query.include);
      if (!row) throw notFound("activity", id);
      return toActivityDto(row, query.include);
    },

    async create(input: ActivityCreateInput) {
      return prisma.$transaction(async (tx) => {
        await assertReferences(tx, input);
        const row = await tx.activity.create({
          data: { ...toData(input), mediaPartners: { createMany: { data: input.mediaPartnerIds.map((mediaPartnerId) => ({ mediaPartnerId })) } } },
          include: ACTIVITY_LINKS,
        });
        await recordAudit(tx, { action: "create", resourceType: "activities", resourceId: row.id, version: row.version, after: toInput(row) });
        return toActivityDto(row);
      });
    },

    async update(id: string, patch: ActivityPatchInput, ifMatch: string) {
      const row = await mergePatchRecord({
        prisma,
        resource: "activity",
        // The media-partner links are part of the activity's input, so their changes are logged as `mediaPartnerIds`.
        resourceType: "activities",
        id,
        ifMatch,
        patch,
        load: (tx) => load(tx, id),
        toInput,
        schema: ActivityCreate,
        save: async (tx, current, input) => {
          await assertReferences(tx, input, current);
          const { count } = await tx.activity.updateMany({ where: atVersion(current), data: { ...toData(input), version: { increment: 1 } } });
          if (count === 0) throw lostRace("activity");
          const linked = current.mediaPartners.map((link) => link.mediaPartnerId);
          if (!sameIds(linked, input.mediaPartnerIds)) {
            await tx.activityMediaPartner.deleteMany({ where: { activityId: id } });
            await tx.activityMediaPartner.createMany({ data: input.mediaPartnerIds.map((mediaPartnerId) => ({ activityId: id, mediaPartnerId })) });
          }
          return (await load(tx, id))!;
        },
      });
      return toActivityDto(row);
    },

    async remove(id: string, ifMatch: string) {
      // The media-partner links belong to the activity and go with it (ON DELETE CASCADE).
      await deleteRecord({
        prisma,
        resource: "activity",
        resourceType: "activities",
        toInput,
        id,
        ifMatch,
        load: (tx) => load(tx, id),
        references: async (tx) => [
          { resource: "meetings", field: "activityId", count: await tx.meeting.count({ where: { activityId: id } }) },
          { resource: "grant-applications", field: "activityId", count: await tx.grantApplication.count({ where: { activityId: id } }) },
          { resource: "publications", field: "activityId", count: await tx.mediaPublication.count({ where: { activityId: id } }) },
        ],
        remove: async (tx, row) => (await tx.activity.deleteMany({ where: atVersion(row) })).count,
      });
    },
  };
}

export type ActivitiesService = ReturnType<typeof activitiesService>;
