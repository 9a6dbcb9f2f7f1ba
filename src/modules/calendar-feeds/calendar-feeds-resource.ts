import { META_COLUMNS, columnsOf } from "../../lib/exports/columns.ts";
import { equalTo } from "../../lib/filters.ts";
import { defineResource } from "../../lib/resource.ts";
import { toCalendarFeedData, toCalendarFeedRecord } from "./calendar-feeds-mapper.ts";
import { calendarFeedSchemas } from "./calendar-feeds-schemas.ts";
import { newFeedToken } from "./calendar-feeds-token.ts";

/** Calendar links for calendar apps that cannot send an API key: each an editor's record, with a token of its own. */
export const calendarFeeds = defineResource(calendarFeedSchemas, {
  path: "calendar-feeds",
  names: { tag: "Calendar feeds", many: "CalendarFeeds", noun: "calendar feed" },
  operationIds: [
    "listCalendarFeeds",
    "createCalendarFeed",
    "getCalendarFeed",
    "updateCalendarFeed",
    "deleteCalendarFeed",
    "getCalendarFeedHistory",
  ],

  // Whoever reads the list could not see a token, but a feed is an editor's tool: reading them needs editor too.
  minRole: "editor",
  model: (db) => db.calendarFeed,
  where: (query) => equalTo(query, ["clusterId", "coordinatorId"]),
  toRecord: toCalendarFeedRecord,
  toData: toCalendarFeedData,
  secret: newFeedToken,
  // The token is never exported: it exists only in the create's answer.
  export: { columns: [...columnsOf("text", "id", "name", "clusterId", "coordinatorId"), ...META_COLUMNS] },
  refersTo: [
    { field: "clusterId", resource: "clusters" },
    { field: "coordinatorId", resource: "coordinators" },
  ],

  descriptions: {
    list: "Filters: `q` (name), `clusterId`, `coordinatorId`. Sort: `name` (default), `createdAt`, `updatedAt`. Tokens are never listed.",
    create:
      "Creates a read-only calendar link for calendar apps, which cannot send an API key: the answer's `url` " +
      "(`/v1/calendar-feeds/{token}.ics`) carries a long random token of its own, shown this once and stored only as a hash. " +
      "The link shows the meetings `clusterId` and `coordinatorId` select (both ANDed; none: every meeting) and opens nothing else. " +
      "`Idempotency-Key` is ignored here: the answer holds a secret that must be stored nowhere.",
    delete: "Revokes the link: from the next request on, it answers 404.",
  },
});
