import { z } from "zod";
import { SORT_BY_TIME, recordSchemas, embeddedRecord } from "../../lib/record-schemas.ts";
import { Decimal, Money } from "../../lib/decimal-schemas.ts";
import { DateOnly, Uuid, YearQuery, outText, recordMeta, text } from "../../lib/schemas.ts";
import type { ActivityDto } from "../activities/activities-schemas.ts";
import { Cluster } from "../clusters/clusters-schemas.ts";
import { Coordinator } from "../coordinators/coordinators-schemas.ts";
import { Organization } from "../organizations/organizations-schemas.ts";
import { GrantApplicationStatus, MAX_ALLOWED_TRANSITIONS } from "./grant-application-status-schemas.ts";

const SEED_EXAMPLE = {
  title: "Wniosek Klastra LTPP w konkursie „Strategia dla klastra”",
  callName: "Strategia dla klastra",
  inKindSupport: "Dostarczenie narzędzi na tworzenie strategii klastra",
  evaluation: { score: "99.5", maxScore: null, rank: 2, rankOutOf: null, notes: "Pozytywna ocena, drugie miejsce; jedna z czterech inicjatyw objętych wsparciem." },
  decision: { reference: "Uchwała nr 1486/205/12", date: "2012-12-20", body: "Zarząd Województwa Pomorskiego" },
};

/** Length limits of the text fields, shared by the input (a validation rule) and the output (its documented bound). */
const TITLE_MAX = 500;
const PARTNER_ROLE_MAX = 200;
const IN_KIND_SUPPORT_MAX = 2000;
const EVALUATION_NOTES_MAX = 5000;
const DECISION_TEXT_MAX = 300;

/**
 * Partners of one application: a consortium of a cluster's members, which in practice is a handful; 100 leaves room
 * for any real call. The list is part of the record (there is no sub-resource to page through), so the bound holds
 * in responses too.
 */
export const PARTNERS_MAX_ITEMS = 100;

const Partner = z.strictObject({
  organizationId: Uuid.meta({ description: "An existing organization (422 otherwise)." }),
  role: text(PARTNER_ROLE_MAX).default("partner").meta({ description: "The organization's role in the application.", example: "partner" }),
}).meta({ id: "Partner" });

const Partners = z
  .array(Partner)
  .max(PARTNERS_MAX_ITEMS, `must list at most ${PARTNERS_MAX_ITEMS} partners`)
  .superRefine((partners, ctx) => {
    const first = new Map<string, number>();
    partners.forEach((partner, index) => {
      const earlier = first.get(partner.organizationId.toLowerCase());
      if (earlier === undefined) first.set(partner.organizationId.toLowerCase(), index);
      else ctx.addIssue({ code: "custom", path: [index, "organizationId"], message: `repeats partner ${earlier}; list each organization once` });
    });
  })
  .meta({
    description: `Partner organizations (at most ${PARTNERS_MAX_ITEMS}), each once, in the order given; PATCH replaces the whole list.`,
    "x-unique-by": "organizationId",
  });

/** Scores are numeric(8, 2): at most 6 digits before the point and 2 after. */
const SCORE_DIGITS = { integerDigits: 6, scale: 2 } as const;
const Score = (example: string) => Decimal({ ...SCORE_DIGITS, example });
/** A score as returned: the stored number in plain notation (`999999.99` at the longest). */
const ScoreOut = z.string().max(SCORE_DIGITS.integerDigits + 1 + SCORE_DIGITS.scale);
const Rank = z
  .number()
  .int("must be a whole number")
  .min(1, "must be at least 1")
  .max(1_000_000, "must be at most 1000000")
  .meta({ format: "int32" });

const Evaluation = z
  .strictObject({
    score: Score("99.5").nullish().meta({ description: "Points awarded, a decimal string such as \"99.5\"." }),
    maxScore: Score("100").nullish().meta({ description: "The most points the call allowed." }),
    rank: Rank.nullish().meta({ description: "Place on the ranking list (1 = first).", example: 2 }),
    rankOutOf: Rank.nullish().meta({ description: "How many applications were ranked.", example: 12 }),
    notes: text(EVALUATION_NOTES_MAX).nullish().meta({ example: SEED_EXAMPLE.evaluation.notes }),
  })
  .superRefine((evaluation, ctx) => {
    if (evaluation.score != null && evaluation.maxScore != null && Number(evaluation.score) > Number(evaluation.maxScore)) {
      ctx.addIssue({ code: "custom", path: ["score"], message: `must not exceed maxScore (${evaluation.maxScore})` });
    }
    if (evaluation.rank != null && evaluation.rankOutOf != null && evaluation.rank > evaluation.rankOutOf) {
      ctx.addIssue({ code: "custom", path: ["rank"], message: `must not exceed rankOutOf (${evaluation.rankOutOf})` });
    }
  })
  .meta({ id: "Evaluation", "x-not-after": { score: "maxScore", rank: "rankOutOf" } });

const Decision = z.strictObject({
  reference: text(DECISION_TEXT_MAX).nullish().meta({ description: "The decision's reference number.", example: "Uchwała nr 1486/205/12" }),
  date: DateOnly.nullish().meta({ example: "2012-12-20" }),
  body: text(DECISION_TEXT_MAX).nullish().meta({ description: "Who decided.", example: "Zarząd Województwa Pomorskiego" }),
}).meta({ id: "Decision" });

const grantApplicationFields = {
  title: text(TITLE_MAX).meta({ example: SEED_EXAMPLE.title }),
  callName: text(TITLE_MAX).nullish().meta({ description: "The call or competition applied to.", example: SEED_EXAMPLE.callName }),
  programme: text(TITLE_MAX).nullish().meta({ description: "The funding programme the call belongs to." }),
  fundingBodyId: Uuid.nullish().meta({ description: "The organization that funds or organises the call (422 if it does not exist)." }),
  applicantId: Uuid.meta({ description: "The coordinator that applied (422 if it does not exist)." }),
  clusterId: Uuid.nullish().meta({ description: "The cluster the application is for." }),
  activityId: Uuid.nullish().meta({ description: "The activity-log entry the application belongs to." }),
  partners: Partners.default([]),
  submittedOn: DateOnly.nullish().meta({ description: "Filled by the `submitted` transition when empty.", example: "2012-11-16" }),
  requestedAmount: Money.nullish(),
  awardedAmount: Money.nullish(),
  inKindSupport: text(IN_KIND_SUPPORT_MAX).nullish().meta({ description: "Support given in kind instead of (or besides) money.", example: SEED_EXAMPLE.inKindSupport }),
  evaluation: Evaluation.nullish(),
  decision: Decision.nullish(),
};

export const GrantApplicationCreate = z.strictObject(grantApplicationFields).meta({
  id: "GrantApplicationCreate",
  description: "`status` is not set here: every application starts as `draft` and moves through POST …/transitions.",
  example: {
    title: SEED_EXAMPLE.title,
    callName: SEED_EXAMPLE.callName,
    fundingBodyId: "0193b2a5-3c44-7f75-8e6f-5a8b9c0d1e2f",
    applicantId: "0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f",
    clusterId: "0193b2a5-0a11-7d42-8b3c-2e5f6a7b8c9d",
    submittedOn: "2012-11-16",
    inKindSupport: SEED_EXAMPLE.inKindSupport,
    evaluation: { score: "99.5", rank: 2, notes: SEED_EXAMPLE.evaluation.notes },
    decision: SEED_EXAMPLE.decision,
  },
});

/** In a merge patch a money value merges member by member, so neither member may be required or defaulted here. */
const MoneyPatch = z.strictObject({
  // The merged value is then checked against Money; the patch body itself is held to Money's bounds, with its messages.
  amount: z
    .union([z.string().max(40, 'must be a non-negative decimal with at most 2 decimal places, e.g. "125000.00"'), z.number()])
    .nullish(),
  currency: z.string().max(3, "must be an ISO 4217 currency code such as PLN or EUR").nullish(),
}).meta({ id: "MoneyPatch" });

export const GrantApplicationPatch = z
  .strictObject({
    ...grantApplicationFields,
    title: grantApplicationFields.title.optional(),
    applicantId: grantApplicationFields.applicantId.optional(),
    partners: Partners.nullish(),
    requestedAmount: MoneyPatch.nullish(),
    awardedAmount: MoneyPatch.nullish(),
  })
  .meta({
    id: "GrantApplicationPatch",
    example: { evaluation: { score: "99.5", rank: 2 }, decision: SEED_EXAMPLE.decision },
  });

/** Amounts are numeric(16, 2), returned with both decimals: `99999999999999.99` (17 characters) at the longest. */
const MoneyValue = z
  .object({ amount: z.string().max(17), currency: z.string().max(3).meta({ description: "ISO 4217 code." }) })
  .meta({ example: { amount: "125000.00", currency: "PLN" } });

export const GrantApplicationPartner = z
  .object({
    organizationId: Uuid,
    organization: Organization.optional().meta({ description: "Present with `include=partners`." }),
    role: outText(PARTNER_ROLE_MAX),
  })
  .meta({ id: "GrantApplicationPartner", example: { organizationId: "0193b2a5-4d55-7a86-9f70-6b9c0d1e2f3a", role: "partner" } });

export const GrantApplicationEvaluation = z
  .object({
    score: ScoreOut.nullable(),
    maxScore: ScoreOut.nullable(),
    rank: Rank.nullable(),
    rankOutOf: Rank.nullable(),
    notes: outText(EVALUATION_NOTES_MAX).nullable(),
  })
  .meta({ id: "GrantApplicationEvaluation", example: SEED_EXAMPLE.evaluation });

export const GrantApplicationDecision = z
  .object({ reference: outText(DECISION_TEXT_MAX).nullable(), date: DateOnly.nullable(), body: outText(DECISION_TEXT_MAX).nullable() })
  .meta({ id: "GrantApplicationDecision", example: SEED_EXAMPLE.decision });

const grantApplicationShape = {
  title: outText(TITLE_MAX),
  callName: outText(TITLE_MAX).nullable(),
  programme: outText(TITLE_MAX).nullable(),
  fundingBodyId: Uuid.nullable(),
  fundingBody: Organization.nullable()
    .optional()
    .meta({ description: "Present with `include=fundingBody` (null when no funding body is recorded)." }),
  applicantId: Uuid,
  applicant: Coordinator.optional().meta({ description: "Present with `include=applicant`." }),
  clusterId: Uuid.nullable(),
  cluster: Cluster.nullable().optional().meta({ description: "Present with `include=cluster` (null when there is no cluster)." }),
};
const grantApplicationTail = {
  partners: z
    .array(GrantApplicationPartner)
    .max(PARTNERS_MAX_ITEMS)
    .meta({ description: `Partner organizations (at most ${PARTNERS_MAX_ITEMS}), in order; each with its \`organization\` with \`include=partners\`.` }),
  submittedOn: DateOnly.nullable(),
  requestedAmount: MoneyValue.nullable(),
  awardedAmount: MoneyValue.nullable(),
  inKindSupport: outText(IN_KIND_SUPPORT_MAX).nullable(),
  evaluation: GrantApplicationEvaluation.nullable().meta({ description: "null when nothing about the evaluation is known." }),
  decision: GrantApplicationDecision.nullable().meta({ description: "null when nothing about the decision is known." }),
  status: GrantApplicationStatus,
  statusChangedOn: DateOnly.nullable().meta({ description: "The `on` date of the latest status change, when given." }),
  allowedTransitions: z
    .array(GrantApplicationStatus)
    .max(MAX_ALLOWED_TRANSITIONS)
    .meta({ description: "The statuses POST …/transitions accepts now." }),
  version: recordMeta.version,
  createdAt: recordMeta.createdAt,
  updatedAt: recordMeta.updatedAt,
};

/** Written out because an application embeds its activity and an activity its applications: the types cannot be inferred from one another. */
export type GrantApplicationDto = z.output<z.ZodObject<typeof grantApplicationShape & typeof grantApplicationTail>> & {
  id: string;
  activityId: string | null;
  activity?: ActivityDto | null;
};

export const GrantApplication: z.ZodType<GrantApplicationDto> = z
  .object({
    id: recordMeta.id,
    ...grantApplicationShape,
    activityId: Uuid.nullable(),
    // By name: activities-schemas.ts imports this module (an activity embeds these records).
    activity: embeddedRecord<ActivityDto>("Activity")
      .nullable()
      .optional()
      .meta({ description: "Present with `include=activity` (null when the application belongs to no activity)." }),
    ...grantApplicationTail,
  })
  .meta({
    id: "GrantApplication",
    example: {
      id: "0193b2a6-0a11-7d42-8b3c-2e5f6a7b8c9d",
      title: SEED_EXAMPLE.title,
      callName: SEED_EXAMPLE.callName,
      programme: null,
      fundingBodyId: "0193b2a5-3c44-7f75-8e6f-5a8b9c0d1e2f",
      applicantId: "0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f",
      clusterId: "0193b2a5-0a11-7d42-8b3c-2e5f6a7b8c9d",
      activityId: null,
      partners: [],
      submittedOn: "2012-11-16",
      requestedAmount: null,
      awardedAmount: null,
      inKindSupport: SEED_EXAMPLE.inKindSupport,
      evaluation: SEED_EXAMPLE.evaluation,
      decision: SEED_EXAMPLE.decision,
      status: "approved",
      statusChangedOn: "2012-12-20",
      allowedTransitions: ["contracted", "withdrawn"],
      version: 5,
      createdAt: "2026-11-29T12:00:00.000Z",
      updatedAt: "2026-11-29T12:00:00.000Z",
    },
  });

export const grantApplicationSchemas = recordSchemas({ record: GrantApplication, create: GrantApplicationCreate, patch: GrantApplicationPatch }, {
  filters: {
    status: GrantApplicationStatus.optional(),
    applicantId: Uuid.optional(),
    fundingBodyId: Uuid.optional(),
    clusterId: Uuid.optional(),
    activityId: Uuid.optional(),
    submittedOnFrom: DateOnly.optional(),
    submittedOnTo: DateOnly.optional(),
    year: YearQuery.optional().meta({ description: "Applications submitted in this year." }),
  },
  sortable: { submittedOn: { type: "date", nullable: true }, title: { type: "string" }, ...SORT_BY_TIME },
  sort: "submittedOn",
  include: ["applicant", "cluster", "fundingBody", "activity", "partners"],
});

export type GrantApplicationCreateInput = z.output<typeof GrantApplicationCreate>;
export type GrantApplicationListQueryInput = z.output<typeof grantApplicationSchemas.listQuery>;
