import t from "tap";
import { testApp } from "../../helper.ts";
import { createMembership, createOrganization } from "../../fixtures/organizations.ts";
import { createCluster, createCoordinator } from "../../fixtures/records.ts";
import { expectProblem } from "../../expect.ts";

/** Memberships of an organization: include=organization (besides cluster), and `q` over notes and role. */

const { app } = await testApp(t);
const get = (url: string) => app.inject({ method: "GET", url });
const json = async (url: string) => {
  const res = await get(url);
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
};

const coordinator = await createCoordinator(app);
const newCluster = (name: string) => createCluster(app, { coordinatorId: coordinator.id, name });
const wsb = await createOrganization(app, { name: "Wyższa Szkoła Bankowa w Gdańsku", shortName: "WSB", kind: "science" });
const other = await createOrganization(app, { name: "Zarząd Morskiego Portu Gdańsk S.A.", kind: "business" });
const ltpp = await newCluster("Klaster LTPP");
const mewa = await newCluster("Klaster Komunikacji Miejskiej");
const partner = await createMembership(app, wsb.id, {
  clusterId: ltpp.id,
  role: "partner",
  joinedOn: "2013-01-15",
  notes: "Partner Koordynatora Klastra w aplikacji na międzynarodowy projekt MEWA.",
});
const founder = await createMembership(app, wsb.id, { clusterId: mewa.id, role: "founder", notes: "Współzałożyciel; procesy adaptacyjne sektora komunikacji miejskiej." });
const othersMembership = await createMembership(app, other.id, { clusterId: ltpp.id, role: "partner", notes: "Projekt MEWA — partner portowy." });
const base = (organizationId = wsb.id) => `/v1/organizations/${organizationId}/memberships`;

t.test("include=organization embeds the organization's own representation; absent otherwise", async (t) => {
  const body = await json(`${base()}/${partner.id}?include=organization`);
  t.strictSame(body.organization, await json(`/v1/organizations/${wsb.id}`), "as GET /v1/organizations/{id} gives it");
  t.equal(body.organization.name, "Wyższa Szkoła Bankowa w Gdańsku");
  t.notOk("memberships" in body.organization, "one level only");
  t.notOk("cluster" in body, "cluster only when asked");
  const plain = await json(`${base()}/${partner.id}`);
  t.notOk("organization" in plain, "absent without include");
  const { organization: _organization, ...rest } = body;
  t.strictSame(rest, plain, "otherwise the same representation");
  t.strictSame(plain, partner, "and the same as at creation");
});

t.test("include=cluster,organization on GET and on the list", async (t) => {
  const body = await json(`${base()}/${founder.id}?include=cluster,organization`);
  t.equal(body.cluster.id, mewa.id);
  t.equal(body.organization.id, wsb.id);
  const rows = (await json(`${base()}?include=organization,cluster`)).data as Array<{ id: string; organization: { id: string }; cluster: { name: string } }>;
  t.same(rows.map((row) => row.id), [partner.id, founder.id], "joinedOn, unknown last");
  t.ok(rows.every((row) => row.organization.id === wsb.id), "every row embeds the organization");
  t.same(rows.map((row) => row.cluster.name), ["Klaster LTPP", "Klaster Komunikacji Miejskiej"]);
  const plain = (await json(base())).data as object[];
  t.ok(plain.every((row) => !("organization" in row) && !("cluster" in row)), "nothing embedded without include");
  // An organization's embedded memberships stay one level deep.
  const organization = await json(`/v1/organizations/${wsb.id}?include=memberships`);
  t.ok(organization.memberships.every((m: object) => !("organization" in m)), "memberships embedded in an organization do not embed it again");
});

t.test("unknown include -> 400 naming /include; unknown organization -> 404", async (t) => {
  expectProblem(t, await get(`${base()}/${partner.id}?include=organizations`), 400, "validation_failed", ["/include"]);
  expectProblem(t, await get(`${base()}?include=organization,coordinator`), 400, "validation_failed", ["/include"]);
  expectProblem(t, await get(`${base("01900000-0000-7000-8000-000000000000")}?include=organization`), 404, "not_found");
});

const search = async (q: string, organizationId = wsb.id) => {
  const res = await get(`${base(organizationId)}?q=${encodeURIComponent(q)}`);
  t.equal(res.statusCode, 200, `q=${q}`, { body: res.body });
  return (res.json().data as Array<{ id: string }>).map((row) => row.id).sort();
};

t.test("q matches notes and role, ignoring case and Polish diacritics", async (t) => {
  t.same(await search("miedzynarodowy"), [partner.id], "ę folded");
  t.same(await search("MIĘDZYNARODOWY mewa"), [partner.id], "every word, any case");
  t.same(await search("wspolzalozyciel"), [founder.id], "ó, ł, ż folded");
  t.same(await search("founder"), [founder.id], "the role");
  t.same(await search("partner"), [partner.id], "role and notes; only this organization's");
  t.same(await search("founder mewa"), [], "words matching different memberships find neither");
  t.same(await search("%"), [], "% is a literal");
  t.same(await search("portowy", other.id), [othersMembership.id]);
  t.same(await search("portowy"), [], "not another organization's");
  const combined = await json(`${base()}?q=klastra&role=founder`);
  t.same(combined.data, [], "q combines with the other filters");
});

t.test("a PATCH re-indexes: the new notes and role are found, the old are not", async (t) => {
  const res = await app.inject({
    method: "PATCH",
    url: `${base()}/${founder.id}`,
    headers: { "if-match": `"${founder.id}.v1"` },
    payload: { role: "observer", notes: "Obserwator z Łodzi." },
  });
  t.equal(res.statusCode, 200, res.body);
  t.same(await search("founder"), [], "the old role is gone");
  t.same(await search("wspolzalozyciel"), [], "the old notes are gone");
  t.same(await search("observer lodzi"), [founder.id]);
});
