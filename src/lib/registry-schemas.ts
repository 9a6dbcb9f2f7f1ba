import { z } from "zod";
import { LegalForm as LegalFormValues } from "../generated/prisma/enums.ts";
import { isValidKrs, isValidNip, isValidRegon, normalizeRegistryId } from "./polish-registry-ids.ts";
import { text } from "./schemas.ts";

/**
 * Shapes shared by every record that describes a Polish legal entity (coordinators, organizations):
 * legal form, registry ids with their check digits, and a postal address.
 */

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

export const Nip = registryId("NIP", isValidNip, "10 digits with a correct check digit", "1234563218");
export const Regon = registryId("REGON", isValidRegon, "9 or 14 digits with a correct check digit", "123456785");
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

/**
 * The address in a JSON Merge Patch: every member optional and nullable, merged into the current address;
 * the merged result is then validated with `Address`.
 */
export const AddressPatch = z
  .strictObject({
    street: text(200).nullish(),
    postalCode: z.string().trim().nullish(),
    city: text(100).nullish(),
    country: z.string().trim().nullish(),
  })
  .nullish();

/** The address as records return it: every member present, `null` when unknown. */
export const AddressRecord = z.object({ street: z.string().nullable(), postalCode: z.string().nullable(), city: z.string(), country: z.string() });
