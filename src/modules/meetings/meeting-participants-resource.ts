import { equalTo } from "../../lib/filters.ts";
import { defineResource } from "../../lib/resource.ts";
import { toMeetingParticipantData, toMeetingParticipantRecord } from "./meeting-participants-mapper.ts";
import {
  MEETING_PARTICIPANT_SORTABLE,
  MeetingParticipant,
  MeetingParticipantCreate,
  MeetingParticipantGetQuery,
  MeetingParticipantListQuery,
  MeetingParticipantPage,
  MeetingParticipantPatch,
} from "./meeting-participants-schemas.ts";

/** `/meetings/{meetingId}/participants`: who took part. */
export const meetingParticipants = defineResource({
  key: "meeting-participants",
  path: "participants",
  parent: {
    path: "meetings",
    param: "meetingId",
    noun: "meeting",
    key: "meetingId",
    exists: async (db, id) => (await db.meeting.count({ where: { id } })) > 0,
  },
  tag: "Meetings",
  names: { one: "MeetingParticipant", many: "MeetingParticipants", noun: "participant", inProblems: "participant of this meeting" },
  operationIds: {
    list: "listMeetingParticipants",
    create: "createMeetingParticipant",
    get: "getMeetingParticipant",
    update: "updateMeetingParticipant",
    delete: "deleteMeetingParticipant",
    history: "getMeetingParticipantHistory",
  },
  schemas: {
    record: MeetingParticipant,
    create: MeetingParticipantCreate,
    patch: MeetingParticipantPatch,
    listQuery: MeetingParticipantListQuery,
    page: MeetingParticipantPage,
    getQuery: MeetingParticipantGetQuery,
  },
  descriptions: {
    list:
      "Filters: `q` (person name, role, notes), `helix`, `organizationId`. Sort: `createdAt` (default), `personName`, `updatedAt`. " +
      "`include=organization` embeds the organization. 404 when the meeting does not exist.",
    create:
      "A participant names an organization (`organizationId`, which must exist: 422 otherwise), a person (`personName`), or both; " +
      "neither is a 400. 404 when the meeting does not exist.",
  },

  model: (db) => db.meetingParticipant,
  sortable: MEETING_PARTICIPANT_SORTABLE,
  where: (query) => equalTo(query, ["helix", "organizationId"]),
  include: (names) => (names.includes("organization") ? { organization: true } : undefined),
  embeds: { organization: { resource: "organizations" } },
  toRecord: toMeetingParticipantRecord,
  toData: toMeetingParticipantData,
  refersTo: [{ field: "organizationId", resource: "organizations" }],
});
