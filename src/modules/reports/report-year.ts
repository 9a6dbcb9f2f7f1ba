import type { Prisma } from "../../generated/prisma/client.ts";
import { dateOnlyToDb } from "../../lib/dates.ts";
import { inYear as activityInYear } from "../activities/activities-resource.ts";

/** A report's scope: a coordinator, a cluster, both or neither (ids in lower case). */
export type Scope = { coordinatorId: string | null; clusterId: string | null };

/**
 * What belongs to a year in a scope, for the figures (reports-service.ts) and the document that lists the records
 * behind them (report-document-data.ts), so that both always agree. Each rule is described in reports-schemas.ts.
 */
export function yearWhere(year: number, scope: Scope) {
  const from = dateOnlyToDb(`${String(year).padStart(4, "0")}-01-01`);
  const to = dateOnlyToDb(`${String(year).padStart(4, "0")}-12-31`);
  const range = { gte: from, lte: to };
  const { coordinatorId, clusterId } = scope;
  const activityScope: Prisma.ActivityWhereInput = { ...(coordinatorId ? { coordinatorId } : {}), ...(clusterId ? { clusterId } : {}) };
  const activities: Prisma.ActivityWhereInput = { AND: [activityInYear(year), activityScope] };
  const publications: Prisma.MediaPublicationWhereInput = {
    publishedOn: range,
    AND: [
      coordinatorId ? { OR: [{ mediaPartner: { coordinatorId } }, { activity: { is: { coordinatorId } } }] } : {},
      clusterId ? { activity: { is: { clusterId } } } : {},
    ],
  };
  // The cooperation periods that overlap the year (a missing end of an ongoing cooperation is open).
  const cooperationInYear: Prisma.MediaPartnerWhereInput = {
    OR: [
      { cooperationSince: { lte: to }, cooperationUntil: { gte: from } },
      { cooperationSince: { lte: to }, cooperationUntil: null, ongoing: true },
      { cooperationSince: range, cooperationUntil: null },
      { cooperationSince: null, cooperationUntil: range },
    ],
  };
  const mediaPartners: Prisma.MediaPartnerWhereInput = {
    OR: [
      { publications: { some: publications } },
      { activities: { some: { activity: activities } } },
      // A cooperation belongs to a coordinator, not to a cluster.
      ...(clusterId ? [] : [{ AND: [cooperationInYear, coordinatorId ? { coordinatorId } : {}] }]),
    ],
  };
  return { range, activityScope, activities, publications, mediaPartners };
}
