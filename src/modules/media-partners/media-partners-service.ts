import type {
  Coordinator as CoordinatorRow,
  MediaPartner as MediaPartnerRow,
  MediaPublication as MediaPublicationRow,
  Prisma,
  PrismaClient,
} from "../../generated/prisma/client.ts";
import { recordAudit } from "../../lib/audit.ts";
import { EMBED_MAX_ITEMS } from "../../lib/schemas.ts";
import { optionalDateFromDb, optionalDateToDb } from "../../lib/dates.ts";
import { paginate, type SortableFields } from "../../lib/pagination.ts";
import { notFound } from "../../lib/problem.ts";
import { assertReference, atVersion, deleteRecord, lostRace, mergePatchRecord, type Tx } from "../../lib/records.ts";
import { searchText, searchWhere } from "../../lib/search-text.ts";
import { toCoordinatorDto } from "../coordinators/coordinators-service.ts";
import { PUBLICATION_ORDER, toMediaPublicationDto } from "./media-partners-publications-service.ts";
import {
  MediaPartnerCreate,
  domainOfWebsite,
  type MediaPartnerCreateInput,
  type MediaPartnerDto,
  type MediaPartnerGetQueryInput,
  type MediaPartnerListQueryInput,
  type MediaPartnerPatchInput,
} from "./media-partners-schemas.ts";

const SORTABLE: SortableFields = { name: { type: "string" }, createdAt: { type: "datetime" }, updatedAt: { type: "datetime" } };

type MediaPartnerWithRelations = MediaPartnerRow & { coordinator?: CoordinatorRow | null; publications?: MediaPublicationRow[] };

export function toMediaPartnerDto(row: MediaPartnerWithRelations): MediaPartnerDto {
  const contact = row.contactName === null && row.contactEmail === null && row.contactPhone === null;
  return {
    id: row.id,
    coordinatorId: row.coordinatorId,
    name: row.name,
    website: row.website,
    domain: row.domain,
    kind: row.kind,
    cooperation: { since: optionalDateFromDb(row.cooperationSince), until: optionalDateFromDb(row.cooperationUntil), ongoing: row.ongoing },
    contact: contact ? null : { name: row.contactName, email: row.contactEmail, phone: row.contactPhone },
    notes: row.notes,
    ...(row.coordinator !== undefined ? { coordinator: row.coordinator === null ? null : toCoordinatorDto(row.coordinator) } : {}),
    ...(row.publications ? { publications: row.publications.map(toMediaPublicationDto) } : {}),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * The record as a create body would describe it, for merge patches. Values that are only defaults — a domain
 * derived from the website, `ongoing` equal to "no end date" — are left out, so they follow a patched website or
 * end date instead of contradicting it.
 */
function toInput(row: MediaPartnerRow) {
  const dto = toMediaPartnerDto(row);
  const { since, until, ongoing } = dto.cooperation;
  return {
    coordinatorId: dto.coordinatorId,
    name: dto.name,
    website: dto.website,
    ...(dto.domain !== domainOfWebsite(dto.website) ? { domain: dto.domain } : {}),
    kind: dto.kind,
    cooperation: { since, until, ...(ongoing !== (until === null) ? { ongoing } : {}) },
    contact: dto.contact,
    notes: dto.notes,
  };
}

/** Every input field as stored (the derived domain and `ongoing` included), as the audit log compares it. */
function auditShape(row: MediaPartnerRow) {
  const { id: _id, version: _version, createdAt: _createdAt, updatedAt: _updatedAt, coordinator: _coordinator, publications: _publications, ...input } =
    toMediaPartnerDto(row);
  return input;
}

function toData(input: MediaPartnerCreateInput) {
  const domain = input.domain ?? domainOfWebsite(input.website);
  const until = input.cooperation?.until ?? null;
  return {
    coordinatorId: input.coordinatorId ?? null,
    name: input.name,
    website: input.website ?? null,
    domain,
    kind: input.kind,
    cooperationSince: optionalDateToDb(input.cooperation?.since),
    cooperationUntil: optionalDateToDb(until),
    ongoing: input.cooperation?.ongoing ?? until === null,
    contactName: input.contact?.name ?? null,
    contactEmail: input.contact?.email ?? null,
    contactPhone: input.contact?.phone ?? null,
    notes: input.notes ?? null,
    searchText: searchText(input.name, domain, input.notes, input.contact?.name),
  } satisfies Prisma.MediaPartnerUncheckedCreateInput;
}

async function assertCoordinatorExists(tx: Tx, coordinatorId: string | null | undefined) {
  if (coordinatorId != null) assertReference(await tx.coordinator.count({ where: { id: coordinatorId } }), "coordinatorId", "coordinator", coordinatorId);
}

const includeOf = (include: readonly string[] = []) =>
  include.length === 0
    ? undefined
    : {
        ...(include.includes("coordinator") ? { coordinator: true } : {}),
        // The first EMBED_MAX_ITEMS in list order; GET …/publications pages through all of them.
        ...(include.includes("publications") ? { publications: { orderBy: PUBLICATION_ORDER, take: EMBED_MAX_ITEMS } } : {}),
      };

export function mediaPartnersService(prisma: PrismaClient) {
  return {
    async list(query: MediaPartnerListQueryInput) {
      const where: Prisma.MediaPartnerWhereInput = {
        AND: [
          ...searchWhere(query.q),
          query.kind ? { kind: query.kind } : {},
          query.ongoing !== undefined ? { ongoing: query.ongoing } : {},
          query.coordinatorId ? { coordinatorId: query.coordinatorId } : {},
          query.domain ? { domain: query.domain } : {},
        ],
      };
      const { rows, nextCursor } = await paginate({
        fields: SORTABLE,
        sort: query.sort,
        limit: query.limit,
        cursor: query.cursor,
        where,
        findMany: (args) => prisma.mediaPartner.findMany({ ...(args as Prisma.MediaPartnerFindManyArgs), include: includeOf(query.include) }),
      });
      return { data: rows.map(toMediaPartnerDto), nextCursor };
    },

    async get(id: string, query: MediaPartnerGetQueryInput = { include: [] }) {
      const row = await prisma.mediaPartner.findUnique({ where: { id }, include: includeOf(query.include) });
      if (!row) throw notFound("media partner", id);
      return toMediaPartnerDto(row);
    },

    async create(input: MediaPartnerCreateInput) {
      return prisma.$transaction(async (tx) => {
        await assertCoordinatorExists(tx, input.coordinatorId);
        const row = await tx.mediaPartner.create({ data: toData(input) });
        await recordAudit(tx, { action: "create", resourceType: "media-partners", resourceId: row.id, version: row.version, after: auditShape(row) });
        return toMediaPartnerDto(row);
      });
    },

    async update(id: string, patch: MediaPartnerPatchInput, ifMatch: string) {
      const row = await mergePatchRecord({
        prisma,
        resource: "media partner",
        resourceType: "media-partners",
        auditShape,
        id,
        ifMatch,
        patch,
        load: (tx) => tx.mediaPartner.findUnique({ where: { id } }),
        toInput,
        schema: MediaPartnerCreate,
        save: async (tx, current, input) => {
          if ((input.coordinatorId ?? null) !== current.coordinatorId) await assertCoordinatorExists(tx, input.coordinatorId);
          const { count } = await tx.mediaPartner.updateMany({ where: atVersion(current), data: { ...toData(input), version: { increment: 1 } } });
          if (count === 0) throw lostRace("media partner");
          return (await tx.mediaPartner.findUnique({ where: { id } }))!;
        },
      });
      return toMediaPartnerDto(row);
    },

    async remove(id: string, ifMatch: string) {
      await deleteRecord({
        prisma,
        resource: "media partner",
        resourceType: "media-partners",
        toInput: auditShape,
        id,
        ifMatch,
        load: (tx) => tx.mediaPartner.findUnique({ where: { id } }),
        references: async (tx) => [
          { resource: "publications", field: "mediaPartnerId", count: await tx.mediaPublication.count({ where: { mediaPartnerId: id } }) },
          { resource: "activities", field: "mediaPartnerIds", count: await tx.activityMediaPartner.count({ where: { mediaPartnerId: id } }) },
        ],
        remove: async (tx, row) => (await tx.mediaPartner.deleteMany({ where: atVersion(row) })).count,
      });
    },
  };
}

export type MediaPartnersService = ReturnType<typeof mediaPartnersService>;
