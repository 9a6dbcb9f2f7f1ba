import { z } from "zod";
import { GrantApplicationStatus as StatusValues } from "../../generated/prisma/enums.ts";
import { DateOnly, outText, page, paginationQuery, recordMeta, text } from "../../lib/schemas.ts";

export type GrantApplicationStatusValue = StatusValues;

export const GrantApplicationStatus = z.enum(Object.values(StatusValues) as [StatusValues, ...StatusValues[]]).meta({
  id: "GrantApplicationStatus",
  description:
    "Lifecycle: draft -> submitted -> under_evaluation -> approved | rejected; approved -> contracted -> completed; " +
    "withdrawn from any open state (draft, submitted, under_evaluation, approved). rejected, withdrawn and completed are final.",
  example: "approved",
});

/**
 * The lifecycle, as the statuses each status may move to. `approved` still counts as open (an award can be declined
 * before the contract is signed); once `contracted`, only completion is left.
 */
export const TRANSITIONS: Readonly<Record<StatusValues, readonly StatusValues[]>> = {
  draft: ["submitted", "withdrawn"],
  submitted: ["under_evaluation", "withdrawn"],
  under_evaluation: ["approved", "rejected", "withdrawn"],
  approved: ["contracted", "withdrawn"],
  rejected: [],
  withdrawn: [],
  contracted: ["completed"],
  completed: [],
};

export const allowedTransitions = (status: StatusValues): StatusValues[] => [...TRANSITIONS[status]];

/** The most statuses any status may move to: the bound of `allowedTransitions`. */
export const MAX_ALLOWED_TRANSITIONS = Math.max(...Object.values(TRANSITIONS).map((targets) => targets.length));

const NOTE_MAX = 2000;

export const GrantApplicationTransition = z
  .strictObject({
    to: GrantApplicationStatus.meta({ description: "The status to move to; must be one of the application's `allowedTransitions`." }),
    on: DateOnly.nullish().meta({
      description: "The day the change happened (YYYY-MM-DD); not before the previous dated change. Becomes `statusChangedOn`.",
      example: "2012-12-20",
    }),
    note: text(NOTE_MAX).nullish().meta({ example: "Uchwała nr 1486/205/12 Zarządu Województwa Pomorskiego" }),
  })
  .meta({
    id: "GrantApplicationTransition",
    example: { to: "approved", on: "2012-12-20", note: "Uchwała nr 1486/205/12 Zarządu Województwa Pomorskiego" },
  });

export const GrantApplicationStatusChange = z
  .object({
    id: recordMeta.id,
    from: GrantApplicationStatus.nullable().meta({ description: "null for the first entry, written when the application was created." }),
    to: GrantApplicationStatus,
    on: DateOnly.nullable().meta({ description: "The day of the change, when known." }),
    note: outText(NOTE_MAX).nullable(),
    createdAt: recordMeta.createdAt,
  })
  .meta({
    id: "GrantApplicationStatusChange",
    description: "One entry of the append-only status history.",
    example: {
      id: "0193b2a6-1b22-7e53-9c4d-3f6a7b8c9d0e",
      from: "under_evaluation",
      to: "approved",
      on: "2012-12-20",
      note: "Uchwała nr 1486/205/12 Zarządu Województwa Pomorskiego",
      createdAt: "2026-11-29T12:00:00.000Z",
    },
  });

export const GrantApplicationStatusHistoryQuery = z.strictObject({ ...paginationQuery });

export const GrantApplicationStatusChangePage = page(GrantApplicationStatusChange, "GrantApplicationStatusChangePage");

export type GrantApplicationTransitionInput = z.output<typeof GrantApplicationTransition>;
export type GrantApplicationStatusChangeDto = z.output<typeof GrantApplicationStatusChange>;
export type GrantApplicationStatusHistoryQueryInput = z.output<typeof GrantApplicationStatusHistoryQuery>;
