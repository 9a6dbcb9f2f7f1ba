import t from "tap";
import { testApp } from "../../helper.ts";
import { createActivity } from "../../fixtures/activities.ts";
import { FIRST_STRATEGY_MEETING, createMeeting, createParticipant } from "../../fixtures/meetings.ts";
import { createOrganization } from "../../fixtures/organizations.ts";
import { createCoordinator } from "../../fixtures/records.ts";
import { expectProblem } from "../../expect.ts";

/** include=activity (and participants) on meetings; include=organization on meeting participants. */

const { app } = await testApp(t);
const get = (url: string) => app.inject({ method: "GET", url });
const json = async (url: string) => {
  const res = await get(url);
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
};

const coordinator = await createCoordinator(app);
const strategy = await createActivity(app, {
  coordinatorId: coordinator.id,
  title: "Rozpoczęto i zakończono prace nad Strategią dla Klastra",
  category: "strategy",
  year: undefined,
  startDate: "2013-05-10",
});
const meeting = await createMeeting(app, { ...FIRST_STRATEGY_MEETING, activityId: strategy.id });
const loose = await createMeeting(app, { title: "Spotkanie robocze bez działania", date: "2013-06-19" });
const wsb = await createOrganization(app, { name: "Wyższa Szkoła Bankowa w Gdańsku", shortName: "WSB", kind: "science" });
const withOrganization = await createParticipant(app, meeting.id, { organizationId: wsb.id, personName: null, role: "partner naukowy", helix: "science" });
const person = await createParticipant(app, meeting.id, { personName: "Jan Kowalski", helix: "business" });

t.test("meetings: include=activity embeds the activity's own representation; null without one", async (t) => {
  const body = await json(`/v1/meetings/${meeting.id}?include=activity`);
  t.strictSame(body.activity, await json(`/v1/activities/${strategy.id}`), "the activity as GET /v1/activities/{id} gives it");
  t.equal(body.activity.title, "Rozpoczęto i zakończono prace nad Strategią dla Klastra");
  t.same(body.activity.meetingIds, [meeting.id]);
  t.equal(body.activityId, strategy.id);
  t.notOk("participants" in body, "participants only when asked");
  t.equal((await json(`/v1/meetings/${loose.id}?include=activity`)).activity, null, "no activity: null");
  const plain = await json(`/v1/meetings/${meeting.id}`);
  t.notOk("activity" in plain, "absent without include");
});

t.test("meetings: include=participants,activity embeds both; the list embeds them on every row", async (t) => {
  const body = await json(`/v1/meetings/${meeting.id}?include=participants,activity`);
  t.equal(body.activity.id, strategy.id);
  t.same(body.participants.map((p: { id: string }) => p.id), [withOrganization.id, person.id]);
  t.notOk("organization" in body.participants[0], "embedded participants do not embed their organization");

  const res = await get("/v1/meetings?include=activity&dateFrom=2013-05-10&dateTo=2013-06-19");
  t.equal(res.statusCode, 200);
  const rows = res.json().data as Array<{ id: string; activity: { id: string } | null }>;
  t.same(rows.map((row) => [row.id, row.activity?.id ?? null]), [[meeting.id, strategy.id], [loose.id, null]]);
  const filtered = (await json(`/v1/meetings?activityId=${strategy.id}&include=activity`)).data;
  t.strictSame(filtered[0].activity, await json(`/v1/activities/${strategy.id}`));
  const plain = (await json("/v1/meetings?dateFrom=2013-05-10")).data as object[];
  t.ok(plain.every((row) => !("activity" in row)), "nothing embedded without include");
});

t.test("meetings: unknown include -> 400 naming /include", async (t) => {
  expectProblem(t, await get(`/v1/meetings/${meeting.id}?include=activity,coordinator`), 400, "validation_failed", ["/include"]);
  expectProblem(t, await get("/v1/meetings?include=activities"), 400, "validation_failed", ["/include"]);
});

const participants = (id = "") => `/v1/meetings/${meeting.id}/participants${id ? `/${id}` : ""}`;

t.test("participants: include=organization embeds the organization's own representation; null for a person alone", async (t) => {
  const body = await json(`${participants(withOrganization.id)}?include=organization`);
  t.strictSame(body.organization, await json(`/v1/organizations/${wsb.id}`), "the organization as GET /v1/organizations/{id} gives it");
  t.equal(body.organization.name, "Wyższa Szkoła Bankowa w Gdańsku");
  t.equal(body.organizationId, wsb.id);
  t.equal((await json(`${participants(person.id)}?include=organization`)).organization, null, "no organization: null");
  t.notOk("organization" in (await json(participants(withOrganization.id))), "absent without include");
  const plain = await json(participants(withOrganization.id));
  const { organization: _organization, ...rest } = body;
  t.strictSame(rest, plain, "otherwise the same representation");
});

t.test("participants: the list embeds the organization on every row", async (t) => {
  const rows = (await json(`${participants()}?include=organization`)).data as Array<{ id: string; organization: { id: string } | null }>;
  t.same(rows.map((row) => [row.id, row.organization?.id ?? null]), [[withOrganization.id, wsb.id], [person.id, null]]);
  const plain = (await json(participants())).data as object[];
  t.ok(plain.every((row) => !("organization" in row)), "nothing embedded without include");
});

t.test("participants: unknown include -> 400 naming /include; unknown meeting -> 404", async (t) => {
  expectProblem(t, await get(`${participants(person.id)}?include=meeting`), 400, "validation_failed", ["/include"]);
  expectProblem(t, await get(`${participants()}?include=organization,helix`), 400, "validation_failed", ["/include"]);
  expectProblem(t, await get("/v1/meetings/01900000-0000-7000-8000-000000000000/participants?include=organization"), 404, "not_found");
});
