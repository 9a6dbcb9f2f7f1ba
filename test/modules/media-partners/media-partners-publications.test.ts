import t from "tap";
import { testApp } from "../../helper.ts";
import { createCoordinator } from "../../fixtures/records.ts";
import { createActivityRow, createMediaPartner, createPublication, type PublicationBody } from "../../fixtures/media-partners.ts";
import { ISO_UTC, UUID_V7, byKeys, expectProblem, nextLinkOf, sleep } from "../../expect.ts";

const { app, db } = await testApp(t);
const coordinator = await createCoordinator(app, { name: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o." });
const portal = await createMediaPartner(app, { name: "gospodarkamorska.pl", website: "https://gospodarkamorska.pl", coordinatorId: coordinator.id });
const otherPortal = await createMediaPartner(app, { name: "pracujwlogistyce.pl", website: "https://pracujwlogistyce.pl" });
const strategy = await createActivityRow(db, coordinator.id, { title: "Strategia dla Klastra", category: "strategy" });
const base = (partnerId: string) => `/v1/media-partners/${partnerId}/publications`;
const post = (payload: unknown, partnerId = portal.id) => app.inject({ method: "POST", url: base(partnerId), payload: payload as object });
const get = (id: string, partnerId = portal.id, headers: Record<string, string> = {}) => app.inject({ method: "GET", url: `${base(partnerId)}/${id}`, headers });
const patch = (id: string, payload: unknown, headers: Record<string, string> = {}, partnerId = portal.id) =>
  app.inject({ method: "PATCH", url: `${base(partnerId)}/${id}`, payload: payload as object, headers });
const del = (id: string, headers: Record<string, string> = {}, partnerId = portal.id) =>
  app.inject({ method: "DELETE", url: `${base(partnerId)}/${id}`, headers });
const list = (query: string, partnerId = portal.id) => app.inject({ method: "GET", url: `${base(partnerId)}?${query}` });
const UNKNOWN_ID = "01900000-0000-7000-8000-000000000000";

t.test("create: 201 under its partner, Location, ETag, Polish text kept", async (t) => {
  const res = await post({
    title: "  Pierwsze spotkanie strategiczne Klastra w budynku Oliwia Gate w Oliwie ",
    url: "https://gospodarkamorska.pl/artykul/spotkanie-strategiczne",
    publishedOn: "2013-05-10",
    activityId: strategy.id,
    notes: "Warsztat: metodologia tworzenia strategii, analiza PEST — Zażółć gęślą jaźń.",
  });
  t.equal(res.statusCode, 201, "created", { body: res.body });
  const body = res.json();
  t.match(body.id, UUID_V7);
  t.equal(res.headers.location, `${base(portal.id)}/${body.id}`);
  t.equal(res.headers.etag, `"${body.id}.v1"`);
  t.match(body.createdAt, ISO_UTC);
  t.equal(body.mediaPartnerId, portal.id);
  t.equal(body.title, "Pierwsze spotkanie strategiczne Klastra w budynku Oliwia Gate w Oliwie", "trimmed");
  t.equal(body.publishedOn, "2013-05-10");
  t.equal(body.activityId, strategy.id);
  t.equal(body.notes, "Warsztat: metodologia tworzenia strategii, analiza PEST — Zażółć gęślą jaźń.");
  t.strictSame((await get(body.id)).json(), body, "the Location URL serves it");
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

t.test("404 when the media partner does not exist, or the publication is another partner's", async (t) => {
  const p = await createPublication(app, portal.id);
  const missing = expectProblem(t, await list("", UNKNOWN_ID), 404, "not_found");
  t.match(missing.detail, /media partner/);
  t.match(expectProblem(t, await post({ title: "X" }, UNKNOWN_ID), 404, "not_found").detail, /media partner/);
  t.match(expectProblem(t, await get(p.id, UNKNOWN_ID), 404, "not_found").detail, /media partner/);
  t.match(expectProblem(t, await patch(p.id, { title: "Y" }, { "if-match": "*" }, UNKNOWN_ID), 404, "not_found").detail, /media partner/);
  t.match(expectProblem(t, await del(p.id, { "if-match": "*" }, UNKNOWN_ID), 404, "not_found").detail, /media partner/);
  const foreign = expectProblem(t, await get(p.id, otherPortal.id), 404, "not_found");
  t.match(foreign.detail, /publication/, "a publication is only found under its own partner");
  expectProblem(t, await patch(p.id, { title: "Y" }, { "if-match": "*" }, otherPortal.id), 404, "not_found");
  expectProblem(t, await del(p.id, { "if-match": "*" }, otherPortal.id), 404, "not_found");
  t.equal((await get(p.id)).json().title, p.title, "untouched by the requests through another partner");
  expectProblem(t, await get(UNKNOWN_ID), 404, "not_found");
  expectProblem(t, await list("", "not-a-uuid"), 400, "validation_failed", ["/mediaPartnerId"]);
});

t.test("GET with If-None-Match, PATCH and DELETE with If-Match", async (t) => {
  const p = await createPublication(app, portal.id, { title: "Drugie spotkanie strategiczne", url: "https://gospodarkamorska.pl/a/2" });
  t.equal((await get(p.id, portal.id, { "if-none-match": `"${p.id}.v1"` })).statusCode, 304);
  expectProblem(t, await patch(p.id, { publishedOn: "2013-06-19" }), 428, "precondition_required");
  t.equal(expectProblem(t, await patch(p.id, { publishedOn: "2013-06-19" }, { "if-match": `"${p.id}.v3"` }), 412, "version_mismatch").currentVersion, 1);
  await sleep(5);
  const res = await patch(p.id, { publishedOn: "2013-06-19", activityId: strategy.id, url: null }, { "if-match": `"${p.id}.v1"` });
  t.equal(res.statusCode, 200, "ok", { body: res.body });
  t.equal(res.headers.etag, `"${p.id}.v2"`);
  t.equal(res.json().version, 2);
  t.equal(res.json().publishedOn, "2013-06-19");
  t.equal(res.json().activityId, strategy.id);
  t.equal(res.json().url, null, "null clears");
  t.equal(res.json().title, "Drugie spotkanie strategiczne", "untouched fields kept");
  t.ok(res.json().updatedAt > (p.updatedAt as string));
  expectProblem(t, await patch(p.id, { title: null }, { "if-match": `"${p.id}.v2"` }), 400, "validation_failed", ["/title"]);
  expectProblem(t, await patch(p.id, { bogus: 1 }, { "if-match": `"${p.id}.v2"` }), 400, "validation_failed", ["/bogus"]);

  expectProblem(t, await del(p.id), 428, "precondition_required");
  expectProblem(t, await del(p.id, { "if-match": `"${p.id}.v1"` }), 412, "version_mismatch");
  t.equal((await del(p.id, { "if-match": `"${p.id}.v2"` })).statusCode, 204);
  expectProblem(t, await get(p.id), 404, "not_found");
});

t.test("list: own publications only, filters, sort, pagination", async (t) => {
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
  t.strictSame(all, [...made].sort(byKeys<Row>([{ key: (r) => r.publishedOn }])), "default: publishedOn ascending, undated last, ties by id");
  t.strictSame(await rows("sort=-publishedOn"), [...made].sort(byKeys<Row>([{ key: (r) => r.publishedOn, desc: true }])), "descending: undated first");
  t.strictSame(await rows("sort=createdAt"), [...made].sort(byKeys<Row>([{ key: (r) => r.createdAt }])), "creation order");
  t.strictSame(await rows("sort=-createdAt"), [...made].sort(byKeys<Row>([{ key: (r) => r.createdAt, desc: true }])));

  const ids = (list: Row[]) => list.map((r) => r.id).sort();
  t.same(ids(await rows(`activityId=${meeting.id}`)), ids(made.filter((_, i) => i % 2 === 0)));
  t.same(await rows(`activityId=${strategy.id}`), []);
  t.same(ids(await rows("publishedOnFrom=2013-05-10")), ids(made.filter((r) => r.publishedOn !== null && r.publishedOn >= "2013-05-10")), "From is inclusive");
  t.same(ids(await rows("publishedOnTo=2013-05-10")), ids(made.filter((r) => r.publishedOn !== null && r.publishedOn <= "2013-05-10")), "To is inclusive");
  t.same(ids(await rows("publishedOnFrom=2013-05-11&publishedOnTo=2013-06-30")), [made[3]!.id]);
  t.same(ids(await rows(`publishedOnFrom=2013-01-01&activityId=${meeting.id}`)), ids([made[0]!, made[2]!]));
  expectProblem(t, await list("publishedOnFrom=2013-13-01", partner.id), 400, "validation_failed", ["/publishedOnFrom"]);
  expectProblem(t, await list("activityId=x", partner.id), 400, "validation_failed", ["/activityId"]);
  expectProblem(t, await list("sort=title", partner.id), 400, "validation_failed", ["/sort"]);
  expectProblem(t, await list("q=%20", partner.id), 400, "validation_failed", ["/q"]);

  for (const sort of ["publishedOn", "-publishedOn", "createdAt"]) {
    const everything = await rows(`sort=${sort}&limit=100`);
    const seen: Row[] = [];
    let url: string | undefined = `${base(partner.id)}?sort=${sort}&limit=3`;
    while (url) {
      const res = await app.inject({ method: "GET", url });
      seen.push(...(res.json().data as Row[]));
      url = nextLinkOf(t, res);
    }
    t.same(seen.map((r) => r.id), everything.map((r) => r.id), `${sort}: pages of 3 cover all 7 once, in order (nulls included)`);
  }
});
