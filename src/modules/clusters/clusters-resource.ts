import { dateRange, equalTo } from "../../lib/filters.ts";
import { META_COLUMNS, columnsOf, type ExportColumn } from "../../lib/exports/columns.ts";
import { defineResource } from "../../lib/resource.ts";
import { toClusterData, toClusterRecord } from "./clusters-mapper.ts";
import { clusterSchemas } from "./clusters-schemas.ts";

export const clusters = defineResource(clusterSchemas, {
  path: "clusters",
  names: { tag: "Clusters", many: "Clusters", noun: "cluster" },
  operationIds: ["listClusters", "createCluster", "getCluster", "updateCluster", "deleteCluster", "getClusterHistory"],

  model: (db) => db.cluster,
  where: (query) => [
    ...equalTo(query, ["coordinatorId", "shortName"]),
    ...(query.sector ? [{ sectors: { has: query.sector } }] : []),
    ...dateRange("foundingAgreementDate", query.foundingAgreementDateFrom, query.foundingAgreementDateTo),
  ],
  include: (names) => (names.includes("coordinator") ? { coordinator: true } : undefined),
  embeds: { coordinator: { resource: "coordinators" } },
  export: {
    columns: [
      ...columnsOf("text", "id", "name", "shortName", "sectors", "description"),
      { key: "foundingAgreementDate", type: "date" },
      { key: "coordinatorId", type: "text" },
      ...META_COLUMNS,
    ],
  },
  toRecord: toClusterRecord,
  toData: toClusterData,
  refersTo: [{ field: "coordinatorId", resource: "coordinators" }],
  references: async (tx, row) => [
    { resource: "memberships", field: "clusterId", count: await tx.clusterMembership.count({ where: { clusterId: row.id } }) },
    { resource: "activities", field: "clusterId", count: await tx.activity.count({ where: { clusterId: row.id } }) },
    { resource: "grant-applications", field: "clusterId", count: await tx.grantApplication.count({ where: { clusterId: row.id } }) },
    { resource: "calendar-feeds", field: "clusterId", count: await tx.calendarFeed.count({ where: { clusterId: row.id } }) },
  ],

  descriptions: {
    list:
      "Filters: `q` (name, short name, sectors, description), `coordinatorId`, `sector`, `shortName`, " +
      "`foundingAgreementDateFrom`/`foundingAgreementDateTo`. Sort: `name` (default), `shortName`, `foundingAgreementDate`, `createdAt`, `updatedAt`. " +
      "`include=coordinator` embeds the coordinator.",
    create: "`coordinatorId` must name an existing coordinator (422 otherwise); `shortName` is unique (409).",
  },
});
