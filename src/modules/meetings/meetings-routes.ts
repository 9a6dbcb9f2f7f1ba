import type { FastifyInstance } from "fastify";
import { registerCrudRoutes } from "../../lib/crud-routes.ts";
import { registerMeetingParticipantRoutes } from "./meeting-participants-routes.ts";
import { Meeting, MeetingCreate, MeetingGetQuery, MeetingListQuery, MeetingPage, MeetingPatch } from "./meetings-schemas.ts";
import { meetingsService } from "./meetings-service.ts";

export default async function meetingsRoutes(app: FastifyInstance) {
  registerCrudRoutes(app, {
    path: "meetings",
    tag: "Meetings",
    names: { one: "Meeting", many: "Meetings", noun: "meeting" },
    schemas: { record: Meeting, create: MeetingCreate, patch: MeetingPatch, listQuery: MeetingListQuery, page: MeetingPage, getQuery: MeetingGetQuery },
    service: meetingsService(app.prisma),
    descriptions: {
      list:
        "Filters: `q` (title, series, agenda, outcomes, venue name, city and district), `dateFrom`/`dateTo`, `city` (venue city), " +
        "`format`, `activityId`. Sort: `date` (default), `sequenceNumber`, `createdAt`, `updatedAt`. `include=participants,activity` embeds the participants and the activity.",
      create:
        "Give `date` (YYYY-MM-DD), `startsAt`, or both (they must agree in `timeZone`, default Europe/Warsaw); a meeting whose hours are " +
        "unknown has only a date. `endsAt` must be after `startsAt`. `activityId` must name an existing activity (422 otherwise).",
      delete: "The meeting's participants are deleted with it.",
    },
  });
  registerMeetingParticipantRoutes(app);
}
