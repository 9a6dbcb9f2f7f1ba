import type { Coordinator as CoordinatorRow, Prisma } from "../../generated/prisma/client.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { optionalDateFromDb, optionalDateToDb } from "../../lib/dates.ts";
import { recordAudit } from "../../lib/audit.ts";
import { notFound } from "../../lib/problem.ts";
import { paginate, type SortableFields } from "../../lib/pagination.ts";
import { atVersion, deleteRecord, lostRace, mergePatchRecord } from "../../lib/records.ts";
import { likeLiteral, searchText, searchWhere } from "../../lib/search-text.ts";
import {
  CoordinatorCreate,
  type CoordinatorCreateInput,
  type CoordinatorDto,
  type CoordinatorListQueryInput,
  type CoordinatorPatchInput,
} from "./coordinators-schemas.ts";

const SORTABLE: SortableFields = { name: { type: "string" }, createdAt: { type: "datetime" }, updatedAt: { type: "datetime" } };

export function toCoordinatorDto(row: CoordinatorRow): CoordinatorDto {
  return {
    id: row.id,
    name: row.name,
    shortName: row.shortName,
    legalForm: row.legalForm,
    krs: row.krs,
    nip: row.nip,
    regon: row.regon,
    address: row.city === null ? null : { street: row.street, postalCode: row.postalCode, city: row.city, country: row.country ?? "PL" },
    website: row.website,
    email: row.email,
    phone: row.phone,
    mandateBasis: row.mandateBasis,
    mandateDate: optionalDateFromDb(row.mandateDate),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The record as a create body would describe it: what a merge patch is applied to. */
function toInput(row: CoordinatorRow) {
  const { id: _id, version: _version, createdAt: _createdAt, updatedAt: _updatedAt, ...input } = toCoordinatorDto(row);
  return input;
}

function toData(input: CoordinatorCreateInput) {
  return {
    name: input.name,
    shortName: input.shortName ?? null,
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
    mandateBasis: input.mandateBasis ?? null,
    mandateDate: optionalDateToDb(input.mandateDate),
    searchText: searchText(input.name, input.shortName, input.address?.city, input.nip, input.krs, input.regon),
  } satisfies Prisma.CoordinatorUncheckedCreateInput;
}

export function coordinatorsService(prisma: PrismaClient) {
  return {
    async list(query: CoordinatorListQueryInput) {
      const where: Prisma.CoordinatorWhereInput = {
        AND: [
          ...searchWhere(query.q),
          query.nip ? { nip: query.nip } : {},
          query.regon ? { regon: query.regon } : {},
          query.krs ? { krs: query.krs } : {},
          query.city ? { city: { equals: likeLiteral(query.city), mode: "insensitive" as const } } : {},
          query.legalForm ? { legalForm: query.legalForm } : {},
        ],
      };
      const { rows, nextCursor } = await paginate({
        fields: SORTABLE,
        sort: query.sort,
        limit: query.limit,
        cursor: query.cursor,
        where,
        findMany: (args) => prisma.coordinator.findMany(args as Prisma.CoordinatorFindManyArgs),
      });
      return { data: rows.map(toCoordinatorDto), nextCursor };
    },

    async get(id: string) {
      const row = await prisma.coordinator.findUnique({ where: { id } });
      if (!row) throw notFound("coordinator", id);
      return toCoordinatorDto(row);
    },

    async create(input: CoordinatorCreateInput) {
      return prisma.$transaction(async (tx) => {
        const row = await tx.coordinator.create({ data: toData(input) });
        await recordAudit(tx, { action: "create", resourceType: "coordinators", resourceId: row.id, version: row.version, after: toInput(row) });
        return toCoordinatorDto(row);
      });
    },

    async update(id: string, patch: CoordinatorPatchInput, ifMatch: string) {
      const row = await mergePatchRecord({
        prisma,
        resource: "coordinator",
        resourceType: "coordinators",
        id,
        ifMatch,
        patch,
        load: (tx) => tx.coordinator.findUnique({ where: { id } }),
        toInput,
        schema: CoordinatorCreate,
        save: async (tx, current, input) => {
          const { count } = await tx.coordinator.updateMany({ where: atVersion(current), data: { ...toData(input), version: { increment: 1 } } });
          if (count === 0) throw lostRace("coordinator");
          return (await tx.coordinator.findUnique({ where: { id } }))!;
        },
      });
      return toCoordinatorDto(row);
    },

    async remove(id: string, ifMatch: string) {
      await deleteRecord({
        prisma,
        resource: "coordinator",
        resourceType: "coordinators",
        toInput,
        id,
        ifMatch,
        load: (tx) => tx.coordinator.findUnique({ where: { id } }),
        references: async (tx) => [
          { resource: "clusters", field: "coordinatorId", count: await tx.cluster.count({ where: { coordinatorId: id } }) },
          { resource: "activities", field: "coordinatorId", count: await tx.activity.count({ where: { coordinatorId: id } }) },
          { resource: "grant-applications", field: "applicantId", count: await tx.grantApplication.count({ where: { applicantId: id } }) },
          { resource: "media-partners", field: "coordinatorId", count: await tx.mediaPartner.count({ where: { coordinatorId: id } }) },
        ],
        remove: async (tx, row) => (await tx.coordinator.deleteMany({ where: atVersion(row) })).count,
      });
    },
  };
}

export type CoordinatorsService = ReturnType<typeof coordinatorsService>;
