import type { MeetingParticipant as MeetingParticipantRow, Prisma } from "../../generated/prisma/client.ts";
import { searchText } from "../../lib/search-text.ts";
import type { MeetingParticipantCreateInput, MeetingParticipantDto } from "./meeting-participants-schemas.ts";

/** The order participants are embedded in (`include=participants`): as they were added. */
export const PARTICIPANT_ORDER = [{ createdAt: "asc" }, { id: "asc" }] satisfies Prisma.MeetingParticipantOrderByWithRelationInput[];

export function toMeetingParticipantRecord(row: MeetingParticipantRow): MeetingParticipantDto {
  return {
    id: row.id,
    meetingId: row.meetingId,
    organizationId: row.organizationId,
    personName: row.personName,
    role: row.role,
    helix: row.helix,
    notes: row.notes,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The participant as its input describes it: what the audit log records when it goes with its meeting. */
export const toMeetingParticipantInput = (row: MeetingParticipantRow) => ({
  organizationId: row.organizationId,
  personName: row.personName,
  role: row.role,
  helix: row.helix,
  notes: row.notes,
});

export function toMeetingParticipantData(input: MeetingParticipantCreateInput) {
  return {
    organizationId: input.organizationId ?? null,
    personName: input.personName ?? null,
    role: input.role ?? null,
    helix: input.helix ?? null,
    notes: input.notes ?? null,
    searchText: searchText(input.personName, input.role, input.notes),
  } satisfies Omit<Prisma.MeetingParticipantUncheckedCreateInput, "meetingId">;
}
