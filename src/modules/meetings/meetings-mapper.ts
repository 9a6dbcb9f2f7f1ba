import type { Meeting as MeetingRow, Prisma } from "../../generated/prisma/client.ts";
import { dateOnlyFromDb, dateOnlyToDb, isoInstant, localDateOf } from "../../lib/dates.ts";
import { orNull, pick, recordOf } from "../../lib/mapping.ts";
import { searchText } from "../../lib/search-text.ts";
import type { MeetingCreateInput, MeetingDto } from "./meetings-schemas.ts";

function venueOf(row: MeetingRow): MeetingDto["venue"] {
  const venue = { name: row.venueName, street: row.venueStreet, postalCode: row.venuePostalCode, city: row.venueCity, district: row.venueDistrict };
  return Object.values(venue).every((value) => value === null) ? null : venue;
}

export const toMeetingRecord = (row: MeetingRow): MeetingDto =>
  recordOf(row, ["activityId", "title", "seriesName", "sequenceNumber", "timeZone", "format", "status", "agenda", "outcomes"], {
    date: dateOnlyFromDb(row.date),
    startsAt: row.startsAt ? isoInstant(row.startsAt) : null,
    endsAt: row.endsAt ? isoInstant(row.endsAt) : null,
    venue: venueOf(row),
  });

/**
 * The record as a create body would describe it, for the merge patch. The stored date is left out when the patch
 * moves `startsAt` or changes `timeZone` without sending a date, so that the date follows the new start.
 */
export function toMeetingInput(row: MeetingRow, patch: { startsAt?: unknown; timeZone?: unknown; date?: unknown }) {
  const { id: _id, version: _version, createdAt: _createdAt, updatedAt: _updatedAt, date, ...input } = toMeetingRecord(row);
  const startsAt = patch.startsAt === undefined ? input.startsAt : patch.startsAt;
  const rederive = startsAt !== null && (patch.startsAt !== undefined || patch.timeZone !== undefined) && patch.date === undefined;
  return rederive ? input : { ...input, date };
}

export function toMeetingData(input: MeetingCreateInput) {
  const startsAt = input.startsAt ? new Date(input.startsAt) : null;
  // The schema guarantees a date or a start; a sent date has been checked against the start.
  const date = input.date ?? localDateOf(startsAt!, input.timeZone);
  const venue = input.venue ?? {};
  return {
    ...pick(input, "title", "timeZone", "format", "status", "agenda"),
    ...orNull(input, "activityId", "seriesName", "sequenceNumber", "outcomes"),
    date: dateOnlyToDb(date),
    startsAt,
    endsAt: input.endsAt ? new Date(input.endsAt) : null,
    venueName: venue.name ?? null,
    venueStreet: venue.street ?? null,
    venuePostalCode: venue.postalCode ?? null,
    venueCity: venue.city ?? null,
    venueDistrict: venue.district ?? null,
    searchText: searchText(input.title, input.seriesName, input.agenda, input.outcomes, venue.name, venue.city, venue.district),
  } satisfies Prisma.MeetingUncheckedCreateInput;
}
