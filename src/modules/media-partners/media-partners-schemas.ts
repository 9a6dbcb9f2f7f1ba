import { domainToASCII } from "node:url";
import { z } from "zod";
import { MediaKind as MediaKindValues } from "../../generated/prisma/enums.ts";
import { SORT_BY_TIME, recordSchemas } from "../../lib/record-schemas.ts";
import { DateOnly, EMBED_MAX_ITEMS, Email, Phone, Uuid, WebUrl, outText, recordMeta, text } from "../../lib/schemas.ts";
import { Coordinator } from "../coordinators/coordinators-schemas.ts";
import { MediaPublication } from "./media-partners-publications-schemas.ts";

export const MediaKind = z.enum(Object.values(MediaKindValues) as [MediaKindValues, ...MediaKindValues[]]).meta({
  id: "MediaKind",
  description: "Kind of outlet: portal (internet portal), press, radio, tv, other.",
});

/**
 * The canonical form of a host name: lower case, ASCII (punycode for non-ASCII names), no trailing dot and no
 * leading "www.", so https://www.gospodarkamorska.pl and gospodarkamorska.pl name the same outlet.
 */
export function canonicalDomain(value: string): string {
  const name = value.trim().toLowerCase().replace(/\.$/, "");
  // domainToASCII would cut "example.pl/path" down to "example.pl"; only letters, digits, hyphens and dots are a name.
  if (!/^[\p{L}\p{N}.-]+$/u.test(name)) return "";
  return domainToASCII(name).replace(/^www\./, "");
}

/** The domain a website lives on; null when there is no website. */
export const domainOfWebsite = (website: string | null | undefined): string | null =>
  website == null ? null : canonicalDomain(new URL(website).hostname);

/** A host name has at most 253 characters (RFC 1035); z.regexes.domain checks that of the canonical form too. */
export const DOMAIN_MAX_LENGTH = 253;

/** z.regexes.domain (the check below) as the document states it: without its length lookahead, which maxLength says. */
const DOMAIN_PATTERN = z.regexes.domain.source.replace(`(?=.{1,${DOMAIN_MAX_LENGTH}}$)`, "");

export const Domain = z
  .string()
  .max(DOMAIN_MAX_LENGTH, "must be a domain name such as gospodarkamorska.pl")
  .transform(canonicalDomain)
  .refine((value) => z.regexes.domain.test(value), "must be a domain name such as gospodarkamorska.pl")
  .meta({ description: "Host name, stored in lower case without `www.`; unique.", pattern: DOMAIN_PATTERN, example: "gospodarkamorska.pl" });

const Cooperation = z
  .strictObject({
    since: DateOnly.nullish().meta({ description: "First day of the cooperation (YYYY-MM-DD)." }),
    until: DateOnly.nullish().meta({ description: "Last day of the cooperation; empty while it is ongoing." }),
    ongoing: z
      .boolean({ error: "must be true or false" })
      .nullish()
      .meta({ description: "Whether the partner works with the coordinator on a standing basis (na stałe). Defaults to true exactly when `until` is empty." }),
  })
  .superRefine((cooperation, ctx) => {
    if (cooperation.until == null) return;
    if (cooperation.ongoing === true) {
      ctx.addIssue({ code: "custom", path: ["until"], message: "must be empty while the cooperation is ongoing; set ongoing to false to record an end date" });
    } else if (cooperation.since != null && cooperation.until < cooperation.since) {
      ctx.addIssue({ code: "custom", path: ["until"], message: "must not be before since" });
    }
  })
  .meta({
    description: "When the partner works with the coordinator.",
    // The rules above: an end date only when not ongoing (JSON Schema), and not before `since` (the document's keyword).
    if: { required: ["until"], properties: { until: { not: { type: "null" } } } },
    then: { properties: { ongoing: { not: { const: true } } } },
    "x-not-after": { since: "until" },
  });

const NAME_MAX = 300;
const CONTACT_NAME_MAX = 200;
const NOTES_MAX = 10_000;
/** Email and WebUrl (src/lib/schemas.ts) allow at most this many characters. */
const EMAIL_MAX = 254;
const URL_MAX = 2048;
/** Phone's pattern `^\+?[0-9][0-9 ()-]{4,23}[0-9()-]$` allows 26 characters with the leading `+`. */
const PHONE_MAX = 26;

const Contact = z
  .strictObject({
    name: text(CONTACT_NAME_MAX).nullish().meta({ description: "Contact person or desk." }),
    email: Email.nullish(),
    phone: Phone.nullish(),
  })
  .meta({ description: "Who to contact at the outlet; returned as null when empty." });

const mediaPartnerFields = {
  coordinatorId: Uuid.nullish().meta({ description: "The coordinator that works with this partner; must exist (422 otherwise)." }),
  name: text(NAME_MAX).meta({ description: "The outlet's name, as it is written.", example: "gospodarkamorska.pl" }),
  website: WebUrl.nullish().meta({ example: "https://gospodarkamorska.pl" }),
  domain: Domain.nullish().meta({
    description: "Host name in lower case without `www.`; derived from `website` when omitted. Unique (409).",
    example: "gospodarkamorska.pl",
  }),
  kind: MediaKind,
  cooperation: Cooperation.nullish(),
  contact: Contact.nullish(),
  notes: text(NOTES_MAX).nullish().meta({ example: "Promocja w mediach: Koordynator Klastra na stałe współpracuje z portalem." }),
};

export const MediaPartnerCreate = z.strictObject(mediaPartnerFields).meta({
  id: "MediaPartnerCreate",
  example: {
    name: "gospodarkamorska.pl",
    website: "https://gospodarkamorska.pl",
    kind: "portal",
    cooperation: { ongoing: true },
    notes: "Promocja w mediach: Koordynator Klastra na stałe współpracuje z portalem.",
  },
});

/** JSON Merge Patch: every field optional; `null` clears an optional field; `cooperation` and `contact` merge member by member. */
export const MediaPartnerPatch = z
  .strictObject({ ...mediaPartnerFields, name: mediaPartnerFields.name.optional(), kind: MediaKind.optional() })
  .meta({
    id: "MediaPartnerPatch",
    description:
      "A domain derived from the website follows a changed website; `domain: null` derives it again. `ongoing` left at its default " +
      "follows `until`: setting an end date ends the cooperation, clearing it makes the cooperation ongoing again.",
    example: { notes: "Koordynator Klastra na stałe współpracuje z portalem; promocja w mediach." },
  });

export const MediaPartner = z
  .object({
    id: recordMeta.id,
    coordinatorId: Uuid.nullable(),
    name: outText(NAME_MAX),
    website: outText(URL_MAX).nullable(),
    domain: outText(DOMAIN_MAX_LENGTH).nullable(),
    kind: MediaKind,
    cooperation: z.object({
      since: DateOnly.nullable(),
      until: DateOnly.nullable(),
      ongoing: z.boolean(),
    }),
    contact: z
      .object({ name: outText(CONTACT_NAME_MAX).nullable(), email: outText(EMAIL_MAX).nullable(), phone: outText(PHONE_MAX).nullable() })
      .nullable(),
    notes: outText(NOTES_MAX).nullable(),
    coordinator: Coordinator.nullable()
      .optional()
      .meta({ description: "Present with `include=coordinator` (null when the partner has no coordinator)." }),
    // Lazy: media-partners-publications-schemas.ts is part of an import cycle (it embeds an activity, which embeds
    // media partners), so MediaPublication may not exist yet when this module loads.
    publications: z
      .array(z.lazy(() => MediaPublication))
      .max(EMBED_MAX_ITEMS)
      .optional()
      .meta({
        description:
          `Present with \`include=publications\`: at most ${EMBED_MAX_ITEMS}, the first by publishedOn (undated last), then id; ` +
          "GET /v1/media-partners/{mediaPartnerId}/publications pages through all.",
      }),
    version: recordMeta.version,
    createdAt: recordMeta.createdAt,
    updatedAt: recordMeta.updatedAt,
  })
  .meta({
    id: "MediaPartner",
    example: {
      id: "0193b2a6-0b12-7d43-8c3d-2e5f6a7b8c9e",
      coordinatorId: "0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f",
      name: "wiadomości 24.pl",
      website: "https://wiadomosci24.pl",
      domain: "wiadomosci24.pl",
      kind: "portal",
      cooperation: { since: null, until: null, ongoing: true },
      contact: null,
      notes: "Promocja w mediach: Koordynator Klastra na stałe współpracuje z portalem.",
      version: 1,
      createdAt: "2026-11-29T12:00:00.000Z",
      updatedAt: "2026-11-29T12:00:00.000Z",
    },
  });

export const mediaPartnerSchemas = recordSchemas({ record: MediaPartner, create: MediaPartnerCreate, patch: MediaPartnerPatch }, {
  filters: {
    kind: MediaKind.optional(),
    ongoing: z
      .enum(["true", "false"], { error: "must be true or false" })
      .transform((value) => value === "true")
      .optional()
      .meta({ description: "true: partners the coordinator works with now; false: past ones." }),
    coordinatorId: Uuid.optional(),
    domain: Domain.optional().meta({ description: "Exact domain; `www.` and case are ignored." }),
  },
  sortable: { name: { type: "string" }, ...SORT_BY_TIME },
  sort: "name",
  include: ["publications", "coordinator"],
});

export type MediaPartnerDto = z.output<typeof MediaPartner>;
export type MediaPartnerCreateInput = z.output<typeof MediaPartnerCreate>;
export type MediaPartnerListQueryInput = z.output<typeof mediaPartnerSchemas.listQuery>;
