import type { MeetingParticipant as MeetingParticipantRow, Prisma } from "../../generated/prisma/client.ts";
import { orNull, pick, recordOf } from "../../lib/mapping.ts";
import { searchText } from "../../lib/search-text.ts";
import type { MeetingParticipantCreateInput, MeetingParticipantDto } from "./meeting-participants-schemas.ts";

/** The order participants are embedded in (`include=participants`): as they were added. */
export const PARTICIPANT_ORDER = [{ createdAt: "asc" }, { id: "asc" }] satisfies Prisma.MeetingParticipantOrderByWithRelationInput[];

/** The participant as its input describes it: what the audit log records when it goes with its meeting. */
export const toMeetingParticipantInput = (row: MeetingParticipantRow) => pick(row, "organizationId", "personName", "role", "helix", "notes");

export const toMeetingParticipantRecord = (row: MeetingParticipantRow): MeetingParticipantDto =>
  recordOf(row, ["meetingId", "organizationId", "personName", "role", "helix", "notes"]);

export const toMeetingParticipantData = (input: MeetingParticipantCreateInput) =>
  ({
    ...orNull(input, "organizationId", "personName", "role", "helix", "notes"),
    searchText: searchText(input.personName, input.role, input.notes),
  }) satisfies Omit<Prisma.MeetingParticipantUncheckedCreateInput, "meetingId">;
