import type { Activity as ActivityRow, Prisma } from "../../generated/prisma/client.ts";
import { optionalDateFromDb, optionalDateToDb } from "../../lib/dates.ts";
import { orNull, pick, recordOf } from "../../lib/mapping.ts";
import { EMBED_MAX_ITEMS } from "../../lib/schemas.ts";
import { searchText } from "../../lib/search-text.ts";
import type { ActivityCreateInput, ActivityDto } from "./activities-schemas.ts";

/**
 * The ids of what belongs to an activity, which every activity record carries. Load an activity with
 * `include: ACTIVITY_LINKS` (e.g. `include: { activity: { include: ACTIVITY_LINKS } }`) before mapping it.
 * Each relation holds at most EMBED_MAX_ITEMS, the first in its order (the Activity schema says which); the
 * relation's own list pages through all of them.
 */
export const ACTIVITY_LINKS = {
  mediaPartners: { select: { mediaPartnerId: true }, orderBy: { mediaPartnerId: "asc" }, take: EMBED_MAX_ITEMS },
  meetings: { select: { id: true }, orderBy: [{ date: "asc" }, { id: "asc" }], take: EMBED_MAX_ITEMS },
  grantApplications: { select: { id: true }, orderBy: { id: "asc" }, take: EMBED_MAX_ITEMS },
  publications: { select: { id: true }, orderBy: { id: "asc" }, take: EMBED_MAX_ITEMS },
} as const satisfies Prisma.ActivityInclude;

/** An activity with its links (ACTIVITY_LINKS), or with the linked records themselves (`include=`). */
export type ActivityWithLinks = ActivityRow & {
  mediaPartners: Array<{ mediaPartnerId: string; mediaPartner?: unknown }>;
  meetings: Array<{ id: string }>;
  grantApplications: Array<{ id: string }>;
  publications: Array<{ id: string }>;
};

export const toActivityRecord = (row: ActivityWithLinks): ActivityDto =>
  recordOf(row, ["coordinatorId", "clusterId", "title", "description", "category", "status", "year"], {
    startDate: optionalDateFromDb(row.startDate),
    endDate: optionalDateFromDb(row.endDate),
    mediaPartnerIds: row.mediaPartners.map((link) => link.mediaPartnerId),
    meetingIds: row.meetings.map((meeting) => meeting.id),
    grantApplicationIds: row.grantApplications.map((application) => application.id),
    publicationIds: row.publications.map((publication) => publication.id),
  });

export const toActivityData = (input: ActivityCreateInput) =>
  ({
    ...pick(input, "coordinatorId", "title", "category", "status", "year"),
    ...orNull(input, "clusterId", "description"),
    startDate: optionalDateToDb(input.startDate),
    endDate: optionalDateToDb(input.endDate),
    searchText: searchText(input.title, input.description),
  }) satisfies Prisma.ActivityUncheckedCreateInput;
