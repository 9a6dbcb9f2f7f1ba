import type { FastifyInstance } from "fastify";
import { registerCrudRoutes } from "../../lib/crud-routes.ts";
import {
  Membership,
  MembershipCreate,
  MembershipGetQuery,
  MembershipListQuery,
  MembershipPage,
  MembershipPatch,
} from "./organization-memberships-schemas.ts";
import { organizationMembershipsService } from "./organization-memberships-service.ts";
import {
  Organization,
  OrganizationCreate,
  OrganizationGetQuery,
  OrganizationListQuery,
  OrganizationPage,
  OrganizationPatch,
} from "./organizations-schemas.ts";
import { organizationsService } from "./organizations-service.ts";

export default async function organizationsRoutes(app: FastifyInstance) {
  registerCrudRoutes(app, {
    path: "organizations",
    tag: "Organizations",
    names: { one: "Organization", many: "Organizations", noun: "organization" },
    schemas: {
      record: Organization,
      create: OrganizationCreate,
      patch: OrganizationPatch,
      listQuery: OrganizationListQuery,
      page: OrganizationPage,
      getQuery: OrganizationGetQuery,
    },
    service: organizationsService(app.prisma),
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

  registerCrudRoutes(app, {
    path: "memberships",
    parent: { path: "organizations", param: "organizationId", noun: "organization" },
    tag: "Organizations",
    names: { one: "OrganizationMembership", many: "OrganizationMemberships", noun: "membership" },
    schemas: {
      record: Membership,
      create: MembershipCreate,
      patch: MembershipPatch,
      listQuery: MembershipListQuery,
      page: MembershipPage,
      getQuery: MembershipGetQuery,
    },
    service: organizationMembershipsService(app.prisma),
    descriptions: {
      list:
        "Filters: `q` (notes, role), `clusterId`, `role`. Sort: `joinedOn` (default; unknown dates last), `createdAt`, `updatedAt`. " +
        "`include=cluster,organization` embeds the cluster and the organization.",
      create:
        "`clusterId` must name an existing cluster (422); an organization has at most one membership per cluster (409 naming `clusterId`). " +
        "`leftOn` must not be before `joinedOn`.",
    },
  });
}
