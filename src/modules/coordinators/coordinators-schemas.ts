import { z } from "zod";
import { DateOnly, Email, Phone, WebUrl, page, paginationQuery, recordMeta, searchQuery, sortQuery, text } from "../../lib/schemas.ts";
import { isValidKrs, isValidNip, isValidRegon, normalizeRegistryId } from "../../lib/polish-registry-ids.ts";
import { LegalForm as LegalFormValues } from "../../generated/prisma/enums.ts";

export const LegalForm = z.enum(Object.values(LegalFormValues) as [LegalFormValues, ...LegalFormValues[]]).meta({
  id: "LegalForm",
  description:
    "Legal form: limited_liability_company (sp. z o.o.), joint_stock_company (S.A.), simple_joint_stock_company (P.S.A.), " +
    "general_partnership (sp.j.), limited_partnership (sp.k.), limited_joint_stock_partnership (S.K.A.), " +
    "professional_partnership (sp.p.), sole_proprietorship, foundation, association, employers_organization, cooperative, " +
    "university, public_body, other.",
});

const registryId = (name: string, valid: (value: string) => boolean, rule: string, example: string) =>
  z
    .string()
    .transform(normalizeRegistryId)
    .refine(valid, `must be a valid ${name} (${rule})`)
    .meta({ description: `${name}; spaces and hyphens are accepted and removed.`, example });

export const Nip = registryId("NIP", isValidNip, "10 digits with a correct check digit", "5842859325");
export const Regon = registryId("REGON", isValidRegon, "9 or 14 digits with a correct check digit", "221890450");
export const Krs = registryId("KRS", isValidKrs, "10 digits", "0000434123");

export const Address = z
  .strictObject({
    street: text(200).nullish().meta({ description: "Street and number.", example: "al. Grunwaldzka 472" }),
    postalCode: z.string().trim().nullish().meta({ description: "NN-NNN for Polish addresses.", example: "80-309" }),
    city: text(100).meta({ example: "Gdańsk" }),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 country code such as PL")
      .default("PL")
      .meta({ description: "ISO 3166-1 alpha-2; PL when omitted." }),
  })
  .superRefine((address, ctx) => {
    if (address.country === "PL" && address.postalCode != null && !/^\d{2}-\d{3}$/.test(address.postalCode)) {
      ctx.addIssue({ code: "custom", path: ["postalCode"], message: "must be a Polish postal code NN-NNN, e.g. 80-309" });
    }
  })
  .meta({ id: "Address" });

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
    address: z
      .strictObject({
        street: text(200).nullish(),
        postalCode: z.string().trim().nullish(),
        city: text(100).nullish(),
        country: z.string().trim().nullish(),
      })
      .nullish(),
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
    address: z
      .object({ street: z.string().nullable(), postalCode: z.string().nullable(), city: z.string(), country: z.string() })
      .nullable(),
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
