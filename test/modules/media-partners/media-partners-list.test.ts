import t from "tap";
import { testApp } from "../../helper.ts";
import { createCoordinator } from "../../fixtures/records.ts";
import { createMediaPartner, createPublication, type MediaPartnerBody } from "../../fixtures/media-partners.ts";
import { expectProblem } from "../../expect.ts";

const { app } = await testApp(t);
const list = (query: string) => app.inject({ method: "GET", url: `/v1/media-partners?${query}` });
const names = async (query: string) => {
  const res = await list(query);
  t.equal(res.statusCode, 200, `GET ?${query}`, { body: res.body });
  return (res.json().data as MediaPartnerBody[]).map((row) => row.name).sort();
};

// A fixed set (fresh database for this file): filters must return exactly these.
const znik = await createCoordinator(app, { name: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o." });
const other = await createCoordinator(app, { name: "Inny Koordynator Sp. z o.o." });
const seedNotes = "Promocja w mediach: Koordynator Klastra na stałe współpracuje z portalami.";
const PRACUJ = "pracujwlogistyce.pl";
const WIADOMOSCI = "wiadomości 24.pl";
const GOSPODARKA = "gospodarkamorska.pl";
const GAZETA = "Gazeta Łódzka";
const RADIO = "Radio Północ 100%_FM";
await createMediaPartner(app, { name: PRACUJ, website: "https://pracujwlogistyce.pl", coordinatorId: znik.id, notes: seedNotes });
const wiadomosci = await createMediaPartner(app, { name: WIADOMOSCI, website: "https://www.wiadomosci24.pl", coordinatorId: znik.id, notes: seedNotes });
await createMediaPartner(app, { name: GOSPODARKA, website: "https://gospodarkamorska.pl", coordinatorId: znik.id, notes: seedNotes });
await createMediaPartner(app, {
  name: GAZETA,
  website: null,
  kind: "press",
  coordinatorId: other.id,
  cooperation: { since: "2010-01-01", until: "2012-12-31" },
  contact: { name: "Redaktor Świętosław Żółkiewski" },
});
await createMediaPartner(app, { name: RADIO, website: "https://radio-polnoc.example.pl", kind: "radio", cooperation: { ongoing: false } });
const SEED = [GOSPODARKA, PRACUJ, WIADOMOSCI].sort();

t.test("filters: kind, ongoing, coordinatorId, domain", async (t) => {
  t.same(await names(""), [...SEED, GAZETA, RADIO].sort());
  t.same(await names("kind=portal"), SEED);
  t.same(await names("kind=press"), [GAZETA]);
  t.same(await names("kind=tv"), []);
  t.same(await names("ongoing=true"), SEED);
  t.same(await names("ongoing=false"), [GAZETA, RADIO].sort());
  t.same(await names(`coordinatorId=${znik.id}`), SEED);
  t.same(await names(`coordinatorId=${other.id}`), [GAZETA]);
  t.same(await names("domain=wiadomosci24.pl"), [WIADOMOSCI]);
  t.same(await names(`domain=${encodeURIComponent("WWW.Wiadomosci24.PL")}`), [WIADOMOSCI], "domain filter is canonicalised like the field");
  t.same(await names("domain=24.pl"), [], "domain is exact, not a suffix");
  t.same(await names("domain=wiadomosci24.com"), [], "domain is exact, not a prefix");
  t.same(await names("kind=radio&ongoing=false"), [RADIO], "filters combine with AND");
  t.same(await names(`kind=portal&coordinatorId=${other.id}`), []);
  expectProblem(t, await list("kind=blog"), 400, "validation_failed", ["/kind"]);
  expectProblem(t, await list("ongoing=yes"), 400, "validation_failed", ["/ongoing"]);
  expectProblem(t, await list("coordinatorId=abc"), 400, "validation_failed", ["/coordinatorId"]);
  expectProblem(t, await list("domain=not%20a%20domain"), 400, "validation_failed", ["/domain"]);
  expectProblem(t, await list("colour=red"), 400, "validation_failed", ["/colour"]);
});

t.test("q searches name, domain, notes and contact name, ignoring case and Polish diacritics", async (t) => {
  t.same(await names(`q=${encodeURIComponent("wiadomości")}`), [WIADOMOSCI]);
  t.same(await names("q=WIADOMOSCI"), [WIADOMOSCI], "without diacritics, upper case");
  t.same(await names("q=wiadomosci24"), [WIADOMOSCI], "the domain is searched");
  t.same(await names("q=gospodarkamorska.pl"), [GOSPODARKA]);
  t.same(await names(`q=${encodeURIComponent("na stałe współpracuje")}`), SEED, "notes are searched");
  t.same(await names(`q=${encodeURIComponent("NA STALE wspolpracuje")}`), SEED);
  t.same(await names("q=lodzka"), [GAZETA]);
  t.same(await names("q=swietoslaw"), [GAZETA], "the contact's name is searched");
  t.same(await names("q=zolkiewski%20redaktor"), [GAZETA], "every word must match, in any order");
  t.same(await names("q=zolkiewski%20portal"), []);
  t.same(await names("q=radio-polnoc"), [RADIO], "the domain, not only the name");
  t.same(await names("q=%25_fm"), [RADIO], "% and _ are literal");
  t.same(await names("q=p%25"), [], "% is not a wildcard");
  t.same(await names(`q=${encodeURIComponent("pracuj logistyce")}`), [PRACUJ]);
});

t.test("include=publications embeds each partner's publications, by publishedOn then id; include=coordinator too", async (t) => {
  const late = await createPublication(app, wiadomosci.id, { title: "Trzecie spotkanie strategiczne", publishedOn: "2013-09-20" });
  const undated = await createPublication(app, wiadomosci.id, { title: "Bez daty" });
  const early = await createPublication(app, wiadomosci.id, { title: "Pierwsze spotkanie strategiczne", publishedOn: "2013-05-10" });
  const res = await list(`domain=wiadomosci24.pl&include=publications,coordinator`);
  t.equal(res.statusCode, 200);
  const [row] = res.json().data;
  t.same(row.publications.map((p: { id: string }) => p.id), [early.id, late.id, undated.id]);
  t.equal(row.publications[0].title, "Pierwsze spotkanie strategiczne");
  t.equal(row.coordinator.id, znik.id);
  t.equal(row.coordinator.name, "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o.");

  const withPublications = await list("kind=portal&include=publications");
  for (const partner of withPublications.json().data) {
    t.same(partner.publications.length, partner.id === wiadomosci.id ? 3 : 0, `${partner.name}: only its own publications`);
    t.notOk("coordinator" in partner, "coordinator only when asked");
  }
  const plain = await list("kind=portal");
  t.notOk("publications" in plain.json().data[0], "nothing embedded without include");

  const one = await app.inject({ method: "GET", url: `/v1/media-partners/${wiadomosci.id}?include=publications` });
  t.same(one.json().publications.map((p: { id: string }) => p.id), [early.id, late.id, undated.id], "GET /{id} embeds them too");
  t.equal(one.json().version, 1, "publications do not change the partner's version");
  t.match(one.headers.etag, new RegExp(`^"${wiadomosci.id}\\.v1\\+`), "the ETag of a representation with embedded records also covers them");
  expectProblem(t, await list("include=activities"), 400, "validation_failed", ["/include"]);
});
