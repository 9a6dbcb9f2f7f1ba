import t from "tap";
import { seedDemoData } from "../../../src/db/seed.ts";
import { bearer, createReaderKey, testApp, type TestApp } from "../../helper.ts";
import { YEAR, buildReportWorld } from "../../fixtures/reports.ts";
import { createMeeting } from "../../fixtures/meetings.ts";
import { expectProblem } from "../../expect.ts";

/**
 * The annual report over a world built around 2031 (test/fixtures/reports.ts): every figure counted by hand, for
 * every scope. The demo data (2012–2013) is loaded into the same database and must change none of them.
 */

const { app, db } = await testApp(t);
// No assertion up here: one at the top level would let tap end the root test (and close the app) while the world is built.
const seeded = await seedDemoData(db.prisma);
const world = await buildReportWorld(app);
const { coordA, coordB, clusterA1, clusterA2, clusterB1 } = world;

const report = async (query = "", year: number | string = YEAR) => {
  const response = await app.inject({ method: "GET", url: `/v1/reports/annual/${year}${query ? `?${query}` : ""}` });
  if (response.statusCode !== 200) throw new Error(`report ${year}?${query}: ${response.statusCode} ${response.body}`);
  return response.json();
};

/** Every key of an enum with 0, then the given counts. */
const counts = (keys: string[], given: Record<string, number> = {}) => ({ ...Object.fromEntries(keys.map((key) => [key, 0])), ...given });
const CATEGORIES = ["strategy", "grant_application", "project", "promotion", "media", "meeting", "networking", "other"];
const ACTIVITY_STATUSES = ["planned", "in_progress", "completed", "cancelled"];
const FORMATS = ["workshop", "simulation_workshop", "working_meeting", "conference", "other"];
const HELIXES = ["business", "science", "government", "other", "unspecified"];
const APPLICATION_STATUSES = ["draft", "submitted", "under_evaluation", "approved", "rejected", "withdrawn", "contracted", "completed"];

const activities = (total: number, byCategory: Record<string, number>, byStatus: Record<string, number>) => ({
  total,
  byCategory: counts(CATEGORIES, byCategory),
  byStatus: counts(ACTIVITY_STATUSES, byStatus),
});
const meetings = (
  total: number,
  byFormat: Record<string, number>,
  participants: { total: number; organizations: number; byHelix: Record<string, number> },
  cities: string[],
) => ({
  total,
  byFormat: counts(FORMATS, byFormat),
  participants: { ...participants, byHelix: counts(HELIXES, participants.byHelix) },
  cities,
  cityCount: cities.length,
});
const applications = (
  submitted: number,
  byStatus: Record<string, number>,
  decided: number,
  requested: Array<[string, string]>,
  awarded: Array<[string, string]>,
) => ({
  submitted,
  byStatus: counts(APPLICATION_STATUSES, byStatus),
  decided,
  requested: requested.map(([currency, amount]) => ({ currency, amount })),
  awarded: awarded.map(([currency, amount]) => ({ currency, amount })),
});

const EMPTY = {
  activities: activities(0, {}, {}),
  meetings: meetings(0, {}, { total: 0, organizations: 0, byHelix: {} }, []),
  grantApplications: applications(0, {}, 0, [], []),
  media: { publications: 0, partners: 0 },
  membership: { joined: 0, left: 0, membersAtYearEnd: 0 },
};

/** The figures of each scope, counted by hand from the comments in test/fixtures/reports.ts. */
const EXPECTED: Array<{ name: string; query: string; figures: typeof EMPTY }> = [
  {
    name: "without scope",
    query: "",
    figures: {
      activities: activities(
        6,
        { strategy: 1, promotion: 1, meeting: 1, networking: 1, media: 1, grant_application: 1 },
        { completed: 3, in_progress: 2, planned: 1 },
      ),
      meetings: meetings(
        5,
        { workshop: 1, conference: 1, working_meeting: 1, other: 1, simulation_workshop: 1 },
        { total: 7, organizations: 4, byHelix: { business: 2, science: 2, government: 1, other: 1, unspecified: 1 } },
        ["Gdańsk", "Łódź", "Sopot"],
      ),
      // 0.10 + 0.20 is 0.30000000000000004 in binary floating point; 2 × 99999999999999.99 has no exact double at all.
      grantApplications: applications(4, { approved: 1, submitted: 2, withdrawn: 1 }, 2, [["EUR", "199999999999999.98"], ["PLN", "0.30"]], [
        ["EUR", "1000000.05"],
        ["PLN", "0.10"],
      ]),
      media: { publications: 3, partners: 6 },
      membership: { joined: 2, left: 2, membersAtYearEnd: 3 },
    },
  },
  {
    name: "coordinator A",
    query: `coordinatorId=${coordA.id}`,
    figures: {
      activities: activities(4, { strategy: 1, promotion: 1, meeting: 1, media: 1 }, { completed: 1, in_progress: 2, planned: 1 }),
      meetings: meetings(
        3,
        { workshop: 1, conference: 1, simulation_workshop: 1 },
        { total: 5, organizations: 2, byHelix: { business: 2, science: 2, unspecified: 1 } },
        ["Gdańsk"],
      ),
      grantApplications: applications(3, { approved: 1, submitted: 1, withdrawn: 1 }, 2, [["EUR", "99999999999999.99"], ["PLN", "0.30"]], [
        ["EUR", "1000000.05"],
        ["PLN", "0.10"],
      ]),
      media: { publications: 3, partners: 5 },
      membership: { joined: 1, left: 1, membersAtYearEnd: 2 },
    },
  },
  {
    name: "cluster A1",
    query: `clusterId=${clusterA1.id}`,
    figures: {
      activities: activities(2, { strategy: 1, promotion: 1 }, { completed: 1, in_progress: 1 }),
      meetings: meetings(2, { workshop: 1, conference: 1 }, { total: 4, organizations: 2, byHelix: { business: 2, science: 1, unspecified: 1 } }, ["Gdańsk"]),
      grantApplications: applications(2, { approved: 1, submitted: 1 }, 2, [["PLN", "0.30"]], [
        ["EUR", "1000000.05"],
        ["PLN", "0.10"],
      ]),
      media: { publications: 2, partners: 2 },
      membership: { joined: 1, left: 1, membersAtYearEnd: 2 },
    },
  },
  {
    name: "cluster A2",
    query: `clusterId=${clusterA2.id}`,
    figures: { ...EMPTY, activities: activities(1, { media: 1 }, { in_progress: 1 }), media: { publications: 0, partners: 1 }, membership: { joined: 1, left: 0, membersAtYearEnd: 1 } },
  },
  {
    name: "coordinator B",
    query: `coordinatorId=${coordB.id}`,
    figures: {
      activities: activities(2, { networking: 1, grant_application: 1 }, { completed: 2 }),
      meetings: meetings(1, { working_meeting: 1 }, { total: 1, organizations: 1, byHelix: { government: 1 } }, ["Łódź"]),
      grantApplications: applications(1, { submitted: 1 }, 0, [["EUR", "99999999999999.99"]], []),
      media: { publications: 1, partners: 2 },
      membership: { joined: 1, left: 1, membersAtYearEnd: 1 },
    },
  },
  {
    name: "cluster B1",
    query: `clusterId=${clusterB1.id}`,
    figures: {
      activities: activities(2, { networking: 1, grant_application: 1 }, { completed: 2 }),
      meetings: meetings(1, { working_meeting: 1 }, { total: 1, organizations: 1, byHelix: { government: 1 } }, ["Łódź"]),
      grantApplications: applications(1, { submitted: 1 }, 0, [["EUR", "99999999999999.99"]], []),
      media: { publications: 0, partners: 0 },
      membership: { joined: 1, left: 1, membersAtYearEnd: 1 },
    },
  },
  { name: "coordinator A and cluster B1 (both apply: nothing)", query: `coordinatorId=${coordA.id}&clusterId=${clusterB1.id}`, figures: EMPTY },
];
// Coordinator A and its cluster A1: what is A's and A1's, i.e. A1's.
EXPECTED.push({ name: "coordinator A and cluster A1", query: `coordinatorId=${coordA.id}&clusterId=${clusterA1.id}`, figures: EXPECTED[2]!.figures });

for (const { name, query, figures } of EXPECTED) {
  t.test(`the ${YEAR} report ${name}: every figure`, async (t) => {
    const body = await report(query);
    const params = new URLSearchParams(query);
    t.equal(body.year, YEAR);
    t.same(body.scope, { coordinatorId: params.get("coordinatorId"), clusterId: params.get("clusterId") });
    t.same(body.period, { from: "2031-01-01", to: "2031-12-31" });
    for (const section of ["activities", "meetings", "grantApplications", "media", "membership"] as const) {
      t.strictSame(body[section], figures[section], section);
    }
  });
}

/** Every row of a list endpoint, following the cursor. */
async function listAll(app: TestApp, url: string): Promise<Array<Record<string, unknown>>> {
  const rows: Array<Record<string, unknown>> = [];
  let cursor: string | null = null;
  do {
    const separator = url.includes("?") ? "&" : "?";
    const response = await app.inject({ method: "GET", url: `${url}${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}` });
    if (response.statusCode !== 200) throw new Error(`GET ${url}: ${response.statusCode} ${response.body}`);
    const body: { data: Array<Record<string, unknown>>; nextCursor: string | null } = response.json();
    rows.push(...body.data);
    cursor = body.nextCursor;
  } while (cursor);
  return rows;
}

t.test("the links are list endpoints that list what was counted", async (t) => {
  const unscoped = await report();
  t.same(unscoped.links, {
    activities: "/v1/activities?year=2031",
    meetings: "/v1/meetings?dateFrom=2031-01-01&dateTo=2031-12-31",
    grantApplications: "/v1/grant-applications?year=2031",
    mediaPartners: "/v1/media-partners",
    organizations: null,
  });
  t.equal((await listAll(app, unscoped.links.meetings)).length, unscoped.meetings.total, "meetings of the year");

  const both = await report(`coordinatorId=${coordA.id}&clusterId=${clusterA1.id}`);
  t.same(both.links, {
    activities: `/v1/activities?year=2031&coordinatorId=${coordA.id}&clusterId=${clusterA1.id}`,
    meetings: `/v1/meetings?dateFrom=2031-01-01&dateTo=2031-12-31&coordinatorId=${coordA.id}&clusterId=${clusterA1.id}`,
    grantApplications: `/v1/grant-applications?year=2031&applicantId=${coordA.id}&clusterId=${clusterA1.id}`,
    mediaPartners: `/v1/media-partners?coordinatorId=${coordA.id}`,
    organizations: `/v1/organizations?clusterId=${clusterA1.id}`,
  });

  // Same semantics as the lists, scope by scope: the activity list with ?year= and the applications with ?year=.
  for (const { name, query } of EXPECTED) {
    const body = await report(query);
    t.equal((await listAll(app, body.links.activities)).length, body.activities.total, `${name}: activities link lists activities.total`);
    t.equal((await listAll(app, body.links.grantApplications)).length, body.grantApplications.submitted, `${name}: applications link lists submitted`);
    t.equal((await listAll(app, body.links.meetings)).length, body.meetings.total, `${name}: meetings link lists meetings.total`);
    for (const url of [body.links.mediaPartners, body.links.organizations].filter(Boolean)) {
      t.equal((await app.inject({ method: "GET", url })).statusCode, 200, `${name}: ${url} answers`);
    }
  }
  const members = await listAll(app, both.links.organizations);
  t.equal(members.length, 4, "the four organizations with a membership in A1, whatever the year");
});

t.test("the demo data's years are untouched by the 2031 world, and 2031 by them", async (t) => {
  t.match(seeded, /^created /);
  const body = await report("", 2013);
  t.equal(body.activities.total, 3);
  t.equal(body.meetings.total, 3);
  const later = await report("", 2040);
  for (const section of ["activities", "meetings", "grantApplications"] as const) t.strictSame(later[section], EMPTY[section], `2040: ${section}`);
  t.strictSame(later.media, { publications: 0, partners: 2 }, "2040: the two ongoing cooperations run on (MP2 since 2032, MP4 since 2025)");
  t.strictSame(later.membership, { joined: 0, left: 0, membersAtYearEnd: 3 }, "2040: o1, o4 (joined 2032) and the undated o6 are still members");
});

t.test("membersAtYearEnd counts memberships without a leaving date in every later year", async (t) => {
  // o1 (A1, A2), o3 left 2032-01-01, o4 joined 2032-01-01, o6 undated: on 2032-12-31 o1, o4, o6 are members.
  t.strictSame((await report("", 2032)).membership, { joined: 1, left: 1, membersAtYearEnd: 3 });
  t.strictSame((await report(`clusterId=${clusterA1.id}`, 2020)).membership, { joined: 1, left: 0, membersAtYearEnd: 2 }, "o3 joined 2020; o2 joined on an unknown date");
});

t.test("ETag and Cache-Control; If-None-Match gives 304 until the figures change", async (t) => {
  const url = `/v1/reports/annual/${YEAR}?clusterId=${clusterA1.id}`;
  const first = await app.inject({ method: "GET", url });
  t.equal(first.statusCode, 200);
  const etag = first.headers.etag as string;
  t.match(etag, /^"report-[\w-]{22}"$/);
  t.equal(first.headers["cache-control"], "private, max-age=0");

  const again = await app.inject({ method: "GET", url });
  t.equal(again.headers.etag, etag, "the same figures, the same ETag");
  const other = await app.inject({ method: "GET", url: `/v1/reports/annual/${YEAR}?clusterId=${clusterA2.id}` });
  t.not(other.headers.etag, etag, "another scope, another ETag");

  const notModified = await app.inject({ method: "GET", url, headers: { "if-none-match": etag } });
  t.equal(notModified.statusCode, 304);
  t.equal(notModified.body, "");
  t.equal(notModified.headers.etag, etag);
  t.equal(notModified.headers["cache-control"], "private, max-age=0");
  t.equal((await app.inject({ method: "GET", url, headers: { "if-none-match": `"x", W/${etag}` } })).statusCode, 304, "weak comparison, in a list");
  t.equal((await app.inject({ method: "GET", url, headers: { "if-none-match": '"report-stale"' } })).statusCode, 200);

  // A new meeting of an A1 activity in the year changes the figures: the old ETag no longer matches.
  const [a1Activity] = await listAll(app, `/v1/activities?year=${YEAR}&clusterId=${clusterA1.id}&category=strategy`);
  await createMeeting(app, { activityId: a1Activity!.id, date: "2031-08-08", format: "workshop" });
  const changed = await app.inject({ method: "GET", url, headers: { "if-none-match": etag } });
  t.equal(changed.statusCode, 200, "changed figures are sent again");
  t.equal(changed.json().meetings.total, 3);
  t.not(changed.headers.etag, etag);
});

t.test("a reader key may read the report; no key may not", async (t) => {
  const reader = await createReaderKey(db);
  const response = await app.inject({ method: "GET", url: `/v1/reports/annual/${YEAR}`, headers: bearer(reader.key) });
  t.equal(response.statusCode, 200);
  t.equal(response.json().year, YEAR);
  expectProblem(t, await app.inject({ method: "GET", url: `/v1/reports/annual/${YEAR}`, headers: { authorization: undefined } }), 401, "unauthorized");
});

t.test("400 for a year that is no year from 1900 to 2200 or a bad query; 404 for an unknown coordinator or cluster", async (t) => {
  const get = (path: string, headers: Record<string, string> = {}) => app.inject({ method: "GET", url: `/v1/reports/annual/${path}`, headers });
  for (const year of ["1800", "1899", "2201", "abc", "2013.5", "-2013", "0x7dd", "2013.0", "2e3", "02013"]) {
    const problem = expectProblem(t, await get(year), 400, "validation_failed", ["/year"]);
    t.match(problem.errors, [{ location: "path" }], `${year}: the path parameter is named`);
  }
  t.equal((await get("1900")).statusCode, 200, "1900 is the first year");
  t.equal((await get("2200")).statusCode, 200, "2200 the last");
  expectProblem(t, await get("2031?clusterId=LTPP"), 400, "validation_failed", ["/clusterId"]);
  expectProblem(t, await get("2031?coordinatorId=1"), 400, "validation_failed", ["/coordinatorId"]);
  expectProblem(t, await get("2031?year=2013"), 400, "validation_failed", ["/year"]);
  expectProblem(t, await get("2031?format=csv"), 400, "validation_failed", ["/format"]);

  const unknownCluster = "0193b2a5-0a11-7d42-8b3c-2e5f6a7b8c9d";
  const unknownCoordinator = "0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f";
  const cluster = expectProblem(t, await get(`2031?clusterId=${unknownCluster}`), 404, "not_found");
  t.equal(cluster.detail, `No cluster with id ${unknownCluster}.`);
  const coordinator = expectProblem(t, await get(`2031?coordinatorId=${unknownCoordinator}&clusterId=${clusterA1.id}`), 404, "not_found");
  t.equal(coordinator.detail, `No coordinator with id ${unknownCoordinator}.`);
  const both = expectProblem(t, await get(`2031?coordinatorId=${unknownCoordinator}&clusterId=${unknownCluster}`), 404, "not_found");
  t.equal(both.detail, `No coordinator with id ${unknownCoordinator}. No cluster with id ${unknownCluster}.`);

  const upper = await get(`2031?clusterId=${clusterA1.id.toUpperCase()}`);
  t.equal(upper.statusCode, 200, "an id in capitals names the same cluster");
  t.equal(upper.json().scope.clusterId, clusterA1.id);
  t.equal(upper.json().activities.total, 2);

  expectProblem(t, await get("2031", { accept: "text/csv" }), 406, "not_acceptable");
});
