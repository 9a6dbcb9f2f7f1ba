import t from "tap";
import { testApp } from "../../helper.ts";
import { createActivity } from "../../fixtures/activities.ts";
import { createGrantApplication } from "../../fixtures/grant-applications.ts";
import { createMediaPartner, createPublication } from "../../fixtures/media-partners.ts";
import { createMeeting } from "../../fixtures/meetings.ts";
import { createCluster, createCoordinator } from "../../fixtures/records.ts";
import { expectProblem } from "../../expect.ts";

/** include=meetings, grantApplications, mediaPartners, publications (and coordinator, cluster) on activities. */

const { app } = await testApp(t);
const get = (url: string) => app.inject({ method: "GET", url });
const json = async (url: string) => {
  const res = await get(url);
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
};
type Activity = Record<string, unknown> & { id: string; meetingIds: string[]; grantApplicationIds: string[]; mediaPartnerIds: string[]; publicationIds: string[] };
type Embedded = Array<{ id: string; mediaPartnerId?: string }>;
const RELATIONS = ["meetings", "grantApplications", "mediaPartners", "publications"] as const;

const coordinator = await createCoordinator(app, { name: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o." });
const cluster = await createCluster(app, { coordinatorId: coordinator.id, name: "Klaster LTPP" });
const portalA = await createMediaPartner(app, { name: "gospodarkamorska.pl", website: "https://gospodarkamorska.pl" });
const portalB = await createMediaPartner(app, { name: "wiadomości 24.pl", website: "https://wiadomosci24.pl" });
const strategy = await createActivity(app, {
  coordinatorId: coordinator.id,
  clusterId: cluster.id,
  title: "Rozpoczęto i zakończono prace nad Strategią dla Klastra",
  category: "strategy",
  year: undefined,
  startDate: "2013-05-10",
  endDate: "2013-09-20",
  mediaPartnerIds: [portalB.id, portalA.id],
});
// Created out of date order: meetings come by date, as meetingIds do.
const third = await createMeeting(app, { activityId: strategy.id, title: "Trzecie spotkanie strategiczne", date: "2013-09-20" });
const first = await createMeeting(app, { activityId: strategy.id, title: "Pierwsze spotkanie strategiczne", date: "2013-05-10" });
const second = await createMeeting(app, { activityId: strategy.id, title: "Drugie spotkanie strategiczne", date: "2013-06-19" });
const applications = [
  await createGrantApplication(app, { applicantId: coordinator.id, activityId: strategy.id, title: "Wniosek w konkursie „Strategia dla klastra”" }),
  await createGrantApplication(app, { applicantId: coordinator.id, activityId: strategy.id, title: "Wniosek o wsparcie w naturze" }),
];
const publications = [
  await createPublication(app, portalA.id, { title: "Pierwsze spotkanie strategiczne Klastra LTPP w budynku Oliwia Gate", publishedOn: "2013-05-10", activityId: strategy.id }),
  await createPublication(app, portalB.id, { title: "Drugie spotkanie strategiczne Klastra LTPP", publishedOn: "2013-06-19", activityId: strategy.id }),
];
const bare = await createActivity(app, { coordinatorId: coordinator.id, title: "Działanie bez powiązań" });

t.test("GET include=meetings,grantApplications,mediaPartners,publications embeds each as its own full record, in the order of the ids", async (t) => {
  const body = (await json(`/v1/activities/${strategy.id}?include=meetings,grantApplications,mediaPartners,publications`)) as Activity;
  t.same(body.meetingIds, [first.id, second.id, third.id], "meetings by date");
  t.strictSame((body.meetings as Embedded).map((m) => m.id), body.meetingIds, "meetings in the order of meetingIds");
  for (const meeting of body.meetings as Embedded) t.strictSame(meeting, await json(`/v1/meetings/${meeting.id}`), "an embedded meeting is the meeting's own representation");
  t.equal((body.meetings as Array<{ title: string }>)[0]!.title, "Pierwsze spotkanie strategiczne");

  t.same([...body.grantApplicationIds].sort(), applications.map((a) => a.id).sort());
  t.strictSame((body.grantApplications as Embedded).map((a) => a.id), body.grantApplicationIds, "applications in the order of grantApplicationIds");
  for (const application of body.grantApplications as Embedded) {
    t.strictSame(application, await json(`/v1/grant-applications/${application.id}`), "an embedded application is its own representation");
  }

  t.same([...body.mediaPartnerIds].sort(), [portalA.id, portalB.id].sort());
  t.strictSame((body.mediaPartners as Embedded).map((p) => p.id), body.mediaPartnerIds, "media partners in the order of mediaPartnerIds");
  for (const partner of body.mediaPartners as Embedded) t.strictSame(partner, await json(`/v1/media-partners/${partner.id}`));
  t.ok((body.mediaPartners as Array<{ name: string }>).some((p) => p.name === "wiadomości 24.pl"), "Polish names round-trip");

  t.same([...body.publicationIds].sort(), publications.map((p) => p.id).sort());
  t.strictSame((body.publications as Embedded).map((p) => p.id), body.publicationIds, "publications in the order of publicationIds");
  for (const publication of body.publications as Embedded) {
    t.strictSame(publication, await json(`/v1/media-partners/${publication.mediaPartnerId}/publications/${publication.id}`));
  }
  t.notOk("activity" in (body.meetings as object[])[0]!, "one level only: an embedded meeting does not embed the activity again");
  t.notOk("coordinator" in body || "cluster" in body, "only what was asked for");
});

t.test("each include alone embeds only its relation; without include none is present", async (t) => {
  for (const relation of RELATIONS) {
    const body = await json(`/v1/activities/${strategy.id}?include=${relation}`);
    t.ok(Array.isArray(body[relation]), `${relation} present`);
    t.same(RELATIONS.filter((other) => other !== relation && other in body), [], `${relation}: no other relation`);
  }
  const plain = await json(`/v1/activities/${strategy.id}`);
  t.same(RELATIONS.filter((relation) => relation in plain), [], "plain GET embeds nothing");
  t.same(plain.meetingIds, [first.id, second.id, third.id], "the ids are there either way");
});

t.test("an activity with nothing linked: empty lists, and a null cluster", async (t) => {
  const body = await json(`/v1/activities/${bare.id}?include=${RELATIONS.join(",")},coordinator,cluster`);
  for (const relation of RELATIONS) t.strictSame(body[relation], [], `${relation}: []`);
  t.equal(body.cluster, null, "no cluster: null");
  t.equal(body.coordinator.id, coordinator.id);
});

t.test("lists embed the relations on every row", async (t) => {
  const res = await get(`/v1/activities?coordinatorId=${coordinator.id}&sort=title&include=meetings,publications,mediaPartners,grantApplications,cluster`);
  t.equal(res.statusCode, 200);
  const rows = res.json().data as Activity[];
  t.same(rows.map((row) => row.id), [bare.id, strategy.id], "by title");
  const [withNothing, withAll] = rows as [Activity, Activity];
  for (const relation of RELATIONS) t.strictSame(withNothing[relation], [], `${relation}: [] on the bare activity`);
  t.same((withAll.meetings as Embedded).map((m) => m.id), [first.id, second.id, third.id]);
  t.same((withAll.publications as Embedded).map((p) => p.id), withAll.publicationIds);
  t.same((withAll.mediaPartners as Embedded).map((p) => p.id), withAll.mediaPartnerIds);
  t.same((withAll.grantApplications as Embedded).map((a) => a.id), withAll.grantApplicationIds);
  t.equal((withAll.cluster as { id: string }).id, cluster.id);
  t.equal(withNothing.cluster, null);
  const plain = (await json(`/v1/activities?coordinatorId=${coordinator.id}`)).data as Activity[];
  t.ok(plain.every((row) => RELATIONS.every((relation) => !(relation in row))), "nothing embedded without include");
});

t.test("a PATCH of a linked record shows in the embedding, and in its ETag", async (t) => {
  const url = `/v1/activities/${strategy.id}?include=meetings`;
  const before = await get(url);
  const res = await app.inject({
    method: "PATCH",
    url: `/v1/meetings/${first.id}`,
    headers: { "if-match": `"${first.id}.v1"` },
    payload: { outcomes: "Przeprowadzono analizę PEST." },
  });
  t.equal(res.statusCode, 200, res.body);
  const after = await get(url);
  t.equal((after.json().meetings as Array<{ outcomes: string }>)[0]!.outcomes, "Przeprowadzono analizę PEST.");
  t.equal(after.json().version, before.json().version, "the activity itself did not change");
  t.not(after.headers.etag, before.headers.etag, "the representation's ETag follows the embedded meeting");
});

t.test("unknown include names -> 400 naming /include, on GET and on the list", async (t) => {
  expectProblem(t, await get(`/v1/activities/${strategy.id}?include=meetings,participants`), 400, "validation_failed", ["/include"]);
  expectProblem(t, await get("/v1/activities?include=mediaPartner"), 400, "validation_failed", ["/include"]);
  expectProblem(t, await get("/v1/activities?include=Meetings"), 400, "validation_failed", ["/include"]);
});
