import type { ClusterMembership as MembershipRow } from "../../generated/prisma/client.ts";
import { MEMBERSHIP_COLUMNS } from "./organization-memberships-resource.ts";
import { toMembershipRecord } from "./organization-memberships-mapper.ts";
import { equalIgnoringCase, equalTo } from "../../lib/filters.ts";
import { META_COLUMNS, columnsOf, type ExportColumn } from "../../lib/exports/columns.ts";
import { defineResource } from "../../lib/resource.ts";
import { EMBED_MAX_ITEMS } from "../../lib/schemas.ts";
import { MEMBERSHIP_ORDER } from "./organization-memberships-mapper.ts";
import { toOrganizationData, toOrganizationRecord } from "./organizations-mapper.ts";
import { organizationSchemas } from "./organizations-schemas.ts";

export const organizations = defineResource(organizationSchemas, {
  path: "organizations",
  names: { tag: "Organizations", many: "Organizations", noun: "organization" },
  operationIds: ["listOrganizations", "createOrganization", "getOrganization", "updateOrganization", "deleteOrganization", "getOrganizationHistory"],

  model: (db) => db.organization,
  where: (query) => {
    const membership = equalTo(query, ["clusterId", "role"]);
    return [
      ...equalTo(query, ["kind", "nip", "regon", "krs"]),
      ...(membership.length > 0 ? [{ memberships: { some: Object.assign({}, ...membership) } }] : []),
      ...equalIgnoringCase("city", query.city),
    ];
  },
  // `include=memberships` embeds the first EMBED_MAX_ITEMS in the list's default order; the sub-resource pages through all.
  include: (names) => (names.includes("memberships") ? { memberships: { orderBy: MEMBERSHIP_ORDER, take: EMBED_MAX_ITEMS } } : undefined),
  embeds: { memberships: { resource: "memberships" } },
  export: {
    columns: [
      ...columnsOf("text", "id", "name", "shortName", "kind", "legalForm", "krs", "nip", "regon", "address.street", "address.postalCode", "address.city", "address.country"),
      ...columnsOf("text", "website", "email", "phone", "description"),
      ...META_COLUMNS,
    ],
    sheets: [
      {
        sheet: "memberships",
        parentKey: "organizationId",
        include: { memberships: { orderBy: MEMBERSHIP_ORDER } },
        rows: (row: { memberships: MembershipRow[] }) => row.memberships.map(toMembershipRecord),
        columns: MEMBERSHIP_COLUMNS,
      },
    ],
  },
  import: { keys: [["id"], ["nip"], ["krs"], ["regon"]] },
  toRecord: toOrganizationRecord,
  toData: toOrganizationData,
  references: async (tx, row) => [
    { resource: "memberships", field: "organizationId", count: await tx.clusterMembership.count({ where: { organizationId: row.id } }) },
    { resource: "meeting-participants", field: "organizationId", count: await tx.meetingParticipant.count({ where: { organizationId: row.id } }) },
    {
      resource: "grant-application-partners",
      field: "organizationId",
      count: await tx.grantApplicationPartner.count({ where: { organizationId: row.id } }),
    },
    { resource: "grant-applications", field: "fundingBodyId", count: await tx.grantApplication.count({ where: { fundingBodyId: row.id } }) },
  ],

  descriptions: {
    list:
      "Filters: `q` (name, short name, city, registry ids, description), `kind`, `clusterId` (organizations with a membership in that cluster), " +
      "`role` (membership role, in `clusterId` when given), `city`, `nip`, `regon`, `krs`. Sort: `name` (default), `createdAt`, `updatedAt`. " +
      "`include=memberships` embeds the cluster memberships.",
    create: "NIP and REGON are checked against their check digits; NIP, REGON and KRS are unique (409). A Polish address needs a postal code NN-NNN.",
    delete:
      "An organization still referenced by cluster memberships, meeting participants, grant application partners or grant applications " +
      "it funds cannot be deleted (409 names them).",
  },
});
