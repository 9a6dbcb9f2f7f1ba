import type { Meeting as MeetingRow, MeetingParticipant as MeetingParticipantRow, Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { recordAudit } from "../../lib/audit.ts";
import { dateOnlyFromDb, dateOnlyToDb } from "../../lib/dates.ts";
import { paginate, type SortableFields } from "../../lib/pagination.ts";
import { notFound } from "../../lib/problem.ts";
import { assertReference, atVersion, deleteRecord, lostRace, mergePatchRecord, type Tx } from "../../lib/records.ts";
import { EMBED_MAX_ITEMS } from "../../lib/schemas.ts";
import { likeLiteral, searchText, searchWhere } from "../../lib/search-text.ts";
import { ACTIVITY_LINKS, toActivityDto, type ActivityWithLinks } from "../activities/activities-service.ts";
import { CALENDAR_MAX_EVENTS, defaultCalendarFrom, type MeetingCalendarQueryInput } from "./meetings-calendar.ts";
import { PARTICIPANT_ORDER, toMeetingParticipantDto, toMeetingParticipantInput } from "./meeting-participants-service.ts";
import {
  MeetingCreate,
  localDateOf,
  type MeetingCreateInput,
  type MeetingDto,
  type MeetingGetQueryInput,
  type MeetingListQueryInput,
  type MeetingPatchInput,
} from "./meetings-schemas.ts";

const SORTABLE: SortableFields = {
  date: { type: "date" },
  sequenceNumber: { type: "number", nullable: true },
  createdAt: { type: "datetime" },
  updatedAt: { type: "datetime" },
};

export type MeetingWithRelations = MeetingRow & { participants?: MeetingParticipantRow[]; activity?: ActivityWithLinks | null };

function venueOf(row: MeetingRow): MeetingDto["venue"] {
  const venue = { name: row.venueName, street: row.venueStreet, postalCode: row.venuePostalCode, city: row.venueCity, district: row.venueDistrict };
  return Object.values(venue).every((value) => value === null) ? null : venue;
}

export function toMeetingDto(row: MeetingWithRelations): MeetingDto {
  return {
    id: row.id,
    activityId: row.activityId,
    ...(row.activity !== undefined ? { activity: row.activity === null ? null : toActivityDto(row.activity) } : {}),
    title: row.title,
    seriesName: row.seriesName,
    sequenceNumber: row.sequenceNumber,
    date: dateOnlyFromDb(row.date),
    startsAt: row.startsAt?.toISOString() ?? null,
    endsAt: row.endsAt?.toISOString() ?? null,
    timeZone: row.timeZone,
    format: row.format,
    venue: venueOf(row),
    agenda: row.agenda,
    outcomes: row.outcomes,
    ...(row.participants ? { participants: row.participants.map(toMeetingParticipantDto) } : {}),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * The record as a create body would describe it, for the merge patch. The stored date is left out when the patch
 * moves `startsAt` or changes `timeZone` without sending a date, so that the date follows the new start.
 */
function toInput(row: MeetingRow, patch: MeetingPatchInput) {
  const {
    id: _id,
    version: _version,
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    participants: _participants,
    activity: _activity,
    date,
    ...input
  } = toMeetingDto(row);
  const startsAt = patch.startsAt === undefined ? input.startsAt : patch.startsAt;
  const rederive = startsAt !== null && (patch.startsAt !== undefined || patch.timeZone !== undefined) && patch.date === undefined;
  return rederive ? input : { ...input, date };
}

/** The whole input shape (the stored date included), as the audit log compares it. */
const auditShape = (row: MeetingRow) => toInput(row, {});

function toData(input: MeetingCreateInput) {
  const startsAt = input.startsAt ? new Date(input.startsAt) : null;
  // The schema guarantees a date or a start; a sent date has been checked against the start.
  const date = input.date ?? localDateOf(startsAt!, input.timeZone);
  const venue = input.venue ?? {};
  return {
    activityId: input.activityId ?? null,
    title: input.title,
    seriesName: input.seriesName ?? null,
    sequenceNumber: input.sequenceNumber ?? null,
    date: dateOnlyToDb(date),
    startsAt,
    endsAt: input.endsAt ? new Date(input.endsAt) : null,
    timeZone: input.timeZone,
    format: input.format,
    venueName: venue.name ?? null,
    venueStreet: venue.street ?? null,
    venuePostalCode: venue.postalCode ?? null,
    venueCity: venue.city ?? null,
    venueDistrict: venue.district ?? null,
    agenda: input.agenda,
    outcomes: input.outcomes ?? null,
    searchText: searchText(input.title, input.seriesName, input.agenda, input.outcomes, venue.name, venue.city, venue.district),
  } satisfies Prisma.MeetingUncheckedCreateInput;
}

async function assertActivityExists(tx: Tx, activityId: string | null | undefined) {
  if (activityId) assertReference(await tx.activity.count({ where: { id: activityId } }), "activityId", "activity", activityId);
}

/** `include=`: the relations, loaded in the same query as the meetings (never one query per meeting). */
const includeOf = (include: readonly string[] = []) =>
  include.length === 0
    ? undefined
    : ({
        // At most EMBED_MAX_ITEMS, the first added; GET /v1/meetings/{id}/participants pages through all.
        ...(include.includes("participants") ? { participants: { orderBy: PARTICIPANT_ORDER, take: EMBED_MAX_ITEMS } } : {}),
        ...(include.includes("activity") ? { activity: { include: ACTIVITY_LINKS } } : {}),
      } satisfies Prisma.MeetingInclude);

/** The filters of the meetings list (and of the calendar feed), all ANDed. */
export type MeetingFilters = Pick<MeetingListQueryInput, "q" | "dateFrom" | "dateTo" | "city" | "format" | "activityId" | "clusterId" | "coordinatorId">;

export function meetingFilterWhere(query: MeetingFilters): Prisma.MeetingWhereInput {
  return {
    AND: [
      ...searchWhere(query.q),
      query.dateFrom ? { date: { gte: dateOnlyToDb(query.dateFrom) } } : {},
      query.dateTo ? { date: { lte: dateOnlyToDb(query.dateTo) } } : {},
      query.city ? { venueCity: { equals: likeLiteral(query.city), mode: "insensitive" as const } } : {},
      query.format ? { format: query.format } : {},
      query.activityId ? { activityId: query.activityId } : {},
      query.clusterId ? { activity: { clusterId: query.clusterId } } : {},
      query.coordinatorId ? { activity: { coordinatorId: query.coordinatorId } } : {},
    ],
  };
}

export function meetingsService(prisma: PrismaClient) {
  return {
    async list(query: MeetingListQueryInput) {
      const { rows, nextCursor } = await paginate({
        fields: SORTABLE,
        sort: query.sort,
        limit: query.limit,
        cursor: query.cursor,
        where: meetingFilterWhere(query),
        findMany: (args) => prisma.meeting.findMany({ ...(args as Prisma.MeetingFindManyArgs), include: includeOf(query.include) }),
      });
      return { data: rows.map(toMeetingDto), nextCursor };
    },

    /**
     * The meetings of the calendar feed: the first CALENDAR_MAX_EVENTS by date, then id, from `dateFrom` (default:
     * CALENDAR_DEFAULT_DAYS_BACK days before today).
     */
    async calendar(query: MeetingCalendarQueryInput, now = new Date()) {
      const rows = await prisma.meeting.findMany({
        where: meetingFilterWhere({ ...query, dateFrom: query.dateFrom ?? defaultCalendarFrom(now) }),
        orderBy: [{ date: "asc" }, { id: "asc" }],
        take: CALENDAR_MAX_EVENTS,
      });
      return rows.map(toMeetingDto);
    },

    async get(id: string, query: MeetingGetQueryInput = { include: [] }) {
      const row = await prisma.meeting.findUnique({ where: { id }, include: includeOf(query.include) });
      if (!row) throw notFound("meeting", id);
      return toMeetingDto(row);
    },

    async create(input: MeetingCreateInput) {
      return prisma.$transaction(async (tx) => {
        await assertActivityExists(tx, input.activityId);
        const row = await tx.meeting.create({ data: toData(input) });
        await recordAudit(tx, { action: "create", resourceType: "meetings", resourceId: row.id, version: row.version, after: auditShape(row) });
        return toMeetingDto(row);
      });
    },

    async update(id: string, patch: MeetingPatchInput, ifMatch: string) {
      const row = await mergePatchRecord({
        prisma,
        resource: "meeting",
        resourceType: "meetings",
        auditShape,
        id,
        ifMatch,
        patch,
        load: (tx) => tx.meeting.findUnique({ where: { id } }),
        toInput: (current) => toInput(current, patch),
        schema: MeetingCreate,
        save: async (tx, current, input) => {
          if (input.activityId !== current.activityId) await assertActivityExists(tx, input.activityId);
          const { count } = await tx.meeting.updateMany({ where: atVersion(current), data: { ...toData(input), version: { increment: 1 } } });
          if (count === 0) throw lostRace("meeting");
          return (await tx.meeting.findUnique({ where: { id } }))!;
        },
      });
      return toMeetingDto(row);
    },

    /**
     * Participants belong to the meeting and go with it (ON DELETE CASCADE); nothing else refers to a meeting.
     * Each participant's deletion is logged too, so its history ends with the meeting's.
     */
    async remove(id: string, ifMatch: string) {
      await deleteRecord({
        prisma,
        resource: "meeting",
        resourceType: "meetings",
        toInput: auditShape,
        id,
        ifMatch,
        load: (tx) => tx.meeting.findUnique({ where: { id } }),
        remove: async (tx, row) => {
          const participants = await tx.meetingParticipant.findMany({ where: { meetingId: id }, orderBy: PARTICIPANT_ORDER });
          const { count } = await tx.meeting.deleteMany({ where: atVersion(row) });
          if (count === 0) return 0;
          for (const participant of participants) {
            await recordAudit(tx, {
              action: "delete",
              resourceType: "meeting-participants",
              resourceId: participant.id,
              parentId: id,
              version: participant.version,
              before: toMeetingParticipantInput(participant),
            });
          }
          return count;
        },
      });
    },
  };
}

export type MeetingsService = ReturnType<typeof meetingsService>;
