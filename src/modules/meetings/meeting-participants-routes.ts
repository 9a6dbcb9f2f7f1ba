import type { FastifyInstance } from "fastify";
import { registerCrudRoutes } from "../../lib/crud-routes.ts";
import {
  MeetingParticipant,
  MeetingParticipantCreate,
  MeetingParticipantGetQuery,
  MeetingParticipantListQuery,
  MeetingParticipantPage,
  MeetingParticipantPatch,
} from "./meeting-participants-schemas.ts";
import { meetingParticipantsService } from "./meeting-participants-service.ts";

/** `/meetings/{meetingId}/participants`: who took part, registered by meetings-routes.ts. */
export function registerMeetingParticipantRoutes(app: FastifyInstance) {
  registerCrudRoutes(app, {
    path: "participants",
    auditType: "meeting-participants",
    parent: { path: "meetings", param: "meetingId", noun: "meeting" },
    tag: "Meetings",
    names: { one: "MeetingParticipant", many: "MeetingParticipants", noun: "participant" },
    schemas: {
      record: MeetingParticipant,
      create: MeetingParticipantCreate,
      patch: MeetingParticipantPatch,
      listQuery: MeetingParticipantListQuery,
      page: MeetingParticipantPage,
      getQuery: MeetingParticipantGetQuery,
    },
    service: meetingParticipantsService(app.prisma),
    descriptions: {
      list:
        "Filters: `q` (person name, role, notes), `helix`, `organizationId`. Sort: `createdAt` (default), `personName`, `updatedAt`. " +
        "`include=organization` embeds the organization. 404 when the meeting does not exist.",
      create:
        "A participant names an organization (`organizationId`, which must exist: 422 otherwise), a person (`personName`), or both; " +
        "neither is a 400. 404 when the meeting does not exist.",
    },
  });
}
