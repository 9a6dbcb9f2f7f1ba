import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { registerCrudRoutes } from "../../lib/crud-routes.ts";
import { ifNoneMatchHeader, problemResponse } from "../../lib/schemas.ts";
import { CALENDAR_MAX_EVENTS, CALENDAR_MEDIA_TYPE, calendarResponses, replyWithCalendar } from "../meetings/meetings-calendar.ts";
import { feedCalendar } from "./calendar-feeds-calendar.ts";
import { calendarFeeds } from "./calendar-feeds-resource.ts";
import { FeedTokenParams } from "./calendar-feeds-schemas.ts";

export default async function calendarFeedsRoutes(app: FastifyInstance) {
  registerFeedCalendarRoute(app);
  registerCrudRoutes(app, calendarFeeds);
}

/** `GET /calendar-feeds/{token}.ics`: what a calendar app subscribes to, with no Authorization header. */
function registerFeedCalendarRoute(appIn: FastifyInstance) {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  app.get(
    "/calendar-feeds/:token.ics",
    {
      // The token in the path is the credential (plugins/auth.ts skips the API key); rate limits apply as to any /v1 call.
      config: { ownToken: true, produces: [CALENDAR_MEDIA_TYPE] },
      schema: {
        tags: ["Calendar feeds"],
        operationId: "getCalendarFeedCalendar",
        summary: "The calendar of a feed link (for calendar apps)",
        description:
          "The URL a calendar app subscribes to, as `POST /v1/calendar-feeds` answered it: no API key, the token in the path is the credential, " +
          "and it opens this calendar and nothing else. RFC 5545, as the meetings calendar (`GET /v1/meetings/calendar.ics`) writes it: stable " +
          "`UID`s, `SEQUENCE` = the meeting's version − 1, cancelled meetings as `STATUS:CANCELLED`, local Europe/Warsaw times with their VTIMEZONE. " +
          `Every meeting the feed's filters select, past ones too (the latest ${CALENDAR_MAX_EVENTS} by date). ` +
          "`If-None-Match` with the `ETag` gives 304 while nothing changed. A deleted (revoked) feed's link answers 404.",
        params: FeedTokenParams,
        headers: z.object({ "if-none-match": ifNoneMatchHeader }),
        response: {
          ...calendarResponses("calendar.ics"),
          400: problemResponse("The path holds no calendar feed token (`crf_` and 43 characters)."),
          404: problemResponse("No feed has this token: it was deleted (revoked), or never existed."),
        },
      },
    },
    async (request, reply) => replyWithCalendar(request, reply, await feedCalendar(app.prisma, request.params.token), "calendar.ics"),
  );
}
