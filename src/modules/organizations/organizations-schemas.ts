import { z } from "zod";
import { OrganizationKind as OrganizationKindValues } from "../../generated/prisma/enums.ts";
import { AddressPatch, Krs, Nip, Regon, legalEntityFields, legalEntityRecordFields } from "../../lib/registry-schemas.ts";
import { SORT_BY_TIME, recordSchemas, embeddable } from "../../lib/record-schemas.ts";
import { EMBED_MAX_ITEMS, Uuid, outText, recordMeta, text } from "../../lib/schemas.ts";
import { MembershipRole } from "./organization-membership-role.ts";
import { Membership, type MembershipDto } from "./organization-memberships-schemas.ts";

export const OrganizationKind = z.enum(Object.values(OrganizationKindValues) as [OrganizationKindValues, ...OrganizationKindValues[]]).meta({
  id: "OrganizationKind",
  description: "What kind of body the organization is: business, science, government (the triple helix), ngo, media or other.",
});

/** Longest values accepted, and so returned (the columns are unbounded text). */
const NAME_MAX_LENGTH = 300;
const SHORT_NAME_MAX_LENGTH = 100;
const DESCRIPTION_MAX_LENGTH = 10_000;
const CITY_FILTER_MAX_LENGTH = 100;

const organizationFields = {
  name: text(NAME_MAX_LENGTH).meta({ example: "Wyższa Szkoła Bankowa w Gdańsku" }),
  shortName: text(SHORT_NAME_MAX_LENGTH).nullish().meta({ example: "WSB" }),
  kind: OrganizationKind,
  ...legalEntityFields,
  description: text(DESCRIPTION_MAX_LENGTH)
    .nullish()
    .meta({ example: "Współpracuje z Koordynatorem Klastra przy międzynarodowym projekcie MEWA dotyczącym procesów adaptacyjnych sektora komunikacji miejskiej." }),
};

export const OrganizationCreate = z.strictObject(organizationFields).meta({
  id: "OrganizationCreate",
  example: {
    name: "Wyższa Szkoła Bankowa w Gdańsku",
    shortName: "WSB",
    kind: "science",
    legalForm: "university",
    address: { city: "Gdańsk", country: "PL" },
    description: "Współpracuje z Koordynatorem Klastra przy międzynarodowym projekcie MEWA dotyczącym procesów adaptacyjnych sektora komunikacji miejskiej.",
  },
});

/** JSON Merge Patch: every field optional; `null` clears an optional field; `address` merges member by member. */
export const OrganizationPatch = z
  .strictObject({
    ...organizationFields,
    name: organizationFields.name.optional(),
    kind: OrganizationKind.optional(),
    address: AddressPatch,
  })
  .meta({ id: "OrganizationPatch", example: { shortName: "WSB Gdańsk", phone: "+48 58 123 45 67" } });

const organizationShape = {
  id: recordMeta.id,
  name: outText(NAME_MAX_LENGTH),
  shortName: outText(SHORT_NAME_MAX_LENGTH).nullable(),
  kind: OrganizationKind,
  ...legalEntityRecordFields,
  description: outText(DESCRIPTION_MAX_LENGTH).nullable(),
};
const { id: _id, ...recordTail } = recordMeta;

/** Written out because Organization and Membership embed each other: their types cannot be inferred from one another. */
export type OrganizationDto = z.output<z.ZodObject<typeof organizationShape & typeof recordTail>> & { memberships?: MembershipDto[] };

export const Organization: z.ZodType<OrganizationDto> = z
  .object({
    ...organizationShape,
    memberships: z
      .array(Membership)
      .max(EMBED_MAX_ITEMS)
      .optional()
      .meta({
        description:
          `The organization's cluster memberships, present with \`include=memberships\`: at most ${EMBED_MAX_ITEMS}, the first by ` +
          "`joinedOn` (unknown dates last, then by id); GET /v1/organizations/{id}/memberships pages through all.",
      }),
    ...recordTail,
  })
  .meta({
    id: "Organization",
    example: {
      id: "0193b2a6-0b21-7e52-8c3d-2f5a6b7c8d9e",
      name: "Zarząd Województwa Pomorskiego",
      shortName: "Urząd Marszałkowski w Gdańsku",
      kind: "government",
      legalForm: "public_body",
      krs: null,
      nip: null,
      regon: null,
      address: { street: null, postalCode: null, city: "Gdańsk", country: "PL" },
      website: null,
      email: null,
      phone: null,
      description: "Organizator konkursu „Strategia dla klastra” (Uchwała nr 1486/205/12 Zarządu Woj. pomorskiego z dnia 20.12.2012).",
      version: 1,
      createdAt: "2026-11-29T12:00:00.000Z",
      updatedAt: "2026-11-29T12:00:00.000Z",
    },
  });
embeddable(Organization);

export const organizationSchemas = recordSchemas({ record: Organization, create: OrganizationCreate, patch: OrganizationPatch }, {
  filters: {
    kind: OrganizationKind.optional(),
    clusterId: Uuid.optional().meta({ description: "Organizations with a membership in this cluster." }),
    role: MembershipRole.optional().meta({ description: "Organizations with a membership in this role (in `clusterId` when given, else in any cluster)." }),
    city: text(CITY_FILTER_MAX_LENGTH).optional().meta({ description: "Exact city, ignoring case." }),
    nip: Nip.optional(),
    regon: Regon.optional(),
    krs: Krs.optional(),
  },
  sortable: { name: { type: "string" }, ...SORT_BY_TIME },
  sort: "name",
  include: ["memberships"],
});

export type OrganizationCreateInput = z.output<typeof OrganizationCreate>;
export type OrganizationListQueryInput = z.output<typeof organizationSchemas.listQuery>;
