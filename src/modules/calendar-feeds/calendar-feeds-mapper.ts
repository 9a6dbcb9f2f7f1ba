import type { CalendarFeed as CalendarFeedRow, Prisma } from "../../generated/prisma/client.ts";
import { recordOf } from "../../lib/mapping.ts";
import { searchText } from "../../lib/search-text.ts";
import type { CalendarFeedCreateInput, CalendarFeedDto } from "./calendar-feeds-schemas.ts";

/** The record: the feed's settings; never its token or the token's hash. */
export const toCalendarFeedRecord = (row: CalendarFeedRow): CalendarFeedDto =>
  recordOf(row, ["name", "clusterId", "coordinatorId"]);

export const toCalendarFeedData = (input: CalendarFeedCreateInput) =>
  ({
    name: input.name,
    clusterId: input.clusterId ?? null,
    coordinatorId: input.coordinatorId ?? null,
    searchText: searchText(input.name),
  }) satisfies Omit<Prisma.CalendarFeedUncheckedCreateInput, "tokenHash">;
