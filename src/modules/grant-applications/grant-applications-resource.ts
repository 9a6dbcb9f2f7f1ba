import { optionalDateFromDb } from "../../lib/dates.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { problemText } from "../../lib/messages/problems.ts";
import { dateOnlyToDb } from "../../lib/dates.ts";
import { dateRange, equalTo } from "../../lib/filters.ts";
import { ApiError } from "../../lib/problem.ts";
import { META_COLUMNS, columnsOf, type ExportColumn } from "../../lib/exports/columns.ts";
import { defineResource } from "../../lib/resource.ts";
import { ACTIVITY_LINKS } from "../activities/activities-mapper.ts";
import { allowedTransitions } from "./grant-application-status-schemas.ts";
import { PARTNERS_IN_ORDER, toGrantApplicationData, toGrantApplicationRecord, toPartnerRows } from "./grant-applications-mapper.ts";
import { grantApplicationSchemas } from "./grant-applications-schemas.ts";

export const grantApplications = defineResource(grantApplicationSchemas, {
  path: "grant-applications",
  names: { tag: "Grant applications", many: "GrantApplications", noun: "grant application" },
  operationIds: ["listGrantApplications", "createGrantApplication", "getGrantApplication", "updateGrantApplication", "deleteGrantApplication", "getGrantApplicationHistory"],

  model: (db) => db.grantApplication,
  where: (query) => [
    ...equalTo(query, ["status", "applicantId", "fundingBodyId", "clusterId", "activityId"]),
    ...dateRange("submittedOn", query.submittedOnFrom, query.submittedOnTo),
    ...(query.year ? [{ submittedOn: { gte: dateOnlyToDb(`${query.year}-01-01`), lte: dateOnlyToDb(`${query.year}-12-31`) } }] : []),
  ],
  rowInclude: PARTNERS_IN_ORDER,
  /** `include=`: the relations, loaded in the same query as the applications (never one query per application). */
  include: (names) =>
    ({
      partners: names.includes("partners") ? { ...PARTNERS_IN_ORDER.partners, include: { organization: true } } : PARTNERS_IN_ORDER.partners,
      ...(names.includes("applicant") ? { applicant: true } : {}),
      ...(names.includes("cluster") ? { cluster: true } : {}),
      ...(names.includes("fundingBody") ? { fundingBody: true } : {}),
      ...(names.includes("activity") ? { activity: { include: ACTIVITY_LINKS } } : {}),
    }) satisfies Prisma.GrantApplicationInclude,
  // `include=partners` puts each partner's organization into the partner itself (the mapper does that).
  embeds: {
    applicant: { resource: "coordinators" },
    cluster: { resource: "clusters" },
    fundingBody: { resource: "organizations" },
    activity: { resource: "activities" },
  },
  export: {
    columns: [
      ...columnsOf("text", "id", "title", "callName", "programme", "fundingBodyId", "applicantId", "clusterId", "activityId"),
      { key: "submittedOn", type: "date" },
      ...columnsOf("money", "requestedAmount", "awardedAmount"),
      ...columnsOf("text", "inKindSupport", "status"),
      { key: "statusChangedOn", type: "date" },
      ...META_COLUMNS,
    ],
    sheets: [
      {
        sheet: "statusHistory",
        parentKey: "grantApplicationId",
        include: { statusHistory: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] } },
        rows: (row: { statusHistory: Array<{ fromStatus: string | null; toStatus: string; on: Date | null; note: string | null; createdAt: Date }> }) =>
          row.statusHistory.map((change) => ({
            from: change.fromStatus,
            to: change.toStatus,
            on: optionalDateFromDb(change.on),
            note: change.note,
            createdAt: change.createdAt.toISOString(),
          })),
        columns: [...columnsOf("text", "from", "to"), { key: "on", type: "date" }, { key: "note", type: "text" }, { key: "createdAt", type: "datetime" }],
      },
    ],
  },
  toRecord: toGrantApplicationRecord,
  toData: toGrantApplicationData,
  /** A new application is a draft; its history starts with that (from null, on no particular day). */
  createData: (input) => ({
    status: "draft",
    partners: { create: toPartnerRows(input) },
    statusHistory: { create: { fromStatus: null, toStatus: "draft", on: null } },
  }),
  // The status changes only through a transition (grant-application-status-service.ts), which logs it itself.
  readOnly: ["status", "statusChangedOn"],
  derived: ["allowedTransitions"],
  refersTo: [
    { field: "applicantId", resource: "coordinators" },
    { field: "fundingBodyId", resource: "organizations" },
    { field: "clusterId", resource: "clusters" },
    { field: "activityId", resource: "activities" },
    { field: "partners", each: "organizationId", resource: "organizations" },
  ],
  hooks: {
    async afterUpdate(tx, current, input) {
      await tx.grantApplicationPartner.deleteMany({ where: { grantApplicationId: current.id } });
      await tx.grantApplicationPartner.createMany({ data: toPartnerRows(input).map((partner) => ({ ...partner, grantApplicationId: current.id })) });
    },
    /** Only a draft can be deleted: once submitted, an application is part of the record and is withdrawn instead. */
    async beforeDelete(_tx, row) {
      if (row.status === "draft") return;
      const canWithdraw = allowedTransitions(row.status).includes("withdrawn");
      throw new ApiError("conflict", problemText("onlyDraftDeletable", { status: row.status, canWithdraw }), { extensions: { currentStatus: row.status } });
    },
  },

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
