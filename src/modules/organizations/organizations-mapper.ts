import type { Organization as OrganizationRow, Prisma } from "../../generated/prisma/client.ts";
import { addressColumns, addressFromColumns } from "../../lib/address.ts";
import { searchText } from "../../lib/search-text.ts";
import type { OrganizationCreateInput, OrganizationDto } from "./organizations-schemas.ts";

export function toOrganizationRecord(row: OrganizationRow): OrganizationDto {
  return {
    id: row.id,
    name: row.name,
    shortName: row.shortName,
    kind: row.kind,
    legalForm: row.legalForm,
    krs: row.krs,
    nip: row.nip,
    regon: row.regon,
    address: addressFromColumns(row),
    website: row.website,
    email: row.email,
    phone: row.phone,
    description: row.description,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toOrganizationData(input: OrganizationCreateInput) {
  return {
    name: input.name,
    shortName: input.shortName ?? null,
    kind: input.kind,
    legalForm: input.legalForm ?? null,
    krs: input.krs ?? null,
    nip: input.nip ?? null,
    regon: input.regon ?? null,
    ...addressColumns(input.address),
    website: input.website ?? null,
    email: input.email ?? null,
    phone: input.phone ?? null,
    description: input.description ?? null,
    searchText: searchText(input.name, input.shortName, input.address?.city, input.nip, input.regon, input.krs, input.description),
  } satisfies Prisma.OrganizationUncheckedCreateInput;
}
