import t from "tap";
import { testApp } from "../../helper.ts";
import { FIRST_STRATEGY_MEETING, createMeeting, insertActivity, type MeetingBody } from "../../fixtures/meetings.ts";
import { createCluster } from "../../fixtures/records.ts";
import { byKeys, expectProblem, nextLinkOf } from "../../expect.ts";

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
const first = await createMeeting(app, { ...FIRST_STRATEGY_MEETING, activityId: strategy.id });
const team = await createMeeting(app, { title: E, date: "2012-11-16", format: "other" });
const lodz = await createMeeting(app, { title: D, date: "2014-03-01", format: "conference", venue: { city: "Łódź" }, activityId: conferences.id });
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
  expectProblem(t, await list("q=%20"), 400, "validation_failed", ["/q"]);
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

t.test("sort: date (default), -date, sequenceNumber (nulls last / first), createdAt, updatedAt", async (t) => {
  t.same(await titles("", false), [E, A, B, C, D], "default: by date");
  t.same(await titles("sort=date", false), [E, A, B, C, D]);
  t.same(await titles("sort=-date", false), [D, C, B, A, E]);
  const nulls = [lodz, team].sort((x, y) => (x.id < y.id ? -1 : 1)).map((m) => m.title);
  t.same(await titles("sort=sequenceNumber", false), [A, B, C, ...nulls], "no number last, ties by id");
  t.same(await titles("sort=-sequenceNumber", false), [...nulls, C, B, A], "no number first when descending");
  t.same(await titles("sort=createdAt", false), [C, A, E, D, B], "creation order");
  t.same(await titles("sort=-createdAt", false), [B, D, E, A, C]);
  const touched = await app.inject({ method: "PATCH", url: `/v1/meetings/${first.id}`, payload: { outcomes: "Zaprezentowano potencjał Klastra." }, headers: { "if-match": `"${first.id}.v1"` } });
  t.equal(touched.statusCode, 200);
  t.same((await titles("sort=-updatedAt", false))[0], A, "the last changed comes first");
  t.same(await titles("sort=sequenceNumber,-date", false), [A, B, C, D, E], "nulls ordered by date descending");
  for (const sort of ["title", "venueCity", "date,date", "-"]) expectProblem(t, await list(`sort=${sort}`), 400, "validation_failed", ["/sort"]);
});

t.test("pagination: every meeting once, in order, across pages, for each sort", async (t) => {
  const batch = await insertActivity(app, db, "Paginacja");
  const created: MeetingBody[] = [];
  // 23 meetings on 6 dates; every third without a sequence number; numbers repeat, so the id tiebreak decides.
  for (let i = 0; i < 23; i++) {
    created.push(
      await createMeeting(app, {
        activityId: batch.id,
        date: `2015-0${1 + (i % 6)}-1${i % 3}`,
        sequenceNumber: i % 3 === 0 ? null : 1 + (i % 4),
        format: "workshop",
      }),
    );
  }
  const seq = (m: MeetingBody) => (m.sequenceNumber === null ? null : String(m.sequenceNumber).padStart(3, "0"));
  const orders: Array<[string, (a: MeetingBody, b: MeetingBody) => number]> = [
    ["date", byKeys<MeetingBody>([{ key: (m) => m.date }])],
    ["-date", byKeys<MeetingBody>([{ key: (m) => m.date, desc: true }])],
    ["sequenceNumber", byKeys<MeetingBody>([{ key: seq }])],
    ["-sequenceNumber,date", byKeys<MeetingBody>([{ key: seq, desc: true }, { key: (m) => m.date }])],
    ["-createdAt", byKeys<MeetingBody>([{ key: (m) => m.createdAt, desc: true }])],
  ];
  for (const [sort, compare] of orders) {
    const ids: string[] = [];
    let url: string | undefined = `/v1/meetings?activityId=${batch.id}&limit=4&sort=${sort}`;
    let pages = 0;
    while (url !== undefined) {
      const res = await app.inject({ method: "GET", url });
      t.equal(res.statusCode, 200, url);
      const body = res.json() as { data: MeetingBody[]; nextCursor: string | null };
      ids.push(...body.data.map((m) => m.id));
      pages++;
      url = nextLinkOf(t, res);
      if (url) t.ok(url.includes(`activityId=${batch.id}`), "Link keeps the filter");
      if (pages > 10) throw new Error("pagination does not end");
    }
    t.equal(pages, 6, `${sort}: 23 rows / 4 per page`);
    t.equal(new Set(ids).size, 23, `${sort}: no duplicates`);
    t.same(ids, [...created].sort(compare).map((m) => m.id), `${sort}: the promised order, no gaps`);
  }
  const firstPage = (await list(`activityId=${batch.id}&limit=4&sort=date`)).json();
  expectProblem(t, await list(`activityId=${batch.id}&limit=4&sort=-date&cursor=${firstPage.nextCursor}`), 400, "invalid_cursor", ["/cursor"]);
  expectProblem(t, await list("cursor=garbage"), 400, "invalid_cursor");
  for (const limit of ["0", "101", "x"]) expectProblem(t, await list(`limit=${limit}`), 400, "validation_failed", ["/limit"]);
});
