import type {
  Cluster as ClusterRow,
  ClusterMembership as MembershipRow,
  Organization as OrganizationRow,
  Prisma,
  PrismaClient,
} from "../../generated/prisma/client.ts";
import { recordAudit } from "../../lib/audit.ts";
import { optionalDateFromDb, optionalDateToDb } from "../../lib/dates.ts";
import { paginate, type SortableFields } from "../../lib/pagination.ts";
import { problemFromDatabaseError } from "../../lib/prisma-errors.ts";
import { ApiError, notFound } from "../../lib/problem.ts";
import { assertReference, atVersion, deleteRecord, lostRace, mergePatchRecord, type Tx } from "../../lib/records.ts";
import { searchText, searchWhere } from "../../lib/search-text.ts";
import { toClusterDto } from "../clusters/clusters-service.ts";
import {
  MembershipCreate,
  type MembershipCreateInput,
  type MembershipDto,
  type MembershipGetQueryInput,
  type MembershipListQueryInput,
  type MembershipPatchInput,
} from "./organization-memberships-schemas.ts";
import { toOrganizationDto } from "./organizations-service.ts";

const SORTABLE: SortableFields = { joinedOn: { type: "date", nullable: true }, createdAt: { type: "datetime" }, updatedAt: { type: "datetime" } };

/** The order memberships are embedded in (`include=memberships` on organizations): the default sort of the list. */
export const MEMBERSHIP_ORDER = [{ joinedOn: { sort: "asc", nulls: "last" } }, { id: "asc" }] satisfies Prisma.ClusterMembershipOrderByWithRelationInput[];

export type MembershipWithRelations = MembershipRow & { cluster?: ClusterRow; organization?: OrganizationRow };

export function toMembershipDto(row: MembershipWithRelations): MembershipDto {
  return {
    id: row.id,
    organizationId: row.organizationId,
    ...(row.organization ? { organization: toOrganizationDto(row.organization) } : {}),
    clusterId: row.clusterId,
    ...(row.cluster ? { cluster: toClusterDto(row.cluster) } : {}),
    role: row.role,
    joinedOn: optionalDateFromDb(row.joinedOn),
    leftOn: optionalDateFromDb(row.leftOn),
    notes: row.notes,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toInput(row: MembershipRow) {
  const {
    id: _id,
    version: _version,
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    organizationId: _organizationId,
    organization: _organization,
    cluster: _cluster,
    ...input
  } = toMembershipDto(row);
  return input;
}

function toData(input: MembershipCreateInput) {
  return {
    clusterId: input.clusterId,
    role: input.role,
    joinedOn: optionalDateToDb(input.joinedOn),
    leftOn: optionalDateToDb(input.leftOn),
    notes: input.notes ?? null,
    searchText: searchText(input.notes, input.role),
  } satisfies Omit<Prisma.ClusterMembershipUncheckedCreateInput, "organizationId">;
}

const duplicateMembership = (clusterId: string) =>
  new ApiError("conflict", `The organization already has a membership in cluster ${clusterId}; change that membership instead.`, {
    errors: [{ path: "/clusterId", message: "the organization already has a membership in this cluster", location: "body" }],
  });

async function assertOrganizationExists(db: Tx | PrismaClient, organizationId: string) {
  if ((await db.organization.count({ where: { id: organizationId } })) === 0) throw notFound("organization", organizationId);
}

/** The cluster must exist (422) and the organization must not be in it already (409), both naming `/clusterId`. */
async function assertClusterAvailable(tx: Tx, organizationId: string, clusterId: string, membershipId?: string) {
  assertReference(await tx.cluster.count({ where: { id: clusterId } }), "clusterId", "cluster", clusterId);
  const taken = await tx.clusterMembership.count({ where: { organizationId, clusterId, ...(membershipId ? { id: { not: membershipId } } : {}) } });
  if (taken > 0) throw duplicateMembership(clusterId);
}

/** A concurrent insert can still hit the (organizationId, clusterId) unique key: it is the same conflict. */
async function mapDuplicate<T>(clusterId: () => string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const id = clusterId();
    if (id && problemFromDatabaseError(error)?.code === "conflict") throw duplicateMembership(id);
    throw error;
  }
}

const includeOf = (include: readonly string[] = []) =>
  include.length === 0
    ? undefined
    : ({
        ...(include.includes("cluster") ? { cluster: true } : {}),
        ...(include.includes("organization") ? { organization: true } : {}),
      } satisfies Prisma.ClusterMembershipInclude);

export function organizationMembershipsService(prisma: PrismaClient) {
  return {
    async list(query: MembershipListQueryInput, organizationId: string) {
      await assertOrganizationExists(prisma, organizationId);
      const where: Prisma.ClusterMembershipWhereInput = {
        AND: [
          { organizationId },
          ...searchWhere(query.q),
          query.clusterId ? { clusterId: query.clusterId } : {},
          query.role ? { role: query.role } : {},
        ],
      };
      const { rows, nextCursor } = await paginate({
        fields: SORTABLE,
        sort: query.sort,
        limit: query.limit,
        cursor: query.cursor,
        where,
        findMany: (args) => prisma.clusterMembership.findMany({ ...(args as Prisma.ClusterMembershipFindManyArgs), include: includeOf(query.include) }),
      });
      return { data: rows.map(toMembershipDto), nextCursor };
    },

    async get(id: string, query: MembershipGetQueryInput, organizationId: string) {
      await assertOrganizationExists(prisma, organizationId);
      const row = await prisma.clusterMembership.findFirst({ where: { id, organizationId }, include: includeOf(query.include) });
      if (!row) throw notFound("membership", id);
      return toMembershipDto(row);
    },

    async create(input: MembershipCreateInput, organizationId: string) {
      return mapDuplicate(
        () => input.clusterId,
        () =>
          prisma.$transaction(async (tx) => {
            await assertOrganizationExists(tx, organizationId);
            await assertClusterAvailable(tx, organizationId, input.clusterId);
            const row = await tx.clusterMembership.create({ data: { ...toData(input), organizationId } });
            await recordAudit(tx, {
              action: "create",
              resourceType: "memberships",
              resourceId: row.id,
              parentId: organizationId,
              version: row.version,
              after: toInput(row),
            });
            return toMembershipDto(row);
          }),
      );
    },

    async update(id: string, patch: MembershipPatchInput, ifMatch: string, organizationId: string) {
      let clusterId: string | undefined;
      const row = await mapDuplicate(
        () => clusterId,
        () =>
          mergePatchRecord({
            prisma,
            resource: "membership",
            resourceType: "memberships",
            parentId: organizationId,
            id,
            ifMatch,
            patch,
            load: async (tx) => {
              await assertOrganizationExists(tx, organizationId);
              return tx.clusterMembership.findFirst({ where: { id, organizationId } });
            },
            toInput,
            schema: MembershipCreate,
            save: async (tx, current, input) => {
              if (input.clusterId !== current.clusterId) {
                clusterId = input.clusterId;
                await assertClusterAvailable(tx, organizationId, input.clusterId, id);
              }
              const { count } = await tx.clusterMembership.updateMany({ where: atVersion(current), data: { ...toData(input), version: { increment: 1 } } });
              if (count === 0) throw lostRace("membership");
              return (await tx.clusterMembership.findUnique({ where: { id } }))!;
            },
          }),
      );
      return toMembershipDto(row);
    },

    async remove(id: string, ifMatch: string, organizationId: string) {
      await deleteRecord({
        prisma,
        resource: "membership",
        resourceType: "memberships",
        parentId: organizationId,
        toInput,
        id,
        ifMatch,
        load: async (tx) => {
          await assertOrganizationExists(tx, organizationId);
          return tx.clusterMembership.findFirst({ where: { id, organizationId } });
        },
        remove: async (tx, row) => (await tx.clusterMembership.deleteMany({ where: atVersion(row) })).count,
      });
    },
  };
}

export type OrganizationMembershipsService = ReturnType<typeof organizationMembershipsService>;
