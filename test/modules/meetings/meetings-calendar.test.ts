import { randomUUID } from "node:crypto";
import t, { type Test } from "tap";
import type { LightMyRequestResponse } from "fastify";
import { contentLine, cutText, escapeText, foldLine, icalDateTime } from "../../../src/lib/ical.ts";
import { inlineSharedComponents } from "../../../src/lib/openapi-shared.ts";
import { INT32_MAX } from "../../../src/lib/schemas.ts";
import {
  CALENDAR_MAX_EVENTS,
  CALENDAR_MAX_OCTETS,
  DESCRIPTION_MAX_LENGTH,
  EVENT_MAX_OCTETS,
  FIELD_LIMITS,
  FRAME_MAX_OCTETS,
  locationOf,
  renderCalendar,
  renderEvent,
  summaryOf,
  type CalendarMeeting,
} from "../../../src/modules/meetings/meetings-calendar.ts";
import { MeetingCreate } from "../../../src/modules/meetings/meetings-schemas.ts";
import { bearer, createReaderKey, testApp } from "../../helper.ts";
import { FIRST_STRATEGY_MEETING, createMeeting, insertActivity, type MeetingBody } from "../../fixtures/meetings.ts";
import { expectProblem } from "../../expect.ts";

// ---------------------------------------------------------------------------------------------------------------
// A small iCalendar reader, written from RFC 5545 independently of the renderer.

type Property = { name: string; params: Record<string, string>; value: string };
type Component = { name: string; properties: Property[]; components: Component[] };

/** The physical lines as octets: each ends with CRLF, holds at most 75 octets and is valid UTF-8 on its own. */
function physicalLines(t: Test, body: string): string[] {
  const bytes = Buffer.from(body, "utf8");
  t.ok(body.endsWith("\r\n"), "the body ends with CRLF");
  const lines: string[] = [];
  let start = 0;
  let tooLong = 0;
  let broken = 0;
  for (let i = 0; i < bytes.length - 1; i++) {
    if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) {
      const chunk = bytes.subarray(start, i);
      if (chunk.length > 75) tooLong++;
      try {
        lines.push(new TextDecoder("utf-8", { fatal: true }).decode(chunk));
      } catch {
        broken++;
      }
      start = i + 2;
      i++;
    }
  }
  t.equal(start, bytes.length, "nothing after the last CRLF");
  t.equal(tooLong, 0, "no line is longer than 75 octets");
  t.equal(broken, 0, "no line splits a multi-byte character");
  t.notOk(lines.some((line) => /[\r\n]/.test(line)), "no bare CR or LF");
  return lines;
}

/** RFC 5545 §3.1: a line starting with a space continues the previous one. */
function unfold(lines: string[]): string[] {
  const logical: string[] = [];
  for (const line of lines) {
    if (line.startsWith(" ") && logical.length > 0) logical[logical.length - 1] += line.slice(1);
    else logical.push(line);
  }
  return logical;
}

function parseLine(line: string): Property {
  const colon = line.indexOf(":");
  const [name, ...params] = line.slice(0, colon).split(";");
  return { name: name!, params: Object.fromEntries(params.map((param) => param.split("=") as [string, string])), value: line.slice(colon + 1) };
}

function parseCalendar(t: Test, body: string): Component {
  const stack: Component[] = [{ name: "ROOT", properties: [], components: [] }];
  const mismatched: string[] = [];
  for (const line of unfold(physicalLines(t, body))) {
    const property = parseLine(line);
    if (property.name === "BEGIN") {
      const component: Component = { name: property.value, properties: [], components: [] };
      stack.at(-1)!.components.push(component);
      stack.push(component);
    } else if (property.name === "END") {
      const closed = stack.pop()?.name;
      if (closed !== property.value) mismatched.push(`END:${property.value} closes BEGIN:${closed}`);
    } else {
      stack.at(-1)!.properties.push(property);
    }
  }
  t.same(mismatched, [], "every END closes its BEGIN");
  t.equal(stack.length, 1, "every BEGIN has its END");
  const [calendar, ...rest] = stack[0]!.components;
  t.equal(rest.length, 0, "one VCALENDAR");
  t.equal(calendar?.name, "VCALENDAR");
  return calendar!;
}

/** TEXT values: `\\`, `\;`, `\,`, `\n`/`\N`. */
const unescapeText = (value: string) => value.replace(/\\([\\;,nN])/g, (_match, char: string) => (char === "n" || char === "N" ? "\n" : char));

/** A VEVENT as { NAME or NAME;PARAM=…: value }, TEXT values unescaped. */
const TEXT_PROPERTIES = new Set(["SUMMARY", "LOCATION", "DESCRIPTION", "X-WR-CALNAME"]);
function fieldsOf(component: Component): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const { name, params, value } of component.properties) {
    const key = [name, ...Object.entries(params).map(([k, v]) => `${k}=${v}`)].join(";");
    if (key in fields) throw new Error(`${key} appears twice`);
    fields[key] = TEXT_PROPERTIES.has(name) ? unescapeText(value) : value;
  }
  return fields;
}

const eventsOf = (t: Test, body: string) => {
  const calendar = parseCalendar(t, body);
  const zones = calendar.components.filter((component) => component.name === "VTIMEZONE");
  t.ok(zones.length <= 1, "at most one VTIMEZONE");
  const events = calendar.components.filter((component) => component.name === "VEVENT");
  t.equal(zones.length + events.length, calendar.components.length, "only VEVENTs (and the VTIMEZONE)");
  return events.map(fieldsOf);
};

/** "2013-06-19T08:00:00.000Z" -> "20130619T080000Z". */
const utc = (iso: string) => iso.replace(/[-:]/g, "").replace(/\.\d{3}/, "");
const octets = (value: string) => Buffer.byteLength(value, "utf8");


// ---------------------------------------------------------------------------------------------------------------
// Pure functions

t.test("TEXT escaping: backslash, semicolon, comma and line breaks; other control characters dropped", async (t) => {
  t.equal(escapeText("a\\b;c,d\ne"), "a\\\\b\\;c\\,d\\ne");
  t.equal(escapeText("one\r\ntwo\rthree\nfour"), "one\\ntwo\\nthree\\nfour", "CRLF, CR and LF are each one \\n");
  t.equal(escapeText("tab\tstays\u0001\u007f"), "tab\tstays");
  t.equal(escapeText("Zażółć gęślą jaźń: Łódź"), "Zażółć gęślą jaźń: Łódź", "diacritics and colons as they are");
  const tricky = "C:\\dane\\; a, b;\\n is not a newline\nbut this is";
  t.equal(unescapeText(escapeText(tricky)), tricky, "unescaping gives the text back");
});

t.test("folding: at most 75 octets a line, never inside a character, and unfolding gives the line back", async (t) => {
  const words = "Zażółć gęślą jaźń – spotkanie strategiczne w Łodzi, Gdańsku i Żywcu; ";
  const title = words.repeat(4).slice(0, 200);
  t.equal(title.length, 200);
  const line = contentLine("SUMMARY", escapeText(title));
  t.ok(line.endsWith("\r\n"));
  const lines = physicalLines(t, line);
  t.ok(lines.length > 3, `folded into ${lines.length} lines`);
  t.ok(lines.slice(1).every((l) => l.startsWith(" ")), "continuation lines start with a space");
  t.ok(lines.slice(0, -1).every((l) => octets(l) >= 72), "lines are filled (a fold only where the next character does not fit)");
  const [unfolded] = unfold(lines);
  t.equal(unescapeText(parseLine(unfolded!).value), title, "the same 200 characters, diacritics included");

  t.equal(foldLine("X".repeat(75)), "X".repeat(75), "75 octets: not folded");
  t.equal(foldLine("X".repeat(76)), `${"X".repeat(75)}\r\n X`, "76 octets: folded after 75");
  t.equal(foldLine(`${"X".repeat(74)}ą`), `${"X".repeat(74)}\r\n ą`, "a 2-octet character that does not fit moves to the next line");
  const emoji = `${"X".repeat(73)}😀😀`;
  t.equal(foldLine(emoji), `${"X".repeat(73)}\r\n 😀😀`, "so does a 4-octet one");
  const astral = "😀".repeat(100);
  const folded = physicalLines(t, `${foldLine(astral)}\r\n`);
  t.equal(unfold(folded)[0], astral);
});

t.test("cutText: at most the limit, with …, never between surrogates", async (t) => {
  t.equal(cutText("abc", 3), "abc");
  t.equal(cutText("abcd", 3), "ab…");
  const cut = cutText(`a${"😀".repeat(10)}`, 4);
  t.equal(cut, "a😀…", "the pair that would be split is left out");
  t.ok(cut.length <= 4);
});

t.test("SUMMARY, LOCATION and UTC times from the record's fields", async (t) => {
  const title = "Pierwsze spotkanie strategiczne";
  t.equal(summaryOf({ title, seriesName: "Spotkanie strategiczne", sequenceNumber: 1 }), "Spotkanie strategiczne nr 1: Pierwsze spotkanie strategiczne");
  t.equal(summaryOf({ title, seriesName: "Spotkanie strategiczne", sequenceNumber: null }), "Spotkanie strategiczne: Pierwsze spotkanie strategiczne");
  t.equal(summaryOf({ title, seriesName: null, sequenceNumber: 1 }), title, "a number without a series says nothing");
  t.equal(summaryOf({ title: "spotkanie STRATEGICZNE", seriesName: "Spotkanie strategiczne", sequenceNumber: 2 }), "Spotkanie strategiczne nr 2", "no title repeating the series");
  const venue = { name: null, street: null, postalCode: null, city: null, district: null };
  t.equal(locationOf(null), null);
  t.equal(locationOf(venue), null);
  t.equal(locationOf({ ...venue, postalCode: "80-309" }), "80-309");
  t.equal(locationOf({ ...venue, name: "Oliwia Gate", district: "Oliwa" }), "Oliwia Gate, Oliwa");
  t.equal(icalDateTime(new Date("2013-05-10T10:00:00+02:00")), "20130510T080000Z");
  t.equal(icalDateTime(new Date("9999-12-31T23:00:00-05:00")), "99991231T235959Z", "years past 9999 are clamped to four digits");
  t.equal(icalDateTime(new Date("0000-01-01T00:00:00+14:00")), "00000101T000000Z");
});

t.test("the renderer's field limits are the API's input limits", async (t) => {
  const base = { title: "x", date: "2013-05-10", format: "workshop" };
  const accepts = (body: Record<string, unknown>) => MeetingCreate.safeParse({ ...base, ...body }).success;
  const fields: Array<[string, number, (value: string) => Record<string, unknown>]> = [
    ["title", FIELD_LIMITS.title, (value) => ({ title: value })],
    ["seriesName", FIELD_LIMITS.seriesName, (value) => ({ seriesName: value })],
    ["venue.name", FIELD_LIMITS.venueName, (value) => ({ venue: { name: value } })],
    ["venue.street", FIELD_LIMITS.street, (value) => ({ venue: { street: value } })],
    ["venue.city", FIELD_LIMITS.city, (value) => ({ venue: { city: value } })],
    ["venue.district", FIELD_LIMITS.district, (value) => ({ venue: { district: value } })],
  ];
  for (const [name, limit, body] of fields) {
    t.ok(accepts(body("x".repeat(limit))), `${name}: ${limit} accepted`);
    t.notOk(accepts(body("x".repeat(limit + 1))), `${name}: ${limit + 1} refused`);
  }
  t.ok(accepts({ venue: { postalCode: "80-309" } }));
  t.equal("80-309".length, FIELD_LIMITS.postalCode);
});

/** A meeting with every text field at its limit, in `char` (1 UTF-16 unit, or a surrogate pair for 2). */
function fullMeeting(char: string, overrides: Partial<CalendarMeeting> = {}): CalendarMeeting {
  const fill = (units: number) => char.repeat(Math.ceil(units / char.length)).slice(0, units);
  return {
    id: "ffffffff-ffff-7fff-bfff-ffffffffffff",
    title: fill(FIELD_LIMITS.title),
    seriesName: fill(FIELD_LIMITS.seriesName),
    sequenceNumber: -2_147_483_648,
    date: "2013-05-10",
    startsAt: null,
    endsAt: null,
    timeZone: "Europe/Warsaw",
    status: "scheduled",
    venue: {
      name: fill(FIELD_LIMITS.venueName),
      street: fill(FIELD_LIMITS.street),
      postalCode: fill(FIELD_LIMITS.postalCode),
      city: fill(FIELD_LIMITS.city),
      district: fill(FIELD_LIMITS.district),
    },
    agenda: Array.from({ length: 100 }, () => fill(1000)),
    outcomes: fill(10_000),
    version: INT32_MAX,
    updatedAt: "9999-12-31T23:59:59.999Z",
    ...overrides,
  };
}

t.test("the declared maxLength is a true bound: the worst case fits, and nearly fills it", async (t) => {
  // 3 octets a UTF-16 unit is the most any text can take: "€" (3 octets), "," and "\n" (2 once escaped), "😀" (4 for 2 units).
  const worst = renderEvent(fullMeeting("€"));
  t.ok(octets(worst) <= EVENT_MAX_OCTETS, `the worst event: ${octets(worst)} ≤ ${EVENT_MAX_OCTETS} octets`);
  t.ok(octets(worst) >= 0.99 * EVENT_MAX_OCTETS, `and the bound is tight (${((100 * octets(worst)) / EVENT_MAX_OCTETS).toFixed(2)} %)`);
  for (const char of [",", "\n", "\\", "😀", "ą", "x", "\r\n", "\ud800"]) {
    const event = renderEvent(fullMeeting(char));
    t.ok(octets(event) <= EVENT_MAX_OCTETS, `every field full of ${JSON.stringify(char)}: ${octets(event)} octets`);
    t.ok(event.length <= octets(event), "characters never outnumber octets");
  }
  const timed = renderEvent(fullMeeting("€", { startsAt: "2013-05-10T08:00:00.000Z", endsAt: "2013-05-10T12:00:00.000Z", status: "cancelled" }));
  t.ok(octets(timed) <= EVENT_MAX_OCTETS, "a timed (local time) cancelled event too");
  t.match(timed, "DTSTART;TZID=Europe/Warsaw:20130510T100000\r\n");
  const utcTimed = renderEvent(fullMeeting("€", { startsAt: "2013-05-10T08:00:00.000Z", endsAt: "2013-05-10T12:00:00.000Z", timeZone: "America/New_York" }));
  t.ok(octets(utcTimed) <= EVENT_MAX_OCTETS, "and one in UTC");
  // Random mixtures of the characters that cost the most, at random lengths up to the limits.
  const alphabet = ["€", "ą", "😀", ",", ";", "\\", "\n", "\r\n", "x", " ", "\u0001"];
  let seed = 42;
  const random = (n: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
  const mixture = (units: number) => {
    let value = "";
    while (value.length < units) value += alphabet[random(alphabet.length)];
    return cutText(value, units);
  };
  let largest = 0;
  for (let i = 0; i < 200; i++) {
    const meeting = fullMeeting("x", {
      title: mixture(FIELD_LIMITS.title),
      seriesName: mixture(FIELD_LIMITS.seriesName),
      venue: { name: mixture(200), street: mixture(200), postalCode: mixture(6), city: mixture(100), district: mixture(100) },
      agenda: [mixture(1000), mixture(1000)],
      outcomes: mixture(5000),
    });
    largest = Math.max(largest, octets(renderEvent(meeting)));
  }
  t.ok(largest <= EVENT_MAX_OCTETS, `200 random mixtures: the largest ${largest} octets`);
  // Fields longer than the API accepts (written straight into the database) are cut, so the bound holds for them too.
  const oversized = renderEvent(fullMeeting("€", { title: "€".repeat(5000), seriesName: "€".repeat(5000), venue: { name: "€".repeat(5000), street: null, postalCode: null, city: null, district: null } }));
  t.ok(octets(oversized) <= EVENT_MAX_OCTETS, "oversized stored fields are cut to the limits");

  const worstTimed = fullMeeting("€", { startsAt: "2013-05-10T08:00:00.000Z", endsAt: "2013-05-10T12:00:00.000Z" });
  const calendar = renderCalendar(Array.from({ length: CALENDAR_MAX_EVENTS }, () => worstTimed), "€".repeat(500));
  t.ok(octets(calendar) <= CALENDAR_MAX_OCTETS, `${CALENDAR_MAX_EVENTS} worst events: ${octets(calendar)} ≤ ${CALENDAR_MAX_OCTETS}`);
  t.match(calendar, "BEGIN:VTIMEZONE", "with the VTIMEZONE");
  t.ok(octets(renderCalendar([worstTimed], "€".repeat(500))) - octets(renderEvent(worstTimed)) <= FRAME_MAX_OCTETS, "the longest frame fits its bound");
  t.equal(CALENDAR_MAX_OCTETS, FRAME_MAX_OCTETS + CALENDAR_MAX_EVENTS * EVENT_MAX_OCTETS);
});

// ---------------------------------------------------------------------------------------------------------------
// Through the API

const { app, db } = await testApp(t);
const CALENDAR = "/v1/meetings/calendar.ics";
const get = (query = "", headers: Record<string, string> = {}) => app.inject({ method: "GET", url: `${CALENDAR}${query ? `?${query}` : ""}`, headers });
const calendarOf = (t: Test, res: LightMyRequestResponse) => {
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.headers["content-type"], "text/calendar; charset=utf-8");
  return res.body;
};
const uids = (events: Array<Record<string, string>>) => events.map((event) => event.UID);
const uid = (meeting: { id: string }) => `${meeting.id}@cluster-records`;

const daysFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

const strategy = await insertActivity(app, db, "Rozpoczęto i zakończono prace nad Strategią dla Klastra");
const first = await createMeeting(app, { ...FIRST_STRATEGY_MEETING, activityId: strategy.id });
const timed = await createMeeting(app, {
  title: "Warsztat: koszty; zyski, \\ ryzyka",
  date: undefined,
  startsAt: "2013-06-19T10:00:00+02:00",
  endsAt: "2013-06-19T14:30:00+02:00",
  format: "simulation_workshop",
  venue: { name: "Park Naukowo-Technologiczny", street: "al. Zwycięstwa 27", postalCode: "80-219", city: "Gdańsk", district: "Wrzeszcz" },
});
const startOnly = await createMeeting(app, {
  title: "Trzecie spotkanie strategiczne",
  seriesName: "Spotkanie strategiczne",
  sequenceNumber: 3,
  date: undefined,
  startsAt: "2013-09-20T09:00:00+02:00",
  format: "working_meeting",
  activityId: strategy.id,
  agenda: ["Pomysły na projekty", "Ostateczne wypracowanie strategii Klastra"],
});
const lodzTitle = "Konferencja w Łodzi o logistyce: zażółć gęślą jaźń ".repeat(6).slice(0, 300).trim();
const lodz = await createMeeting(app, { title: lodzTitle, date: "2013-11-05", format: "conference", venue: { city: "Łódź" }, outcomes: "Ą".repeat(5000) });
// Edited once: version 2.
const edited = await app.inject({
  method: "PATCH",
  url: `/v1/meetings/${lodz.id}`,
  headers: { "if-match": `"${lodz.id}.v1"` },
  payload: { seriesName: "Konferencja" },
});
const lodzNow = edited.json() as MeetingBody;
const old = await createMeeting(app, { title: "Sprzed ponad roku", date: daysFromToday(-400) });
const recent = await createMeeting(app, { title: "Sprzed 300 dni", date: daysFromToday(-300) });
const upcoming = await createMeeting(app, { title: "Za miesiąc", date: daysFromToday(30) });

t.test("GET /v1/meetings/calendar.ics is the calendar route, not a meeting id", async (t) => {
  const res = await get("dateFrom=2013-01-01&dateTo=2013-12-31");
  calendarOf(t, res);
  t.equal(res.headers["content-disposition"], 'inline; filename="meetings.ics"');
  t.match(res.headers.etag, /^"[^"]+"$/, "a strong ETag");
  expectProblem(t, await app.inject({ method: "GET", url: "/v1/meetings/calendar.xyz" }), 400, "validation_failed", ["/id"]);
});

t.test("the calendar and each event, field by field", async (t) => {
  const body = calendarOf(t, await get("dateFrom=2013-01-01&dateTo=2013-12-31"));
  const calendar = parseCalendar(t, body);
  t.same(fieldsOf(calendar), {
    VERSION: "2.0",
    PRODID: "-//Cluster Records API//EN",
    CALSCALE: "GREGORIAN",
    METHOD: "PUBLISH",
    "X-WR-CALNAME": "Spotkania klastra",
  });
  const zone = calendar.components.find((component) => component.name === "VTIMEZONE");
  t.equal(zone && fieldsOf(zone).TZID, "Europe/Warsaw", "the VTIMEZONE of Europe/Warsaw, where the timed meetings' times are local");
  const events = eventsOf(t, body);
  t.same(uids(events), [first, timed, startOnly, lodz].map(uid), "by date");

  t.same(events[0], {
    UID: uid(first),
    DTSTAMP: utc(first.updatedAt),
    "LAST-MODIFIED": utc(first.updatedAt),
    SEQUENCE: "0",
    SUMMARY: "Spotkanie strategiczne nr 1: Pierwsze spotkanie strategiczne",
    "DTSTART;VALUE=DATE": "20130510",
    "DTEND;VALUE=DATE": "20130511",
    LOCATION: "Oliwia Gate, Gdańsk, Oliwa",
    DESCRIPTION:
      "- Metodologia tworzenia strategii\n- Potencjał Klastra z punktu widzenia gospodarki Pomorza\n- Analiza PEST\n\n" +
      "Przeprowadzona została analiza PEST, określająca czynniki warunkujące rozwój branży w regionie.",
    STATUS: "CONFIRMED",
  }, "a date-only meeting is an all-day event; venue and agenda");

  t.same(events[1], {
    UID: uid(timed),
    DTSTAMP: utc(timed.updatedAt),
    "LAST-MODIFIED": utc(timed.updatedAt),
    SEQUENCE: "0",
    SUMMARY: "Warsztat: koszty; zyski, \\ ryzyka",
    "DTSTART;TZID=Europe/Warsaw": "20130619T100000",
    "DTEND;TZID=Europe/Warsaw": "20130619T143000",
    LOCATION: "Park Naukowo-Technologiczny, al. Zwycięstwa 27, 80-219 Gdańsk, Wrzeszcz",
    STATUS: "CONFIRMED",
  }, "times local in Europe/Warsaw; no series, agenda or outcomes");
  t.match(body, "SUMMARY:Warsztat: koszty\\; zyski\\, \\\\ ryzyka\r\n", "escaped on the wire");

  t.same(events[2], {
    UID: uid(startOnly),
    DTSTAMP: utc(startOnly.updatedAt),
    "LAST-MODIFIED": utc(startOnly.updatedAt),
    SEQUENCE: "0",
    SUMMARY: "Spotkanie strategiczne nr 3: Trzecie spotkanie strategiczne",
    "DTSTART;TZID=Europe/Warsaw": "20130920T090000",
    DESCRIPTION: "- Pomysły na projekty\n- Ostateczne wypracowanie strategii Klastra",
    STATUS: "CONFIRMED",
  }, "a start without an end; no venue");

  const conference = events[3]!;
  t.equal(conference.SEQUENCE, "1", "version 2 -> SEQUENCE 1");
  t.equal(conference["LAST-MODIFIED"], utc(lodzNow.updatedAt), "LAST-MODIFIED is the last change");
  t.not(lodzNow.updatedAt, lodz.updatedAt);
  t.equal(conference.SUMMARY, `Konferencja: ${lodzTitle}`, "a series without a number; the long Polish title intact");
  t.equal(conference.LOCATION, "Łódź");
  t.equal(conference.DESCRIPTION!.length, DESCRIPTION_MAX_LENGTH, "the description is cut");
  t.equal(conference.DESCRIPTION, `${"Ą".repeat(DESCRIPTION_MAX_LENGTH - 1)}…`);
});

t.test("the window: by default every meeting, past ones too (the 2013 ones), with no end", async (t) => {
  const events = eventsOf(t, calendarOf(t, await get()));
  t.same(uids(events), [first, timed, startOnly, lodz, old, recent, upcoming].map(uid));
  t.same(uids(eventsOf(t, calendarOf(t, await get(`dateFrom=${daysFromToday(-350)}`)))), [recent, upcoming].map(uid), "dateFrom narrows it");
  t.same(uids(eventsOf(t, calendarOf(t, await get(`dateTo=${daysFromToday(0)}`)))), [first, timed, startOnly, lodz, old, recent].map(uid), "dateTo alone has no start");
  t.same(uids(eventsOf(t, calendarOf(t, await get("dateFrom=2013-06-19&dateTo=2013-09-20")))), [timed, startOnly].map(uid), "both inclusive");
  t.same(eventsOf(t, calendarOf(t, await get("dateFrom=2014-01-01&dateTo=2014-12-31"))), [], "an empty window is an empty calendar");
});

t.test("filters: activityId, q, city, format", async (t) => {
  const from = "dateFrom=2013-01-01&";
  const filtered = async (query: string) => uids(eventsOf(t, calendarOf(t, await get(from + query))));
  t.same(await filtered(`activityId=${strategy.id}`), [first, startOnly].map(uid));
  t.same(await filtered("q=oliwa"), [first].map(uid), "q: venue district");
  t.same(await filtered(`q=${encodeURIComponent("jazn lodzi")}`), [lodz].map(uid), "q ignores diacritics");
  t.same(await filtered(`city=${encodeURIComponent("GDAŃSK")}`), [first, timed].map(uid));
  t.same(await filtered("format=simulation_workshop"), [timed].map(uid));
  t.same(await filtered(`activityId=${strategy.id}&q=trzecie`), [startOnly].map(uid), "ANDed");
});

t.test("If-None-Match with the ETag gives 304 until the feed changes", async (t) => {
  const first200 = await get("dateFrom=2013-01-01&dateTo=2013-12-31");
  const etag = String(first200.headers.etag);
  t.equal(String((await get("dateFrom=2013-01-01&dateTo=2013-12-31")).headers.etag), etag, "the same feed, the same ETag");
  const notModified = await get("dateFrom=2013-01-01&dateTo=2013-12-31", { "if-none-match": etag });
  t.equal(notModified.statusCode, 304);
  t.equal(notModified.body, "");
  t.equal(notModified.headers.etag, etag);
  t.equal((await get("dateFrom=2013-01-01&dateTo=2013-12-31", { "if-none-match": `W/${etag}` })).statusCode, 304, "weak comparison");
  t.equal((await get("dateFrom=2013-01-01&dateTo=2013-06-30", { "if-none-match": etag })).statusCode, 200, "another window, another body");

  const current = (await app.inject({ method: "GET", url: `/v1/meetings/${timed.id}` })).json() as MeetingBody;
  const patched = await app.inject({
    method: "PATCH",
    url: `/v1/meetings/${timed.id}`,
    headers: { "if-match": `"${timed.id}.v${current.version}"` },
    payload: { outcomes: "Nowe ustalenia." },
  });
  t.equal(patched.statusCode, 200);
  const changed = await get("dateFrom=2013-01-01&dateTo=2013-12-31", { "if-none-match": etag });
  t.equal(changed.statusCode, 200, "a meeting changed: the full calendar again");
  t.not(changed.headers.etag, etag);
  const event = eventsOf(t, changed.body).find((e) => e.UID === uid(timed))!;
  t.equal(event.DESCRIPTION, "Nowe ustalenia.");
  t.equal(event.SEQUENCE, "1");
});

t.test("content negotiation and keys", async (t) => {
  calendarOf(t, await get("", { accept: "text/calendar" }));
  calendarOf(t, await get("", { accept: "text/*;q=0.9" }));
  calendarOf(t, await get("", { accept: "*/*" }));
  const refused = expectProblem(t, await get("", { accept: "text/html" }), 406, "not_acceptable");
  t.match(refused.detail, /text\/calendar/);
  const reader = await createReaderKey(db);
  calendarOf(t, await get("", { ...bearer(reader.key), accept: "text/calendar" }));
  expectProblem(t, await app.inject({ method: "GET", url: CALENDAR, headers: { authorization: undefined } }), 401, "unauthorized");
});

t.test("bad input is a 400 naming the field", async (t) => {
  expectProblem(t, await get("dateFrom=2013-02-30"), 400, "validation_failed", ["/dateFrom"]);
  expectProblem(t, await get("dateTo=10.05.2013"), 400, "validation_failed", ["/dateTo"]);
  expectProblem(t, await get("dateFrom=2013-06-01&dateTo=2013-05-01"), 400, "validation_failed", ["/dateTo"]);
  expectProblem(t, await get("activityId=42"), 400, "validation_failed", ["/activityId"]);
  expectProblem(t, await get("format=party"), 400, "validation_failed", ["/format"]);
  expectProblem(t, await get("limit=5"), 400, "validation_failed");
});

t.test(`at most ${CALENDAR_MAX_EVENTS} events: the latest by date, then id, in date order`, async (t) => {
  // Straight into the table (fast); random ids, so that id order is not insertion order.
  const rows = Array.from({ length: CALENDAR_MAX_EVENTS + 25 }, (_, i) => ({
    id: randomUUID(),
    title: `Spotkanie ${i}`,
    date: new Date(Date.UTC(1990, 0, 1 + (i % 40))),
    format: "working_meeting" as const,
  }));
  await db.prisma.meeting.createMany({ data: rows });
  const expected = rows
    .map((row) => ({ id: row.id, date: row.date.toISOString() }))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(-CALENDAR_MAX_EVENTS)
    .map(uid);
  const body = calendarOf(t, await get("dateFrom=1990-01-01&dateTo=1990-12-31"));
  t.ok(octets(body) <= CALENDAR_MAX_OCTETS);
  t.same(uids(eventsOf(t, body)), expected);
});

t.test("the OpenAPI document declares text/calendar with the computed bound and a real example", async (t) => {
  // Shared responses are $refs in the document: read it with them written out (shared schemas stay $refs).
  const doc = inlineSharedComponents(app.swagger()) as unknown as {
    components: { schemas: Record<string, Record<string, unknown>> };
    paths: Record<string, { get?: { operationId?: string; tags?: string[]; responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> } }>;
  };
  const operation = doc.paths[CALENDAR]?.get;
  t.equal(operation?.operationId, "getMeetingsCalendar");
  t.same(operation?.tags, ["Meetings"]);
  const content = operation?.responses["200"]?.content ?? {};
  t.same(Object.keys(content), ["text/calendar"]);
  // A schema written in several places is a component ($ref) in the document.
  const declared = content["text/calendar"]!.schema;
  const schema = typeof declared.$ref === "string" ? doc.components.schemas[declared.$ref.split("/").at(-1)!]! : declared;
  t.equal(schema.type, "string");
  t.equal(schema.maxLength, CALENDAR_MAX_OCTETS);
  t.ok(new RegExp(String(schema.pattern)).test(String(schema.example)), "the example matches the pattern");
  const served = (await get("dateFrom=1990-01-01")).body;
  t.ok(new RegExp(String(schema.pattern)).test(served), "so does a served calendar");
  t.notOk(new RegExp(String(schema.pattern)).test(served.replace(/\r\n/g, "\n")), "and bare LF would not");
  t.equal(eventsOf(t, String(schema.example))[0]?.SUMMARY, "Spotkanie strategiczne nr 1: Pierwsze spotkanie strategiczne", "the example parses");
  for (const status of ["400", "406"]) t.same(Object.keys(operation?.responses[status]?.content ?? {}), ["application/problem+json"]);
});
