import { dateRange, equalTo } from "../../lib/filters.ts";
import { defineResource } from "../../lib/resource.ts";
import { toClusterData, toClusterRecord } from "./clusters-mapper.ts";
import { CLUSTER_SORTABLE, Cluster, ClusterCreate, ClusterGetQuery, ClusterListQuery, ClusterPage, ClusterPatch } from "./clusters-schemas.ts";

export const clusters = defineResource({
  key: "clusters",
  path: "clusters",
  tag: "Clusters",
  names: { one: "Cluster", many: "Clusters", noun: "cluster" },
  operationIds: {
    list: "listClusters",
    create: "createCluster",
    get: "getCluster",
    update: "updateCluster",
    delete: "deleteCluster",
    history: "getClusterHistory",
  },
  schemas: { record: Cluster, create: ClusterCreate, patch: ClusterPatch, listQuery: ClusterListQuery, page: ClusterPage, getQuery: ClusterGetQuery },
  descriptions: {
    list:
      "Filters: `q` (name, short name, sectors, description), `coordinatorId`, `sector`, `shortName`, " +
      "`foundingAgreementDateFrom`/`foundingAgreementDateTo`. Sort: `name` (default), `shortName`, `foundingAgreementDate`, `createdAt`, `updatedAt`. " +
      "`include=coordinator` embeds the coordinator.",
    create: "`coordinatorId` must name an existing coordinator (422 otherwise); `shortName` is unique (409).",
  },

  model: (db) => db.cluster,
  sortable: CLUSTER_SORTABLE,
  where: (query) => [
    ...equalTo(query, ["coordinatorId", "shortName"]),
    ...(query.sector ? [{ sectors: { has: query.sector } }] : []),
    ...dateRange("foundingAgreementDate", query.foundingAgreementDateFrom, query.foundingAgreementDateTo),
  ],
  include: (names) => (names.includes("coordinator") ? { coordinator: true } : undefined),
  embeds: { coordinator: { resource: "coordinators" } },
  toRecord: toClusterRecord,
  toData: toClusterData,
  refersTo: [{ field: "coordinatorId", resource: "coordinators" }],
  references: async (tx, row) => [
    { resource: "memberships", field: "clusterId", count: await tx.clusterMembership.count({ where: { clusterId: row.id } }) },
    { resource: "activities", field: "clusterId", count: await tx.activity.count({ where: { clusterId: row.id } }) },
    { resource: "grant-applications", field: "clusterId", count: await tx.grantApplication.count({ where: { clusterId: row.id } }) },
  ],
});
