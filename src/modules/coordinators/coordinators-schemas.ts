import { z } from "zod";
import { DateOnly, Email, Phone, WebUrl, page, paginationQuery, recordMeta, searchQuery, sortQuery, text } from "../../lib/schemas.ts";
import { Address, AddressPatch, AddressRecord, Krs, LegalForm, Nip, Regon } from "../../lib/registry-schemas.ts";

const coordinatorFields = {
  name: text(300).meta({ example: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o." }),
  shortName: text(100).nullish().meta({ example: "ZNIK" }),
  legalForm: LegalForm.nullish(),
  krs: Krs.nullish(),
  nip: Nip.nullish(),
  regon: Regon.nullish(),
  address: Address.nullish(),
  website: WebUrl.nullish(),
  email: Email.nullish(),
  phone: Phone.nullish(),
  mandateBasis: text(500).nullish().meta({ description: "What gives the coordinator its role.", example: "Porozumienie Klastra" }),
  mandateDate: DateOnly.nullish().meta({ description: "Date of the mandate (YYYY-MM-DD).", example: "2012-06-01" }),
};

export const CoordinatorCreate = z.strictObject(coordinatorFields).meta({
  id: "CoordinatorCreate",
  example: {
    name: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o.",
    legalForm: "limited_liability_company",
    address: { city: "Gdańsk", country: "PL" },
    mandateBasis: "Porozumienie Klastra",
  },
});

/** JSON Merge Patch: every field optional; `null` clears an optional field; `address` merges member by member. */
export const CoordinatorPatch = z
  .strictObject({
    ...coordinatorFields,
    name: coordinatorFields.name.optional(),
    address: AddressPatch,
  })
  .meta({ id: "CoordinatorPatch", example: { website: "https://example.pl", phone: "+48 58 123 45 67" } });

export const Coordinator = z
  .object({
    id: recordMeta.id,
    name: z.string(),
    shortName: z.string().nullable(),
    legalForm: LegalForm.nullable(),
    krs: z.string().nullable(),
    nip: z.string().nullable(),
    regon: z.string().nullable(),
    address: AddressRecord.nullable(),
    website: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    mandateBasis: z.string().nullable(),
    mandateDate: z.string().nullable().meta({ format: "date" }),
    version: recordMeta.version,
    createdAt: recordMeta.createdAt,
    updatedAt: recordMeta.updatedAt,
  })
  .meta({
    id: "Coordinator",
    example: {
      id: "0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f",
      name: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o.",
      shortName: null,
      legalForm: "limited_liability_company",
      krs: null,
      nip: null,
      regon: null,
      address: { street: null, postalCode: null, city: "Gdańsk", country: "PL" },
      website: null,
      email: null,
      phone: null,
      mandateBasis: "Porozumienie Klastra",
      mandateDate: null,
      version: 1,
      createdAt: "2026-11-29T12:00:00.000Z",
      updatedAt: "2026-11-29T12:00:00.000Z",
    },
  });

export const COORDINATOR_SORT_FIELDS = ["name", "createdAt", "updatedAt"] as const;

export const CoordinatorListQuery = z.strictObject({
  ...paginationQuery,
  sort: sortQuery(COORDINATOR_SORT_FIELDS, "name"),
  q: searchQuery,
  nip: Nip.optional(),
  regon: Regon.optional(),
  krs: Krs.optional(),
  city: text(100).optional().meta({ description: "Exact city, ignoring case." }),
  legalForm: LegalForm.optional(),
});

export const CoordinatorPage = page(Coordinator, "CoordinatorPage");

export type CoordinatorDto = z.output<typeof Coordinator>;
export type CoordinatorCreateInput = z.output<typeof CoordinatorCreate>;
export type CoordinatorPatchInput = z.output<typeof CoordinatorPatch>;
export type CoordinatorListQueryInput = z.output<typeof CoordinatorListQuery>;
