import type { Cluster as ClusterRow, Coordinator as CoordinatorRow, Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { recordAudit } from "../../lib/audit.ts";
import { dateOnlyToDb, optionalDateFromDb, optionalDateToDb } from "../../lib/dates.ts";
import { paginate, type SortableFields } from "../../lib/pagination.ts";
import { notFound } from "../../lib/problem.ts";
import { assertReference, atVersion, deleteRecord, lostRace, mergePatchRecord, type Tx } from "../../lib/records.ts";
import { searchText, searchWhere } from "../../lib/search-text.ts";
import { toCoordinatorDto } from "../coordinators/coordinators-service.ts";
import {
  ClusterCreate,
  type ClusterCreateInput,
  type ClusterDto,
  type ClusterGetQueryInput,
  type ClusterListQueryInput,
  type ClusterPatchInput,
} from "./clusters-schemas.ts";

const SORTABLE: SortableFields = {
  name: { type: "string" },
  shortName: { type: "string", nullable: true },
  foundingAgreementDate: { type: "date", nullable: true },
  createdAt: { type: "datetime" },
  updatedAt: { type: "datetime" },
};

type ClusterWithRelations = ClusterRow & { coordinator?: CoordinatorRow };

export function toClusterDto(row: ClusterWithRelations): ClusterDto {
  return {
    id: row.id,
    name: row.name,
    shortName: row.shortName,
    sectors: row.sectors,
    description: row.description,
    foundingAgreementDate: optionalDateFromDb(row.foundingAgreementDate),
    coordinatorId: row.coordinatorId,
    ...(row.coordinator ? { coordinator: toCoordinatorDto(row.coordinator) } : {}),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toInput(row: ClusterRow) {
  const { id: _id, version: _version, createdAt: _createdAt, updatedAt: _updatedAt, coordinator: _coordinator, ...input } = toClusterDto(row);
  return input;
}

function toData(input: ClusterCreateInput) {
  return {
    name: input.name,
    shortName: input.shortName ?? null,
    sectors: input.sectors,
    description: input.description ?? null,
    foundingAgreementDate: optionalDateToDb(input.foundingAgreementDate),
    coordinatorId: input.coordinatorId,
    searchText: searchText(input.name, input.shortName, input.sectors, input.description),
  } satisfies Prisma.ClusterUncheckedCreateInput;
}

async function assertCoordinatorExists(tx: Tx, coordinatorId: string) {
  assertReference(await tx.coordinator.count({ where: { id: coordinatorId } }), "coordinatorId", "coordinator", coordinatorId);
}

const includeOf = (include: readonly string[] = []) => (include.includes("coordinator") ? { coordinator: true } : undefined);

export function clustersService(prisma: PrismaClient) {
  return {
    async list(query: ClusterListQueryInput) {
      const where: Prisma.ClusterWhereInput = {
        AND: [
          ...searchWhere(query.q),
          query.coordinatorId ? { coordinatorId: query.coordinatorId } : {},
          query.sector ? { sectors: { has: query.sector } } : {},
          query.shortName ? { shortName: query.shortName } : {},
          query.foundingAgreementDateFrom ? { foundingAgreementDate: { gte: dateOnlyToDb(query.foundingAgreementDateFrom) } } : {},
          query.foundingAgreementDateTo ? { foundingAgreementDate: { lte: dateOnlyToDb(query.foundingAgreementDateTo) } } : {},
        ],
      };
      const { rows, nextCursor } = await paginate({
        fields: SORTABLE,
        sort: query.sort,
        limit: query.limit,
        cursor: query.cursor,
        where,
        findMany: (args) => prisma.cluster.findMany({ ...(args as Prisma.ClusterFindManyArgs), include: includeOf(query.include) }),
      });
      return { data: rows.map(toClusterDto), nextCursor };
    },

    async get(id: string, query: ClusterGetQueryInput = { include: [] }) {
      const row = await prisma.cluster.findUnique({ where: { id }, include: includeOf(query.include) });
      if (!row) throw notFound("cluster", id);
      return toClusterDto(row);
    },

    async create(input: ClusterCreateInput) {
      return prisma.$transaction(async (tx) => {
        await assertCoordinatorExists(tx, input.coordinatorId);
        const row = await tx.cluster.create({ data: toData(input) });
        await recordAudit(tx, { action: "create", resourceType: "clusters", resourceId: row.id, version: row.version, after: toInput(row) });
        return toClusterDto(row);
      });
    },

    async update(id: string, patch: ClusterPatchInput, ifMatch: string) {
      const row = await mergePatchRecord({
        prisma,
        resource: "cluster",
        resourceType: "clusters",
        id,
        ifMatch,
        patch,
        load: (tx) => tx.cluster.findUnique({ where: { id } }),
        toInput,
        schema: ClusterCreate,
        save: async (tx, current, input) => {
          if (input.coordinatorId !== current.coordinatorId) await assertCoordinatorExists(tx, input.coordinatorId);
          const { count } = await tx.cluster.updateMany({ where: atVersion(current), data: { ...toData(input), version: { increment: 1 } } });
          if (count === 0) throw lostRace("cluster");
          return (await tx.cluster.findUnique({ where: { id } }))!;
        },
      });
      return toClusterDto(row);
    },

    async remove(id: string, ifMatch: string) {
      await deleteRecord({
        prisma,
        resource: "cluster",
        resourceType: "clusters",
        toInput,
        id,
        ifMatch,
        load: (tx) => tx.cluster.findUnique({ where: { id } }),
        references: async (tx) => [
          { resource: "memberships", field: "clusterId", count: await tx.clusterMembership.count({ where: { clusterId: id } }) },
          { resource: "activities", field: "clusterId", count: await tx.activity.count({ where: { clusterId: id } }) },
          { resource: "grant-applications", field: "clusterId", count: await tx.grantApplication.count({ where: { clusterId: id } }) },
        ],
        remove: async (tx, row) => (await tx.cluster.deleteMany({ where: atVersion(row) })).count,
      });
    },
  };
}
