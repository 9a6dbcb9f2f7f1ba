import t from "tap";
import { testApp } from "../../helper.ts";
import { createMeeting, createParticipant, insertOrganization, type ParticipantBody } from "../../fixtures/meetings.ts";
import { expectProblem } from "../../expect.ts";

const { app, db } = await testApp(t);
const url = (meetingId: string, id = "") => `/v1/meetings/${meetingId}/participants${id ? `/${id}` : ""}`;
const post = (meetingId: string, payload: unknown) => app.inject({ method: "POST", url: url(meetingId), payload: payload as object });
const get = (meetingId: string, id: string, headers: Record<string, string> = {}) => app.inject({ method: "GET", url: url(meetingId, id), headers });
const patch = (meetingId: string, id: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: "PATCH", url: url(meetingId, id), payload: payload as object, headers });
const del = (meetingId: string, id: string, headers: Record<string, string> = {}) => app.inject({ method: "DELETE", url: url(meetingId, id), headers });
const UNKNOWN_ID = "01900000-0000-7000-8000-000000000000";

const meeting = await createMeeting(app, { title: "Drugie spotkanie strategiczne", date: "2013-06-19", format: "simulation_workshop" });
const coordinatorOrg = await insertOrganization(db, "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o.");

t.test("create: an organization, a person, or both; Polish text round-trips", async (t) => {
  const res = await post(meeting.id, { organizationId: coordinatorOrg.id, role: "organizator", helix: "business" });
  t.equal(res.statusCode, 201, res.body);
  const body = res.json();
  t.strictSame(
    { ...body, id: "", createdAt: "", updatedAt: "" },
    { id: "", meetingId: meeting.id, organizationId: coordinatorOrg.id, personName: null, role: "organizator", helix: "business", notes: null, version: 1, createdAt: "", updatedAt: "" },
  );

  const person = await post(meeting.id, {
    personName: "  Małgorzata Żółkiewska-Ślęzak ",
    role: "moderatorka warsztatu",
    helix: "science",
    notes: "Wcieliła się w rolę przedstawiciela samorządu.",
  });
  t.equal(person.statusCode, 201);
  const got = (await get(meeting.id, person.json().id)).json();
  t.equal(got.personName, "Małgorzata Żółkiewska-Ślęzak", "trimmed, diacritics exact");
  t.equal(got.notes, "Wcieliła się w rolę przedstawiciela samorządu.");
  t.equal(got.organizationId, null);
  const both = await post(meeting.id, { organizationId: coordinatorOrg.id, personName: "Jan Kowalski", helix: "business" });
  t.equal(both.statusCode, 201);
});

t.test("validation: neither organization nor person, bad helix, unknown fields -> 400 with exact paths", async (t) => {
  expectProblem(t, await post(meeting.id, {}), 400, "validation_failed", ["/organizationId", "/personName"]);
  expectProblem(t, await post(meeting.id, { role: "moderator", helix: "science" }), 400, "validation_failed", ["/organizationId", "/personName"]);
  expectProblem(t, await post(meeting.id, { personName: "  " }), 400, "validation_failed", ["/personName"]);
  expectProblem(t, await post(meeting.id, { personName: "Jan", helix: "media" }), 400, "validation_failed", ["/helix"]);
  expectProblem(t, await post(meeting.id, { organizationId: "abc" }), 400, "validation_failed", ["/organizationId"]);
  expectProblem(t, await post(meeting.id, { personName: "Jan", meetingId: meeting.id }), 400, "validation_failed", ["/meetingId"]);
  expectProblem(t, await post("not-a-uuid", { personName: "Jan" }), 400, "validation_failed", ["/meetingId"]);
});

t.test("organizationId must exist: 422 naming /organizationId, on create and patch", async (t) => {
  const before = await db.prisma.meetingParticipant.count();
  expectProblem(t, await post(meeting.id, { organizationId: UNKNOWN_ID, helix: "business" }), 422, "reference_not_found", ["/organizationId"]);
  t.equal(await db.prisma.meetingParticipant.count(), before, "nothing created");
  const p = await createParticipant(app, meeting.id);
  expectProblem(t, await patch(meeting.id, p.id, { organizationId: UNKNOWN_ID }, { "if-match": `"${p.id}.v1"` }), 422, "reference_not_found", ["/organizationId"]);
  t.equal((await get(meeting.id, p.id)).json().version, 1, "unchanged");
});

t.test("PATCH: a merge patch validated as a whole", async (t) => {
  const p = await createParticipant(app, meeting.id, { personName: "Anna Nowak", role: "uczestniczka", helix: "government" });
  const res = await patch(meeting.id, p.id, { role: "moderator", helix: null, organizationId: coordinatorOrg.id }, { "if-match": `"${p.id}.v1"` });
  t.equal(res.statusCode, 200, res.body);
  t.same([res.json().role, res.json().helix, res.json().personName, res.json().organizationId], ["moderator", null, "Anna Nowak", coordinatorOrg.id]);
  const etag = { "if-match": `"${p.id}.v2"` };
  const noPerson = await patch(meeting.id, p.id, { personName: null }, etag);
  t.equal(noPerson.statusCode, 200, "the organization still names the participant");
  expectProblem(t, await patch(meeting.id, p.id, { organizationId: null }, { "if-match": `"${p.id}.v3"` }), 400, "validation_failed", [
    "/organizationId",
    "/personName",
  ]);
  expectProblem(t, await patch(meeting.id, p.id, { helix: "media" }, { "if-match": `"${p.id}.v3"` }), 400, "validation_failed", ["/helix"]);
  expectProblem(t, await patch(meeting.id, p.id, { meetingId: UNKNOWN_ID }, { "if-match": `"${p.id}.v3"` }), 400, "validation_failed", ["/meetingId"]);
  t.equal((await get(meeting.id, p.id)).json().version, 3, "failed PATCHes changed nothing");
});

t.test("DELETE: the meeting stays", async (t) => {
  const p = await createParticipant(app, meeting.id);
  const res = await del(meeting.id, p.id, { "if-match": `"${p.id}.v1"` });
  t.equal(res.statusCode, 204);
  t.equal((await app.inject({ method: "GET", url: `/v1/meetings/${meeting.id}` })).statusCode, 200);
});

t.test("an organization that takes part in a meeting is referenced: its row cannot go while the participant exists", async (t) => {
  const org = await insertOrganization(db);
  const m = await createMeeting(app);
  await createParticipant(app, m.id, { organizationId: org.id });
  await t.rejects(db.prisma.organization.delete({ where: { id: org.id } }), "the foreign key restricts the delete");
  t.equal((await app.inject({ method: "DELETE", url: `/v1/meetings/${m.id}`, headers: { "if-match": `"${m.id}.v1"` } })).statusCode, 204);
  await db.prisma.organization.delete({ where: { id: org.id } });
  t.equal(await db.prisma.organization.count({ where: { id: org.id } }), 0, "free once the meeting (and its participants) is gone");
});

t.test("list: only this meeting's participants, in the order they were added; filters", async (t) => {
  const m = await createMeeting(app, { title: "Trzecie spotkanie strategiczne", date: "2013-09-20" });
  const other = await createMeeting(app);
  await createParticipant(app, other.id, { helix: "science" });
  const org = await insertOrganization(db);
  const helixes = ["business", "science", "government", "other", null];
  const created: ParticipantBody[] = [];
  for (let i = 0; i < 11; i++) {
    created.push(
      await createParticipant(app, m.id, {
        personName: i % 4 === 3 ? null : `Osoba ${String.fromCharCode(75 - (i % 5))}`,
        organizationId: i % 4 === 3 || i === 0 ? org.id : null,
        helix: helixes[i % 5],
      }),
    );
  }
  const ids = async (query: string) => {
    const res = await app.inject({ method: "GET", url: `${url(m.id)}?${query}` });
    t.equal(res.statusCode, 200, query, { body: res.body });
    return (res.json().data as ParticipantBody[]).map((p) => p.id);
  };
  t.same(await ids("limit=100"), created.map((p) => p.id), "default: the order they were added; no other meeting's");
  t.same((await ids("helix=science")).sort(), created.filter((p) => p.helix === "science").map((p) => p.id).sort());
  t.same((await ids(`organizationId=${org.id}`)).sort(), created.filter((p) => p.organizationId === org.id).map((p) => p.id).sort());
  t.same(await ids(`organizationId=${org.id}&helix=business`), [created[0]!.id]);
  expectProblem(t, await app.inject({ method: "GET", url: `${url(m.id)}?helix=media` }), 400, "validation_failed", ["/helix"]);
});
