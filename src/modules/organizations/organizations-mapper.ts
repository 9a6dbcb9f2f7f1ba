import type { Organization as OrganizationRow, Prisma } from "../../generated/prisma/client.ts";
import { legalEntityColumns, legalEntityFromColumns, orNull, pick, recordOf } from "../../lib/mapping.ts";
import { searchText } from "../../lib/search-text.ts";
import type { OrganizationCreateInput, OrganizationDto } from "./organizations-schemas.ts";

export const toOrganizationRecord = (row: OrganizationRow): OrganizationDto =>
  recordOf(row, ["name", "shortName", "kind", "description"], legalEntityFromColumns(row));

export const toOrganizationData = (input: OrganizationCreateInput) =>
  ({
    ...pick(input, "name", "kind"),
    ...orNull(input, "shortName", "description"),
    ...legalEntityColumns(input),
    searchText: searchText(input.name, input.shortName, input.address?.city, input.nip, input.regon, input.krs, input.description),
  }) satisfies Prisma.OrganizationUncheckedCreateInput;
