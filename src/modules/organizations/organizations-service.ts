import type { ClusterMembership as MembershipRow, Organization as OrganizationRow, Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { recordAudit } from "../../lib/audit.ts";
import { paginate, type SortableFields } from "../../lib/pagination.ts";
import { notFound } from "../../lib/problem.ts";
import { atVersion, deleteRecord, lostRace, mergePatchRecord } from "../../lib/records.ts";
import { EMBED_MAX_ITEMS } from "../../lib/schemas.ts";
import { likeLiteral, searchText, searchWhere } from "../../lib/search-text.ts";
import { MEMBERSHIP_ORDER, toMembershipDto } from "./organization-memberships-service.ts";
import {
  OrganizationCreate,
  type OrganizationCreateInput,
  type OrganizationDto,
  type OrganizationGetQueryInput,
  type OrganizationListQueryInput,
  type OrganizationPatchInput,
} from "./organizations-schemas.ts";

const SORTABLE: SortableFields = { name: { type: "string" }, createdAt: { type: "datetime" }, updatedAt: { type: "datetime" } };

type OrganizationWithRelations = OrganizationRow & { memberships?: MembershipRow[] };

export function toOrganizationDto(row: OrganizationWithRelations): OrganizationDto {
  return {
    id: row.id,
    name: row.name,
    shortName: row.shortName,
    kind: row.kind,
    legalForm: row.legalForm,
    krs: row.krs,
    nip: row.nip,
    regon: row.regon,
    address: row.city === null ? null : { street: row.street, postalCode: row.postalCode, city: row.city, country: row.country ?? "PL" },
    website: row.website,
    email: row.email,
    phone: row.phone,
    description: row.description,
    ...(row.memberships ? { memberships: row.memberships.map(toMembershipDto) } : {}),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The record as a create body would describe it: what a merge patch is applied to. */
function toInput(row: OrganizationRow) {
  const { id: _id, version: _version, createdAt: _createdAt, updatedAt: _updatedAt, memberships: _memberships, ...input } = toOrganizationDto(row);
  return input;
}

function toData(input: OrganizationCreateInput) {
  return {
    name: input.name,
    shortName: input.shortName ?? null,
    kind: input.kind,
    legalForm: input.legalForm ?? null,
    krs: input.krs ?? null,
    nip: input.nip ?? null,
    regon: input.regon ?? null,
    street: input.address?.street ?? null,
    postalCode: input.address?.postalCode ?? null,
    city: input.address?.city ?? null,
    country: input.address ? input.address.country : null,
    website: input.website ?? null,
    email: input.email ?? null,
    phone: input.phone ?? null,
    description: input.description ?? null,
    searchText: searchText(input.name, input.shortName, input.address?.city, input.nip, input.regon, input.krs, input.description),
  } satisfies Prisma.OrganizationUncheckedCreateInput;
}

/** `include=memberships` embeds the first EMBED_MAX_ITEMS in the list's default order; the sub-resource pages through all. */
const includeOf = (include: readonly string[] = []) =>
  include.includes("memberships") ? { memberships: { orderBy: MEMBERSHIP_ORDER, take: EMBED_MAX_ITEMS } } : undefined;

export function organizationsService(prisma: PrismaClient) {
  return {
    async list(query: OrganizationListQueryInput) {
      const membership = { ...(query.clusterId ? { clusterId: query.clusterId } : {}), ...(query.role ? { role: query.role } : {}) };
      const where: Prisma.OrganizationWhereInput = {
        AND: [
          ...searchWhere(query.q),
          query.kind ? { kind: query.kind } : {},
          Object.keys(membership).length > 0 ? { memberships: { some: membership } } : {},
          query.city ? { city: { equals: likeLiteral(query.city), mode: "insensitive" as const } } : {},
          query.nip ? { nip: query.nip } : {},
          query.regon ? { regon: query.regon } : {},
          query.krs ? { krs: query.krs } : {},
        ],
      };
      const { rows, nextCursor } = await paginate({
        fields: SORTABLE,
        sort: query.sort,
        limit: query.limit,
        cursor: query.cursor,
        where,
        findMany: (args) => prisma.organization.findMany({ ...(args as Prisma.OrganizationFindManyArgs), include: includeOf(query.include) }),
      });
      return { data: rows.map(toOrganizationDto), nextCursor };
    },

    async get(id: string, query: OrganizationGetQueryInput = { include: [] }) {
      const row = await prisma.organization.findUnique({ where: { id }, include: includeOf(query.include) });
      if (!row) throw notFound("organization", id);
      return toOrganizationDto(row);
    },

    async create(input: OrganizationCreateInput) {
      return prisma.$transaction(async (tx) => {
        const row = await tx.organization.create({ data: toData(input) });
        await recordAudit(tx, { action: "create", resourceType: "organizations", resourceId: row.id, version: row.version, after: toInput(row) });
        return toOrganizationDto(row);
      });
    },

    async update(id: string, patch: OrganizationPatchInput, ifMatch: string) {
      const row = await mergePatchRecord({
        prisma,
        resource: "organization",
        resourceType: "organizations",
        id,
        ifMatch,
        patch,
        load: (tx) => tx.organization.findUnique({ where: { id } }),
        toInput,
        schema: OrganizationCreate,
        save: async (tx, current, input) => {
          const { count } = await tx.organization.updateMany({ where: atVersion(current), data: { ...toData(input), version: { increment: 1 } } });
          if (count === 0) throw lostRace("organization");
          return (await tx.organization.findUnique({ where: { id } }))!;
        },
      });
      return toOrganizationDto(row);
    },

    async remove(id: string, ifMatch: string) {
      await deleteRecord({
        prisma,
        resource: "organization",
        resourceType: "organizations",
        toInput,
        id,
        ifMatch,
        load: (tx) => tx.organization.findUnique({ where: { id } }),
        references: async (tx) => [
          { resource: "memberships", field: "organizationId", count: await tx.clusterMembership.count({ where: { organizationId: id } }) },
          { resource: "meeting-participants", field: "organizationId", count: await tx.meetingParticipant.count({ where: { organizationId: id } }) },
          {
            resource: "grant-application-partners",
            field: "organizationId",
            count: await tx.grantApplicationPartner.count({ where: { organizationId: id } }),
          },
          { resource: "grant-applications", field: "fundingBodyId", count: await tx.grantApplication.count({ where: { fundingBodyId: id } }) },
        ],
        remove: async (tx, row) => (await tx.organization.deleteMany({ where: atVersion(row) })).count,
      });
    },
  };
}

export type OrganizationsService = ReturnType<typeof organizationsService>;
