import type { MediaPartner as MediaPartnerRow, Prisma } from "../../generated/prisma/client.ts";
import { optionalDateFromDb, optionalDateToDb } from "../../lib/dates.ts";
import { orNull, pick, recordOf } from "../../lib/mapping.ts";
import { searchText } from "../../lib/search-text.ts";
import { domainOfWebsite, type MediaPartnerCreateInput, type MediaPartnerDto } from "./media-partners-schemas.ts";

export function toMediaPartnerRecord(row: MediaPartnerRow): MediaPartnerDto {
  const contact = row.contactName === null && row.contactEmail === null && row.contactPhone === null;
  return recordOf(row, ["coordinatorId", "name", "website", "domain", "kind", "notes"], {
    cooperation: { since: optionalDateFromDb(row.cooperationSince), until: optionalDateFromDb(row.cooperationUntil), ongoing: row.ongoing },
    contact: contact ? null : { name: row.contactName, email: row.contactEmail, phone: row.contactPhone },
  });
}

/**
 * The record as a create body would describe it, for merge patches. Values that are only defaults — a domain
 * derived from the website, `ongoing` equal to "no end date" — are left out, so they follow a patched website or
 * end date instead of contradicting it.
 */
export function toMediaPartnerInput(row: MediaPartnerRow) {
  const record = toMediaPartnerRecord(row);
  const { since, until, ongoing } = record.cooperation;
  return {
    coordinatorId: record.coordinatorId,
    name: record.name,
    website: record.website,
    ...(record.domain !== domainOfWebsite(record.website) ? { domain: record.domain } : {}),
    kind: record.kind,
    cooperation: { since, until, ...(ongoing !== (until === null) ? { ongoing } : {}) },
    contact: record.contact,
    notes: record.notes,
  };
}

export function toMediaPartnerData(input: MediaPartnerCreateInput) {
  const domain = input.domain ?? domainOfWebsite(input.website);
  const until = input.cooperation?.until ?? null;
  return {
    ...pick(input, "name", "kind"),
    ...orNull(input, "coordinatorId", "website", "notes"),
    domain,
    cooperationSince: optionalDateToDb(input.cooperation?.since),
    cooperationUntil: optionalDateToDb(until),
    ongoing: input.cooperation?.ongoing ?? until === null,
    contactName: input.contact?.name ?? null,
    contactEmail: input.contact?.email ?? null,
    contactPhone: input.contact?.phone ?? null,
    searchText: searchText(input.name, domain, input.notes, input.contact?.name),
  } satisfies Prisma.MediaPartnerUncheckedCreateInput;
}
