import type { Coordinator as CoordinatorRow, Prisma } from "../../generated/prisma/client.ts";
import { optionalDateFromDb, optionalDateToDb } from "../../lib/dates.ts";
import { legalEntityColumns, legalEntityFromColumns, orNull, recordOf } from "../../lib/mapping.ts";
import { searchText } from "../../lib/search-text.ts";
import type { CoordinatorCreateInput, CoordinatorDto } from "./coordinators-schemas.ts";

export const toCoordinatorRecord = (row: CoordinatorRow): CoordinatorDto =>
  recordOf(row, ["name", "shortName", "mandateBasis"], legalEntityFromColumns(row), {
    mandateDate: optionalDateFromDb(row.mandateDate),
  });

export const toCoordinatorData = (input: CoordinatorCreateInput) =>
  ({
    name: input.name,
    ...orNull(input, "shortName", "mandateBasis"),
    ...legalEntityColumns(input),
    mandateDate: optionalDateToDb(input.mandateDate),
    searchText: searchText(input.name, input.shortName, input.address?.city, input.nip, input.krs, input.regon),
  }) satisfies Prisma.CoordinatorUncheckedCreateInput;
