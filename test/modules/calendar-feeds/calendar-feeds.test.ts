import t, { type Test } from "tap";
import ICAL from "ical.js";
import type { LightMyRequestResponse } from "fastify";
import { seedDemoData } from "../../../src/db/seed.ts";
import { redactUrl } from "../../../src/lib/logging.ts";
import { bearer, createEditorKey, createReaderKey, testApp } from "../../helper.ts";
import { createMeeting, type MeetingBody } from "../../fixtures/meetings.ts";
import { createCluster, createCoordinator } from "../../fixtures/records.ts";
import { expectProblem } from "../../expect.ts";

/**
 * Calendar feeds: links a calendar app subscribes to without an API key. What a calendar app reads is checked with
 * ical.js, a maintained iCalendar parser (Mozilla's), not with our own reader: every event, its time and zone, its UID
 * and its SEQUENCE must come back as we sent them.
 */

const { app, db } = await testApp(t);
type Created = { id: string; name: string; clusterId: string | null; coordinatorId: string | null; version: number; token: string; url: string };

const createFeed = async (payload: Record<string, unknown>, headers: Record<string, string> = {}) => {
  const res = await app.inject({ method: "POST", url: "/v1/calendar-feeds", payload, headers });
  t.equal(res.statusCode, 201, res.body);
  return res.json() as Created;
};
/** What a calendar app does: GET the link, with no Authorization header. */
const subscribe = (url: string, headers: Record<string, string> = {}) => app.inject({ method: "GET", url, headers: { authorization: undefined, ...headers } });

type ParsedEvent = { uid: string; sequence: number; summary: string; status: string; start: ICAL.Time; end: ICAL.Time | null };

/** The calendar as ical.js reads it (the VTIMEZONEs registered, as a calendar app does). */
function parse(t: Test, res: LightMyRequestResponse): { name: string; events: ParsedEvent[]; zones: string[] } {
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.headers["content-type"], "text/calendar; charset=utf-8");
  const calendar = new ICAL.Component(ICAL.parse(res.body) as unknown[]);
  const zones = calendar.getAllSubcomponents("vtimezone").map((zone) => {
    const timezone = new ICAL.Timezone(zone);
    ICAL.TimezoneService.register(timezone, timezone.tzid);
    return timezone.tzid;
  });
  const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      sequence: event.sequence,
      summary: event.summary,
      status: String(vevent.getFirstPropertyValue("status")),
      start: event.startDate,
      end: vevent.hasProperty("dtend") ? event.endDate : null,
    };
  });
  return { name: String(calendar.getFirstPropertyValue("x-wr-calname")), events, zones };
}
const uid = (meeting: { id: string }) => `${meeting.id}@cluster-records`;
const uids = (events: ParsedEvent[]) => events.map((event) => event.uid);

// Two coordinators; the first runs two clusters. Each meeting belongs to one cluster's activity (or to none).
const coordinatorA = await createCoordinator(app);
const coordinatorB = await createCoordinator(app);
const clusterA1 = await createCluster(app, { coordinatorId: coordinatorA.id });
const clusterA2 = await createCluster(app, { coordinatorId: coordinatorA.id });
const clusterB = await createCluster(app, { coordinatorId: coordinatorB.id });
const activity = (clusterId: string, coordinatorId: string) =>
  db.prisma.activity.create({ data: { coordinatorId, clusterId, title: "Strategia dla Klastra", category: "strategy", status: "completed", year: 2013 } });
const activityA1 = await activity(clusterA1.id, coordinatorA.id);
const activityA2 = await activity(clusterA2.id, coordinatorA.id);
const activityB = await activity(clusterB.id, coordinatorB.id);

// The demo data's kind of meetings: 2012–2013, some with hours (Warsaw summer and winter time), some with a date only.
const summer = await createMeeting(app, {
  title: "Spotkanie strategiczne klastra A1",
  startsAt: "2013-05-10T10:00:00+02:00",
  endsAt: "2013-05-10T14:30:00+02:00",
  date: undefined,
  activityId: activityA1.id,
});
const winter = await createMeeting(app, { title: "Warsztat symulacyjny; koszty, zyski", startsAt: "2012-12-03T09:15:00+01:00", date: undefined, activityId: activityA2.id });
const allDay = await createMeeting(app, { title: "Konferencja w Łodzi", date: "2013-11-05", activityId: activityB.id });
const elsewhere = await createMeeting(app, { title: "Spotkanie w Nowym Jorku", startsAt: "2013-03-01T09:00:00-05:00", timeZone: "America/New_York", date: undefined });

t.test("an editor creates a feed: the token and link are shown once, and stored only as a hash", async (t) => {
  const editor = await createEditorKey(db);
  const feed = await createFeed({ name: "Spotkania klastrów A", coordinatorId: coordinatorA.id }, bearer(editor.key));
  t.match(feed.token, /^crf_[A-Za-z0-9_-]{43}$/, "a long random token");
  t.equal(feed.url, `/v1/calendar-feeds/${feed.token}.ics`, "a relative link without a public base URL");
  const read = await app.inject({ method: "GET", url: `/v1/calendar-feeds/${feed.id}` });
  t.notOk("token" in read.json() || "url" in read.json(), "never again");
  const listed = await app.inject({ method: "GET", url: "/v1/calendar-feeds" });
  t.notMatch(listed.body, feed.token, "nor in the list");
  const row = await db.prisma.calendarFeed.findUniqueOrThrow({ where: { id: feed.id } });
  t.notMatch(JSON.stringify(row), feed.token, "the table holds no token");
  t.match(row.tokenHash, /^[0-9a-f]{64}$/, "only its SHA-256");
  const history = await app.inject({ method: "GET", url: `/v1/calendar-feeds/${feed.id}/history` });
  t.notMatch(history.body, feed.token, "nor does the audit log");
  t.equal((history.json() as { data: Array<{ action: string }> }).data[0]?.action, "create", "which has the create");
  const other = await createFeed({ name: "Drugi" });
  t.not(other.token, feed.token, "every feed has its own token");

  const reader = await createReaderKey(db);
  expectProblem(t, await app.inject({ method: "POST", url: "/v1/calendar-feeds", payload: { name: "x" }, headers: bearer(reader.key) }), 403, "forbidden");
  expectProblem(t, await app.inject({ method: "GET", url: "/v1/calendar-feeds", headers: bearer(reader.key) }), 403, "forbidden", undefined);
  const missing = "01900000-0000-7000-8000-000000000000";
  expectProblem(t, await app.inject({ method: "POST", url: "/v1/calendar-feeds", payload: { name: "x", clusterId: missing } }), 422, "reference_not_found", ["/clusterId"]);
});

t.test("a calendar app reads the link without a key: ical.js gets back every event, its time and zone, UID and SEQUENCE", async (t) => {
  const feed = await createFeed({ name: "Wszystkie spotkania; Łódź, Gdańsk" });
  const { name, events, zones } = parse(t, await subscribe(feed.url));
  // ical.js hands over X- properties as written (it does not know they are TEXT): unescape them here.
  t.equal(name.replace(/\\([\\;,])/g, "$1"), "Wszystkie spotkania; Łódź, Gdańsk", "the feed's name, escaped and unescaped");
  t.same(zones, ["Europe/Warsaw"], "the VTIMEZONE of Europe/Warsaw");
  t.same(uids(events), [winter, elsewhere, summer, allDay].map(uid), "every meeting, the 2012–2013 ones too, by date");
  t.ok(events.every((event) => event.sequence === 0), "SEQUENCE 0 for version 1");

  const [winterEvent, elsewhereEvent, summerEvent, allDayEvent] = events;
  t.equal(summerEvent!.start.zone?.tzid, "Europe/Warsaw", "local time in Europe/Warsaw");
  t.equal(summerEvent!.start.toString(), "2013-05-10T10:00:00", "10:00 on the wall clock");
  t.equal(summerEvent!.start.toJSDate().toISOString(), summer.startsAt, "which is the instant sent (summer time, +02:00)");
  t.equal(summerEvent!.end!.toJSDate().toISOString(), summer.endsAt);
  t.equal(winterEvent!.start.toJSDate().toISOString(), winter.startsAt, "winter time, +01:00");
  t.equal(winterEvent!.start.toString(), "2012-12-03T09:15:00");
  t.equal(winterEvent!.summary, "Warsztat symulacyjny; koszty, zyski");
  t.equal(elsewhereEvent!.start.zone?.tzid, "UTC", "a meeting in another zone in UTC");
  t.equal(elsewhereEvent!.start.toJSDate().toISOString(), elsewhere.startsAt);
  t.ok(allDayEvent!.start.isDate, "a date-only meeting is an all-day event");
  t.equal(allDayEvent!.start.toString(), "2013-11-05");
  t.equal(allDayEvent!.end!.toString(), "2013-11-06", "ending the next day (exclusive)");
  t.ok(events.every((event) => event.status === "CONFIRMED"));
});

t.test("update a meeting: same UID, SEQUENCE grows; cancel it: STATUS:CANCELLED", async (t) => {
  const feed = await createFeed({ name: "Klaster A1", clusterId: clusterA1.id });
  const before = parse(t, await subscribe(feed.url)).events;
  t.same(uids(before), [uid(summer)]);
  t.equal(before[0]!.sequence, 0);

  const patch = async (meeting: MeetingBody, version: number, payload: Record<string, unknown>) => {
    const res = await app.inject({ method: "PATCH", url: `/v1/meetings/${meeting.id}`, headers: { "if-match": `"${meeting.id}.v${version}"` }, payload });
    t.equal(res.statusCode, 200, res.body);
  };
  await patch(summer, 1, { startsAt: "2013-05-10T11:00:00+02:00", endsAt: "2013-05-10T15:00:00+02:00" });
  const moved = parse(t, await subscribe(feed.url)).events;
  t.same(uids(moved), [uid(summer)], "the same event, not a second one");
  t.equal(moved[0]!.sequence, 1, "SEQUENCE grew");
  t.equal(moved[0]!.start.toString(), "2013-05-10T11:00:00", "at the new time");

  await patch(summer, 2, { status: "cancelled" });
  const cancelled = parse(t, await subscribe(feed.url)).events;
  t.same(uids(cancelled), [uid(summer)], "a cancelled meeting stays in the calendar");
  t.equal(cancelled[0]!.status, "CANCELLED");
  t.equal(cancelled[0]!.sequence, 2, "and its SEQUENCE grew again");
});

t.test("filters: cluster, coordinator, both", async (t) => {
  const events = async (payload: Record<string, unknown>) => uids(parse(t, await subscribe((await createFeed({ name: "Filtr", ...payload })).url)).events);
  t.same(await events({ clusterId: clusterA2.id }), [uid(winter)], "one cluster");
  t.same(await events({ coordinatorId: coordinatorA.id }), [winter, summer].map(uid), "a coordinator's clusters");
  t.same(await events({ coordinatorId: coordinatorB.id }), [uid(allDay)]);
  t.same(await events({ coordinatorId: coordinatorB.id, clusterId: clusterA1.id }), [], "ANDed");

  // Changing a feed's filters changes what its link shows; the link stays.
  const feed = await createFeed({ name: "Zmienny", clusterId: clusterA2.id });
  const res = await app.inject({ method: "PATCH", url: `/v1/calendar-feeds/${feed.id}`, headers: { "if-match": `"${feed.id}.v1"` }, payload: { clusterId: clusterB.id } });
  t.equal(res.statusCode, 200, res.body);
  t.same(uids(parse(t, await subscribe(feed.url)).events), [uid(allDay)]);
  // A cluster a feed still shows cannot be deleted from under it.
  const problem = expectProblem(t, await app.inject({ method: "DELETE", url: `/v1/clusters/${clusterB.id}`, headers: { "if-match": "*" } }), 409, "still_referenced");
  t.match(JSON.stringify(problem), "calendar-feeds");
});

t.test("ETag and 304 for pollers", async (t) => {
  const feed = await createFeed({ name: "Odpytywany", coordinatorId: coordinatorB.id });
  const first = await subscribe(feed.url);
  const etag = String(first.headers.etag);
  t.match(etag, /^"ics-[A-Za-z0-9_-]+"$/);
  t.equal(String((await subscribe(feed.url)).headers.etag), etag, "unchanged: the same ETag");
  const notModified = await subscribe(feed.url, { "if-none-match": etag });
  t.equal(notModified.statusCode, 304);
  t.equal(notModified.body, "");
  t.equal(notModified.headers.etag, etag);

  const res = await app.inject({ method: "PATCH", url: `/v1/meetings/${allDay.id}`, headers: { "if-match": `"${allDay.id}.v1"` }, payload: { outcomes: "Nowe ustalenia." } });
  t.equal(res.statusCode, 200, res.body);
  const changed = await subscribe(feed.url, { "if-none-match": etag });
  t.equal(changed.statusCode, 200, "a meeting changed: the whole calendar again");
  t.not(changed.headers.etag, etag);
});

t.test("revoking: a deleted feed's link answers 404 at once", async (t) => {
  const feed = await createFeed({ name: "Do usunięcia" });
  t.equal((await subscribe(feed.url)).statusCode, 200);
  const res = await app.inject({ method: "DELETE", url: `/v1/calendar-feeds/${feed.id}`, headers: { "if-match": `"${feed.id}.v1"` } });
  t.equal(res.statusCode, 204);
  const gone = expectProblem(t, await subscribe(feed.url), 404, "not_found");
  t.notMatch(JSON.stringify(gone), feed.token, "the problem does not repeat the token");
  expectProblem(t, await subscribe(`/v1/calendar-feeds/crf_${"A".repeat(43)}.ics`), 404, "not_found", undefined);
  expectProblem(t, await subscribe("/v1/calendar-feeds/crf_short.ics"), 400, "validation_failed", ["/token"]);
  const polish = expectProblem(t, await subscribe("/v1/calendar-feeds/crf_short.ics", { "accept-language": "pl" }), 400, "validation_failed", ["/token"]);
  t.equal(polish.errors?.[0]?.message, "musi być tokenem kanału kalendarza (crf_ i 43 znaki)", "the rule in Polish");
  t.equal((await subscribe(feed.url, { "accept-language": "pl" })).headers["content-language"], "pl", "in Polish too");
});

t.test("a token opens its calendar and nothing else; API keys never travel in URLs", async (t) => {
  const feed = await createFeed({ name: "Tylko kalendarz" });
  const routes = ["/v1/meetings", "/v1/meetings/calendar.ics", `/v1/calendar-feeds/${feed.id}`, "/v1/calendar-feeds", "/v1/coordinators", "/v1/audit-events", "/v1/changes"];
  for (const url of routes) {
    expectProblem(t, await app.inject({ method: "GET", url, headers: bearer(feed.token) }), 401, "unauthorized");
    for (const name of ["token", "access_token", "api_key", "key"]) {
      const res = await app.inject({ method: "GET", url: `${url}?${name}=${feed.token}`, headers: { authorization: undefined } });
      t.equal(res.statusCode, 401, `${url}?${name}=<token>: 401`);
    }
  }
  expectProblem(t, await app.inject({ method: "POST", url: "/v1/calendar-feeds", payload: { name: "x" }, headers: bearer(feed.token) }), 401, "unauthorized");
  // The link is read-only: no other method on it.
  for (const method of ["POST", "PUT", "PATCH", "DELETE"] as const) {
    t.not((await app.inject({ method, url: feed.url, headers: { authorization: undefined } })).statusCode, 200, `${method} on the link`);
  }
  // An API key is no feed token either.
  const reader = await createReaderKey(db);
  t.equal((await subscribe(`/v1/calendar-feeds/${reader.key}.ics`)).statusCode, 400, "an API key in the link's place is refused");
  t.equal(redactUrl(feed.url), "/v1/calendar-feeds/crf_[redacted].ics", "logs never hold the token");
});

t.test("rate limits apply to the link", async (t) => {
  const feed = await createFeed({ name: "Limit" });
  const res = await subscribe(feed.url);
  t.ok(res.headers["ratelimit-limit"], "RateLimit-Limit on the link's answers");
});

t.test("the demo data's 2013 meetings are in a new feed and in the meetings calendar (no default start)", async (t) => {
  await seedDemoData(db.prisma);
  const demo = await db.prisma.meeting.findMany({ where: { activity: { coordinator: { name: { startsWith: "Zarząd Nadbałtyckich" } } } }, orderBy: { date: "asc" } });
  t.ok(demo.length >= 3, `${demo.length} demo meetings`);
  const { coordinatorId } = await db.prisma.activity.findFirstOrThrow({ where: { id: demo[0]!.activityId! } });
  const feed = await createFeed({ name: "Demo", coordinatorId });
  const { events } = parse(t, await subscribe(feed.url));
  t.same(uids(events), demo.map(uid), "every demo meeting, by date");
  t.ok(events.every((event) => event.start.year === 2013));
  const calendar = await app.inject({ method: "GET", url: "/v1/meetings/calendar.ics" });
  t.ok(demo.every((meeting) => calendar.body.includes(`UID:${uid(meeting)}`)), "the authenticated calendar has them too");
});

t.test("the OpenAPI document: text/calendar, no security, the token documented", async (t) => {
  const doc = app.swagger() as unknown as { paths: Record<string, Record<string, Record<string, unknown>>> };
  const operation = doc.paths["/v1/calendar-feeds/{token}.ics"]?.get as {
    operationId: string;
    security: unknown[];
    parameters: Array<{ name: string; in: string; schema: { pattern: string } }>;
    responses: Record<string, { content?: Record<string, unknown> }>;
  };
  t.equal(operation.operationId, "getCalendarFeedCalendar");
  t.same(operation.security, [], "no API key");
  const token = operation.parameters.find((parameter) => parameter.name === "token");
  t.equal(token?.in, "path");
  t.ok(new RegExp(token!.schema.pattern).test(`crf_${"a".repeat(43)}`));
  t.same(Object.keys(operation.responses["200"]?.content ?? {}), ["text/calendar"]);
  t.notOk("401" in operation.responses, "never a 401");
  t.ok("429" in operation.responses, "rate limited");
  const create = doc.paths["/v1/calendar-feeds"]?.post as { security: unknown[]; "x-required-role": string };
  t.equal(create["x-required-role"], "editor");
  t.equal((doc.paths["/v1/calendar-feeds"]?.get as { "x-required-role": string })["x-required-role"], "editor", "reading feeds needs editor too");
});
