import type { Prisma } from "../../generated/prisma/client.ts";
import { dateOnlyToDb } from "../../lib/dates.ts";
import { dateRange, equalTo } from "../../lib/filters.ts";
import { META_COLUMNS, columnsOf, type ExportColumn } from "../../lib/exports/columns.ts";
import { defineResource } from "../../lib/resource.ts";
import { PARTNERS_IN_ORDER } from "../grant-applications/grant-applications-mapper.ts";
import { ACTIVITY_LINKS, toActivityData, toActivityRecord, type ActivityWithLinks } from "./activities-mapper.ts";
import { type ActivityListQueryInput, activitySchemas } from "./activities-schemas.ts";

/**
 * Year Y: recorded under Y, or its [startDate, endDate] overlaps Y (a missing end counts as the start, and vice versa).
 * `GET /v1/activities?year=` and the annual report (src/modules/reports) both use it, so they always agree.
 */
export function inYear(year: number): Prisma.ActivityWhereInput {
  const first = dateOnlyToDb(`${String(year).padStart(4, "0")}-01-01`);
  const last = dateOnlyToDb(`${String(year).padStart(4, "0")}-12-31`);
  return {
    OR: [
      { year },
      { startDate: { lte: last }, endDate: { gte: first } },
      { startDate: { gte: first, lte: last }, endDate: null },
      { startDate: null, endDate: { gte: first, lte: last } },
    ],
  };
}

/** The filters of the activities list, which the CSV export shares; `q` is the caller's. */
export type ActivityFilters = Pick<ActivityListQueryInput, "year" | "category" | "status" | "coordinatorId" | "clusterId" | "startDateFrom" | "startDateTo">;

export const activityWhere = (query: ActivityFilters): Prisma.ActivityWhereInput[] => [
  ...(query.year !== undefined ? [inYear(query.year)] : []),
  ...equalTo(query, ["category", "status", "coordinatorId", "clusterId"]),
  ...dateRange("startDate", query.startDateFrom, query.startDateTo),
];

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

export const activities = defineResource(activitySchemas, {
  path: "activities",
  names: { tag: "Activities", many: "Activities", noun: "activity" },
  operationIds: ["listActivities", "createActivity", "getActivity", "updateActivity", "deleteActivity", "getActivityHistory"],

  model: (db) => db.activity,
  where: activityWhere,
  rowInclude: ACTIVITY_LINKS,
  /**
   * What to load for `include=`: the linked records themselves instead of their ids, in the same order, in the
   * same query as the activity (one round of Prisma, never a query per activity).
   */
  include: (names) => {
    const { mediaPartners, meetings, grantApplications, publications } = ACTIVITY_LINKS;
    return {
      mediaPartners: names.includes("mediaPartners") ? { ...mediaPartners, select: { mediaPartnerId: true, mediaPartner: true } } : mediaPartners,
      meetings: names.includes("meetings") ? { orderBy: meetings.orderBy, take: meetings.take } : meetings,
      grantApplications: names.includes("grantApplications")
        ? { orderBy: grantApplications.orderBy, take: grantApplications.take, include: PARTNERS_IN_ORDER }
        : grantApplications,
      publications: names.includes("publications") ? { orderBy: publications.orderBy, take: publications.take } : publications,
      ...(names.includes("coordinator") ? { coordinator: true } : {}),
      ...(names.includes("cluster") ? { cluster: true } : {}),
    } satisfies Prisma.ActivityInclude;
  },
  embeds: {
    coordinator: { resource: "coordinators" },
    cluster: { resource: "clusters" },
    mediaPartners: { resource: "media-partners", rows: (row: ActivityWithLinks) => row.mediaPartners.map((link) => link.mediaPartner) },
    meetings: { resource: "meetings" },
    grantApplications: { resource: "grant-applications" },
    publications: { resource: "media-publications" },
  },
  export: {
    columns: [
      { key: "id", type: "text" },
      { key: "year", type: "number" },
      ...columnsOf("text", "title", "category", "status"),
      ...columnsOf("date", "startDate", "endDate"),
      ...columnsOf("text", "coordinatorId", "clusterId", "description", "mediaPartnerIds", "meetingIds"),
      ...META_COLUMNS,
    ],
  },
  import: { keys: [["id"], ["coordinatorId", "year", "title"]] },
  toRecord: toActivityRecord,
  toData: toActivityData,
  // The media-partner links are part of the activity's input, so their changes are logged as `mediaPartnerIds`.
  createData: (input) => ({ mediaPartners: { createMany: { data: input.mediaPartnerIds.map((mediaPartnerId) => ({ mediaPartnerId })) } } }),
  derived: ["meetingIds", "grantApplicationIds", "publicationIds"],
  // meetingIds, grantApplicationIds and publicationIds change when those records do, not with the activity's version.
  derivedFields: true,
  refersTo: [
    { field: "coordinatorId", resource: "coordinators" },
    { field: "clusterId", resource: "clusters" },
    { field: "mediaPartnerIds", resource: "media-partners" },
  ],
  references: async (tx, row) => [
    { resource: "meetings", field: "activityId", count: await tx.meeting.count({ where: { activityId: row.id } }) },
    { resource: "grant-applications", field: "activityId", count: await tx.grantApplication.count({ where: { activityId: row.id } }) },
    { resource: "publications", field: "activityId", count: await tx.mediaPublication.count({ where: { activityId: row.id } }) },
  ],
  hooks: {
    async afterUpdate(tx, current, input) {
      const linked = current.mediaPartners.map((link) => link.mediaPartnerId);
      if (sameIds(linked, input.mediaPartnerIds)) return;
      await tx.activityMediaPartner.deleteMany({ where: { activityId: current.id } });
      await tx.activityMediaPartner.createMany({ data: input.mediaPartnerIds.map((mediaPartnerId) => ({ activityId: current.id, mediaPartnerId })) });
    },
  },

  descriptions: {
    list:
      "Filters: `year` (recorded under that year, or dated within it: `?year=2013` lists 2013's work), `category`, `status`, " +
      "`coordinatorId`, `clusterId`, `startDateFrom`/`startDateTo`, `q` (title, description). " +
      "Sort: `year,startDate` (default), `title`, `createdAt`, `updatedAt`; activities without a start date come last. " +
      "`include=` embeds `coordinator`, `cluster`, `mediaPartners`, `meetings`, `grantApplications` and `publications` " +
      "(the linked records in full, in the order of their `…Ids` lists).",
    create:
      "`year` (the log year) defaults to the year of `startDate`; `endDate` is not before `startDate`, and `year` lies between their years. " +
      "`coordinatorId`, `clusterId` and each of `mediaPartnerIds` must name an existing record (422 names each that does not).",
    delete:
      "An activity that meetings, grant applications or media publications still point at cannot be deleted (409 names them); " +
      "its media-partner links are deleted with it.",
  },
});
