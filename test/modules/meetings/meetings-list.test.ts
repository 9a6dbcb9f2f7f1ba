import t from "tap";
import { testApp } from "../../helper.ts";
import { FIRST_STRATEGY_MEETING, createMeeting, insertActivity, type MeetingBody } from "../../fixtures/meetings.ts";
import { createCluster } from "../../fixtures/records.ts";
import { expectProblem } from "../../expect.ts";

const { app, db } = await testApp(t);
const list = (query: string) => app.inject({ method: "GET", url: `/v1/meetings?${query}` });
const titles = async (query: string, sorted = true) => {
  const res = await list(query);
  t.equal(res.statusCode, 200, `GET ?${query}`, { body: res.body });
  const names = (res.json().data as MeetingBody[]).map((row) => row.title);
  return sorted ? names.sort() : names;
};
const q = (value: string) => `q=${encodeURIComponent(value)}`;

// The seed page's three strategy meetings and two others, created in an order unlike date order.
const strategy = await insertActivity(app, db, "Rozpoczęto i zakończono prace nad Strategią dla Klastra");
const conferences = await insertActivity(app, db, "Konferencje");
const PNT = { name: "Park Naukowo-Technologiczny", street: "al. Zwycięstwa 27", postalCode: "80-219", city: "Gdańsk" };
const C = "Trzecie spotkanie strategiczne";
const A = FIRST_STRATEGY_MEETING.title;
const E = "Spotkanie zespołu koordynatora";
const D = "Konferencja w Łodzi: 100% logistyki_";
const B = "Drugie spotkanie strategiczne";
await createMeeting(app, {
  title: C, seriesName: "Spotkanie strategiczne", sequenceNumber: 3, date: "2013-09-20", format: "working_meeting", venue: PNT, activityId: strategy.id,
  agenda: ["Omówienie pomysłów na projekty"], outcomes: "Wypracowaliśmy robocze przedsięwzięcia i propozycje projektów inwestycyjnych.",
});
await createMeeting(app, { ...FIRST_STRATEGY_MEETING, activityId: strategy.id });
await createMeeting(app, { title: E, date: "2012-11-16", format: "other" });
await createMeeting(app, { title: D, date: "2014-03-01", format: "conference", venue: { city: "Łódź" }, activityId: conferences.id });
await createMeeting(app, {
  title: B, seriesName: "Spotkanie strategiczne", sequenceNumber: 2, date: "2013-06-19", format: "simulation_workshop", venue: PNT, activityId: strategy.id,
  agenda: ["Możliwości pozyskiwania funduszy przez Klaster"], outcomes: "Warsztat symulacyjny: punkty widzenia nauki, biznesu i samorządu.",
});
const sortedTitles = (...names: string[]) => [...names].sort();

t.test("GET /v1/meetings?q=oliwa finds the first meeting (venue district Oliwa)", async (t) => {
  t.same(await titles("q=oliwa"), [A]);
  t.same(await titles(q("OLIWA")), [A]);
  t.same(await titles(q("Oliwia Gate")), [A], "venue name");
});

t.test("q searches title, series, agenda, outcomes, venue name/city/district; ignores case and diacritics; ANDs words", async (t) => {
  t.same(await titles(q("spotkanie strategiczne")), sortedTitles(A, B, C));
  t.same(await titles(q("SPOTKANIE")), sortedTitles(A, B, C, E));
  t.same(await titles(q("pest")), [A], "agenda");
  t.same(await titles(q("funduszy")), [B], "agenda");
  t.same(await titles(q("wypracowalismy")), [C], "outcomes, without diacritics");
  t.same(await titles(q("pozyskiwania symulacyjny")), [B], "agenda AND outcomes");
  t.same(await titles(q("park naukowo")), sortedTitles(B, C), "venue name");
  t.same(await titles(q("gdansk")), sortedTitles(A, B, C), "venue city, diacritics folded");
  t.same(await titles(q("lodz")), [D]);
  t.same(await titles(q("ŁÓDŹ")), [D]);
  t.same(await titles(q("oliwa trzecie")), [], "words are ANDed");
  t.same(await titles(q("zwyciestwa")), [], "the street is not searched");
  t.same(await titles(q("%")), [D], "% is literal");
  t.same(await titles(q("_")), [D], "_ is literal");
  t.same(await titles(q("xyzzy")), []);
});

t.test("filters: date range, city, format, activityId — combined with AND", async (t) => {
  t.same(await titles("dateFrom=2013-06-19"), sortedTitles(B, C, D), "dateFrom is inclusive");
  t.same(await titles("dateTo=2013-06-19"), sortedTitles(E, A, B), "dateTo is inclusive");
  t.same(await titles("dateFrom=2013-05-10&dateTo=2013-09-20"), sortedTitles(A, B, C));
  t.same(await titles("dateFrom=2013-05-11&dateTo=2013-06-18"), []);
  t.same(await titles(`city=${encodeURIComponent("gdańsk")}`), sortedTitles(A, B, C));
  t.same(await titles(`city=${encodeURIComponent("GDAŃSK")}`), sortedTitles(A, B, C));
  t.same(await titles(`city=${encodeURIComponent("łódź")}`), [D]);
  t.same(await titles("city=gdansk"), [], "exact city: case ignored, diacritics not");
  t.same(await titles("city=Gda"), [], "exact, not a prefix");
  t.same(await titles("city=%25"), [], "% is not a wildcard");
  t.same(await titles("format=workshop"), [A]);
  t.same(await titles("format=simulation_workshop"), [B]);
  t.same(await titles("format=conference"), [D]);
  t.same(await titles(`activityId=${strategy.id}`), sortedTitles(A, B, C));
  t.same(await titles(`activityId=${conferences.id}`), [D]);
  t.same(await titles("activityId=01900000-0000-7000-8000-000000000000"), []);
  t.same(await titles(`format=working_meeting&city=${encodeURIComponent("Gdańsk")}`), [C]);
  t.same(await titles(`activityId=${strategy.id}&dateFrom=2013-06-01&${q("strategiczne")}`), sortedTitles(B, C));
  expectProblem(t, await list("dateFrom=2014-01-01&dateTo=2013-01-01"), 400, "validation_failed", ["/dateTo"]);
  expectProblem(t, await list("dateFrom=2013-13-01"), 400, "validation_failed", ["/dateFrom"]);
  expectProblem(t, await list("dateTo=wczoraj"), 400, "validation_failed", ["/dateTo"]);
  expectProblem(t, await list("format=webinar"), 400, "validation_failed", ["/format"]);
  expectProblem(t, await list("activityId=123"), 400, "validation_failed", ["/activityId"]);
  expectProblem(t, await list("venueCity=Gdańsk"), 400, "validation_failed", ["/venueCity"]);
});

t.test("clusterId and coordinatorId: the meetings of a cluster's or a coordinator's activities", async (t) => {
  const cluster = await createCluster(app);
  await db.prisma.activity.update({ where: { id: strategy.id }, data: { clusterId: cluster.id } });
  t.teardown(() => db.prisma.activity.update({ where: { id: strategy.id }, data: { clusterId: null } }));
  t.same(await titles(`clusterId=${cluster.id}`), sortedTitles(A, B, C), "through the activity's cluster");
  t.same(await titles(`coordinatorId=${strategy.coordinatorId}`), sortedTitles(A, B, C), "through the activity's coordinator");
  t.same(await titles(`coordinatorId=${conferences.coordinatorId}`), [D]);
  t.same(await titles(`clusterId=${cluster.id}&coordinatorId=${conferences.coordinatorId}`), [], "ANDed");
  t.same(await titles(`clusterId=${cluster.id}&dateFrom=2013-06-01`), sortedTitles(B, C));
  t.same(await titles("clusterId=01900000-0000-7000-8000-000000000000"), [], "a meeting without an activity belongs to no cluster");
  expectProblem(t, await list("clusterId=LTPP"), 400, "validation_failed", ["/clusterId"]);
  expectProblem(t, await list("coordinatorId=1"), 400, "validation_failed", ["/coordinatorId"]);
  const calendar = await app.inject({ method: "GET", url: `/v1/meetings/calendar.ics?dateFrom=2000-01-01&clusterId=${cluster.id}` });
  t.equal(calendar.statusCode, 200);
  t.equal(calendar.body.match(/BEGIN:VEVENT/g)?.length, 3, "the calendar takes the same filters");
});

// Each sortable field both ways, the default order and pages are the record contract's (test/app/record-contract-lists.test.ts).
t.test("sort: sequenceNumber,-date orders the unnumbered by date; a lone - is no field", async (t) => {
  t.same(await titles("sort=sequenceNumber,-date", false), [A, B, C, D, E], "nulls ordered by date descending");
  expectProblem(t, await list("sort=-"), 400, "validation_failed", ["/sort"]);
});
