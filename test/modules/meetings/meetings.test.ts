import t from "tap";
import { testApp } from "../../helper.ts";
import { FIRST_STRATEGY_MEETING, createMeeting, createParticipant, insertActivity } from "../../fixtures/meetings.ts";
import { expectProblem } from "../../expect.ts";

const { app, db } = await testApp(t);
const post = (payload: unknown, headers: Record<string, string> = {}) => app.inject({ method: "POST", url: "/v1/meetings", payload: payload as object, headers });
const get = (id: string, query = "", headers: Record<string, string> = {}) => app.inject({ method: "GET", url: `/v1/meetings/${id}${query}`, headers });
const patch = (id: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: "PATCH", url: `/v1/meetings/${id}`, payload: payload as object, headers });
const del = (id: string, headers: Record<string, string> = {}) => app.inject({ method: "DELETE", url: `/v1/meetings/${id}`, headers });
const UNKNOWN_ID = "01900000-0000-7000-8000-000000000000";

t.test("create the seed page's first strategy meeting: every field; a date alone is enough", async (t) => {
  const activity = await insertActivity(app, db);
  const res = await post({ ...FIRST_STRATEGY_MEETING, activityId: activity.id });
  t.equal(res.statusCode, 201, res.body);
  const body = res.json();
  t.strictSame(
    { ...body, id: "", createdAt: "", updatedAt: "" },
    {
      id: "",
      activityId: activity.id,
      title: "Pierwsze spotkanie strategiczne",
      seriesName: "Spotkanie strategiczne",
      sequenceNumber: 1,
      date: "2013-05-10",
      startsAt: null,
      endsAt: null,
      timeZone: "Europe/Warsaw",
      format: "workshop",
      status: "scheduled",
      venue: { name: "Oliwia Gate", street: null, postalCode: null, city: "Gdańsk", district: "Oliwa" },
      agenda: FIRST_STRATEGY_MEETING.agenda,
      outcomes: FIRST_STRATEGY_MEETING.outcomes,
      version: 1,
      createdAt: "",
      updatedAt: "",
    },
    "times unknown: no startsAt/endsAt, default time zone, no participants unless included",
  );
  const row = await db.prisma.meeting.findUniqueOrThrow({ where: { id: body.id } });
  t.same([row.venueName, row.venueStreet, row.venuePostalCode, row.venueCity, row.venueDistrict], ["Oliwia Gate", null, null, "Gdańsk", "Oliwa"], "venue_* columns");

  const minimal = await post({ title: "Spotkanie robocze", date: "2013-09-20", format: "working_meeting" });
  t.equal(minimal.statusCode, 201);
  t.strictSame(
    [minimal.json().venue, minimal.json().agenda, minimal.json().activityId, minimal.json().sequenceNumber, minimal.json().outcomes],
    [null, [], null, null, null],
    "optional fields present as null (agenda as [])",
  );
  const emptyVenue = await post({ title: "Bez miejsca", date: "2013-09-20", format: "other", venue: {} });
  t.equal(emptyVenue.json().venue, null, "a venue with no members is no venue");
});

t.test("Polish text round-trips byte-exact; text is NFC-normalised and trimmed", async (t) => {
  const title = "Trzecie spotkanie strategiczne — Zażółć gęślą jaźń ĄĆĘŁŃÓŚŹŻ";
  const res = await post({
    title,
    date: "2013-09-20",
    format: "working_meeting",
    venue: { name: "  Park Naukowo\u2013Technologiczny ", street: "al. Zwycięstwa 27", postalCode: "80-219", city: "Gdan\u0301sk" },
    agenda: ["Omówienie pomysłów na projekty", "Wypracowanie strategii „Klastra”"],
    outcomes: "Wypracowaliśmy robocze przedsięwzięcia i propozycje projektów inwestycyjnych istotnych dla rozwoju Klastra.",
  });
  t.equal(res.statusCode, 201, res.body);
  t.ok(res.rawPayload.includes(Buffer.from("ĄĆĘŁŃÓŚŹŻ", "utf8")), "sent as UTF-8, not \\u escapes");
  const got = (await get(res.json().id)).json();
  t.equal(got.title, title);
  t.same(got.venue, { name: "Park Naukowo\u2013Technologiczny", street: "al. Zwycięstwa 27", postalCode: "80-219", city: "Gda\u0144sk", district: null });
  t.same(got.agenda, ["Omówienie pomysłów na projekty", "Wypracowanie strategii „Klastra”"]);
  t.equal(got.outcomes, "Wypracowaliśmy robocze przedsięwzięcia i propozycje projektów inwestycyjnych istotnych dla rozwoju Klastra.");
});

t.test("activityId must name an existing activity: 422 naming /activityId, on create and on patch", async (t) => {
  const before = await db.prisma.meeting.count();
  expectProblem(t, await post({ ...FIRST_STRATEGY_MEETING, activityId: UNKNOWN_ID }), 422, "reference_not_found", ["/activityId"]);
  t.equal(await db.prisma.meeting.count(), before, "nothing created");
  const m = await createMeeting(app);
  expectProblem(t, await patch(m.id, { activityId: UNKNOWN_ID }, { "if-match": `"${m.id}.v1"` }), 422, "reference_not_found", ["/activityId"]);
  t.equal((await get(m.id)).json().version, 1, "the failed PATCH changed nothing");
  const activity = await insertActivity(app, db);
  const linked = await patch(m.id, { activityId: activity.id }, { "if-match": `"${m.id}.v1"` });
  t.equal(linked.statusCode, 200);
  t.equal(linked.json().activityId, activity.id);
  const unlinked = await patch(m.id, { activityId: null }, { "if-match": `"${m.id}.v2"` });
  t.equal(unlinked.json().activityId, null, "null unlinks");
  expectProblem(t, await post({ ...FIRST_STRATEGY_MEETING, activityId: "nope" }), 400, "validation_failed", ["/activityId"]);
});

t.test("Idempotency-Key: a retried POST replays the first meeting instead of creating a second", async (t) => {
  const headers = { "idempotency-key": "spotkanie-2013-05-10" };
  const first = await post(FIRST_STRATEGY_MEETING, headers);
  t.equal(first.statusCode, 201);
  const retry = await post(FIRST_STRATEGY_MEETING, headers);
  t.equal(retry.statusCode, 201);
  t.equal(retry.headers["idempotent-replayed"], "true");
  t.equal(retry.json().id, first.json().id);
  expectProblem(t, await post({ ...FIRST_STRATEGY_MEETING, sequenceNumber: 2 }, headers), 422, "idempotency_key_reused");
});

t.test("PATCH: a merge patch validated as a whole", async (t) => {
  const m = await createMeeting(app, { venue: { name: "Oliwia Gate", city: "Gdańsk" }, agenda: ["Analiza PEST"], outcomes: "Wstępne wnioski" });
  const res = await app.inject({
    method: "PATCH",
    url: `/v1/meetings/${m.id}`,
    payload: JSON.stringify({ venue: { district: "Oliwa" }, outcomes: null, sequenceNumber: 1 }),
    headers: { "if-match": `"${m.id}.v1"`, "content-type": "application/merge-patch+json" },
  });
  t.equal(res.statusCode, 200, res.body);
  const body = res.json();
  t.same(body.venue, { name: "Oliwia Gate", street: null, postalCode: null, city: "Gdańsk", district: "Oliwa" }, "venue merges member by member");
  t.equal(body.outcomes, null, "null clears");
  t.same(body.agenda, ["Analiza PEST"], "untouched fields kept");
  t.equal(body.sequenceNumber, 1);

  const etag = { "if-match": `"${m.id}.v2"` };
  expectProblem(t, await patch(m.id, { title: null }, etag), 400, "validation_failed", ["/title"]);
  expectProblem(t, await patch(m.id, { format: null }, etag), 400, "validation_failed", ["/format"]);
  expectProblem(t, await patch(m.id, { date: null }, etag), 400, "validation_failed", ["/date"]);
  expectProblem(t, await patch(m.id, { venue: { postalCode: "80309" } }, etag), 400, "validation_failed", ["/venue/postalCode"]);
  expectProblem(t, await patch(m.id, { venue: { floor: 2 } }, etag), 400, "validation_failed", ["/venue/floor"]);
  expectProblem(t, await patch(m.id, { bogus: 1 }, etag), 400, "validation_failed", ["/bogus"]);
  t.strictSame((await get(m.id)).json(), body, "failed PATCHes changed nothing");

  const cleared = await patch(m.id, { venue: null, agenda: null }, etag);
  t.equal(cleared.statusCode, 200);
  t.equal(cleared.json().venue, null);
  t.same(cleared.json().agenda, [], "a cleared agenda is empty");
  const row = await db.prisma.meeting.findUniqueOrThrow({ where: { id: m.id } });
  t.same([row.venueName, row.venueCity, row.venueDistrict], [null, null, null], "venue columns cleared");
});

t.test("DELETE: participants go with the meeting", async (t) => {
  const m = await createMeeting(app);
  const p1 = await createParticipant(app, m.id, { helix: "science" });
  await createParticipant(app, m.id, { helix: "government" });
  const keep = await createMeeting(app);
  const kept = await createParticipant(app, keep.id);
  const res = await del(m.id, { "if-match": `"${m.id}.v1"` });
  t.equal(res.statusCode, 204);
  t.equal(await db.prisma.meetingParticipant.count({ where: { meetingId: m.id } }), 0, "participants deleted (cascade)");
  t.equal(await db.prisma.meetingParticipant.count({ where: { id: p1.id } }), 0);
  t.equal(await db.prisma.meetingParticipant.count({ where: { id: kept.id } }), 1, "another meeting's participants stay");
});

t.test("include=participants embeds them, in the order they were added, on GET and on the list", async (t) => {
  const m = await createMeeting(app, { title: "Drugie spotkanie strategiczne z warsztatem symulacyjnym", format: "simulation_workshop" });
  const a = await createParticipant(app, m.id, { personName: "Przedstawiciel nauki", helix: "science" });
  const b = await createParticipant(app, m.id, { personName: "Przedstawiciel biznesu", helix: "business" });
  const plain = (await get(m.id)).json();
  t.notOk("participants" in plain, "not embedded unless asked");
  const res = await get(m.id, "?include=participants");
  t.equal(res.statusCode, 200);
  t.same(
    res.json().participants.map((p: { id: string }) => p.id),
    [a.id, b.id],
  );
  t.strictSame(res.json().participants[0], a, "the embedded participant is the participant record");
  t.equal((await get(m.id, "?include=participants", { "if-none-match": `"${m.id}.v1"` })).statusCode, 200, "no 304 with embedded relations");
  const empty = await createMeeting(app, { title: "Spotkanie bez uczestników" });
  t.same((await get(empty.id, "?include=participants")).json().participants, [], "none -> []");

  const list = await app.inject({ method: "GET", url: "/v1/meetings?include=participants&format=simulation_workshop" });
  t.equal(list.statusCode, 200);
  t.same(
    list.json().data.map((row: { id: string; participants: unknown[] }) => [row.id, row.participants.length]),
    [[m.id, 2]],
  );
  const listPlain = await app.inject({ method: "GET", url: "/v1/meetings?format=simulation_workshop" });
  t.notOk("participants" in listPlain.json().data[0]);
  expectProblem(t, await get(m.id, "?include=organizers"), 400, "validation_failed", ["/include"]);
  expectProblem(t, await app.inject({ method: "GET", url: "/v1/meetings?include=participants,bogus" }), 400, "validation_failed", ["/include"]);
});
