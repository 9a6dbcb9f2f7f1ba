import { z } from "zod";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { dateOnlyToDb } from "../../lib/dates.ts";
import type { FastifyReply, FastifyRequest } from "fastify";
import { contentEtag, ifNoneMatchHits } from "../../lib/etag.ts";
import {
  contentLine,
  cutText,
  escapeText,
  escapedMaxOctets,
  foldedMaxOctets,
  icalDate,
  icalDateTime,
  icalLocalDateTime,
  octetLength,
  vtimezone,
} from "../../lib/ical.ts";
import { DateOnly, problemResponse, searchQuery, text } from "../../lib/schemas.ts";
import { searchWhere } from "../../lib/search-text.ts";
import { toMeetingRecord } from "./meetings-mapper.ts";
import { meetingWhere } from "./meetings-resource.ts";
import { DEFAULT_TIME_ZONE, MeetingFormat, MeetingStatus, dateWindow, meetingScopeFilters, type MeetingDto } from "./meetings-schemas.ts";

/**
 * The meetings as an iCalendar (RFC 5545) feed, for calendars that subscribe to it (the regional office's, the
 * members'): which meetings, one VEVENT per meeting (written with lib/ical.ts), and the size bound the OpenAPI
 * document declares for the body.
 */

/** Events in one calendar: the first by date, then id. A client reads the whole feed at every refresh. */
export const CALENDAR_MAX_EVENTS = 1000;

/** A meeting's DESCRIPTION (agenda and outcomes) is cut to this many characters (UTF-16 code units), "…" included. */
export const DESCRIPTION_MAX_LENGTH = 2000;

export const CALENDAR_NAME = "Spotkania klastra";
/** The longest calendar name (X-WR-CALNAME): a calendar feed's name. */
export const CALENDAR_NAME_MAX_LENGTH = 200;
export const PRODUCT_ID = "-//Cluster Records API//EN";
const UID_DOMAIN = "cluster-records";

/**
 * The input limits of a meeting's text fields (meetings-schemas.ts; a test holds them equal). The renderer cuts
 * anything longer, which only a write straight into the database could store, so the size bound below holds
 * whatever the table contains.
 */
export const FIELD_LIMITS = { title: 300, seriesName: 200, venueName: 200, street: 200, postalCode: 6, city: 100, district: 100 } as const;

export type CalendarMeeting = Pick<
  MeetingDto,
  | "id"
  | "title"
  | "seriesName"
  | "sequenceNumber"
  | "date"
  | "startsAt"
  | "endsAt"
  | "timeZone"
  | "status"
  | "venue"
  | "agenda"
  | "outcomes"
  | "version"
  | "updatedAt"
>;

/**
 * The meetings of the feed, in date (then id) order: the latest CALENDAR_MAX_EVENTS of the window, which by default
 * has no start, so that past meetings (the demo data's 2012–2013 ones too) are there, and when there are more, a
 * subscriber keeps the recent and coming ones.
 */
export async function calendarMeetings(prisma: PrismaClient, query: MeetingCalendarQueryInput) {
  const rows = await prisma.meeting.findMany({
    where: { AND: [...searchWhere(query.q), ...meetingWhere(query)] },
    orderBy: [{ date: "desc" }, { id: "desc" }],
    take: CALENDAR_MAX_EVENTS,
  });
  return rows.reverse().map(toMeetingRecord);
}

// ---------------------------------------------------------------------------------------------------------------
// The events

const caseless = (value: string) => value.toLocaleLowerCase("pl").normalize("NFC").trim();

/** "Spotkanie strategiczne nr 1: Pierwsze spotkanie strategiczne": the series and number first, when known. */
export function summaryOf(meeting: Pick<CalendarMeeting, "title" | "seriesName" | "sequenceNumber">): string {
  const title = cutText(meeting.title, FIELD_LIMITS.title);
  if (!meeting.seriesName) return title;
  const series = cutText(meeting.seriesName, FIELD_LIMITS.seriesName);
  const label = meeting.sequenceNumber === null ? series : `${series} nr ${meeting.sequenceNumber}`;
  // A meeting titled just like its series ("Spotkanie strategiczne") would read "… nr 2: Spotkanie strategiczne".
  return caseless(title) === caseless(series) ? label : `${label}: ${title}`;
}

/** "Oliwia Gate, al. Grunwaldzka 472, 80-309 Gdańsk, Oliwa": what is known of the venue, or null. */
export function locationOf(venue: CalendarMeeting["venue"]): string | null {
  if (!venue) return null;
  const known = (value: string | null, max: number) => (value ? cutText(value, max) : null);
  const postalCode = known(venue.postalCode, FIELD_LIMITS.postalCode);
  const city = known(venue.city, FIELD_LIMITS.city);
  // A Polish address writes the postal code before the city, without a comma.
  const town = postalCode && city ? `${postalCode} ${city}` : (postalCode ?? city);
  const parts = [known(venue.name, FIELD_LIMITS.venueName), known(venue.street, FIELD_LIMITS.street), town, known(venue.district, FIELD_LIMITS.district)];
  const location = parts.filter((part): part is string => part !== null).join(", ");
  return location === "" ? null : location;
}

/** The agenda, one item a line, then the outcomes; cut to DESCRIPTION_MAX_LENGTH. Null when there is neither. */
export function descriptionOf(meeting: Pick<CalendarMeeting, "agenda" | "outcomes">): string | null {
  const parts = [meeting.agenda.map((item) => `- ${item}`).join("\n"), meeting.outcomes ?? ""].filter((part) => part !== "");
  return parts.length === 0 ? null : cutText(parts.join("\n\n"), DESCRIPTION_MAX_LENGTH);
}

/** Times of meetings in this zone are written as local times (`TZID=Europe/Warsaw`, with its VTIMEZONE); others in UTC. */
export const LOCAL_TIME_ZONE = DEFAULT_TIME_ZONE;
const LOCAL_VTIMEZONE = vtimezone(LOCAL_TIME_ZONE)!;

/** `DTSTART;TZID=Europe/Warsaw:20130510T100000` for a meeting in Europe/Warsaw, `DTSTART:20130510T080000Z` otherwise. */
function timeLine(name: string, instant: string, timeZone: string): string {
  const at = new Date(instant);
  return timeZone === LOCAL_TIME_ZONE ? contentLine(`${name};TZID=${LOCAL_TIME_ZONE}`, icalLocalDateTime(at, LOCAL_TIME_ZONE)) : contentLine(name, icalDateTime(at));
}

const usesLocalTime = (meeting: Pick<CalendarMeeting, "startsAt" | "timeZone">) => meeting.startsAt !== null && meeting.timeZone === LOCAL_TIME_ZONE;

/**
 * One VEVENT. DTSTAMP is the record's last change rather than the moment of the request, so that an unchanged
 * calendar has an unchanged body (and ETag); SEQUENCE counts the changes since creation, so a calendar app updates
 * the event it has rather than adding one. A meeting with a start is timed (local time in Europe/Warsaw, UTC in other
 * zones); one known only by its date is an all-day event (DTEND is the next day, exclusive). A cancelled meeting
 * stays, as STATUS:CANCELLED.
 */
export function renderEvent(meeting: CalendarMeeting): string {
  const updatedAt = icalDateTime(new Date(meeting.updatedAt));
  const lines = [
    contentLine("BEGIN", "VEVENT"),
    contentLine("UID", `${meeting.id}@${UID_DOMAIN}`),
    contentLine("DTSTAMP", updatedAt),
    contentLine("LAST-MODIFIED", updatedAt),
    contentLine("SEQUENCE", String(Math.max(0, meeting.version - 1))),
    contentLine("SUMMARY", escapeText(summaryOf(meeting))),
  ];
  if (meeting.startsAt) {
    lines.push(timeLine("DTSTART", meeting.startsAt, meeting.timeZone));
    if (meeting.endsAt) lines.push(timeLine("DTEND", meeting.endsAt, meeting.timeZone));
  } else {
    const day = dateOnlyToDb(meeting.date);
    lines.push(contentLine("DTSTART;VALUE=DATE", icalDate(day)));
    lines.push(contentLine("DTEND;VALUE=DATE", icalDate(new Date(day.getTime() + 86_400_000))));
  }
  const location = locationOf(meeting.venue);
  if (location !== null) lines.push(contentLine("LOCATION", escapeText(location)));
  const description = descriptionOf(meeting);
  if (description !== null) lines.push(contentLine("DESCRIPTION", escapeText(description)));
  lines.push(contentLine("STATUS", meeting.status === "cancelled" ? "CANCELLED" : "CONFIRMED"), contentLine("END", "VEVENT"));
  return lines.join("");
}

/** The whole calendar, every line ending with CRLF; the VTIMEZONE of Europe/Warsaw when an event's times are local. */
export function renderCalendar(meetings: readonly CalendarMeeting[], name: string = CALENDAR_NAME): string {
  return [
    contentLine("BEGIN", "VCALENDAR"),
    contentLine("VERSION", "2.0"),
    contentLine("PRODID", PRODUCT_ID),
    contentLine("CALSCALE", "GREGORIAN"),
    contentLine("METHOD", "PUBLISH"),
    contentLine("X-WR-CALNAME", escapeText(cutText(name, CALENDAR_NAME_MAX_LENGTH))),
    ...(meetings.some(usesLocalTime) ? [LOCAL_VTIMEZONE] : []),
    ...meetings.map(renderEvent),
    contentLine("END", "VCALENDAR"),
  ].join("");
}

/** A strong ETag over the exact bytes of the body. */
export const calendarEtag = (body: string) => contentEtag("ics", body);

export const CALENDAR_MEDIA_TYPE = "text/calendar";

/** What a calendar route answers besides its own 400/404: the calendar (`filename`), 304, 406 and 503. */
export const calendarResponses = (filename: string) => ({
  200: {
    description: `The calendar (\`Content-Type: text/calendar; charset=utf-8\`, \`Content-Disposition: inline; filename="${filename}"\`), with its ETag.`,
    content: { [CALENDAR_MEDIA_TYPE]: { schema: MeetingCalendar } },
  },
  304: z.undefined().describe("Not modified: the ETag in If-None-Match is current."),
  406: problemResponse("The Accept header allows neither text/calendar nor JSON."),
  503: problemResponse("The database is unavailable; retry after the Retry-After delay."),
});

/** Answers with a calendar and its ETag, or 304 when If-None-Match names that ETag (pollers fetch it again and again). */
export function replyWithCalendar(request: FastifyRequest, reply: FastifyReply, body: string, filename: string) {
  const etag = calendarEtag(body);
  reply.header("etag", etag);
  if (ifNoneMatchHits(request.headers["if-none-match"], etag)) return reply.code(304).send();
  return reply.type(`${CALENDAR_MEDIA_TYPE}; charset=utf-8`).header("content-disposition", `inline; filename="${filename}"`).send(body);
}

// ---------------------------------------------------------------------------------------------------------------
// The size bound (OpenAPI maxLength of the body)

/** "-2147483648": the longest int32 (a sequence number or version as the database can hold it). */
const INT32_DIGITS_MAX = 11;
const UUID_LENGTH = 36;
const DATE_TIME_LENGTH = "YYYYMMDDTHHMMSSZ".length;
const LOCAL_TIME_PREFIX = `;TZID=${LOCAL_TIME_ZONE}`.length; // and one octet less for the missing Z
const DATE_LENGTH = "YYYYMMDD".length;

/** The longest VEVENT the renderer can write, in UTF-8 octets, from the field limits above. */
export const EVENT_MAX_OCTETS = [
  "BEGIN:VEVENT".length,
  `UID:@${UID_DOMAIN}`.length + UUID_LENGTH,
  "DTSTAMP:".length + DATE_TIME_LENGTH,
  "LAST-MODIFIED:".length + DATE_TIME_LENGTH,
  "SEQUENCE:".length + INT32_DIGITS_MAX,
  "SUMMARY:".length + escapedMaxOctets(FIELD_LIMITS.seriesName) + " nr ".length + INT32_DIGITS_MAX + ": ".length + escapedMaxOctets(FIELD_LIMITS.title),
  Math.max("DTSTART;VALUE=DATE:".length + DATE_LENGTH, "DTSTART:".length + LOCAL_TIME_PREFIX + DATE_TIME_LENGTH),
  Math.max("DTEND;VALUE=DATE:".length + DATE_LENGTH, "DTEND:".length + LOCAL_TIME_PREFIX + DATE_TIME_LENGTH),
  "LOCATION:".length +
    escapedMaxOctets(FIELD_LIMITS.venueName + FIELD_LIMITS.street + FIELD_LIMITS.postalCode + FIELD_LIMITS.city + FIELD_LIMITS.district) +
    " ".length + // between postal code and city
    3 * escapeText(", ").length, // between the other parts
  "DESCRIPTION:".length + escapedMaxOctets(DESCRIPTION_MAX_LENGTH),
  Math.max("STATUS:CONFIRMED".length, "STATUS:CANCELLED".length),
  "END:VEVENT".length,
].reduce((sum, octets) => sum + foldedMaxOctets(octets), 0);

/** The longest frame: the calendar without events, with the longest name and the VTIMEZONE. */
export const FRAME_MAX_OCTETS =
  octetLength(renderCalendar([], "")) - foldedMaxOctets("X-WR-CALNAME:".length) + foldedMaxOctets("X-WR-CALNAME:".length + escapedMaxOctets(CALENDAR_NAME_MAX_LENGTH)) + octetLength(LOCAL_VTIMEZONE);

/** The longest calendar body, in UTF-8 octets (so also in characters): the longest frame and CALENDAR_MAX_EVENTS of the longest events. */
export const CALENDAR_MAX_OCTETS = FRAME_MAX_OCTETS + CALENDAR_MAX_EVENTS * EVENT_MAX_OCTETS;

// ---------------------------------------------------------------------------------------------------------------
// HTTP shapes

export const MeetingCalendarQuery = z
  .strictObject({
    dateFrom: DateOnly.optional().meta({ description: "Meetings on or after this date. Default: no start (past meetings too)." }),
    dateTo: DateOnly.optional().meta({ description: "Meetings on or before this date. Default: no end." }),
    ...meetingScopeFilters,
    q: searchQuery,
    city: text(100).optional().meta({ description: "Venue city, exact, ignoring case." }),
    format: MeetingFormat.optional(),
    status: MeetingStatus.optional().meta({ description: "Only scheduled, or only cancelled, meetings. Default: both (cancelled ones as STATUS:CANCELLED)." }),
  })
  .superRefine(dateWindow);

export type MeetingCalendarQueryInput = z.output<typeof MeetingCalendarQuery>;

/** The first strategy meeting of the demo data, as the feed writes it. */
const EXAMPLE_CALENDAR = renderCalendar([
  {
    id: "0193b2a6-1c22-7e53-9c4d-3f6a7b8c9d0e",
    title: "Pierwsze spotkanie strategiczne",
    seriesName: "Spotkanie strategiczne",
    sequenceNumber: 1,
    date: "2013-05-10",
    startsAt: "2013-05-10T08:00:00.000Z",
    endsAt: "2013-05-10T12:00:00.000Z",
    timeZone: DEFAULT_TIME_ZONE,
    status: "scheduled",
    venue: { name: "Oliwia Gate", street: null, postalCode: null, city: "Gdańsk", district: "Oliwa" },
    agenda: ["Metodologia tworzenia strategii", "Potencjał Klastra", "Analiza PEST"],
    outcomes: "Przeprowadzona została analiza PEST, określająca czynniki warunkujące rozwój branży w regionie.",
    version: 2,
    updatedAt: "2026-11-29T12:00:00.000Z",
  },
]);

/** The frame of every body: CRLF-terminated lines from BEGIN:VCALENDAR to END:VCALENDAR. */
export const CALENDAR_PATTERN = "^BEGIN:VCALENDAR\\r\\n(?:[^\\r\\n]*\\r\\n)*END:VCALENDAR\\r\\n$";

export const MeetingCalendar = z
  .string()
  .max(CALENDAR_MAX_OCTETS)
  .meta({
    pattern: CALENDAR_PATTERN,
    description:
      `An iCalendar (RFC 5545) object, UTF-8, CRLF line endings, lines folded at 75 octets: one VEVENT per meeting, at most ` +
      `${CALENDAR_MAX_EVENTS}, and the VTIMEZONE of Europe/Warsaw when an event's times are local there. The bound is in octets (${EVENT_MAX_OCTETS} for the longest possible event), so it holds for characters too.`,
    example: EXAMPLE_CALENDAR,
  });
