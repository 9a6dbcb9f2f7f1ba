import type { ClusterMembership as MembershipRow, Prisma } from "../../generated/prisma/client.ts";
import { optionalDateFromDb, optionalDateToDb } from "../../lib/dates.ts";
import { pick, recordOf } from "../../lib/mapping.ts";
import { searchText } from "../../lib/search-text.ts";
import type { MembershipCreateInput, MembershipDto } from "./organization-memberships-schemas.ts";

/** The order memberships are embedded in (`include=memberships` on organizations): the default sort of the list. */
export const MEMBERSHIP_ORDER = [{ joinedOn: { sort: "asc", nulls: "last" } }, { id: "asc" }] satisfies Prisma.ClusterMembershipOrderByWithRelationInput[];

export const toMembershipRecord = (row: MembershipRow): MembershipDto =>
  recordOf(row, ["organizationId", "clusterId", "role", "notes"], {
    joinedOn: optionalDateFromDb(row.joinedOn),
    leftOn: optionalDateFromDb(row.leftOn),
  });

export const toMembershipData = (input: MembershipCreateInput) =>
  ({
    ...pick(input, "clusterId", "role"),
    notes: input.notes ?? null,
    joinedOn: optionalDateToDb(input.joinedOn),
    leftOn: optionalDateToDb(input.leftOn),
    searchText: searchText(input.notes, input.role),
  }) satisfies Omit<Prisma.ClusterMembershipUncheckedCreateInput, "organizationId">;
