import t from "tap";
import { testApp } from "../../helper.ts";
import { createCoordinator } from "../../fixtures/records.ts";
import { createActivityRow, createMediaPartner, createPublication } from "../../fixtures/media-partners.ts";
import { expectProblem } from "../../expect.ts";

const { app, db } = await testApp(t);
const post = (payload: unknown) => app.inject({ method: "POST", url: "/v1/media-partners", payload: payload as object });
const get = (id: string, headers: Record<string, string> = {}, query = "") =>
  app.inject({ method: "GET", url: `/v1/media-partners/${id}${query}`, headers });
const patch = (id: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: "PATCH", url: `/v1/media-partners/${id}`, payload: payload as object, headers });
const del = (id: string, headers: Record<string, string> = {}) => app.inject({ method: "DELETE", url: `/v1/media-partners/${id}`, headers });
const UNKNOWN_ID = "01900000-0000-7000-8000-000000000000";

t.test("the seed's three portals: created as written, domains derived, ongoing by default", async (t) => {
  const coordinator = await createCoordinator(app, { name: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o." });
  const portals = [
    { name: "pracujwlogistyce.pl", website: "https://pracujwlogistyce.pl", domain: "pracujwlogistyce.pl" },
    { name: "wiadomości 24.pl", website: "https://www.wiadomosci24.pl/", domain: "wiadomosci24.pl" },
    { name: "gospodarkamorska.pl", website: "http://WWW.GospodarkaMorska.pl/kategoria/logistyka", domain: "gospodarkamorska.pl" },
  ];
  for (const portal of portals) {
    const res = await post({
      coordinatorId: coordinator.id,
      name: portal.name,
      website: portal.website,
      kind: "portal",
      notes: "Promocja w mediach: Koordynator Klastra na stałe współpracuje z portalem.",
    });
    t.equal(res.statusCode, 201, portal.name, { body: res.body });
    const body = res.json();
    t.equal(body.name, portal.name, "name kept as written");
    t.equal(body.website, portal.website, "website kept as sent");
    t.equal(body.domain, portal.domain, "domain derived: lower case, no www.");
    t.equal(body.coordinatorId, coordinator.id);
    t.strictSame(body.cooperation, { since: null, until: null, ongoing: true }, "na stałe: ongoing when no end date");
    t.equal(body.contact, null, "no contact -> null");
  }
});

t.test("Polish text round-trips byte-exact; text is NFC-normalised and trimmed", async (t) => {
  const res = await post({
    name: "  Radio Gdańsk – Zażółć gęślą jaźń\t",
    kind: "radio",
    contact: { name: "Redakcja „Łódź”" },
    notes: "ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż",
  });
  t.equal(res.statusCode, 201, "created", { body: res.body });
  t.ok(res.rawPayload.includes(Buffer.from("ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż", "utf8")), "sent as UTF-8");
  const got = (await get(res.json().id)).json();
  t.equal(got.name, "Radio Gdańsk – Zażółć gęślą jaźń");
  t.equal(got.notes, "ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż");
  t.strictSame(got.contact, { name: "Redakcja „Łódź”", email: null, phone: null });
  t.equal(got.website, null);
  t.equal(got.domain, null, "no website, no domain");
  const decomposed = await post({ name: "Dziennik Gdan\u0301ski", kind: "press" });
  t.equal(decomposed.json().name, "Dziennik Gda\u0144ski");
});

t.test("validation: required fields, enums, URLs, domains, contact, unknown fields", async (t) => {
  expectProblem(t, await post({}), 400, "validation_failed", ["/name", "/kind"]);
  expectProblem(t, await post({ name: "  ", kind: "portal" }), 400, "validation_failed", ["/name"]);
  expectProblem(t, await post({ name: "X", kind: "blog" }), 400, "validation_failed", ["/kind"]);
  for (const website of ["ftp://example.pl", "example.pl", "javascript:alert(1)", "https://"]) {
    expectProblem(t, await post({ name: "X", kind: "portal", website }), 400, "validation_failed", ["/website"]);
  }
  for (const domain of ["https://example.pl", "example", "exa mple.pl", "", "-bad-.pl", "example.pl/path", "example.pl:8080", "redakcja@example.pl"]) {
    expectProblem(t, await post({ name: "X", kind: "portal", domain }), 400, "validation_failed", ["/domain"]);
  }
  expectProblem(t, await post({ name: "X", kind: "portal", contact: { email: "redakcja" } }), 400, "validation_failed", ["/contact/email"]);
  expectProblem(t, await post({ name: "X", kind: "portal", contact: { phone: "abc" } }), 400, "validation_failed", ["/contact/phone"]);
  expectProblem(t, await post({ name: "X", kind: "portal", contact: { fax: "1" } }), 400, "validation_failed", ["/contact/fax"]);
  expectProblem(t, await post({ name: "X", kind: "portal", cooperation: { since: "2013-02-30" } }), 400, "validation_failed", ["/cooperation/since"]);
  expectProblem(t, await post({ name: "X", kind: "portal", cooperation: { ongoing: "yes" } }), 400, "validation_failed", ["/cooperation/ongoing"]);
  expectProblem(t, await post({ name: "X", kind: "portal", bogus: 1 }), 400, "validation_failed", ["/bogus"]);
  expectProblem(t, await post({ name: "X", kind: "portal", coordinatorId: "nope" }), 400, "validation_failed", ["/coordinatorId"]);

  const contact = await post({ name: "Kontakt", kind: "press", contact: { name: " Jan Kowalski ", email: "redakcja@example.pl", phone: "+48 58 123 45 67" } });
  t.equal(contact.statusCode, 201);
  t.strictSame(contact.json().contact, { name: "Jan Kowalski", email: "redakcja@example.pl", phone: "+48 58 123 45 67" });
  const empty = await post({ name: "Pusty kontakt", kind: "tv", contact: {} });
  t.equal(empty.json().contact, null, "an empty contact is null");
});

t.test("domain: explicit, canonical, unique (409 naming /domain)", async (t) => {
  const explicit = await post({ name: "Wiadomości", kind: "portal", website: "https://news.example.pl/a", domain: " WWW.Example-Media.PL. " });
  t.equal(explicit.statusCode, 201, "created", { body: explicit.body });
  t.equal(explicit.json().domain, "example-media.pl", "given domain wins over the website's, canonicalised");
  const idn = await post({ name: "Łódzkie Wieści", kind: "portal", domain: "łódź-wieści.pl" });
  t.equal(idn.statusCode, 201);
  t.match(idn.json().domain, /^xn--[a-z0-9-]+\.pl$/, "non-ASCII names are stored as punycode");

  const first = await createMediaPartner(app, { website: "https://unikalny-portal.pl" });
  t.equal(first.domain, "unikalny-portal.pl");
  const dup = expectProblem(t, await post({ name: "Kopia", kind: "portal", website: "https://www.unikalny-portal.pl/inna" }), 409, "conflict", ["/domain"]);
  t.notMatch(dup.detail, /media_partners|constraint|prisma/i, "no internal names");
  expectProblem(t, await post({ name: "Kopia", kind: "portal", domain: "UNIKALNY-PORTAL.pl" }), 409, "conflict", ["/domain"]);
  const other = await createMediaPartner(app);
  expectProblem(t, await patch(other.id, { domain: "unikalny-portal.pl" }, { "if-match": `"${other.id}.v1"` }), 409, "conflict", ["/domain"]);
  t.equal((await get(other.id)).json().version, 1, "the failed PATCH changed nothing");
  const noDomains = [await post({ name: "Bez strony A", kind: "press" }), await post({ name: "Bez strony B", kind: "press" })];
  t.same(noDomains.map((r) => r.statusCode), [201, 201], "any number of partners without a domain");
});

t.test("cooperation: ongoing defaults to 'no end date'; contradictions are 400s on /cooperation/until", async (t) => {
  const ended = await post({ name: "Zakończona", kind: "press", cooperation: { since: "2013-01-01", until: "2013-12-31" } });
  t.equal(ended.statusCode, 201);
  t.strictSame(ended.json().cooperation, { since: "2013-01-01", until: "2013-12-31", ongoing: false });
  const since = await post({ name: "Od 2013", kind: "portal", cooperation: { since: "2013-05-10" } });
  t.strictSame(since.json().cooperation, { since: "2013-05-10", until: null, ongoing: true });
  const stopped = await post({ name: "Przerwana", kind: "portal", cooperation: { ongoing: false } });
  t.strictSame(stopped.json().cooperation, { since: null, until: null, ongoing: false }, "ended, end date unknown");
  const sameDay = await post({ name: "Jednodniowa", kind: "tv", cooperation: { since: "2013-06-19", until: "2013-06-19" } });
  t.equal(sameDay.statusCode, 201);

  expectProblem(t, await post({ name: "X", kind: "portal", cooperation: { ongoing: true, until: "2013-12-31" } }), 400, "validation_failed", [
    "/cooperation/until",
  ]);
  expectProblem(t, await post({ name: "X", kind: "portal", cooperation: { since: "2013-05-10", until: "2013-05-09" } }), 400, "validation_failed", [
    "/cooperation/until",
  ]);
  expectProblem(t, await post({ name: "X", kind: "portal", cooperation: { until: "2012-01-01", since: "2013-01-01", ongoing: false } }), 400, "validation_failed", [
    "/cooperation/until",
  ]);
});

t.test("coordinatorId must exist: 422 on create and patch", async (t) => {
  expectProblem(t, await post({ name: "X", kind: "portal", coordinatorId: UNKNOWN_ID }), 422, "reference_not_found", ["/coordinatorId"]);
  const partner = await createMediaPartner(app);
  expectProblem(t, await patch(partner.id, { coordinatorId: UNKNOWN_ID }, { "if-match": `"${partner.id}.v1"` }), 422, "reference_not_found", ["/coordinatorId"]);
  const coordinator = await createCoordinator(app);
  const linked = await patch(partner.id, { coordinatorId: coordinator.id }, { "if-match": `"${partner.id}.v1"` });
  t.equal(linked.statusCode, 200);
  t.equal(linked.json().coordinatorId, coordinator.id);
  const unlinked = await patch(partner.id, { coordinatorId: null }, { "if-match": linked.headers.etag as string });
  t.equal(unlinked.json().coordinatorId, null, "null removes the coordinator");
});

t.test("GET: include=coordinator", async (t) => {
  const coordinator = await createCoordinator(app);
  const p = await createMediaPartner(app, { coordinatorId: coordinator.id });
  const res = await get(p.id);
  t.notOk("coordinator" in res.json(), "relations are not embedded unless asked");
  t.notOk("publications" in res.json());
  const withCoordinator = await get(p.id, {}, "?include=coordinator");
  t.equal(withCoordinator.json().coordinator.id, coordinator.id);
  t.equal(withCoordinator.json().coordinator.name, coordinator.name);
  const alone = await createMediaPartner(app);
  t.equal((await get(alone.id, {}, "?include=coordinator")).json().coordinator, null, "no coordinator: null when asked for");
  expectProblem(t, await get(p.id, {}, "?include=activities"), 400, "validation_failed", ["/include"]);
});

t.test("PATCH: merge semantics, derived values follow their source", async (t) => {
  const p = await createMediaPartner(app, { website: "https://stary-portal.pl", contact: { name: "Anna", email: "anna@stary-portal.pl" } });
  let etag = `"${p.id}.v1"`;
  const step = async (payload: unknown) => {
    const res = await app.inject({
      method: "PATCH",
      url: `/v1/media-partners/${p.id}`,
      payload: JSON.stringify(payload),
      headers: { "if-match": etag, "content-type": "application/merge-patch+json" },
    });
    if (res.statusCode === 200) etag = res.headers.etag as string;
    return res;
  };
  const moved = await step({ website: "https://www.nowy-portal.pl" });
  t.equal(moved.statusCode, 200);
  t.equal(moved.json().domain, "nowy-portal.pl", "a derived domain follows the website");
  t.strictSame(moved.json().contact, { name: "Anna", email: "anna@stary-portal.pl", phone: null }, "untouched members kept");

  const own = await step({ domain: "wlasna-domena.pl" });
  t.equal(own.json().domain, "wlasna-domena.pl");
  const again = await step({ website: "https://trzeci-portal.pl" });
  t.equal(again.json().domain, "wlasna-domena.pl", "an explicitly set domain stays when the website changes");
  const rederived = await step({ domain: null });
  t.equal(rederived.json().domain, "trzeci-portal.pl", "domain: null goes back to the website's domain");

  const contact = await step({ contact: { email: null, phone: "+48 58 000 00 00" } });
  t.strictSame(contact.json().contact, { name: "Anna", email: null, phone: "+48 58 000 00 00" }, "contact merges member by member");
  const noContact = await step({ contact: null });
  t.equal(noContact.json().contact, null);

  const ending = await step({ cooperation: { since: "2013-01-01", until: "2014-12-31" } });
  t.equal(ending.statusCode, 200, "ok", { body: ending.body });
  t.strictSame(ending.json().cooperation, { since: "2013-01-01", until: "2014-12-31", ongoing: false }, "an end date ends a default-ongoing cooperation");
  const resumed = await step({ cooperation: { until: null } });
  t.strictSame(resumed.json().cooperation, { since: "2013-01-01", until: null, ongoing: true }, "removing the end date makes it ongoing again");
  const explicitOngoing = await step({ cooperation: { ongoing: true } });
  t.equal(explicitOngoing.statusCode, 200);

  const before = (await get(p.id)).json();
  expectProblem(t, await step({ cooperation: { ongoing: true, until: "2015-01-01" } }), 400, "validation_failed", ["/cooperation/until"]);
  expectProblem(t, await step({ cooperation: { until: "2012-12-31", ongoing: false } }), 400, "validation_failed", ["/cooperation/until"]);
  expectProblem(t, await step({ name: null }), 400, "validation_failed", ["/name"]);
  expectProblem(t, await step({ kind: null }), 400, "validation_failed", ["/kind"]);
  expectProblem(t, await step({ kind: "newspaper" }), 400, "validation_failed", ["/kind"]);
  expectProblem(t, await step({ contact: { email: "zły" } }), 400, "validation_failed", ["/contact/email"]);
  expectProblem(t, await step({ bogus: true }), 400, "validation_failed", ["/bogus"]);
  t.strictSame((await get(p.id)).json(), before, "failed PATCHes changed nothing");
});

t.test("DELETE is refused (409) while publications or linked activities remain", async (t) => {
  const coordinator = await createCoordinator(app);
  const p = await createMediaPartner(app, { coordinatorId: coordinator.id });
  const publication = await createPublication(app, p.id);
  const activity = await createActivityRow(db, coordinator.id);
  await db.prisma.activityMediaPartner.create({ data: { activityId: activity.id, mediaPartnerId: p.id } });

  const both = expectProblem(t, await del(p.id, { "if-match": `"${p.id}.v1"` }), 409, "still_referenced");
  t.match(both.detail, /1 publications/);
  t.match(both.detail, /1 activities/);
  t.same(
    (both.references as Array<{ resource: string; count: number }>).map((r) => [r.resource, r.count]),
    [["publications", 1], ["activities", 1]],
  );

  const pubDel = await app.inject({ method: "DELETE", url: `/v1/media-partners/${p.id}/publications/${publication.id}`, headers: { "if-match": "*" } });
  t.equal(pubDel.statusCode, 204);
  const activityOnly = expectProblem(t, await del(p.id, { "if-match": `"${p.id}.v1"` }), 409, "still_referenced");
  t.notMatch(activityOnly.detail, /publications/);
  t.match(activityOnly.detail, /activities/);
  t.equal((await get(p.id)).statusCode, 200, "still there");

  await db.prisma.activityMediaPartner.deleteMany({ where: { mediaPartnerId: p.id } });
  t.equal((await del(p.id, { "if-match": `"${p.id}.v1"` })).statusCode, 204, "deletable once nothing refers to it");
});

t.test("a coordinator working with a media partner cannot be deleted", async (t) => {
  const coordinator = await createCoordinator(app);
  await createMediaPartner(app, { coordinatorId: coordinator.id });
  const body = expectProblem(
    t,
    await app.inject({ method: "DELETE", url: `/v1/coordinators/${coordinator.id}`, headers: { "if-match": "*" } }),
    409,
    "still_referenced",
  );
  t.match(body.detail, /media-partners/);
});

t.test("Idempotency-Key replays the create", async (t) => {
  const payload = { name: "Idempotentny Portal", kind: "portal", website: "https://idempotentny.pl" };
  const first = await app.inject({ method: "POST", url: "/v1/media-partners", payload, headers: { "idempotency-key": "mp-1" } });
  t.equal(first.statusCode, 201);
  const replay = await app.inject({ method: "POST", url: "/v1/media-partners", payload, headers: { "idempotency-key": "mp-1" } });
  t.equal(replay.statusCode, 201);
  t.equal(replay.headers["idempotent-replayed"], "true");
  t.equal(replay.json().id, first.json().id, "no second record");
});
