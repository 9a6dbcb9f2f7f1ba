import { z } from "zod";
import { LegalForm as LegalFormValues } from "../generated/prisma/enums.ts";
import { isValidKrs, isValidNip, isValidRegon, normalizeRegistryId } from "./polish-registry-ids.ts";
import { Email, Phone, WebUrl, outText, text } from "./schemas.ts";

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

/**
 * A registry id as sent: digits with optional spaces and hyphens (and "PL" before a NIP), at most this many
 * characters in all. A longer value is refused with the id's own message, before it is normalized.
 */
export const REGISTRY_ID_INPUT_MAX_LENGTH = 20;

/**
 * `n` digits with at most one space or hyphen between two (which normalizeRegistryId removes), as a pattern: the
 * forms ids are written in ("584-025-37-40"). The server takes any number of them, within the 20 characters.
 */
const digitsPattern = (n: number) => `(?:[0-9][ -]?){${n - 1}}[0-9]`;

/**
 * The document states the form as a pattern (digits, spaces and hyphens; "PL" before a NIP) and names the check digit
 * as the id's `format` (`nip`, `regon`), which JSON Schema cannot compute; the refine is what the server checks.
 */
const registryId = (name: string, valid: (value: string) => boolean, rule: string, example: string, pattern: string, format?: string) => {
  const message = `must be a valid ${name} (${rule})`;
  return z
    .string()
    .max(REGISTRY_ID_INPUT_MAX_LENGTH, message)
    .transform(normalizeRegistryId)
    .refine(valid, message)
    .meta({
      description: `${name}: ${rule}; spaces and hyphens are accepted and removed (at most ${REGISTRY_ID_INPUT_MAX_LENGTH} characters as sent).`,
      pattern: `^${pattern}$`,
      ...(format ? { format } : {}),
      example,
    });
};

export const Nip = registryId("NIP", isValidNip, "10 digits with a correct check digit", "1234563218", `(?:PL ?)?${digitsPattern(10)}`, "nip");
export const Regon = registryId("REGON", isValidRegon, "9 or 14 digits with a correct check digit", "123456785", `${digitsPattern(9)}(?:[ -]?${digitsPattern(5)})?`, "regon");
export const Krs = registryId("KRS", isValidKrs, "10 digits", "0000434123", digitsPattern(10));

/** Registry ids as records return them: digits only, as validated (NIP and KRS 10, REGON 9 or 14). */
export const NipRecord = outText(10).meta({ description: "NIP: 10 digits." });
export const RegonRecord = outText(14).meta({ description: "REGON: 9 or 14 digits." });
export const KrsRecord = outText(10).meta({ description: "KRS: 10 digits." });

/**
 * Contact details as records return them, bounded by what WebUrl (2048), Email (254) and Phone accept (its pattern
 * `^\+?[0-9][0-9 ()-]{4,23}[0-9()-]$` lets through up to 26 characters).
 */
export const WebsiteRecord = outText(2048);
export const EmailRecord = outText(254);
export const PhoneRecord = outText(26);

const STREET_MAX_LENGTH = 200;
const CITY_MAX_LENGTH = 100;

/** Longest postal code accepted outside Poland (Polish ones are NN-NNN). */
export const POSTAL_CODE_MAX_LENGTH = 20;

const postalCode = z.string().trim().max(POSTAL_CODE_MAX_LENGTH, `must be at most ${POSTAL_CODE_MAX_LENGTH} characters`);

/** ISO 3166-1 alpha-2, upper-cased: the pattern fixes the length at 2. */
const COUNTRY_CODE_LENGTH = 2;
const countryMessage = "must be an ISO 3166-1 alpha-2 country code such as PL";

export const Address = z
  .strictObject({
    street: text(STREET_MAX_LENGTH).nullish().meta({ description: "Street and number.", example: "al. Grunwaldzka 472" }),
    postalCode: postalCode
      .nullish()
      .meta({ description: `NN-NNN for Polish addresses; at most ${POSTAL_CODE_MAX_LENGTH} characters elsewhere.`, example: "80-309" }),
    city: text(CITY_MAX_LENGTH).meta({ example: "Gdańsk" }),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, countryMessage)
      .meta({ maxLength: COUNTRY_CODE_LENGTH })
      .default("PL")
      .meta({ description: "ISO 3166-1 alpha-2; PL when omitted." }),
  })
  .superRefine((address, ctx) => {
    // A postal code already refused for its length is not reported twice.
    const postal = address.postalCode;
    if (address.country === "PL" && postal != null && postal.length <= POSTAL_CODE_MAX_LENGTH && !/^\d{2}-\d{3}$/.test(postal)) {
      ctx.addIssue({ code: "custom", path: ["postalCode"], message: "must be a Polish postal code NN-NNN, e.g. 80-309" });
    }
  })
  .meta({
    id: "Address",
    // The rule above in JSON Schema: a country other than PL, or a Polish postal code (a missing country is PL).
    anyOf: [{ required: ["country"], properties: { country: { not: { const: "PL" } } } }, { properties: { postalCode: { pattern: "^[0-9]{2}-[0-9]{3}$" } } }],
  });

/**
 * The address in a JSON Merge Patch: every member optional and nullable, merged into the current address;
 * the merged result is then validated with `Address`.
 */
export const AddressPatch = z
  .strictObject({
    street: text(STREET_MAX_LENGTH).nullish(),
    postalCode: postalCode.nullish(),
    city: text(CITY_MAX_LENGTH).nullish(),
    // Checked in full (the pattern) on the merged address; the length already here, with the same message.
    country: z.string().trim().max(COUNTRY_CODE_LENGTH, countryMessage).nullish(),
  })
  .meta({ id: "AddressPatch" })
  .nullish();

/** The address as records return it: every member present, `null` when unknown. */
export const AddressRecord = z.object({
  street: outText(STREET_MAX_LENGTH).nullable(),
  postalCode: outText(POSTAL_CODE_MAX_LENGTH).nullable(),
  city: outText(CITY_MAX_LENGTH),
  country: outText(COUNTRY_CODE_LENGTH),
}).meta({ id: "AddressRecord" });

/** What a legal entity's input holds besides its names, in the order its record lists it. */
export const legalEntityFields = {
  legalForm: LegalForm.nullish(),
  krs: Krs.nullish(),
  nip: Nip.nullish(),
  regon: Regon.nullish(),
  address: Address.nullish(),
  website: WebUrl.nullish(),
  email: Email.nullish(),
  phone: Phone.nullish(),
};

/** The same fields as the record returns them. */
export const legalEntityRecordFields = {
  legalForm: LegalForm.nullable(),
  krs: KrsRecord.nullable(),
  nip: NipRecord.nullable(),
  regon: RegonRecord.nullable(),
  address: AddressRecord.nullable(),
  website: WebsiteRecord.nullable(),
  email: EmailRecord.nullable(),
  phone: PhoneRecord.nullable(),
};
