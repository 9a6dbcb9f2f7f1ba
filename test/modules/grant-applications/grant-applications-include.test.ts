import t from "tap";
import { testApp } from "../../helper.ts";
import { createActivity } from "../../fixtures/activities.ts";
import { createGrantApplication, transition } from "../../fixtures/grant-applications.ts";
import { createOrganization } from "../../fixtures/organizations.ts";
import { createCluster, createCoordinator } from "../../fixtures/records.ts";
import { expectProblem } from "../../expect.ts";

/** include=fundingBody, activity and partners (besides applicant and cluster) on grant applications. */

const { app } = await testApp(t);
const get = (url: string) => app.inject({ method: "GET", url });
const json = async (url: string) => {
  const res = await get(url);
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
};
type Partner = { organizationId: string; role: string; organization?: { id: string; name: string } };

const applicant = await createCoordinator(app, { name: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o." });
const cluster = await createCluster(app, { coordinatorId: applicant.id, name: "Klaster LTPP" });
const board = await createOrganization(app, { name: "Zarząd Województwa Pomorskiego", kind: "government", shortName: "Urząd Marszałkowski w Gdańsku" });
const wsb = await createOrganization(app, { name: "Wyższa Szkoła Bankowa w Gdańsku", kind: "science" });
const port = await createOrganization(app, { name: "Zarząd Morskiego Portu Gdańsk S.A.", kind: "business" });
const activity = await createActivity(app, {
  coordinatorId: applicant.id,
  title: "Złożono wniosek w konkursie „Strategia dla klastra”",
  category: "grant_application",
  year: 2012,
});
const full = await createGrantApplication(app, {
  applicantId: applicant.id,
  title: "Wniosek Klastra LTPP w konkursie „Strategia dla klastra”",
  fundingBodyId: board.id,
  clusterId: cluster.id,
  activityId: activity.id,
  // Deliberately not in name or id order: partners keep the order given.
  partners: [
    { organizationId: port.id, role: "partner" },
    { organizationId: wsb.id, role: "partner naukowy" },
  ],
});
const bare = await createGrantApplication(app, { applicantId: applicant.id, title: "Drobny wniosek bez powiązań" });

t.test("include=fundingBody embeds the funding organization's own representation; null without one", async (t) => {
  const body = await json(`/v1/grant-applications/${full.id}?include=fundingBody`);
  t.strictSame(body.fundingBody, await json(`/v1/organizations/${board.id}`), "as GET /v1/organizations/{id} gives it");
  t.equal(body.fundingBody.name, "Zarząd Województwa Pomorskiego");
  t.equal((await json(`/v1/grant-applications/${bare.id}?include=fundingBody`)).fundingBody, null, "no funding body: null");
  t.notOk("activity" in body || "applicant" in body, "only what was asked for");
  t.ok(body.partners.every((p: Partner) => !("organization" in p)), "partners' organizations only with include=partners");
});

t.test("include=activity embeds the activity's own representation; null without one", async (t) => {
  const body = await json(`/v1/grant-applications/${full.id}?include=activity`);
  t.strictSame(body.activity, await json(`/v1/activities/${activity.id}`), "as GET /v1/activities/{id} gives it");
  t.same(body.activity.grantApplicationIds, [full.id], "the activity lists this application");
  t.equal((await json(`/v1/grant-applications/${bare.id}?include=activity`)).activity, null, "no activity: null");
});

t.test("include=partners gives each partner its organization, keeping the order and roles", async (t) => {
  const body = await json(`/v1/grant-applications/${full.id}?include=partners`);
  const partners = body.partners as Partner[];
  t.same(partners.map((p) => [p.organizationId, p.role]), [[port.id, "partner"], [wsb.id, "partner naukowy"]], "order and roles as given");
  t.strictSame(partners[0]!.organization, await json(`/v1/organizations/${port.id}`));
  t.strictSame(partners[1]!.organization, await json(`/v1/organizations/${wsb.id}`));
  t.equal(partners[1]!.organization!.name, "Wyższa Szkoła Bankowa w Gdańsku");
  t.same((await json(`/v1/grant-applications/${bare.id}?include=partners`)).partners, [], "no partners: []");
  const plain = await json(`/v1/grant-applications/${full.id}`);
  t.strictSame(plain.partners, [
    { organizationId: port.id, role: "partner" },
    { organizationId: wsb.id, role: "partner naukowy" },
  ], "without include: ids and roles only");
  for (const key of ["fundingBody", "activity", "applicant", "cluster"]) t.notOk(key in plain, `${key} absent without include`);
});

t.test("all five at once, on GET and on the list", async (t) => {
  const include = "include=applicant,cluster,fundingBody,activity,partners";
  const body = await json(`/v1/grant-applications/${full.id}?${include}`);
  t.equal(body.applicant.id, applicant.id);
  t.equal(body.cluster.id, cluster.id);
  t.equal(body.fundingBody.id, board.id);
  t.equal(body.activity.id, activity.id);
  t.same(body.partners.map((p: Partner) => p.organization!.id), [port.id, wsb.id]);

  const rows = (await json(`/v1/grant-applications?applicantId=${applicant.id}&sort=title&${include}`)).data as Array<Record<string, unknown>>;
  t.same(rows.map((row) => row.id), [bare.id, full.id], "by title");
  const [noLinks, linked] = rows as [Record<string, unknown>, Record<string, unknown>];
  t.same([noLinks.fundingBody, noLinks.activity, noLinks.cluster, noLinks.partners], [null, null, null, []]);
  t.equal((noLinks.applicant as { id: string }).id, applicant.id);
  t.strictSame(linked, body, "a listed row embeds exactly what GET embeds");
  const plain = (await json(`/v1/grant-applications?applicantId=${applicant.id}`)).data as Array<Record<string, unknown>>;
  t.ok(plain.every((row) => !("fundingBody" in row) && !("activity" in row)), "nothing embedded without include");
});

t.test("a transition answers with the plain record; includes still work afterwards", async (t) => {
  const res = await transition(app, full.id, { to: "submitted", on: "2012-11-16" });
  t.equal(res.statusCode, 200, res.body);
  t.notOk("fundingBody" in res.json() || "activity" in res.json());
  t.equal((await json(`/v1/grant-applications/${full.id}?include=fundingBody`)).fundingBody.id, board.id);
});

t.test("unknown include names -> 400 naming /include", async (t) => {
  expectProblem(t, await get(`/v1/grant-applications/${full.id}?include=partners,organization`), 400, "validation_failed", ["/include"]);
  expectProblem(t, await get("/v1/grant-applications?include=funding_body"), 400, "validation_failed", ["/include"]);
});
