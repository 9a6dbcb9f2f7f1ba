import { z } from "zod";
import { SORT_BY_TIME, recordSchemas } from "../../lib/record-schemas.ts";
import { Uuid, outText, recordMeta, text } from "../../lib/schemas.ts";
import { CALENDAR_NAME_MAX_LENGTH } from "../meetings/meetings-calendar.ts";
import { FEED_TOKEN_LENGTH, FEED_TOKEN_PATTERN } from "./calendar-feeds-token.ts";

const calendarFeedFields = {
  name: text(CALENDAR_NAME_MAX_LENGTH).meta({ description: "The calendar's name in calendar apps (X-WR-CALNAME).", example: "Spotkania Klastra LTPP" }),
  clusterId: Uuid.nullish().meta({ description: "Only the meetings of this cluster's activities. Default: every cluster." }),
  coordinatorId: Uuid.nullish().meta({ description: "Only the meetings of this coordinator's activities. Default: every coordinator." }),
};

export const CalendarFeedCreate = z.strictObject(calendarFeedFields).meta({
  id: "CalendarFeedCreate",
  example: { name: "Spotkania Klastra LTPP", clusterId: "0193b2a4-8a2b-7d4c-9e5f-2a3b4c5d6e7f" },
});

export const CalendarFeedPatch = z
  .strictObject({ ...calendarFeedFields, name: calendarFeedFields.name.optional() })
  .meta({ id: "CalendarFeedPatch", description: "Changes what the link shows; the link itself stays.", example: { coordinatorId: null } });

const calendarFeedShape = {
  id: recordMeta.id,
  name: outText(CALENDAR_NAME_MAX_LENGTH),
  clusterId: Uuid.nullable(),
  coordinatorId: Uuid.nullable(),
  version: recordMeta.version,
  createdAt: recordMeta.createdAt,
  updatedAt: recordMeta.updatedAt,
};

const EXAMPLE = {
  id: "0193b2a7-3d44-7f65-8a6b-5c7d8e9f0a1b",
  name: "Spotkania Klastra LTPP",
  clusterId: "0193b2a4-8a2b-7d4c-9e5f-2a3b4c5d6e7f",
  coordinatorId: null,
  version: 1,
  createdAt: "2026-11-29T12:00:00.000Z",
  updatedAt: "2026-11-29T12:00:00.000Z",
};
const EXAMPLE_TOKEN = "crf_3q2-7wXk9PzL0aB4cD5eF6gH7iJ8kL9mN0oP1qR2sT3";

export const CalendarFeed = z.object(calendarFeedShape).meta({
  id: "CalendarFeed",
  description: "A calendar link's settings. Its token is shown once, when it is created; deleting the feed revokes the link.",
  example: EXAMPLE,
});

export const CalendarFeedCreated = z
  .object({
    ...calendarFeedShape,
    token: z
      .string()
      .length(FEED_TOKEN_LENGTH)
      .regex(new RegExp(FEED_TOKEN_PATTERN))
      .meta({ description: "The link's token: shown only now, stored only as a hash. It opens this calendar and nothing else." }),
    url: z
      .string()
      .max(2048)
      .meta({
        description: "The link to subscribe to (`/v1/calendar-feeds/{token}.ics`): absolute when the service has a public base URL, relative otherwise.",
      }),
  })
  .meta({
    id: "CalendarFeedCreated",
    example: { ...EXAMPLE, token: EXAMPLE_TOKEN, url: `https://api.example.pl/v1/calendar-feeds/${EXAMPLE_TOKEN}.ics` },
  });

export const calendarFeedSchemas = {
  ...recordSchemas({ record: CalendarFeed, create: CalendarFeedCreate, patch: CalendarFeedPatch }, {
    filters: {
      clusterId: Uuid.optional().meta({ description: "Only the feeds of this cluster." }),
      coordinatorId: Uuid.optional().meta({ description: "Only the feeds of this coordinator." }),
    },
    sortable: { name: { type: "string" }, ...SORT_BY_TIME },
    sort: "name",
  }),
  created: CalendarFeedCreated,
};

export type CalendarFeedDto = z.output<typeof CalendarFeed>;
export type CalendarFeedCreateInput = z.output<typeof CalendarFeedCreate>;

/** `GET /v1/calendar-feeds/{token}.ics`: the token, as the path carries it. */
export const FeedTokenParams = z.strictObject({
  token: z
    .string()
    .regex(new RegExp(FEED_TOKEN_PATTERN), "must be a calendar feed token (crf_ and 43 characters)")
    .meta({ maxLength: FEED_TOKEN_LENGTH, description: "The token of the link, as `POST /v1/calendar-feeds` answered it." }),
});
