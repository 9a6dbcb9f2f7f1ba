import type { Cluster as ClusterRow, Prisma } from "../../generated/prisma/client.ts";
import { optionalDateFromDb, optionalDateToDb } from "../../lib/dates.ts";
import { searchText } from "../../lib/search-text.ts";
import type { ClusterCreateInput, ClusterDto } from "./clusters-schemas.ts";

export function toClusterRecord(row: ClusterRow): ClusterDto {
  return {
    id: row.id,
    name: row.name,
    shortName: row.shortName,
    sectors: row.sectors,
    description: row.description,
    foundingAgreementDate: optionalDateFromDb(row.foundingAgreementDate),
    coordinatorId: row.coordinatorId,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toClusterData(input: ClusterCreateInput) {
  return {
    name: input.name,
    shortName: input.shortName ?? null,
    sectors: input.sectors,
    description: input.description ?? null,
    foundingAgreementDate: optionalDateToDb(input.foundingAgreementDate),
    coordinatorId: input.coordinatorId,
    searchText: searchText(input.name, input.shortName, input.sectors, input.description),
  } satisfies Prisma.ClusterUncheckedCreateInput;
}
