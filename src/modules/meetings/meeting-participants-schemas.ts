import { z } from "zod";
import { recordSchemas } from "../../lib/record-schemas.ts";
import { Uuid, outText, recordMeta, text } from "../../lib/schemas.ts";
import { Helix as HelixValues } from "../../generated/prisma/enums.ts";
import { Organization } from "../organizations/organizations-schemas.ts";

export const Helix = z.enum(Object.values(HelixValues) as [HelixValues, ...HelixValues[]]).meta({
  id: "Helix",
  description: "Which side of the triple helix a participant represents: business, science, government, other.",
});

const participantFields = {
  organizationId: Uuid.nullish().meta({ description: "The organization the participant represents (or is)." }),
  personName: text(200).nullish().meta({ description: "The person, when known by name.", example: "Jan Kowalski" }),
  role: text(200).nullish().meta({ description: "Role at the meeting, in the meeting's words.", example: "moderator" }),
  helix: Helix.nullish(),
  notes: text(2000).nullish().meta({ example: "W warsztacie symulacyjnym w roli przedstawiciela samorządu." }),
};

/** A participant is an organization, a person, or a person from an organization: never neither. */
function checkWho(participant: { organizationId?: string | null; personName?: string | null }, ctx: z.RefinementCtx) {
  if (participant.organizationId == null && participant.personName == null) {
    for (const field of ["organizationId", "personName"]) {
      ctx.addIssue({ code: "custom", path: [field], message: "give organizationId, personName or both" });
    }
  }
}

export const MeetingParticipantCreate = z
  .strictObject(participantFields)
  .superRefine(checkWho)
  .meta({
    id: "MeetingParticipantCreate",
    // checkWho in JSON Schema.
    anyOf: ["organizationId", "personName"].map((field) => ({ required: [field], properties: { [field]: { not: { type: "null" } } } })),
    example: { organizationId: "0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f", role: "organizator", helix: "business" },
  });

/** JSON Merge Patch; the result must still name an organization or a person. */
export const MeetingParticipantPatch = z
  .strictObject(participantFields)
  .meta({ id: "MeetingParticipantPatch", example: { role: "moderator" } });

export const MeetingParticipant = z
  .object({
    id: recordMeta.id,
    meetingId: Uuid,
    organizationId: Uuid.nullable(),
    organization: Organization.nullable()
      .optional()
      .meta({ description: "Present with `include=organization` (null when the participant names no organization)." }),
    // The input bounds of participantFields.
    personName: outText(200).nullable(),
    role: outText(200).nullable(),
    helix: Helix.nullable(),
    notes: outText(2000).nullable(),
    version: recordMeta.version,
    createdAt: recordMeta.createdAt,
    updatedAt: recordMeta.updatedAt,
  })
  .meta({
    id: "MeetingParticipant",
    example: {
      id: "0193b2a6-2d33-7f64-8d5e-4a7b8c9d0e1f",
      meetingId: "0193b2a6-1c22-7e53-9c4d-3f6a7b8c9d0e",
      organizationId: "0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f",
      personName: null,
      role: "organizator",
      helix: "business",
      notes: null,
      version: 1,
      createdAt: "2026-11-29T12:00:00.000Z",
      updatedAt: "2026-11-29T12:00:00.000Z",
    },
  });

export const meetingParticipantSchemas = recordSchemas({ record: MeetingParticipant, create: MeetingParticipantCreate, patch: MeetingParticipantPatch }, {
  filters: {
    helix: Helix.optional(),
    organizationId: Uuid.optional(),
  },
  sortable: { createdAt: { type: "datetime" }, personName: { type: "string", nullable: true }, updatedAt: { type: "datetime" } },
  sort: "createdAt",
  include: ["organization"],
});

export type MeetingParticipantDto = z.output<typeof MeetingParticipant>;
export type MeetingParticipantCreateInput = z.output<typeof MeetingParticipantCreate>;
export type MeetingParticipantListQueryInput = z.output<typeof meetingParticipantSchemas.listQuery>;
