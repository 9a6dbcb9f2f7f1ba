import type { ClusterMembership as MembershipRow, Prisma } from "../../generated/prisma/client.ts";
import { optionalDateFromDb, optionalDateToDb } from "../../lib/dates.ts";
import { searchText } from "../../lib/search-text.ts";
import type { MembershipCreateInput, MembershipDto } from "./organization-memberships-schemas.ts";

/** The order memberships are embedded in (`include=memberships` on organizations): the default sort of the list. */
export const MEMBERSHIP_ORDER = [{ joinedOn: { sort: "asc", nulls: "last" } }, { id: "asc" }] satisfies Prisma.ClusterMembershipOrderByWithRelationInput[];

export function toMembershipRecord(row: MembershipRow): MembershipDto {
  return {
    id: row.id,
    organizationId: row.organizationId,
    clusterId: row.clusterId,
    role: row.role,
    joinedOn: optionalDateFromDb(row.joinedOn),
    leftOn: optionalDateFromDb(row.leftOn),
    notes: row.notes,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toMembershipData(input: MembershipCreateInput) {
  return {
    clusterId: input.clusterId,
    role: input.role,
    joinedOn: optionalDateToDb(input.joinedOn),
    leftOn: optionalDateToDb(input.leftOn),
    notes: input.notes ?? null,
    searchText: searchText(input.notes, input.role),
  } satisfies Omit<Prisma.ClusterMembershipUncheckedCreateInput, "organizationId">;
}
