import type { FastifyInstance } from "fastify";
import { registerCrudRoutes } from "../../lib/crud-routes.ts";
import { Activity, ActivityCreate, ActivityGetQuery, ActivityListQuery, ActivityPage, ActivityPatch } from "./activities-schemas.ts";
import { activitiesService } from "./activities-service.ts";

export default async function activitiesRoutes(app: FastifyInstance) {
  registerCrudRoutes(app, {
    path: "activities",
    tag: "Activities",
    names: { one: "Activity", many: "Activities", noun: "activity" },
    schemas: { record: Activity, create: ActivityCreate, patch: ActivityPatch, listQuery: ActivityListQuery, page: ActivityPage, getQuery: ActivityGetQuery },
    service: activitiesService(app.prisma),
    // meetingIds, grantApplicationIds and publicationIds change when those records do, not with the activity's version.
    derivedFields: true,
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
}
