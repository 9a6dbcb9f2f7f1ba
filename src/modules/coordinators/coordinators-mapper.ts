import type { Coordinator as CoordinatorRow, Prisma } from "../../generated/prisma/client.ts";
import { addressColumns, addressFromColumns } from "../../lib/address.ts";
import { optionalDateFromDb, optionalDateToDb } from "../../lib/dates.ts";
import { searchText } from "../../lib/search-text.ts";
import type { CoordinatorCreateInput, CoordinatorDto } from "./coordinators-schemas.ts";

export function toCoordinatorRecord(row: CoordinatorRow): CoordinatorDto {
  return {
    id: row.id,
    name: row.name,
    shortName: row.shortName,
    legalForm: row.legalForm,
    krs: row.krs,
    nip: row.nip,
    regon: row.regon,
    address: addressFromColumns(row),
    website: row.website,
    email: row.email,
    phone: row.phone,
    mandateBasis: row.mandateBasis,
    mandateDate: optionalDateFromDb(row.mandateDate),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toCoordinatorData(input: CoordinatorCreateInput) {
  return {
    name: input.name,
    shortName: input.shortName ?? null,
    legalForm: input.legalForm ?? null,
    krs: input.krs ?? null,
    nip: input.nip ?? null,
    regon: input.regon ?? null,
    ...addressColumns(input.address),
    website: input.website ?? null,
    email: input.email ?? null,
    phone: input.phone ?? null,
    mandateBasis: input.mandateBasis ?? null,
    mandateDate: optionalDateToDb(input.mandateDate),
    searchText: searchText(input.name, input.shortName, input.address?.city, input.nip, input.krs, input.regon),
  } satisfies Prisma.CoordinatorUncheckedCreateInput;
}
