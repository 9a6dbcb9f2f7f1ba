import type { FastifyInstance } from "fastify";
import { registerCrudRoutes } from "../../lib/crud-routes.ts";
import { registerGrantApplicationStatusRoutes } from "./grant-application-status-routes.ts";
import {
  GrantApplication,
  GrantApplicationCreate,
  GrantApplicationGetQuery,
  GrantApplicationListQuery,
  GrantApplicationPage,
  GrantApplicationPatch,
} from "./grant-applications-schemas.ts";
import { grantApplicationsService } from "./grant-applications-service.ts";

export default async function grantApplicationsRoutes(app: FastifyInstance) {
  registerCrudRoutes(app, {
    path: "grant-applications",
    tag: "Grant applications",
    names: { one: "GrantApplication", many: "GrantApplications", noun: "grant application" },
    schemas: {
      record: GrantApplication,
      create: GrantApplicationCreate,
      patch: GrantApplicationPatch,
      listQuery: GrantApplicationListQuery,
      page: GrantApplicationPage,
      getQuery: GrantApplicationGetQuery,
    },
    service: grantApplicationsService(app.prisma),
    descriptions: {
      list:
        "Filters: `q` (title, call name, programme, decision reference, in-kind support, evaluation notes), `status`, `applicantId`, " +
        "`fundingBodyId`, `clusterId`, `activityId`, `submittedOnFrom`/`submittedOnTo`, `year` (of `submittedOn`). " +
        "Sort: `submittedOn` (default; undated last), `title`, `createdAt`, `updatedAt`. " +
        "`include=` embeds `applicant` (the coordinator), `cluster`, `fundingBody` (the organization), `activity`, " +
        "and with `partners` each partner's `organization`.",
      create:
        "Every application starts as `draft`; its status changes only through POST /v1/grant-applications/{id}/transitions. " +
        "`applicantId`, `fundingBodyId`, `clusterId`, `activityId` and each `partners[].organizationId` must exist (422 naming the field). " +
        "`evaluation.score` may not exceed `evaluation.maxScore`, nor `evaluation.rank` `evaluation.rankOutOf`.",
      delete: "Only a `draft` can be deleted (409 otherwise): a submitted application stays on record and is withdrawn instead.",
    },
  });
  registerGrantApplicationStatusRoutes(app);
}
