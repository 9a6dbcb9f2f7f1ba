import { equalTo } from "../../lib/filters.ts";
import { META_COLUMNS, columnsOf, type ExportColumn } from "../../lib/exports/columns.ts";
import { defineResource } from "../../lib/resource.ts";
import { toMeetingParticipantData, toMeetingParticipantRecord } from "./meeting-participants-mapper.ts";
import { meetingParticipantSchemas } from "./meeting-participants-schemas.ts";

/** A participant's columns, also the participants sheet of the meetings' XLSX. */
export const PARTICIPANT_COLUMNS: readonly ExportColumn[] = columnsOf("text", "id", "organizationId", "personName", "role", "helix", "notes");

/** `/meetings/{meetingId}/participants`: who took part. */
export const meetingParticipants = defineResource(meetingParticipantSchemas, {
  path: "participants",
  key: "meeting-participants",
  parent: { resource: "meetings", key: "meetingId" },
  names: { tag: "Meetings", many: "MeetingParticipants", noun: "participant", inProblems: "participant of this meeting" },
  operationIds: ["listMeetingParticipants", "createMeetingParticipant", "getMeetingParticipant", "updateMeetingParticipant", "deleteMeetingParticipant", "getMeetingParticipantHistory"],

  model: (db) => db.meetingParticipant,
  where: (query) => equalTo(query, ["helix", "organizationId"]),
  include: (names) => (names.includes("organization") ? { organization: true } : undefined),
  embeds: { organization: { resource: "organizations" } },
  export: { columns: [...PARTICIPANT_COLUMNS, ...META_COLUMNS] },
  import: { keys: [["id"], ["meetingId", "organizationId"], ["meetingId", "personName"]] },
  toRecord: toMeetingParticipantRecord,
  toData: toMeetingParticipantData,
  refersTo: [{ field: "organizationId", resource: "organizations" }],

  descriptions: {
    list:
      "Filters: `q` (person name, role, notes), `helix`, `organizationId`. Sort: `createdAt` (default), `personName`, `updatedAt`. " +
      "`include=organization` embeds the organization. 404 when the meeting does not exist.",
    create:
      "A participant names an organization (`organizationId`, which must exist: 422 otherwise), a person (`personName`), or both; " +
      "neither is a 400. 404 when the meeting does not exist.",
  },
});
