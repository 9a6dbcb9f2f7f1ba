import t from "tap";
import { testApp } from "../../helper.ts";
import { createActivity } from "../../fixtures/activities.ts";
import { createMediaPartner, createPublication } from "../../fixtures/media-partners.ts";
import { createCoordinator } from "../../fixtures/records.ts";
import { expectProblem } from "../../expect.ts";

/** Publications of a media partner: include=activity, and `q` over title and notes. */

const { app } = await testApp(t);
const get = (url: string) => app.inject({ method: "GET", url });
const json = async (url: string) => {
  const res = await get(url);
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
};

const coordinator = await createCoordinator(app);
const portal = await createMediaPartner(app, { name: "gospodarkamorska.pl", website: "https://gospodarkamorska.pl" });
const otherPortal = await createMediaPartner(app, { name: "wiadomości 24.pl", website: "https://wiadomosci24.pl" });
const promotion = await createActivity(app, { coordinatorId: coordinator.id, title: "Promocja w mediach spotkań strategicznych", category: "promotion" });
const base = (partnerId = portal.id) => `/v1/media-partners/${partnerId}/publications`;

const first = await createPublication(app, portal.id, {
  title: "Pierwsze spotkanie strategiczne Klastra LTPP w budynku Oliwia Gate",
  publishedOn: "2013-05-10",
  activityId: promotion.id,
  notes: "Relacja z warsztatu: analiza PEST, potencjał Klastra dla gospodarki Pomorza.",
});
const second = await createPublication(app, portal.id, {
  title: "Drugie spotkanie strategiczne w Gdańsku",
  publishedOn: "2013-06-19",
  notes: "Warsztat symulacyjny; uczestnicy wcielili się w role przedstawicieli nauki, biznesu i samorządu.",
});
const elsewhere = await createPublication(app, otherPortal.id, { title: "Pierwsze spotkanie strategiczne Klastra LTPP", activityId: promotion.id });

t.test("include=activity embeds the activity's own representation; null without one; absent otherwise", async (t) => {
  const body = await json(`${base()}/${first.id}?include=activity`);
  t.strictSame(body.activity, await json(`/v1/activities/${promotion.id}`), "as GET /v1/activities/{id} gives it");
  t.same([...body.activity.publicationIds].sort(), [first.id, elsewhere.id].sort(), "the activity lists its publications");
  t.equal(body.activity.title, "Promocja w mediach spotkań strategicznych");
  t.equal((await json(`${base()}/${second.id}?include=activity`)).activity, null, "no activity: null");
  const plain = await json(`${base()}/${first.id}`);
  t.notOk("activity" in plain, "absent without include");
  const { activity: _activity, ...rest } = body;
  t.strictSame(rest, plain, "otherwise the same representation");
});

t.test("the list embeds the activity on every row", async (t) => {
  const rows = (await json(`${base()}?include=activity`)).data as Array<{ id: string; activity: { id: string } | null }>;
  t.same(rows.map((row) => [row.id, row.activity?.id ?? null]), [[first.id, promotion.id], [second.id, null]], "by publishedOn");
  const plain = (await json(base())).data as object[];
  t.ok(plain.every((row) => !("activity" in row)), "nothing embedded without include");
  // A media partner's embedded publications stay one level deep.
  const partner = await json(`/v1/media-partners/${portal.id}?include=publications`);
  t.ok(partner.publications.every((p: object) => !("activity" in p)), "publications embedded in a partner do not embed their activity");
});

t.test("unknown include -> 400 naming /include; unknown partner -> 404", async (t) => {
  expectProblem(t, await get(`${base()}/${first.id}?include=mediaPartner`), 400, "validation_failed", ["/include"]);
  expectProblem(t, await get(`${base()}?include=activity,activities`), 400, "validation_failed", ["/include"]);
  expectProblem(t, await get(`${base("01900000-0000-7000-8000-000000000000")}?include=activity`), 404, "not_found");
});

const search = async (q: string, partnerId = portal.id) => {
  const res = await get(`${base(partnerId)}?q=${encodeURIComponent(q)}`);
  t.equal(res.statusCode, 200, `q=${q}`, { body: res.body });
  return (res.json().data as Array<{ id: string }>).map((row) => row.id).sort();
};

t.test("q matches title and notes, ignoring case and Polish diacritics", async (t) => {
  t.same(await search("gdansk"), [second.id], "ń folded");
  t.same(await search("GDAŃSKU"), [second.id], "upper case with diacritics");
  t.same(await search("oliwia gate"), [first.id], "two words of the title");
  t.same(await search("potencjal pomorza"), [first.id], "notes, without diacritics");
  t.same(await search("samorzadu"), [second.id]);
  t.same(await search("spotkanie strategiczne"), [first.id, second.id].sort(), "both titles");
  t.same(await search("Spotkanie Strategiczne warsztatu"), [first.id], "every word must match, across title and notes");
  t.same(await search("lodz"), [], "no match");
  t.same(await search("_"), [], "_ is a literal, not a wildcard");
  t.same(await search("ltpp", otherPortal.id), [elsewhere.id], "only the partner's own publications");
  const combined = await json(`${base()}?q=spotkanie&activityId=${promotion.id}`);
  t.same(combined.data.map((row: { id: string }) => row.id), [first.id], "q combines with the other filters");
});

t.test("a PATCH re-indexes: the new text is found, the old is not", async (t) => {
  const res = await app.inject({
    method: "PATCH",
    url: `${base()}/${second.id}`,
    headers: { "if-match": `"${second.id}.v1"` },
    payload: { title: "Trzecie spotkanie strategiczne w Łodzi", notes: null },
  });
  t.equal(res.statusCode, 200, res.body);
  t.same(await search("gdansk"), [], "the old title is gone");
  t.same(await search("samorzadu"), [], "so are the cleared notes");
  t.same(await search("LODZI trzecie"), [second.id], "the new title is found");
});
