import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import { ApiError } from "../../lib/problem.ts";
import { problemText } from "../../lib/messages/problems.ts";
import { yearWhere, type Scope } from "./report-year.ts";

/**
 * The records an annual report document lists (the JSON report only counts them): the coordinator and cluster it
 * opens with, the year's activities, grant applications with their partners, meetings in date order, media partners
 * and publications. The same year and scope rules as the figures (reports-service.ts), read in one REPEATABLE READ
 * snapshot.
 *
 * Bounds. A document is built whole in memory and never sent cut short, so what it may hold is bounded up front:
 * at most DOCUMENT_MAX_ENTRIES listed records (counted before anything is loaded: a year of 10,000 activities costs
 * a few COUNT queries and is refused), and at most DOCUMENT_MAX_CHARACTERS of stored text in them (a record's text
 * fields are bounded by their schemas, so the load itself is bounded: 1,000 records × ~40,000 characters). Past
 * either bound the answer is 422 naming it; the JSON report has no such bound.
 */
export const DOCUMENT_MAX_ENTRIES = 1000;
export const DOCUMENT_MAX_CHARACTERS = 1_000_000;


export type ReportDocumentData = Awaited<ReturnType<typeof loadReportDocumentData>>;

export type DocumentCounts = { activities: number; grantApplications: number; meetings: number; mediaPartners: number; publications: number };

function where(year: number, scope: Scope) {
  const { range, activityScope, activities, publications, mediaPartners } = yearWhere(year, scope);
  const { coordinatorId, clusterId } = scope;
  const grantApplications: Prisma.GrantApplicationWhereInput = {
    ...(coordinatorId ? { applicantId: coordinatorId } : {}),
    ...(clusterId ? { clusterId } : {}),
    // Submitted or decided in the year, or filed under an activity of the year (an application recorded without a
    // date, such as the demo's MEWA, belongs to the year of its activity).
    OR: [{ submittedOn: range }, { decisionDate: range }, { activity: { is: activities } }],
  };
  const meetings: Prisma.MeetingWhereInput = {
    date: range,
    ...(coordinatorId || clusterId ? { activity: { is: activityScope } } : {}),
  };
  return { activities, grantApplications, meetings, publications, mediaPartners };
}

/** 422 naming the bound a document would pass (`too_many_rows`, as for the CSV export). */
function tooLarge(year: number, bound: "entries" | "characters", found: number, limit: number): ApiError {
  return new ApiError("too_many_rows", problemText("documentTooLarge", { year, bound, found, limit }), {
    extensions: { limit, matched: found, bound },
  });
}

/** Counts of what the document would list: the check of DOCUMENT_MAX_ENTRIES, before loading. */
export async function countReportDocumentEntries(prisma: PrismaClient, year: number, scope: Scope): Promise<DocumentCounts> {
  const w = where(year, scope);
  const [activities, grantApplications, meetings, mediaPartners, publications] = await prisma.$transaction([
    prisma.activity.count({ where: w.activities }),
    prisma.grantApplication.count({ where: w.grantApplications }),
    prisma.meeting.count({ where: w.meetings }),
    prisma.mediaPartner.count({ where: w.mediaPartners }),
    prisma.mediaPublication.count({ where: w.publications }),
  ]);
  return { activities, grantApplications, meetings, mediaPartners, publications };
}

const sum = (counts: DocumentCounts) => Object.values(counts).reduce((total, count) => total + count, 0);

export async function loadReportDocumentData(prisma: PrismaClient, year: number, scope: Scope) {
  const counted = sum(await countReportDocumentEntries(prisma, year, scope));
  if (counted > DOCUMENT_MAX_ENTRIES) throw tooLarge(year, "entries", counted, DOCUMENT_MAX_ENTRIES);

  const w = where(year, scope);
  // `take` one past the bound: rows written since the count still never make a document cut short.
  const take = DOCUMENT_MAX_ENTRIES + 1;
  const [coordinators, clusters, activities, grantApplications, meetings, mediaPartners, publications] = await prisma.$transaction(
    [
      prisma.coordinator.findMany({
        where: scope.coordinatorId
          ? { id: scope.coordinatorId }
          : scope.clusterId
            ? { clusters: { some: { id: scope.clusterId } } }
            : { activities: { some: w.activities } },
        orderBy: [{ name: "asc" }, { id: "asc" }],
        take,
      }),
      prisma.cluster.findMany({
        where: scope.clusterId
          ? { id: scope.clusterId }
          : { AND: [scope.coordinatorId ? { coordinatorId: scope.coordinatorId } : {}, { activities: { some: w.activities } }] },
        orderBy: [{ name: "asc" }, { id: "asc" }],
        take,
      }),
      prisma.activity.findMany({
        where: w.activities,
        orderBy: [{ year: "asc" }, { startDate: { sort: "asc", nulls: "last" } }, { id: "asc" }],
        take,
      }),
      prisma.grantApplication.findMany({
        where: w.grantApplications,
        orderBy: [{ submittedOn: { sort: "asc", nulls: "last" } }, { id: "asc" }],
        include: { fundingBody: { select: { name: true } }, partners: { orderBy: [{ position: "asc" }, { organizationId: "asc" }], include: { organization: { select: { name: true } } } } },
        take,
      }),
      prisma.meeting.findMany({
        where: w.meetings,
        orderBy: [{ date: "asc" }, { startsAt: { sort: "asc", nulls: "last" } }, { sequenceNumber: { sort: "asc", nulls: "last" } }, { id: "asc" }],
        include: { _count: { select: { participants: true } } },
        take,
      }),
      prisma.mediaPartner.findMany({ where: w.mediaPartners, orderBy: [{ name: "asc" }, { id: "asc" }], take }),
      prisma.mediaPublication.findMany({
        where: w.publications,
        orderBy: [{ publishedOn: "asc" }, { id: "asc" }],
        include: { mediaPartner: { select: { name: true } } },
        take,
      }),
    ],
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
  );
  const listed = activities.length + grantApplications.length + meetings.length + mediaPartners.length + publications.length;
  if (listed > DOCUMENT_MAX_ENTRIES) throw tooLarge(year, "entries", listed, DOCUMENT_MAX_ENTRIES);

  const data = { coordinators, clusters, activities, grantApplications, meetings, mediaPartners, publications };
  const characters = textLength(data);
  if (characters > DOCUMENT_MAX_CHARACTERS) throw tooLarge(year, "characters", characters, DOCUMENT_MAX_CHARACTERS);
  return data;
}

/** Characters of stored text in the loaded records (strings and string arrays, nested ones included). */
function textLength(value: unknown, depth = 0): number {
  if (typeof value === "string") return value.length;
  if (depth > 4 || value === null || typeof value !== "object" || value instanceof Date) return 0;
  let total = 0;
  for (const [key, item] of Object.entries(value)) {
    // Ids and the search copy of the text are not printed.
    if (key === "id" || key.endsWith("Id") || key === "searchText") continue;
    total += textLength(item, depth + 1);
  }
  return total;
}
