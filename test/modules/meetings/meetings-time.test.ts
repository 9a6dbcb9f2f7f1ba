import t from "tap";
import { testApp } from "../../helper.ts";
import { createMeeting } from "../../fixtures/meetings.ts";
import { expectProblem } from "../../expect.ts";

const { app } = await testApp(t);
const post = (payload: Record<string, unknown>) =>
  app.inject({ method: "POST", url: "/v1/meetings", payload: { title: "Spotkanie strategiczne", format: "workshop", ...payload } });
const patch = (id: string, version: number, payload: unknown) =>
  app.inject({ method: "PATCH", url: `/v1/meetings/${id}`, payload: payload as object, headers: { "if-match": `"${id}.v${version}"` } });

t.test("startsAt/endsAt with an offset are returned in UTC; the date is derived in the meeting's time zone", async (t) => {
  const res = await post({ startsAt: "2013-05-10T10:00:00+02:00", endsAt: "2013-05-10T14:30:00+02:00" });
  t.equal(res.statusCode, 201, res.body);
  const body = res.json();
  t.equal(body.startsAt, "2013-05-10T08:00:00.000Z");
  t.equal(body.endsAt, "2013-05-10T12:30:00.000Z");
  t.equal(body.date, "2013-05-10");
  t.equal(body.timeZone, "Europe/Warsaw");

  const earlyMorning = await post({ startsAt: "2013-05-10T00:30:00+02:00" });
  t.equal(earlyMorning.json().startsAt, "2013-05-09T22:30:00.000Z");
  t.equal(earlyMorning.json().date, "2013-05-10", "the Warsaw date, not the UTC date");

  const newYork = await post({ startsAt: "2013-05-10T02:00:00Z", timeZone: "America/New_York" });
  t.equal(newYork.statusCode, 201);
  t.equal(newYork.json().date, "2013-05-09", "22:00 of the 9th in New York");
  t.equal(newYork.json().timeZone, "America/New_York");

  const winter = await post({ startsAt: "2013-01-15T23:30:00Z" });
  t.equal(winter.json().date, "2013-01-16", "CET (+01:00) in winter");
  const summerUtc = await post({ startsAt: "2013-07-15T22:30:00Z" });
  t.equal(summerUtc.json().date, "2013-07-16", "CEST (+02:00) in summer");

  const utc = await post({ startsAt: "2013-05-10T23:30:00Z", timeZone: "UTC" });
  t.equal(utc.json().date, "2013-05-10");
  const lowercase = await post({ date: "2013-05-10", timeZone: "europe/warsaw" });
  t.equal(lowercase.json().timeZone, "Europe/Warsaw", "stored under its canonical IANA name");
});

t.test("date and startsAt, when both are sent, must agree in the meeting's time zone", async (t) => {
  const agree = await post({ date: "2013-05-10", startsAt: "2013-05-09T23:30:00Z" });
  t.equal(agree.statusCode, 201, "01:30 on the 10th in Warsaw");
  t.equal(agree.json().date, "2013-05-10");
  const body = expectProblem(t, await post({ date: "2013-05-09", startsAt: "2013-05-09T23:30:00Z" }), 400, "validation_failed", ["/date"]);
  t.match(body.errors?.[0]?.message, /2013-05-10/, "the message says which date startsAt falls on");
  expectProblem(t, await post({ date: "2013-05-10", startsAt: "2013-05-09T23:30:00Z", timeZone: "UTC" }), 400, "validation_failed", ["/date"]);
});

t.test("time validation: exact paths", async (t) => {
  const cases: Array<[Record<string, unknown>, string[]]> = [
    [{}, ["/date"]],
    [{ date: null }, ["/date"]],
    [{ date: "2013-02-30" }, ["/date"]],
    [{ date: "10.05.2013" }, ["/date"]],
    [{ date: "2013-05-10T10:00:00+02:00" }, ["/date"]],
    [{ date: "2013-05-10", timeZone: "Mars/Olympus" }, ["/timeZone"]],
    [{ date: "2013-05-10", timeZone: "+02:00" }, ["/timeZone"]],
    [{ date: "2013-05-10", timeZone: "" }, ["/timeZone"]],
    [{ startsAt: "2013-05-10T10:00:00" }, ["/startsAt"]],
    [{ startsAt: "10 maja 2013" }, ["/startsAt"]],
    [{ date: "2013-05-10", endsAt: "2013-05-10T12:00:00+02:00" }, ["/endsAt"]],
    [{ startsAt: "2013-05-10T10:00:00+02:00", endsAt: "2013-05-10T09:59:00+02:00" }, ["/endsAt"]],
    [{ startsAt: "2013-05-10T10:00:00+02:00", endsAt: "2013-05-10T08:00:00Z" }, ["/endsAt"]],
    [{ startsAt: "2013-05-10T10:00:00+02:00", endsAt: "2013-05-10T14:00:00" }, ["/endsAt"]],
    [{ date: "2013-05-10", format: "webinar" }, ["/format"]],
    [{ date: "2013-05-10", sequenceNumber: 0 }, ["/sequenceNumber"]],
    [{ date: "2013-05-10", sequenceNumber: 1.5 }, ["/sequenceNumber"]],
    [{ date: "2013-05-10", sequenceNumber: "1" }, ["/sequenceNumber"]],
    [{ date: "2013-05-10", venue: { postalCode: "80309" } }, ["/venue/postalCode"]],
    [{ date: "2013-05-10", venue: { city: "  " } }, ["/venue/city"]],
    [{ date: "2013-05-10", venue: { country: "PL" } }, ["/venue/country"]],
    [{ date: "2013-05-10", venue: "Oliwia Gate" }, ["/venue"]],
    [{ date: "2013-05-10", agenda: ["Analiza PEST", " "] }, ["/agenda/1"]],
    [{ date: "2013-05-10", agenda: "Analiza PEST" }, ["/agenda"]],
    [{ date: "2013-05-10", title: "" }, ["/title"]],
    [{ date: "2013-05-10", participants: [] }, ["/participants"]],
    [{ title: "", startsAt: "2013-05-10T10:00:00+02:00", endsAt: "2013-05-10T09:00:00+02:00" }, ["/title", "/endsAt"]],
  ];
  for (const [payload, paths] of cases) {
    expectProblem(t, await post(payload), 400, "validation_failed", paths);
  }
  t.equal((await post({ startsAt: "2013-05-10T10:00:00+02:00", endsAt: "2013-05-10T10:00:01+02:00" })).statusCode, 201, "one second later is after");
});

t.test("an instant whose local date falls outside years 0001-9999 is a 400, never a 500", async (t) => {
  for (const [payload, path] of [
    [{ startsAt: "9999-12-31T23:30:00Z" }, "/startsAt"], // 10000-01-01 in Europe/Warsaw
    [{ startsAt: "0001-01-01T00:30:00+14:00" }, "/startsAt"], // year 0 in UTC and in Warsaw
    [{ startsAt: "2013-05-10T10:00:00+02:00", endsAt: "9999-12-31T23:30:00Z" }, "/endsAt"],
  ] as const) {
    const body = expectProblem(t, await post(payload), 400, "validation_failed", [path]);
    t.match(body.errors?.[0]?.message, /between 0001-01-01 and 9999-12-31/);
  }
  t.equal((await post({ startsAt: "9999-12-31T22:00:00Z", timeZone: "UTC" })).statusCode, 201, "the last day, in a zone where it is still 9999");
  expectProblem(t, await post({ startsAt: "9999-12-31T23:30:00Z", timeZone: "Mars/Olympus_Mons" }), 400, "validation_failed", ["/timeZone"]);
});

t.test("PATCH of the times: moving startsAt or the time zone re-derives the date; a sent date must agree", async (t) => {
  const m = await createMeeting(app, { date: "2013-05-10" });
  const timed = await patch(m.id, 1, { startsAt: "2013-05-10T10:00:00+02:00", endsAt: "2013-05-10T14:00:00+02:00" });
  t.equal(timed.statusCode, 200, timed.body);
  t.equal(timed.json().date, "2013-05-10");
  t.equal(timed.json().startsAt, "2013-05-10T08:00:00.000Z");

  const moved = await patch(m.id, 2, { startsAt: "2013-06-19T10:00:00+02:00", endsAt: "2013-06-19T15:00:00+02:00" });
  t.equal(moved.statusCode, 200, moved.body);
  t.equal(moved.json().date, "2013-06-19", "the date follows the new start");

  expectProblem(t, await patch(m.id, 3, { date: "2013-06-20" }), 400, "validation_failed", ["/date"]);
  // The old endsAt (June) is now before the new start too: both are named.
  expectProblem(t, await patch(m.id, 3, { startsAt: "2013-09-20T10:00:00+02:00", date: "2013-09-21" }), 400, "validation_failed", ["/date", "/endsAt"]);
  expectProblem(t, await patch(m.id, 3, { endsAt: "2013-06-19T09:00:00+02:00" }), 400, "validation_failed", ["/endsAt"]);
  expectProblem(t, await patch(m.id, 3, { startsAt: null }), 400, "validation_failed", ["/endsAt"]);
  expectProblem(t, await patch(m.id, 3, { timeZone: "Mars/Olympus" }), 400, "validation_failed", ["/timeZone"]);

  const late = await patch(m.id, 3, { startsAt: "2013-06-19T23:30:00+02:00", endsAt: null });
  t.equal(late.json().date, "2013-06-19");
  const zone = await patch(m.id, 4, { timeZone: "Europe/London" });
  t.equal(zone.statusCode, 200);
  t.equal(zone.json().date, "2013-06-19", "22:30 in London");
  t.equal(zone.json().startsAt, "2013-06-19T21:30:00.000Z", "the instant does not move");
  const tokyo = await patch(m.id, 5, { timeZone: "Asia/Tokyo" });
  t.equal(tokyo.json().date, "2013-06-20", "06:30 next morning in Tokyo");
  const reset = await patch(m.id, 6, { timeZone: null });
  t.equal(reset.json().timeZone, "Europe/Warsaw", "null restores the default");
  t.equal(reset.json().date, "2013-06-19");

  const untimed = await patch(m.id, 7, { startsAt: null });
  t.equal(untimed.statusCode, 200, untimed.body);
  t.equal(untimed.json().startsAt, null);
  t.equal(untimed.json().date, "2013-06-19", "clearing the start keeps the date");
  const redated = await patch(m.id, 8, { date: "2013-09-20" });
  t.equal(redated.json().date, "2013-09-20", "without a start the date is free");
});
