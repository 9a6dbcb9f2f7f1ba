import { z } from "zod";
import { SORT_BY_TIME, recordSchemas, embeddedRecord } from "../../lib/record-schemas.ts";
import { DateOnly, EMBED_MAX_ITEMS, Instant, Timestamp, Uuid, int32, outText, recordMeta, text } from "../../lib/schemas.ts";
import { canonicalTimeZone, localDateOf } from "../../lib/dates.ts";
import { TIME_ZONE_PATTERN } from "../../lib/time-zones.ts";
import { MeetingFormat as MeetingFormatValues, MeetingStatus as MeetingStatusValues } from "../../generated/prisma/enums.ts";
import type { ActivityDto } from "../activities/activities-schemas.ts";
import { MeetingParticipant } from "./meeting-participants-schemas.ts";

export const MeetingFormat = z.enum(Object.values(MeetingFormatValues) as [MeetingFormatValues, ...MeetingFormatValues[]]).meta({
  id: "MeetingFormat",
  description: "What kind of meeting: workshop, simulation_workshop, working_meeting, conference, other.",
});

export const MeetingStatus = z.enum(Object.values(MeetingStatusValues) as [MeetingStatusValues, ...MeetingStatusValues[]]).meta({
  id: "MeetingStatus",
  description: "`scheduled`, or `cancelled`: a cancelled meeting stays in the records, and calendars show it as cancelled (STATUS:CANCELLED).",
});

export const DEFAULT_TIME_ZONE = "Europe/Warsaw";

/** Longer than any IANA name (the longest, `America/Argentina/ComodRivadavia`, has 32 characters). */
export const TIME_ZONE_MAX_LENGTH = 64;

const TIME_ZONE_ERROR = "must be an IANA time zone name such as Europe/Warsaw";

export const TimeZone = z
  .string()
  .trim()
  // Same message as the check below: a name this long is no time zone either.
  .max(TIME_ZONE_MAX_LENGTH, TIME_ZONE_ERROR)
  .transform((value, ctx) => {
    const canonical = canonicalTimeZone(value);
    if (canonical === undefined) {
      ctx.addIssue({ code: "custom", message: TIME_ZONE_ERROR });
      return z.NEVER;
    }
    return canonical;
  })
  // The document names the canonical zones (one shared component); the check above also takes aliases and any casing.
  .meta({
    id: "TimeZoneName",
    pattern: TIME_ZONE_PATTERN,
    description:
      "IANA time zone the meeting's times and date are read in: a canonical name of the tz database, as the pattern lists them. " +
      "Aliases (`Europe/Kiev`) and other casings are accepted too, and stored under the canonical name.",
    example: DEFAULT_TIME_ZONE,
  });

/** `NN-NNN`: the pattern fixes the length. */
const POSTAL_CODE_LENGTH = 6;

/** Agenda items a meeting lists: a long conference programme fits in 100. */
export const AGENDA_MAX_ITEMS = 100;

const Venue = z
  .strictObject({
    name: text(200).nullish().meta({ example: "Oliwia Gate" }),
    street: text(200).nullish().meta({ example: "al. Grunwaldzka 472" }),
    postalCode: z
      .string()
      .trim()
      .regex(/^\d{2}-\d{3}$/, "must be a Polish postal code NN-NNN, e.g. 80-309")
      .meta({ maxLength: POSTAL_CODE_LENGTH })
      .nullish()
      .meta({ example: "80-309" }),
    city: text(100).nullish().meta({ example: "Gdańsk" }),
    district: text(100).nullish().meta({ description: "District of the city (dzielnica).", example: "Oliwa" }),
  })
  .meta({ id: "MeetingVenue", description: "Where the meeting took place; every member optional. A venue with no members is stored as none." });

const Agenda = z
  .array(text(1000))
  .max(AGENDA_MAX_ITEMS, `must list at most ${AGENDA_MAX_ITEMS} agenda items`)
  .meta({
    description: `Agenda items, in order: at most ${AGENDA_MAX_ITEMS}, each at most 1000 characters.`,
    example: ["Metodologia tworzenia strategii", "Potencjał Klastra dla gospodarki Pomorza", "Analiza PEST"],
  });

const SEQUENCE_NUMBER_MAX = 10_000;

const meetingFields = {
  activityId: Uuid.nullish().meta({ description: "The activity (in the coordinator's activity log) the meeting belongs to." }),
  title: text(300).meta({ example: "Pierwsze spotkanie strategiczne" }),
  seriesName: text(200).nullish().meta({ description: "The series the meeting is part of.", example: "Spotkanie strategiczne" }),
  sequenceNumber: z
    .number({ error: "must be a whole number of at least 1" })
    .int("must be a whole number of at least 1")
    .min(1, "must be a whole number of at least 1")
    .max(SEQUENCE_NUMBER_MAX, "must be at most 10000")
    .meta({ format: "int32" })
    .nullish()
    .meta({ description: "Place in the series: 1 for the first strategy meeting.", example: 1 }),
  date: DateOnly.optional().meta({
    description: "Calendar date in the meeting's time zone (YYYY-MM-DD). Required unless `startsAt` is given; then derived from it, and if both are sent they must agree.",
    example: "2013-05-10",
  }),
  startsAt: Timestamp.nullish().meta({ description: "Start, RFC 3339 with offset; returned in UTC.", example: "2013-05-10T10:00:00+02:00" }),
  endsAt: Timestamp.nullish().meta({ description: "End, after `startsAt` (which it requires).", example: "2013-05-10T14:00:00+02:00" }),
  timeZone: TimeZone.default(DEFAULT_TIME_ZONE),
  format: MeetingFormat,
  status: MeetingStatus.default("scheduled"),
  venue: Venue.nullish(),
  agenda: Agenda.default([]),
  outcomes: text(10_000).nullish().meta({
    example: "Przedstawiono metodologię tworzenia strategii i potencjał Klastra; przeprowadzono analizę PEST czynników rozwoju branży w regionie.",
  }),
};

type TimeFields = { date?: string; startsAt?: string | null; endsAt?: string | null; timeZone: string };

/** The rules that tie the time fields together; the date itself is derived from `startsAt` by the service. */
function checkTimes(meeting: TimeFields, ctx: z.RefinementCtx) {
  // The meeting's date is derived from startsAt in its time zone: it must be a date PostgreSQL and the API can write.
  for (const field of ["startsAt", "endsAt"] as const) {
    const value = meeting[field];
    const instant = value ? new Date(value) : undefined;
    // Not an instant at all: its own rule has already said so.
    if (!instant || Number.isNaN(instant.getTime()) || typeof meeting.timeZone !== "string" || !canonicalTimeZone(meeting.timeZone)) continue;
    const local = localDateOf(instant, meeting.timeZone);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(local) || local < "0001-01-01") {
      ctx.addIssue({ code: "custom", path: [field], message: `must fall between 0001-01-01 and 9999-12-31 in ${meeting.timeZone}` });
      return;
    }
  }
  const startsAt = meeting.startsAt ? new Date(meeting.startsAt) : undefined;
  if (meeting.date === undefined && startsAt === undefined) {
    ctx.addIssue({ code: "custom", path: ["date"], message: "is required unless startsAt is given" });
  }
  // zod runs this rule also when a field failed its own (startsAt "x"): never hand Intl an invalid date or zone.
  const zone = startsAt && !Number.isNaN(startsAt.getTime()) && typeof meeting.timeZone === "string" ? canonicalTimeZone(meeting.timeZone) : undefined;
  const local = zone ? localDateOf(startsAt!, zone) : undefined;
  if (local !== undefined && meeting.date !== undefined && local !== meeting.date) {
    ctx.addIssue({ code: "custom", path: ["date"], message: `must be the date of startsAt in ${meeting.timeZone} (${local})` });
  }
  if (meeting.endsAt) {
    if (!startsAt) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "requires startsAt" });
    else if (new Date(meeting.endsAt) <= startsAt) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "must be after startsAt" });
  }
}

export const MeetingCreate = z
  .strictObject(meetingFields)
  .superRefine(checkTimes)
  .meta({
    id: "MeetingCreate",
    // checkTimes, as far as JSON Schema can say it: `date` unless `startsAt`; `endsAt` only with `startsAt`.
    anyOf: [{ required: ["date"] }, { required: ["startsAt"], properties: { startsAt: { not: { type: "null" } } } }],
    if: { required: ["endsAt"], properties: { endsAt: { not: { type: "null" } } } },
    then: { required: ["startsAt"], properties: { startsAt: { not: { type: "null" } } } },
    "x-before": { startsAt: "endsAt" },
    "x-date-of": { member: "date", instant: "startsAt", timeZone: "timeZone", default: DEFAULT_TIME_ZONE },
    example: {
      title: "Pierwsze spotkanie strategiczne",
      seriesName: "Spotkanie strategiczne",
      sequenceNumber: 1,
      date: "2013-05-10",
      timeZone: "Europe/Warsaw",
      format: "workshop",
      venue: { name: "Oliwia Gate", city: "Gdańsk", district: "Oliwa" },
      agenda: ["Metodologia tworzenia strategii", "Potencjał Klastra dla gospodarki Pomorza", "Analiza PEST"],
      outcomes: "Przedstawiono metodologię tworzenia strategii i potencjał Klastra; przeprowadzono analizę PEST czynników rozwoju branży w regionie.",
    },
  });

/** JSON Merge Patch: every field optional, `null` clears; `venue` merges member by member. */
export const MeetingPatch = z
  .strictObject({
    ...meetingFields,
    title: meetingFields.title.optional(),
    date: DateOnly.nullish(),
    timeZone: TimeZone.nullish(),
    format: MeetingFormat.optional(),
    status: MeetingStatus.optional(),
    agenda: Agenda.nullish(),
  })
  .meta({
    id: "MeetingPatch",
    description: "Changing `startsAt` or `timeZone` without sending `date` re-derives the date from `startsAt`.",
    example: { startsAt: "2013-05-10T10:00:00+02:00", endsAt: "2013-05-10T14:00:00+02:00" },
  });

// Output bounds are the input bounds of the same fields (meetingFields above): nothing longer can be stored.
const meetingShape = {
  title: outText(300),
  seriesName: outText(200).nullable(),
  sequenceNumber: int32(1, SEQUENCE_NUMBER_MAX).nullable(),
  date: DateOnly,
  startsAt: Instant.nullable(),
  endsAt: Instant.nullable(),
  timeZone: outText(TIME_ZONE_MAX_LENGTH),
  format: MeetingFormat,
  status: MeetingStatus,
  venue: z
    .object({
      name: outText(200).nullable(),
      street: outText(200).nullable(),
      postalCode: outText(POSTAL_CODE_LENGTH).nullable(),
      city: outText(100).nullable(),
      district: outText(100).nullable(),
    })
    .nullable(),
  agenda: z.array(outText(1000)).max(AGENDA_MAX_ITEMS),
  outcomes: outText(10_000).nullable(),
  participants: z
    .array(MeetingParticipant)
    .max(EMBED_MAX_ITEMS)
    .optional()
    .meta({
      description:
        `Present with \`include=participants\`: at most ${EMBED_MAX_ITEMS}, the first by when they were added; ` +
        "GET /v1/meetings/{id}/participants pages through all.",
    }),
  version: recordMeta.version,
  createdAt: recordMeta.createdAt,
  updatedAt: recordMeta.updatedAt,
};

/** Written out because a meeting embeds its activity and an activity its meetings: the types cannot be inferred from one another. */
export type MeetingDto = z.output<z.ZodObject<typeof meetingShape>> & { id: string; activityId: string | null; activity?: ActivityDto | null };

export const Meeting: z.ZodType<MeetingDto> = z
  .object({
    id: recordMeta.id,
    activityId: Uuid.nullable(),
    // By name: activities-schemas.ts imports this module (an activity embeds these records).
    activity: embeddedRecord<ActivityDto>("Activity")
      .nullable()
      .optional()
      .meta({ description: "Present with `include=activity` (null when the meeting belongs to no activity)." }),
    ...meetingShape,
  })
  .meta({
    id: "Meeting",
    example: {
      id: "0193b2a6-1c22-7e53-9c4d-3f6a7b8c9d0e",
      activityId: "0193b2a5-7f10-7a21-8b3c-4d5e6f708192",
      title: "Pierwsze spotkanie strategiczne",
      seriesName: "Spotkanie strategiczne",
      sequenceNumber: 1,
      date: "2013-05-10",
      startsAt: null,
      endsAt: null,
      timeZone: "Europe/Warsaw",
      format: "workshop",
      status: "scheduled",
      venue: { name: "Oliwia Gate", street: null, postalCode: null, city: "Gdańsk", district: "Oliwa" },
      agenda: ["Metodologia tworzenia strategii", "Potencjał Klastra dla gospodarki Pomorza", "Analiza PEST"],
      outcomes: "Przedstawiono metodologię tworzenia strategii i potencjał Klastra; przeprowadzono analizę PEST czynników rozwoju branży w regionie.",
      version: 1,
      createdAt: "2026-11-29T12:00:00.000Z",
      updatedAt: "2026-11-29T12:00:00.000Z",
    },
  });

/** Filters by what a meeting belongs to: its activity, and through it the activity's cluster and coordinator. */
export const meetingScopeFilters = {
  activityId: Uuid.optional().meta({ description: "Only the meetings of this activity." }),
  clusterId: Uuid.optional().meta({ description: "Only the meetings of this cluster's activities (a meeting without an activity belongs to none)." }),
  coordinatorId: Uuid.optional().meta({ description: "Only the meetings of this coordinator's activities." }),
};

const meetingShapes = recordSchemas({ record: Meeting, create: MeetingCreate, patch: MeetingPatch }, {
  filters: {
    dateFrom: DateOnly.optional().meta({ description: "Meetings on or after this date." }),
    dateTo: DateOnly.optional().meta({ description: "Meetings on or before this date." }),
    city: text(100).optional().meta({ description: "Venue city, exact, ignoring case." }),
    format: MeetingFormat.optional(),
    status: MeetingStatus.optional(),
    ...meetingScopeFilters,
  },
  sortable: { date: { type: "date" }, sequenceNumber: { type: "number", nullable: true }, ...SORT_BY_TIME },
  sort: "date",
  include: ["participants", "activity"],
});

/** `dateTo` must not be before `dateFrom` (the list's and the calendar's). */
export function dateWindow(query: { dateFrom?: string; dateTo?: string }, ctx: z.RefinementCtx) {
  if (query.dateFrom && query.dateTo && query.dateFrom > query.dateTo) {
    ctx.addIssue({ code: "custom", path: ["dateTo"], message: "must not be before dateFrom" });
  }
}

export const meetingSchemas = { ...meetingShapes, listQuery: meetingShapes.listQuery.superRefine(dateWindow) };

export type MeetingCreateInput = z.output<typeof MeetingCreate>;
export type MeetingListQueryInput = z.output<typeof meetingSchemas.listQuery>;
