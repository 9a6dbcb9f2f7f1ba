import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { registerCrudRoutes } from "../../lib/crud-routes.ts";
import { ifNoneMatchHeader, problemResponse } from "../../lib/schemas.ts";
import { meetingParticipants } from "./meeting-participants-resource.ts";
import {
  CALENDAR_MAX_EVENTS,
  DESCRIPTION_MAX_LENGTH,
  CALENDAR_MEDIA_TYPE,
  MeetingCalendarQuery,
  calendarResponses,
  calendarMeetings,
  renderCalendar,
  replyWithCalendar,
} from "./meetings-calendar.ts";
import { meetings } from "./meetings-resource.ts";

export default async function meetingsRoutes(app: FastifyInstance) {
  // Before `/meetings/:id` (find-my-way prefers the static segment anyway): "calendar.ics" is no meeting id.
  registerMeetingCalendarRoute(app);
  registerCrudRoutes(app, meetings);
  registerCrudRoutes(app, meetingParticipants);
}

/** `GET /meetings/calendar.ics`: the meetings as an iCalendar feed, for systems that fetch it with an API key. */
function registerMeetingCalendarRoute(appIn: FastifyInstance) {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  app.get(
    "/meetings/calendar.ics",
    {
      // The http plugin's Accept check lets text/calendar (and text/*) through for this route.
      config: { produces: [CALENDAR_MEDIA_TYPE] },
      schema: {
        tags: ["Meetings"],
        operationId: "getMeetingsCalendar",
        summary: "Meetings as an iCalendar feed",
        description:
          "The strategy meetings and workshops as an iCalendar (RFC 5545) feed, fetched with an API key like every /v1 call: one VEVENT per meeting " +
          "(`UID` `<meeting id>@cluster-records`, `SEQUENCE` = version − 1, a cancelled meeting as `STATUS:CANCELLED`). A meeting with a start time " +
          "is timed (in local time with `TZID=Europe/Warsaw` and its VTIMEZONE for a meeting in that zone, in UTC otherwise); one known only by its " +
          "date is an all-day event. `SUMMARY` is the series and number, then the title; `LOCATION` the venue; `DESCRIPTION` the agenda (one " +
          `item a line) and the outcomes, cut to ${DESCRIPTION_MAX_LENGTH} characters with "…". ` +
          `At most ${CALENDAR_MAX_EVENTS} events: the latest by date (then id) in the window, in date order; narrow the window or the filters for the rest. ` +
          "Filters as in the meetings list: `dateFrom`/`dateTo` (default: no start, so past meetings too, and no end), " +
          "`activityId`, `clusterId`, `coordinatorId`, `q`, `city`, `format`, `status`. Calendar apps that cannot send an API key subscribe to a calendar feed " +
          "(`POST /v1/calendar-feeds`) instead. The `ETag` covers the body: `If-None-Match` gives 304 while nothing in the feed changed.",
        querystring: MeetingCalendarQuery,
        headers: z.object({ "if-none-match": ifNoneMatchHeader }),
        response: {
          ...calendarResponses("meetings.ics"),
          400: problemResponse("The request is not valid: `errors` names each field and rule."),
        },
      },
    },
    async (request, reply) => {
      return replyWithCalendar(request, reply, renderCalendar(await calendarMeetings(app.prisma, request.query)), "meetings.ics");
    },
  );
}
