import type {
  MeetingParticipant as MeetingParticipantRow,
  Organization as OrganizationRow,
  Prisma,
  PrismaClient,
} from "../../generated/prisma/client.ts";
import { recordAudit } from "../../lib/audit.ts";
import { paginate, type SortableFields } from "../../lib/pagination.ts";
import { notFound } from "../../lib/problem.ts";
import { assertReference, atVersion, deleteRecord, lostRace, mergePatchRecord, type Tx } from "../../lib/records.ts";
import { searchText, searchWhere } from "../../lib/search-text.ts";
import { toOrganizationDto } from "../organizations/organizations-service.ts";
import {
  MeetingParticipantCreate,
  type MeetingParticipantCreateInput,
  type MeetingParticipantDto,
  type MeetingParticipantGetQueryInput,
  type MeetingParticipantListQueryInput,
  type MeetingParticipantPatchInput,
} from "./meeting-participants-schemas.ts";

const SORTABLE: SortableFields = {
  createdAt: { type: "datetime" },
  personName: { type: "string", nullable: true },
  updatedAt: { type: "datetime" },
};

/** The order participants are embedded in (`include=participants`): as they were added. */
export const PARTICIPANT_ORDER = [{ createdAt: "asc" }, { id: "asc" }] satisfies Prisma.MeetingParticipantOrderByWithRelationInput[];

export type MeetingParticipantWithRelations = MeetingParticipantRow & { organization?: OrganizationRow | null };

export function toMeetingParticipantDto(row: MeetingParticipantWithRelations): MeetingParticipantDto {
  return {
    id: row.id,
    meetingId: row.meetingId,
    organizationId: row.organizationId,
    ...(row.organization !== undefined ? { organization: row.organization === null ? null : toOrganizationDto(row.organization) } : {}),
    personName: row.personName,
    role: row.role,
    helix: row.helix,
    notes: row.notes,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toMeetingParticipantInput(row: MeetingParticipantRow) {
  const {
    id: _id,
    meetingId: _meetingId,
    organization: _organization,
    version: _version,
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    ...input
  } = toMeetingParticipantDto(row);
  return input;
}

function toData(input: MeetingParticipantCreateInput) {
  return {
    organizationId: input.organizationId ?? null,
    personName: input.personName ?? null,
    role: input.role ?? null,
    helix: input.helix ?? null,
    notes: input.notes ?? null,
    searchText: searchText(input.personName, input.role, input.notes),
  } satisfies Omit<Prisma.MeetingParticipantUncheckedCreateInput, "meetingId">;
}

async function assertMeetingExists(db: Tx | PrismaClient, meetingId: string) {
  if ((await db.meeting.count({ where: { id: meetingId } })) === 0) throw notFound("meeting", meetingId);
}

async function assertOrganizationExists(tx: Tx, organizationId: string | null | undefined) {
  if (organizationId) assertReference(await tx.organization.count({ where: { id: organizationId } }), "organizationId", "organization", organizationId);
}

const includeOf = (include: readonly string[] = []) => (include.includes("organization") ? { organization: true } : undefined);

/** The participant, or a 404 that says whether the meeting or the participant is missing. */
async function loadParticipant(db: Tx | PrismaClient, id: string, meetingId: string, include: readonly string[] = []) {
  const row = await db.meetingParticipant.findFirst({ where: { id, meetingId }, include: includeOf(include) });
  if (!row) await assertMeetingExists(db, meetingId);
  return row;
}

export function meetingParticipantsService(prisma: PrismaClient) {
  return {
    async list(query: MeetingParticipantListQueryInput, meetingId: string) {
      await assertMeetingExists(prisma, meetingId);
      const where: Prisma.MeetingParticipantWhereInput = {
        AND: [
          { meetingId },
          ...searchWhere(query.q),
          query.helix ? { helix: query.helix } : {},
          query.organizationId ? { organizationId: query.organizationId } : {},
        ],
      };
      const { rows, nextCursor } = await paginate({
        fields: SORTABLE,
        sort: query.sort,
        limit: query.limit,
        cursor: query.cursor,
        where,
        findMany: (args) =>
          prisma.meetingParticipant.findMany({ ...(args as Prisma.MeetingParticipantFindManyArgs), include: includeOf(query.include) }),
      });
      return { data: rows.map(toMeetingParticipantDto), nextCursor };
    },

    async get(id: string, query: MeetingParticipantGetQueryInput, meetingId: string) {
      const row = await loadParticipant(prisma, id, meetingId, query.include);
      if (!row) throw notFound("participant of this meeting", id);
      return toMeetingParticipantDto(row);
    },

    async create(input: MeetingParticipantCreateInput, meetingId: string) {
      return prisma.$transaction(async (tx) => {
        await assertMeetingExists(tx, meetingId);
        await assertOrganizationExists(tx, input.organizationId);
        const row = await tx.meetingParticipant.create({ data: { ...toData(input), meetingId } });
        await recordAudit(tx, {
          action: "create",
          resourceType: "meeting-participants",
          resourceId: row.id,
          parentId: meetingId,
          version: row.version,
          after: toMeetingParticipantInput(row),
        });
        return toMeetingParticipantDto(row);
      });
    },

    async update(id: string, patch: MeetingParticipantPatchInput, ifMatch: string, meetingId: string) {
      const row = await mergePatchRecord({
        prisma,
        resource: "participant of this meeting",
        resourceType: "meeting-participants",
        parentId: meetingId,
        id,
        ifMatch,
        patch,
        load: (tx) => loadParticipant(tx, id, meetingId),
        toInput: toMeetingParticipantInput,
        schema: MeetingParticipantCreate,
        save: async (tx, current, input) => {
          if (input.organizationId !== current.organizationId) await assertOrganizationExists(tx, input.organizationId);
          const { count } = await tx.meetingParticipant.updateMany({ where: atVersion(current), data: { ...toData(input), version: { increment: 1 } } });
          if (count === 0) throw lostRace("participant");
          return (await tx.meetingParticipant.findUnique({ where: { id } }))!;
        },
      });
      return toMeetingParticipantDto(row);
    },

    async remove(id: string, ifMatch: string, meetingId: string) {
      await deleteRecord({
        prisma,
        resource: "participant of this meeting",
        resourceType: "meeting-participants",
        parentId: meetingId,
        toInput: toMeetingParticipantInput,
        id,
        ifMatch,
        load: (tx) => loadParticipant(tx, id, meetingId),
        remove: async (tx, row) => (await tx.meetingParticipant.deleteMany({ where: atVersion(row) })).count,
      });
    },
  };
}

export type MeetingParticipantsService = ReturnType<typeof meetingParticipantsService>;
