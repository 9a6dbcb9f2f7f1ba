import { z } from "zod";
import { SORT_BY_TIME, recordSchemas, embeddedRecord } from "../../lib/record-schemas.ts";
import { DateOnly, Uuid, outText, recordMeta, text } from "../../lib/schemas.ts";
import { Cluster } from "../clusters/clusters-schemas.ts";
import { MembershipRole } from "./organization-membership-role.ts";
import type { OrganizationDto } from "./organizations-schemas.ts";

/** Longest notes accepted, and so returned (the column is unbounded text). */
const NOTES_MAX_LENGTH = 2000;

const membershipFields = {
  clusterId: Uuid.meta({ description: "The cluster the organization belongs to (one membership per organization and cluster)." }),
  role: MembershipRole,
  joinedOn: DateOnly.nullish().meta({ description: "When the organization joined (YYYY-MM-DD).", example: "2012-06-01" }),
  leftOn: DateOnly.nullish().meta({ description: "When it left (YYYY-MM-DD); not before `joinedOn`. Absent while it is a member." }),
  notes: text(NOTES_MAX_LENGTH)
    .nullish()
    .meta({ example: "Partner Koordynatora Klastra w aplikacji na międzynarodowy projekt MEWA." }),
};

/** A membership cannot end before it began; checked on create and on the merged result of a patch. */
const leftAfterJoined = (membership: { joinedOn?: string | null; leftOn?: string | null }, ctx: z.RefinementCtx) => {
  if (membership.joinedOn != null && membership.leftOn != null && membership.leftOn < membership.joinedOn) {
    ctx.addIssue({ code: "custom", path: ["leftOn"], message: "must not be before joinedOn" });
  }
};

export const MembershipCreate = z
  .strictObject(membershipFields)
  .superRefine(leftAfterJoined)
  .meta({
    id: "MembershipCreate",
    // leftAfterJoined, in the document's own keyword (src/fuzz/spec-extensions.ts).
    "x-not-after": { joinedOn: "leftOn" },
    example: {
      clusterId: "0193b2a5-0a11-7d42-8b3c-2e5f6a7b8c9d",
      role: "partner",
      notes: "Partner Koordynatora Klastra w aplikacji na międzynarodowy projekt MEWA.",
    },
  });

/** JSON Merge Patch: every field optional; `null` clears an optional field. */
export const MembershipPatch = z
  .strictObject({
    ...membershipFields,
    clusterId: membershipFields.clusterId.optional(),
    role: MembershipRole.optional(),
  })
  .meta({ id: "MembershipPatch", example: { role: "member" } });

const membershipShape = {
  clusterId: Uuid,
  cluster: Cluster.optional().meta({ description: "Present with `include=cluster`." }),
  role: MembershipRole,
  joinedOn: outText(10).nullable().meta({ format: "date" }),
  leftOn: outText(10).nullable().meta({ format: "date" }),
  notes: outText(NOTES_MAX_LENGTH).nullable(),
  version: recordMeta.version,
  createdAt: recordMeta.createdAt,
  updatedAt: recordMeta.updatedAt,
};

/** Written out because Membership and Organization embed each other: their types cannot be inferred from one another. */
export type MembershipDto = z.output<z.ZodObject<typeof membershipShape>> & { id: string; organizationId: string; organization?: OrganizationDto };

export const Membership: z.ZodType<MembershipDto> = z
  .object({
    id: recordMeta.id,
    organizationId: Uuid.meta({ description: "The member organization." }),
    // By name: organizations-schemas.ts imports this module (an organization embeds its memberships).
    organization: embeddedRecord<OrganizationDto>("Organization").optional().meta({ description: "Present with `include=organization`." }),
    ...membershipShape,
  })
  .meta({
    id: "Membership",
    example: {
      id: "0193b2a6-1c22-7e53-9c4d-3f6a7b8c9d0e",
      organizationId: "0193b2a6-0b21-7e52-8c3d-2f5a6b7c8d9e",
      clusterId: "0193b2a5-0a11-7d42-8b3c-2e5f6a7b8c9d",
      role: "partner",
      joinedOn: null,
      leftOn: null,
      notes: "Partner Koordynatora Klastra w aplikacji na międzynarodowy projekt MEWA.",
      version: 1,
      createdAt: "2026-11-29T12:00:00.000Z",
      updatedAt: "2026-11-29T12:00:00.000Z",
    },
  });

export const membershipSchemas = recordSchemas({ record: Membership, create: MembershipCreate, patch: MembershipPatch }, {
  filters: {
    clusterId: Uuid.optional(),
    role: MembershipRole.optional(),
  },
  sortable: { joinedOn: { type: "date", nullable: true }, ...SORT_BY_TIME },
  sort: "joinedOn",
  include: ["cluster", "organization"],
});

export type MembershipCreateInput = z.output<typeof MembershipCreate>;
export type MembershipListQueryInput = z.output<typeof membershipSchemas.listQuery>;
