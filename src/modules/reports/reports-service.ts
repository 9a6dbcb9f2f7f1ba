import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import { problemText } from "../../lib/messages/problems.ts";
import {
  ActivityCategory as ActivityCategoryValues,
  ActivityStatus as ActivityStatusValues,
  GrantApplicationStatus as GrantApplicationStatusValues,
  MeetingFormat as MeetingFormatValues,
} from "../../generated/prisma/enums.ts";
import { ApiError } from "../../lib/problem.ts";
import { yearWhere, type Scope } from "./report-year.ts";
import {
  HELIX_KEYS,
  REPORT_CITIES_MAX,
  REPORT_CURRENCIES_MAX,
  type AnnualReportDto,
  type AnnualReportQueryInput,
  type MoneyTotalDto,
  type ReportCounts,
} from "./reports-schemas.ts";

/**
 * The annual report: a handful of aggregate queries (counts, GROUP BY, SUM over numeric), all in one
 * REPEATABLE READ transaction so that every figure comes from the same snapshot. Nothing is loaded row by row.
 * Activities and media partners are filtered with Prisma, so that "an activity in the year" is the very where-clause
 * of `GET /v1/activities?year=`; the rest is SQL with bound parameters (`Prisma.sql`), never concatenated text.
 */


const zeroCounts = <V extends string>(values: readonly V[]) => Object.fromEntries(values.map((value) => [value, 0])) as ReportCounts<V>;

/** Adds the counted rows into a `{ value: count }` object that already lists every value with 0. */
function tally<V extends string>(values: readonly V[], rows: Array<{ key: string; count: number }>): ReportCounts<V> {
  const counts = zeroCounts(values);
  for (const { key, count } of rows) counts[key as V] += count;
  return counts;
}

const polish = new Intl.Collator("pl", { caseFirst: "upper" });
/** Polish alphabetical order (Łódź between Lublin and Malbork; Gdańsk before gdańsk), then by code point: a total order, whatever the rows' order. */
const polishOrder = (a: string, b: string) => polish.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

/**
 * Distinct cities ignoring case, as the `city` filter of /v1/meetings does (Gdańsk = gdańsk): of several spellings
 * the first in that order is kept. Sorted here rather than in SQL, where the order would depend on the database's
 * collation (PGlite has only "C", which puts Łódź after Zakopane).
 */
function distinctCities(cities: string[]): string[] {
  const byKey = new Map<string, string>();
  for (const city of [...cities].sort(polishOrder)) {
    const key = city.toLocaleLowerCase("pl");
    if (!byKey.has(key)) byKey.set(key, city);
  }
  return [...byKey.values()];
}

function link(path: string, params: Record<string, string | number | null>): string {
  const query = Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== null)
    .map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`)
    .join("&");
  return query === "" ? path : `${path}?${query}`;
}

export function reportsService(prisma: PrismaClient) {
  /** 404 naming each id of the scope that names nothing. */
  async function assertScopeExists(scope: Scope) {
    const [coordinators, clusters] = await Promise.all([
      scope.coordinatorId ? prisma.coordinator.count({ where: { id: scope.coordinatorId } }) : 1,
      scope.clusterId ? prisma.cluster.count({ where: { id: scope.clusterId } }) : 1,
    ]);
    const missing = [
      ...(coordinators === 0 ? [{ noun: "coordinator", id: scope.coordinatorId! }] : []),
      ...(clusters === 0 ? [{ noun: "cluster", id: scope.clusterId! }] : []),
    ];
    if (missing.length > 0) throw new ApiError("not_found", problemText("referencesMissing", { missing }));
  }

  return {
    async annual(year: number, query: AnnualReportQueryInput): Promise<AnnualReportDto> {
      const scope: Scope = { coordinatorId: query.coordinatorId?.toLowerCase() ?? null, clusterId: query.clusterId?.toLowerCase() ?? null };
      await assertScopeExists(scope);

      const from = `${String(year).padStart(4, "0")}-01-01`;
      const to = `${String(year).padStart(4, "0")}-12-31`;
      const { coordinatorId, clusterId } = scope;
      const within = (column: Prisma.Sql) => Prisma.sql`${column} BETWEEN ${from}::date AND ${to}::date`;

      // Scope of anything reached through an activity (alias `a`, LEFT JOINed: no activity -> out of every scope).
      const activityScopeSql = Prisma.sql`${coordinatorId ? Prisma.sql`AND a.coordinator_id = ${coordinatorId}::uuid` : Prisma.empty}
        ${clusterId ? Prisma.sql`AND a.cluster_id = ${clusterId}::uuid` : Prisma.empty}`;
      const applicationScopeSql = Prisma.sql`${coordinatorId ? Prisma.sql`AND g.applicant_id = ${coordinatorId}::uuid` : Prisma.empty}
        ${clusterId ? Prisma.sql`AND g.cluster_id = ${clusterId}::uuid` : Prisma.empty}`;
      const { activities: activityWhere, publications: publicationWhere, mediaPartners: partnerWhere } = yearWhere(year, scope);

      const [activityGroups, meetingGroups, participantGroups, cityRows, applicationGroups, moneyRows, publications, partners, membershipRows] =
        await prisma.$transaction(
          [
            prisma.activity.groupBy({
              by: ["category", "status"],
              where: activityWhere,
              _count: { _all: true },
              orderBy: [{ category: "asc" }, { status: "asc" }],
            }),
            prisma.$queryRaw<Array<{ format: string; count: number }>>`
              SELECT m.format::text AS format, count(*)::int AS count
              FROM meetings m LEFT JOIN activities a ON a.id = m.activity_id
              WHERE ${within(Prisma.sql`m.date`)} ${activityScopeSql}
              GROUP BY m.format`,
            // One row per helix, and the grand total (GROUPING = 1) with the distinct organizations.
            prisma.$queryRaw<Array<{ total_row: boolean; helix: string | null; count: number; organizations: number }>>`
              SELECT GROUPING(p.helix) = 1 AS total_row, p.helix::text AS helix, count(*)::int AS count,
                     count(DISTINCT p.organization_id)::int AS organizations
              FROM meeting_participants p
                JOIN meetings m ON m.id = p.meeting_id
                LEFT JOIN activities a ON a.id = m.activity_id
              WHERE ${within(Prisma.sql`m.date`)} ${activityScopeSql}
              GROUP BY GROUPING SETS ((p.helix), ())`,
            prisma.$queryRaw<Array<{ city: string }>>`
              SELECT DISTINCT m.venue_city AS city
              FROM meetings m LEFT JOIN activities a ON a.id = m.activity_id
              WHERE ${within(Prisma.sql`m.date`)} AND m.venue_city IS NOT NULL ${activityScopeSql}`,
            prisma.$queryRaw<Array<{ status: string; submitted: number; decided: number }>>`
              SELECT g.status::text AS status,
                     (count(*) FILTER (WHERE ${within(Prisma.sql`g.submitted_on`)}))::int AS submitted,
                     (count(*) FILTER (WHERE ${within(Prisma.sql`g.decision_date`)}))::int AS decided
              FROM grant_applications g
              WHERE (${within(Prisma.sql`g.submitted_on`)} OR ${within(Prisma.sql`g.decision_date`)})
                ${applicationScopeSql}
              GROUP BY g.status`,
            // Sums in numeric, returned as text: exact, with the column's 2 decimals. A missing currency reads as PLN,
            // as the grant-application records show it.
            prisma.$queryRaw<Array<{ kind: "requested" | "awarded"; currency: string; amount: string }>>`
              SELECT kind, currency, round(sum(amount), 2)::text AS amount
              FROM (
                SELECT 'requested' AS kind, coalesce(g.requested_currency, 'PLN') AS currency, g.requested_amount AS amount
                FROM grant_applications g WHERE g.requested_amount IS NOT NULL AND ${within(Prisma.sql`g.submitted_on`)}
                  ${applicationScopeSql}
                UNION ALL
                SELECT 'awarded', coalesce(g.awarded_currency, 'PLN'), g.awarded_amount
                FROM grant_applications g WHERE g.awarded_amount IS NOT NULL AND ${within(Prisma.sql`g.submitted_on`)}
                  ${applicationScopeSql}
              ) amounts
              GROUP BY kind, currency
              ORDER BY kind, currency`,
            prisma.mediaPublication.count({ where: publicationWhere }),
            prisma.mediaPartner.count({ where: partnerWhere }),
            prisma.$queryRaw<Array<{ joined: number; left_count: number; members: number }>>`
              SELECT (count(DISTINCT ms.organization_id) FILTER (WHERE ${within(Prisma.sql`ms.joined_on`)}))::int AS joined,
                     (count(DISTINCT ms.organization_id) FILTER (WHERE ${within(Prisma.sql`ms.left_on`)}))::int AS left_count,
                     (count(DISTINCT ms.organization_id) FILTER (
                        WHERE (ms.joined_on IS NULL OR ms.joined_on <= ${to}::date) AND (ms.left_on IS NULL OR ms.left_on > ${to}::date)
                     ))::int AS members
              FROM cluster_memberships ms JOIN clusters c ON c.id = ms.cluster_id
              WHERE TRUE
                ${coordinatorId ? Prisma.sql`AND c.coordinator_id = ${coordinatorId}::uuid` : Prisma.empty}
                ${clusterId ? Prisma.sql`AND c.id = ${clusterId}::uuid` : Prisma.empty}`,
          ],
          { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
        );

      const participantsTotal = participantGroups.find((row) => row.total_row);
      const cities = distinctCities(cityRows.map((row) => row.city));
      const money = (kind: "requested" | "awarded"): MoneyTotalDto[] =>
        moneyRows
          .filter((row) => row.kind === kind)
          .slice(0, REPORT_CURRENCIES_MAX)
          .map(({ currency, amount }) => ({ currency, amount }));
      const membership = membershipRows[0] ?? { joined: 0, left_count: 0, members: 0 };

      return {
        year,
        scope,
        period: { from, to },
        activities: {
          total: activityGroups.reduce((sum, group) => sum + group._count._all, 0),
          byCategory: tally(Object.values(ActivityCategoryValues), activityGroups.map((group) => ({ key: group.category, count: group._count._all }))),
          byStatus: tally(Object.values(ActivityStatusValues), activityGroups.map((group) => ({ key: group.status, count: group._count._all }))),
        },
        meetings: {
          total: meetingGroups.reduce((sum, group) => sum + group.count, 0),
          byFormat: tally(Object.values(MeetingFormatValues), meetingGroups.map((group) => ({ key: group.format, count: group.count }))),
          participants: {
            total: participantsTotal?.count ?? 0,
            organizations: participantsTotal?.organizations ?? 0,
            byHelix: tally(
              HELIX_KEYS,
              participantGroups.filter((row) => !row.total_row).map((row) => ({ key: row.helix ?? "unspecified", count: row.count })),
            ),
          },
          cities: cities.slice(0, REPORT_CITIES_MAX),
          cityCount: cities.length,
        },
        grantApplications: {
          submitted: applicationGroups.reduce((sum, group) => sum + group.submitted, 0),
          byStatus: tally(Object.values(GrantApplicationStatusValues), applicationGroups.map((group) => ({ key: group.status, count: group.submitted }))),
          decided: applicationGroups.reduce((sum, group) => sum + group.decided, 0),
          requested: money("requested"),
          awarded: money("awarded"),
        },
        media: { publications, partners },
        membership: { joined: membership.joined, left: membership.left_count, membersAtYearEnd: membership.members },
        links: {
          activities: link("/v1/activities", { year, coordinatorId, clusterId }),
          meetings: link("/v1/meetings", { dateFrom: from, dateTo: to, coordinatorId, clusterId }),
          grantApplications: link("/v1/grant-applications", { year, applicantId: coordinatorId, clusterId }),
          mediaPartners: link("/v1/media-partners", { coordinatorId }),
          organizations: clusterId ? link("/v1/organizations", { clusterId }) : null,
        },
      };
    },
  };
}

export type ReportsService = ReturnType<typeof reportsService>;
