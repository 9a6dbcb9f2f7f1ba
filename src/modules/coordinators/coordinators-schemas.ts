import { z } from "zod";
import { SORT_BY_TIME, recordSchemas } from "../../lib/record-schemas.ts";
import { DateOnly, outText, recordMeta, text } from "../../lib/schemas.ts";
import { AddressPatch, Krs, LegalForm, Nip, Regon, legalEntityFields, legalEntityRecordFields } from "../../lib/registry-schemas.ts";

/** Longest values accepted, and so returned (the columns are unbounded text). */
const NAME_MAX_LENGTH = 300;
const SHORT_NAME_MAX_LENGTH = 100;
const MANDATE_BASIS_MAX_LENGTH = 500;
const CITY_FILTER_MAX_LENGTH = 100;

const coordinatorFields = {
  name: text(NAME_MAX_LENGTH).meta({ example: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o." }),
  shortName: text(SHORT_NAME_MAX_LENGTH).nullish().meta({ example: "ZNIK" }),
  ...legalEntityFields,
  mandateBasis: text(MANDATE_BASIS_MAX_LENGTH).nullish().meta({ description: "What gives the coordinator its role.", example: "Porozumienie Klastra" }),
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
    name: outText(NAME_MAX_LENGTH),
    shortName: outText(SHORT_NAME_MAX_LENGTH).nullable(),
    ...legalEntityRecordFields,
    mandateBasis: outText(MANDATE_BASIS_MAX_LENGTH).nullable(),
    mandateDate: outText(10).nullable().meta({ format: "date" }),
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

export const coordinatorSchemas = recordSchemas({ record: Coordinator, create: CoordinatorCreate, patch: CoordinatorPatch }, {
  filters: {
    nip: Nip.optional(),
    regon: Regon.optional(),
    krs: Krs.optional(),
    city: text(CITY_FILTER_MAX_LENGTH).optional().meta({ description: "Exact city, ignoring case." }),
    legalForm: LegalForm.optional(),
  },
  sortable: { name: { type: "string" }, ...SORT_BY_TIME },
  sort: "name",
});

export type CoordinatorDto = z.output<typeof Coordinator>;
export type CoordinatorCreateInput = z.output<typeof CoordinatorCreate>;
export type CoordinatorListQueryInput = z.output<typeof coordinatorSchemas.listQuery>;
