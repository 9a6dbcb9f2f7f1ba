import type {
  GrantApplication as GrantApplicationRow,
  GrantApplicationPartner as GrantApplicationPartnerRow,
  Organization as OrganizationRow,
  Prisma,
} from "../../generated/prisma/client.ts";
import { optionalDateFromDb, optionalDateToDb } from "../../lib/dates.ts";
import { orNull, pick, recordOf } from "../../lib/mapping.ts";
import { searchText } from "../../lib/search-text.ts";
import { toOrganizationRecord } from "../organizations/organizations-mapper.ts";
import { allowedTransitions } from "./grant-application-status-schemas.ts";
import type { GrantApplicationCreateInput, GrantApplicationDto } from "./grant-applications-schemas.ts";

/** What every application is loaded with: its partners, in the order they were listed. */
export const PARTNERS_IN_ORDER = { partners: { orderBy: { position: "asc" } } } as const satisfies Prisma.GrantApplicationInclude;

export type GrantApplicationWithPartners = GrantApplicationRow & {
  /** With `include=partners` each partner row carries its organization. */
  partners: Array<GrantApplicationPartnerRow & { organization?: OrganizationRow }>;
};

type Decimal = Prisma.Decimal;
const moneyFromDb = (amount: Decimal | null, currency: string | null) =>
  amount === null ? null : { amount: amount.toFixed(2), currency: currency ?? "PLN" };
const decimalFromDb = (value: Decimal | null) => (value === null ? null : value.toString());
/** A group of optional fields is null when none of them is known. */
const nullWhenEmpty = <T extends Record<string, unknown>>(group: T): T | null => (Object.values(group).every((value) => value === null) ? null : group);

export function toGrantApplicationRecord(row: GrantApplicationWithPartners): GrantApplicationDto {
  return recordOf(row, ["title", "callName", "programme", "fundingBodyId", "applicantId", "clusterId", "activityId", "inKindSupport", "status"], {
    partners: [...row.partners]
      .sort((a, b) => a.position - b.position)
      .map((p) => ({
        organizationId: p.organizationId,
        ...(p.organization ? { organization: toOrganizationRecord(p.organization) } : {}),
        role: p.role,
      })),
    submittedOn: optionalDateFromDb(row.submittedOn),
    requestedAmount: moneyFromDb(row.requestedAmount, row.requestedCurrency),
    awardedAmount: moneyFromDb(row.awardedAmount, row.awardedCurrency),
    evaluation: nullWhenEmpty({
      score: decimalFromDb(row.score),
      maxScore: decimalFromDb(row.maxScore),
      rank: row.rank,
      rankOutOf: row.rankOutOf,
      notes: row.evaluationNotes,
    }),
    decision: nullWhenEmpty({ reference: row.decisionReference, date: optionalDateFromDb(row.decisionDate), body: row.decisionBody }),
    statusChangedOn: optionalDateFromDb(row.statusChangedOn),
    allowedTransitions: allowedTransitions(row.status),
  });
}

export function toGrantApplicationData(input: GrantApplicationCreateInput) {
  const { evaluation, decision } = input;
  return {
    ...pick(input, "title", "applicantId"),
    ...orNull(input, "callName", "programme", "fundingBodyId", "clusterId", "activityId", "inKindSupport"),
    submittedOn: optionalDateToDb(input.submittedOn),
    requestedAmount: input.requestedAmount?.amount ?? null,
    requestedCurrency: input.requestedAmount?.currency ?? null,
    awardedAmount: input.awardedAmount?.amount ?? null,
    awardedCurrency: input.awardedAmount?.currency ?? null,
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

/** The partner rows of an application, in the order the input lists them. */
export const toPartnerRows = (input: GrantApplicationCreateInput) =>
  input.partners.map((partner, position) => ({ organizationId: partner.organizationId, role: partner.role, position }));
