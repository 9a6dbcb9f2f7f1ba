import type { MeetingParticipant as MeetingParticipantRow } from "../../generated/prisma/client.ts";
import { PARTICIPANT_COLUMNS } from "./meeting-participants-resource.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { recordAudit } from "../../lib/audit.ts";
import { dateRange, equalIgnoringCase, equalTo } from "../../lib/filters.ts";
import { META_COLUMNS, columnsOf, type ExportColumn } from "../../lib/exports/columns.ts";
import { defineResource } from "../../lib/resource.ts";
import { EMBED_MAX_ITEMS } from "../../lib/schemas.ts";
import { ACTIVITY_LINKS } from "../activities/activities-mapper.ts";
import { PARTICIPANT_ORDER, toMeetingParticipantInput, toMeetingParticipantRecord } from "./meeting-participants-mapper.ts";
import { toMeetingData, toMeetingInput, toMeetingRecord } from "./meetings-mapper.ts";
import { type MeetingListQueryInput, meetingSchemas } from "./meetings-schemas.ts";

/** The filters of the meetings list (and of the calendar feed), all ANDed; `q` is the caller's. */
export type MeetingFilters = Pick<MeetingListQueryInput, "dateFrom" | "dateTo" | "city" | "format" | "status" | "activityId" | "clusterId" | "coordinatorId">;

export const meetingWhere = (query: MeetingFilters): Prisma.MeetingWhereInput[] => [
  ...dateRange("date", query.dateFrom, query.dateTo),
  ...equalIgnoringCase("venueCity", query.city),
  ...equalTo(query, ["format", "status", "activityId"]),
  ...(query.clusterId ? [{ activity: { clusterId: query.clusterId } }] : []),
  ...(query.coordinatorId ? [{ activity: { coordinatorId: query.coordinatorId } }] : []),
];

export const meetings = defineResource(meetingSchemas, {
  path: "meetings",
  names: { tag: "Meetings", many: "Meetings", noun: "meeting" },
  operationIds: ["listMeetings", "createMeeting", "getMeeting", "updateMeeting", "deleteMeeting", "getMeetingHistory"],

  model: (db) => db.meeting,
  where: meetingWhere,
  /** `include=`: the relations, loaded in the same query as the meetings (never one query per meeting). */
  include: (names) =>
    names.length === 0
      ? undefined
      : {
          // At most EMBED_MAX_ITEMS, the first added; GET /v1/meetings/{id}/participants pages through all.
          ...(names.includes("participants") ? { participants: { orderBy: PARTICIPANT_ORDER, take: EMBED_MAX_ITEMS } } : {}),
          ...(names.includes("activity") ? { activity: { include: ACTIVITY_LINKS } } : {}),
        },
  embeds: { participants: { resource: "meeting-participants" }, activity: { resource: "activities" } },
  export: {
    columns: [
      ...columnsOf("text", "id", "activityId", "title", "seriesName"),
      { key: "sequenceNumber", type: "number" },
      { key: "date", type: "date" },
      ...columnsOf("datetime", "startsAt", "endsAt"),
      ...columnsOf("text", "timeZone", "format", "venue.name", "venue.street", "venue.postalCode", "venue.city", "venue.district", "agenda", "outcomes"),
      ...META_COLUMNS,
    ],
    sheets: [
      {
        sheet: "participants",
        parentKey: "meetingId",
        include: { participants: { orderBy: PARTICIPANT_ORDER } },
        rows: (row: { participants: MeetingParticipantRow[] }) => row.participants.map(toMeetingParticipantRecord),
        columns: PARTICIPANT_COLUMNS,
      },
    ],
  },
  import: { keys: [["id"], ["date", "title"]] },
  toRecord: toMeetingRecord,
  toData: toMeetingData,
  toInput: toMeetingInput,
  refersTo: [{ field: "activityId", resource: "activities" }],
  hooks: {
    /**
     * Participants belong to the meeting and go with it (ON DELETE CASCADE); nothing else refers to a meeting.
     * Each participant's deletion is logged too, so its history ends with the meeting's.
     */
    async beforeDelete(tx, meeting, context) {
      // Lock the meeting (no participant can be added now) and its participants (a write to one still running
      // commits first) before reading them: so each participant's delete event comes after its last change in the
      // change feed, and records the version the cascade removes. Without the locks, a participant updated while
      // the meeting is deleted would show in the feed as deleted, then updated.
      await tx.$queryRaw`SELECT 1 FROM meetings WHERE id = ${meeting.id}::uuid FOR UPDATE`;
      await tx.$queryRaw`SELECT 1 FROM meeting_participants WHERE meeting_id = ${meeting.id}::uuid FOR UPDATE`;
      const participants = await tx.meetingParticipant.findMany({ where: { meetingId: meeting.id }, orderBy: PARTICIPANT_ORDER });
      for (const participant of participants) {
        await recordAudit(tx, {
          action: "delete",
          resourceType: "meeting-participants",
          resourceId: participant.id,
          parentId: meeting.id,
          version: participant.version,
          before: toMeetingParticipantInput(participant),
          data: toMeetingParticipantRecord(participant),
        }, context);
      }
    },
  },

  descriptions: {
    list:
      "Filters: `q` (title, series, agenda, outcomes, venue name, city and district), `dateFrom`/`dateTo`, `city` (venue city), " +
      "`format`, `status`, `activityId`, `clusterId` / `coordinatorId` (through the meeting's activity). Sort: `date` (default), `sequenceNumber`, `createdAt`, `updatedAt`. `include=participants,activity` embeds the participants and the activity.",
    create:
      "Give `date` (YYYY-MM-DD), `startsAt`, or both (they must agree in `timeZone`, default Europe/Warsaw); a meeting whose hours are " +
      "unknown has only a date. `endsAt` must be after `startsAt`. `activityId` must name an existing activity (422 otherwise).",
    delete: "The meeting's participants are deleted with it.",
  },
});
