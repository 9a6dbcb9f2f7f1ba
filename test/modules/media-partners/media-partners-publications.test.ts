import t from "tap";
import { testApp } from "../../helper.ts";
import { createCoordinator } from "../../fixtures/records.ts";
import { createActivityRow, createMediaPartner, createPublication, type PublicationBody } from "../../fixtures/media-partners.ts";
import { expectProblem } from "../../expect.ts";

const { app, db } = await testApp(t);
const coordinator = await createCoordinator(app, { name: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o." });
const portal = await createMediaPartner(app, { name: "gospodarkamorska.pl", website: "https://gospodarkamorska.pl", coordinatorId: coordinator.id });
const otherPortal = await createMediaPartner(app, { name: "pracujwlogistyce.pl", website: "https://pracujwlogistyce.pl" });
const strategy = await createActivityRow(db, coordinator.id, { title: "Strategia dla Klastra", category: "strategy" });
const base = (partnerId: string) => `/v1/media-partners/${partnerId}/publications`;
const post = (payload: unknown, partnerId = portal.id) => app.inject({ method: "POST", url: base(partnerId), payload: payload as object });
const get = (id: string) => app.inject({ method: "GET", url: `${base(portal.id)}/${id}` });
const patch = (id: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: "PATCH", url: `${base(portal.id)}/${id}`, payload: payload as object, headers });
const list = (query: string, partnerId = portal.id) => app.inject({ method: "GET", url: `${base(partnerId)}?${query}` });
const UNKNOWN_ID = "01900000-0000-7000-8000-000000000000";

t.test("create: under its partner, trimmed, Polish text kept", async (t) => {
  const res = await post({
    title: "  Pierwsze spotkanie strategiczne Klastra w budynku Oliwia Gate w Oliwie ",
    url: "https://gospodarkamorska.pl/artykul/spotkanie-strategiczne",
    publishedOn: "2013-05-10",
    activityId: strategy.id,
    notes: "Warsztat: metodologia tworzenia strategii, analiza PEST — Zażółć gęślą jaźń.",
  });
  t.equal(res.statusCode, 201, "created", { body: res.body });
  const body = res.json();
  t.equal(body.mediaPartnerId, portal.id);
  t.equal(body.title, "Pierwsze spotkanie strategiczne Klastra w budynku Oliwia Gate w Oliwie", "trimmed");
  t.equal(body.publishedOn, "2013-05-10");
  t.equal(body.activityId, strategy.id);
  t.equal(body.notes, "Warsztat: metodologia tworzenia strategii, analiza PEST — Zażółć gęślą jaźń.");
  const minimal = await post({ title: "Klaster LTPP" });
  t.strictSame(
    { url: minimal.json().url, publishedOn: minimal.json().publishedOn, activityId: minimal.json().activityId, notes: minimal.json().notes },
    { url: null, publishedOn: null, activityId: null, notes: null },
  );
});

t.test("validation and references", async (t) => {
  expectProblem(t, await post({}), 400, "validation_failed", ["/title"]);
  expectProblem(t, await post({ title: " " }), 400, "validation_failed", ["/title"]);
  expectProblem(t, await post({ title: "X", url: "gospodarkamorska.pl/a" }), 400, "validation_failed", ["/url"]);
  expectProblem(t, await post({ title: "X", url: "ftp://gospodarkamorska.pl/a" }), 400, "validation_failed", ["/url"]);
  expectProblem(t, await post({ title: "X", publishedOn: "10.05.2013" }), 400, "validation_failed", ["/publishedOn"]);
  expectProblem(t, await post({ title: "X", activityId: "x" }), 400, "validation_failed", ["/activityId"]);
  expectProblem(t, await post({ title: "X", mediaPartnerId: otherPortal.id }), 400, "validation_failed", ["/mediaPartnerId"]);
  expectProblem(t, await post({ title: "X", activityId: UNKNOWN_ID }), 422, "reference_not_found", ["/activityId"]);
  const p = await createPublication(app, portal.id);
  expectProblem(t, await patch(p.id, { activityId: UNKNOWN_ID }, { "if-match": `"${p.id}.v1"` }), 422, "reference_not_found", ["/activityId"]);
  t.equal((await get(p.id)).json().version, 1, "the refused PATCH changed nothing");
});

t.test("PATCH: merge semantics", async (t) => {
  const p = await createPublication(app, portal.id, { title: "Drugie spotkanie strategiczne", url: "https://gospodarkamorska.pl/a/2" });
  const res = await patch(p.id, { publishedOn: "2013-06-19", activityId: strategy.id, url: null }, { "if-match": `"${p.id}.v1"` });
  t.equal(res.statusCode, 200, "ok", { body: res.body });
  t.equal(res.json().publishedOn, "2013-06-19");
  t.equal(res.json().activityId, strategy.id);
  t.equal(res.json().url, null, "null clears");
  t.equal(res.json().title, "Drugie spotkanie strategiczne", "untouched fields kept");
  expectProblem(t, await patch(p.id, { title: null }, { "if-match": `"${p.id}.v2"` }), 400, "validation_failed", ["/title"]);
  expectProblem(t, await patch(p.id, { bogus: 1 }, { "if-match": `"${p.id}.v2"` }), 400, "validation_failed", ["/bogus"]);
});

t.test("list: own publications only, filters", async (t) => {
  const partner = await createMediaPartner(app, { name: "wiadomości 24.pl", website: "https://wiadomosci24.pl" });
  const meeting = await createActivityRow(db, coordinator.id, { title: "Spotkania strategiczne 2013", category: "meeting" });
  const dates = ["2013-09-20", null, "2013-05-10", "2013-06-19", null, "2013-05-10", "2012-11-16"];
  const made: PublicationBody[] = [];
  for (const [i, publishedOn] of dates.entries()) {
    made.push(await createPublication(app, partner.id, { title: `Publikacja ${i}`, publishedOn, activityId: i % 2 === 0 ? meeting.id : null }));
  }
  await createPublication(app, otherPortal.id, { publishedOn: "2013-05-10", activityId: meeting.id });
  type Row = PublicationBody;
  const rows = async (query: string) => {
    const res = await list(query, partner.id);
    t.equal(res.statusCode, 200, "ok", { body: res.body });
    return res.json().data as Row[];
  };
  const all = await rows("limit=100");
  t.equal(all.length, 7, "another partner's publications are not listed");

  const ids = (list: Row[]) => list.map((r) => r.id).sort();
  t.same(ids(await rows(`activityId=${meeting.id}`)), ids(made.filter((_, i) => i % 2 === 0)));
  t.same(await rows(`activityId=${strategy.id}`), []);
  t.same(ids(await rows("publishedOnFrom=2013-05-10")), ids(made.filter((r) => r.publishedOn !== null && r.publishedOn >= "2013-05-10")), "From is inclusive");
  t.same(ids(await rows("publishedOnTo=2013-05-10")), ids(made.filter((r) => r.publishedOn !== null && r.publishedOn <= "2013-05-10")), "To is inclusive");
  t.same(ids(await rows("publishedOnFrom=2013-05-11&publishedOnTo=2013-06-30")), [made[3]!.id]);
  t.same(ids(await rows(`publishedOnFrom=2013-01-01&activityId=${meeting.id}`)), ids([made[0]!, made[2]!]));
  expectProblem(t, await list("publishedOnFrom=2013-13-01", partner.id), 400, "validation_failed", ["/publishedOnFrom"]);
  expectProblem(t, await list("activityId=x", partner.id), 400, "validation_failed", ["/activityId"]);
});
