import { equalTo } from "../../lib/filters.ts";
import { problemText } from "../../lib/messages/problems.ts";
import { ApiError } from "../../lib/problem.ts";
import { META_COLUMNS, columnsOf, type ExportColumn } from "../../lib/exports/columns.ts";
import { defineResource } from "../../lib/resource.ts";
import { toMembershipData, toMembershipRecord } from "./organization-memberships-mapper.ts";
import { membershipSchemas } from "./organization-memberships-schemas.ts";

const duplicateMembership = (clusterId: string) =>
  new ApiError("conflict", problemText("duplicateMembership", { clusterId }), {
    errors: [{ path: "/clusterId", message: "the organization already has a membership in this cluster", location: "body" }],
  });

/** A membership's columns, also the memberships sheet of the organizations' XLSX. */
export const MEMBERSHIP_COLUMNS: readonly ExportColumn[] = [
  ...columnsOf("text", "id", "clusterId", "role"),
  ...columnsOf("date", "joinedOn", "leftOn"),
  { key: "notes", type: "text" },
];

/** `/organizations/{organizationId}/memberships`: the clusters an organization belongs to. */
export const memberships = defineResource(membershipSchemas, {
  path: "memberships",
  parent: { resource: "organizations", key: "organizationId" },
  names: { tag: "Organizations", many: "OrganizationMemberships", noun: "membership" },
  operationIds: ["listOrganizationMemberships", "createOrganizationMembership", "getOrganizationMembership", "updateOrganizationMembership", "deleteOrganizationMembership", "getOrganizationMembershipHistory"],

  model: (db) => db.clusterMembership,
  where: (query) => equalTo(query, ["clusterId", "role"]),
  include: (names) =>
    names.length === 0
      ? undefined
      : { ...(names.includes("cluster") ? { cluster: true } : {}), ...(names.includes("organization") ? { organization: true } : {}) },
  embeds: { cluster: { resource: "clusters" }, organization: { resource: "organizations" } },
  export: { columns: [...MEMBERSHIP_COLUMNS, ...META_COLUMNS] },
  import: { keys: [["id"], ["organizationId", "clusterId"]] },
  toRecord: toMembershipRecord,
  toData: toMembershipData,
  refersTo: [{ field: "clusterId", resource: "clusters" }],
  hooks: {
    /** An organization has at most one membership per cluster (409 naming `/clusterId`). */
    async check(tx, input, current, organizationId) {
      if (input.clusterId === current?.clusterId) return;
      const taken = await tx.clusterMembership.count({
        where: { organizationId, clusterId: input.clusterId, ...(current ? { id: { not: current.id } } : {}) },
      });
      if (taken > 0) throw duplicateMembership(input.clusterId);
    },
    // A concurrent insert can still hit the (organizationId, clusterId) unique key: it is the same conflict.
    conflict: (input) => duplicateMembership(input.clusterId),
  },

  descriptions: {
    list:
      "Filters: `q` (notes, role), `clusterId`, `role`. Sort: `joinedOn` (default; unknown dates last), `createdAt`, `updatedAt`. " +
      "`include=cluster,organization` embeds the cluster and the organization.",
    create:
      "`clusterId` must name an existing cluster (422); an organization has at most one membership per cluster (409 naming `clusterId`). " +
      "`leftOn` must not be before `joinedOn`.",
  },
});
