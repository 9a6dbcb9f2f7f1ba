import type { Cluster as ClusterRow, Prisma } from "../../generated/prisma/client.ts";
import { optionalDateFromDb, optionalDateToDb } from "../../lib/dates.ts";
import { orNull, pick, recordOf } from "../../lib/mapping.ts";
import { searchText } from "../../lib/search-text.ts";
import type { ClusterCreateInput, ClusterDto } from "./clusters-schemas.ts";

export const toClusterRecord = (row: ClusterRow): ClusterDto =>
  recordOf(row, ["name", "shortName", "sectors", "description", "coordinatorId"], {
    foundingAgreementDate: optionalDateFromDb(row.foundingAgreementDate),
  });

export const toClusterData = (input: ClusterCreateInput) =>
  ({
    ...pick(input, "name", "sectors", "coordinatorId"),
    ...orNull(input, "shortName", "description"),
    foundingAgreementDate: optionalDateToDb(input.foundingAgreementDate),
    searchText: searchText(input.name, input.shortName, input.sectors, input.description),
  }) satisfies Prisma.ClusterUncheckedCreateInput;
