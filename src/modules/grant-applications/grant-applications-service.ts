import type {
  Cluster as ClusterRow,
  Coordinator as CoordinatorRow,
  GrantApplication as GrantApplicationRow,
  GrantApplicationPartner as GrantApplicationPartnerRow,
  Organization as OrganizationRow,
  Prisma,
  PrismaClient,
} from "../../generated/prisma/client.ts";
import { recordAudit } from "../../lib/audit.ts";
import { dateOnlyToDb, optionalDateFromDb, optionalDateToDb } from "../../lib/dates.ts";
import { paginate, type SortableFields } from "../../lib/pagination.ts";
import { ApiError, notFound, type FieldError } from "../../lib/problem.ts";
import { atVersion, deleteRecord, lostRace, mergePatchRecord, type Tx } from "../../lib/records.ts";
import { searchText, searchWhere } from "../../lib/search-text.ts";
import { ACTIVITY_LINKS, toActivityDto, type ActivityWithLinks } from "../activities/activities-service.ts";
import { toClusterDto } from "../clusters/clusters-service.ts";
import { toCoordinatorDto } from "../coordinators/coordinators-service.ts";
import { toOrganizationDto } from "../organizations/organizations-service.ts";
import { allowedTransitions } from "./grant-application-status-schemas.ts";
import {
  GrantApplicationCreate,
  type GrantApplicationCreateInput,
  type GrantApplicationDto,
  type GrantApplicationGetQueryInput,
  type GrantApplicationListQueryInput,
  type GrantApplicationPatchInput,
} from "./grant-applications-schemas.ts";

const SORTABLE: SortableFields = {
  submittedOn: { type: "date", nullable: true },
  title: { type: "string" },
  createdAt: { type: "datetime" },
  updatedAt: { type: "datetime" },
};

type Decimal = Prisma.Decimal;
export type GrantApplicationWithRelations = GrantApplicationRow & {
  /** With `include=partners` each partner row carries its organization. */
  partners: Array<GrantApplicationPartnerRow & { organization?: OrganizationRow }>;
  applicant?: CoordinatorRow;
  cluster?: ClusterRow | null;
  fundingBody?: OrganizationRow | null;
  activity?: ActivityWithLinks | null;
};

const moneyFromDb = (amount: Decimal | null, currency: string | null) =>
  amount === null ? null : { amount: amount.toFixed(2), currency: currency ?? "PLN" };
const decimalFromDb = (value: Decimal | null) => (value === null ? null : value.toString());
/** A group of optional fields is null when none of them is known. */
const nullWhenEmpty = <T extends Record<string, unknown>>(group: T): T | null => (Object.values(group).every((value) => value === null) ? null : group);

export function toGrantApplicationDto(row: GrantApplicationWithRelations): GrantApplicationDto {
  return {
    id: row.id,
    title: row.title,
    callName: row.callName,
    programme: row.programme,
    fundingBodyId: row.fundingBodyId,
    ...(row.fundingBody !== undefined ? { fundingBody: row.fundingBody === null ? null : toOrganizationDto(row.fundingBody) } : {}),
    applicantId: row.applicantId,
    ...(row.applicant ? { applicant: toCoordinatorDto(row.applicant) } : {}),
    clusterId: row.clusterId,
    ...(row.cluster !== undefined ? { cluster: row.cluster === null ? null : toClusterDto(row.cluster) } : {}),
    activityId: row.activityId,
    ...(row.activity !== undefined ? { activity: row.activity === null ? null : toActivityDto(row.activity) } : {}),
    partners: [...row.partners]
      .sort((a, b) => a.position - b.position)
      .map((p) => ({
        organizationId: p.organizationId,
        ...(p.organization ? { organization: toOrganizationDto(p.organization) } : {}),
        role: p.role,
      })),
    submittedOn: optionalDateFromDb(row.submittedOn),
    requestedAmount: moneyFromDb(row.requestedAmount, row.requestedCurrency),
    awardedAmount: moneyFromDb(row.awardedAmount, row.awardedCurrency),
    inKindSupport: row.inKindSupport,
    evaluation: nullWhenEmpty({
      score: decimalFromDb(row.score),
      maxScore: decimalFromDb(row.maxScore),
      rank: row.rank,
      rankOutOf: row.rankOutOf,
      notes: row.evaluationNotes,
    }),
    decision: nullWhenEmpty({ reference: row.decisionReference, date: optionalDateFromDb(row.decisionDate), body: row.decisionBody }),
    status: row.status,
    statusChangedOn: optionalDateFromDb(row.statusChangedOn),
    allowedTransitions: allowedTransitions(row.status),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The record as a create body would describe it (no read-only fields): what a merge patch is applied to. */
function toInput(row: GrantApplicationWithRelations) {
  const {
    id: _id,
    version: _version,
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    status: _status,
    statusChangedOn: _statusChangedOn,
    allowedTransitions: _allowed,
    applicant: _applicant,
    cluster: _cluster,
    fundingBody: _fundingBody,
    activity: _activity,
    partners,
    ...input
  } = toGrantApplicationDto(row);
  return { ...input, partners: partners.map(({ organizationId, role }) => ({ organizationId, role })) };
}

/** The input shape plus the status, as the audit log compares it (a PATCH never changes the status; a transition does). */
function auditShape(row: GrantApplicationWithRelations) {
  return { ...toInput(row), status: row.status, statusChangedOn: optionalDateFromDb(row.statusChangedOn) };
}

function toData(input: GrantApplicationCreateInput) {
  const { evaluation, decision } = input;
  return {
    title: input.title,
    callName: input.callName ?? null,
    programme: input.programme ?? null,
    fundingBodyId: input.fundingBodyId ?? null,
    applicantId: input.applicantId,
    clusterId: input.clusterId ?? null,
    activityId: input.activityId ?? null,
    submittedOn: optionalDateToDb(input.submittedOn),
    requestedAmount: input.requestedAmount?.amount ?? null,
    requestedCurrency: input.requestedAmount?.currency ?? null,
    awardedAmount: input.awardedAmount?.amount ?? null,
    awardedCurrency: input.awardedAmount?.currency ?? null,
    inKindSupport: input.inKindSupport ?? null,
    score: evaluation?.score ?? null,
    maxScore: evaluation?.maxScore ?? null,
    rank: evaluation?.rank ?? null,
    rankOutOf: evaluation?.rankOutOf ?? null,
    evaluationNotes: evaluation?.notes ?? null,
    decisionReference: decision?.reference ?? null,
    decisionDate: optionalDateToDb(decision?.date),
    decisionBody: decision?.body ?? null,
    searchText: searchText(input.title, input.callName, input.programme, decision?.reference, input.inKindSupport, evaluation?.notes),
  } satisfies Prisma.GrantApplicationUncheckedCreateInput;
}

const partnerRows = (input: GrantApplicationCreateInput) =>
  input.partners.map((partner, position) => ({ organizationId: partner.organizationId, role: partner.role, position }));

/** Every foreign id of the body, checked together: one 422 naming each missing one. */
async function assertReferences(tx: Tx, input: GrantApplicationCreateInput) {
  const missing: Array<FieldError & { noun: string; id: string }> = [];
  const check = (found: number, field: string, noun: string, id: string) => {
    if (found === 0) missing.push({ path: `/${field}`, message: `refers to a ${noun} that does not exist`, location: "body", noun, id });
  };
  check(await tx.coordinator.count({ where: { id: input.applicantId } }), "applicantId", "coordinator", input.applicantId);
  if (input.fundingBodyId) check(await tx.organization.count({ where: { id: input.fundingBodyId } }), "fundingBodyId", "organization", input.fundingBodyId);
  if (input.clusterId) check(await tx.cluster.count({ where: { id: input.clusterId } }), "clusterId", "cluster", input.clusterId);
  if (input.activityId) check(await tx.activity.count({ where: { id: input.activityId } }), "activityId", "activity", input.activityId);
  if (input.partners.length > 0) {
    const found = await tx.organization.findMany({ where: { id: { in: input.partners.map((p) => p.organizationId) } }, select: { id: true } });
    const ids = new Set(found.map((organization) => organization.id));
    input.partners.forEach((partner, index) => check(ids.has(partner.organizationId) ? 1 : 0, `partners/${index}/organizationId`, "organization", partner.organizationId));
  }
  if (missing.length > 0) {
    throw new ApiError("reference_not_found", missing.map((m) => `No ${m.noun} with id ${m.id} (${m.path}).`).join(" "), {
      errors: missing.map(({ path, message, location }) => ({ path, message, location })),
    });
  }
}

export const PARTNERS_IN_ORDER = { partners: { orderBy: { position: "asc" } } } as const satisfies Prisma.GrantApplicationInclude;

/** `include=`: the relations, loaded in the same query as the applications (never one query per application). */
const includeOf = (include: readonly string[] = []) =>
  ({
    partners: include.includes("partners") ? { ...PARTNERS_IN_ORDER.partners, include: { organization: true } } : PARTNERS_IN_ORDER.partners,
    ...(include.includes("applicant") ? { applicant: true } : {}),
    ...(include.includes("cluster") ? { cluster: true } : {}),
    ...(include.includes("fundingBody") ? { fundingBody: true } : {}),
    ...(include.includes("activity") ? { activity: { include: ACTIVITY_LINKS } } : {}),
  }) satisfies Prisma.GrantApplicationInclude;

export function grantApplicationsService(prisma: PrismaClient) {
  return {
    async list(query: GrantApplicationListQueryInput) {
      const where: Prisma.GrantApplicationWhereInput = {
        AND: [
          ...searchWhere(query.q),
          query.status ? { status: query.status } : {},
          query.applicantId ? { applicantId: query.applicantId } : {},
          query.fundingBodyId ? { fundingBodyId: query.fundingBodyId } : {},
          query.clusterId ? { clusterId: query.clusterId } : {},
          query.activityId ? { activityId: query.activityId } : {},
          query.submittedOnFrom ? { submittedOn: { gte: dateOnlyToDb(query.submittedOnFrom) } } : {},
          query.submittedOnTo ? { submittedOn: { lte: dateOnlyToDb(query.submittedOnTo) } } : {},
          query.year ? { submittedOn: { gte: dateOnlyToDb(`${query.year}-01-01`), lte: dateOnlyToDb(`${query.year}-12-31`) } } : {},
        ],
      };
      const { rows, nextCursor } = await paginate({
        fields: SORTABLE,
        sort: query.sort,
        limit: query.limit,
        cursor: query.cursor,
        where,
        findMany: (args) =>
          prisma.grantApplication.findMany({ ...(args as Prisma.GrantApplicationFindManyArgs), include: includeOf(query.include) }) as Promise<
            GrantApplicationWithRelations[]
          >,
      });
      return { data: rows.map(toGrantApplicationDto), nextCursor };
    },

    async get(id: string, query: GrantApplicationGetQueryInput = { include: [] }) {
      const row = (await prisma.grantApplication.findUnique({ where: { id }, include: includeOf(query.include) })) as GrantApplicationWithRelations | null;
      if (!row) throw notFound("grant application", id);
      return toGrantApplicationDto(row);
    },

    /** A new application is a draft; its history starts with that (from null, on no particular day). */
    async create(input: GrantApplicationCreateInput) {
      return prisma.$transaction(async (tx) => {
        await assertReferences(tx, input);
        const row = await tx.grantApplication.create({
          data: {
            ...toData(input),
            status: "draft",
            partners: { create: partnerRows(input) },
            statusHistory: { create: { fromStatus: null, toStatus: "draft", on: null } },
          },
          include: PARTNERS_IN_ORDER,
        });
        await recordAudit(tx, { action: "create", resourceType: "grant-applications", resourceId: row.id, version: row.version, after: auditShape(row) });
        return toGrantApplicationDto(row);
      });
    },

    async update(id: string, patch: GrantApplicationPatchInput, ifMatch: string) {
      const row = await mergePatchRecord({
        prisma,
        resource: "grant application",
        resourceType: "grant-applications",
        auditShape,
        id,
        ifMatch,
        patch,
        load: (tx) => tx.grantApplication.findUnique({ where: { id }, include: PARTNERS_IN_ORDER }),
        toInput,
        schema: GrantApplicationCreate,
        save: async (tx, current, input) => {
          await assertReferences(tx, input);
          const { count } = await tx.grantApplication.updateMany({ where: atVersion(current), data: { ...toData(input), version: { increment: 1 } } });
          if (count === 0) throw lostRace("grant application");
          await tx.grantApplicationPartner.deleteMany({ where: { grantApplicationId: id } });
          await tx.grantApplicationPartner.createMany({ data: partnerRows(input).map((partner) => ({ ...partner, grantApplicationId: id })) });
          return (await tx.grantApplication.findUnique({ where: { id }, include: PARTNERS_IN_ORDER }))!;
        },
      });
      return toGrantApplicationDto(row);
    },

    /** Only a draft can be deleted: once submitted, an application is part of the record and is withdrawn instead. */
    async remove(id: string, ifMatch: string) {
      await deleteRecord({
        prisma,
        resource: "grant application",
        resourceType: "grant-applications",
        toInput: auditShape,
        id,
        ifMatch,
        load: (tx) => tx.grantApplication.findUnique({ where: { id }, include: PARTNERS_IN_ORDER }),
        remove: async (tx, row) => {
          if (row.status !== "draft") {
            throw new ApiError(
              "conflict",
              `Only a draft grant application can be deleted; this one is ${row.status}. ` +
                (allowedTransitions(row.status).includes("withdrawn")
                  ? "Withdraw it instead (POST …/transitions with to=withdrawn)."
                  : "Its record is kept as it is."),
              { extensions: { currentStatus: row.status } },
            );
          }
          return (await tx.grantApplication.deleteMany({ where: atVersion(row) })).count;
        },
      });
    },
  };
}

export type GrantApplicationsService = ReturnType<typeof grantApplicationsService>;
