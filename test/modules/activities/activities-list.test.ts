import t from "tap";
import { testApp } from "../../helper.ts";
import { createCluster, createCoordinator } from "../../fixtures/records.ts";
import { createActivity } from "../../fixtures/activities.ts";
import { expectProblem } from "../../expect.ts";

const { app } = await testApp(t);
type Row = { id: string; title: string } & Record<string, unknown>;
const list = (query: string) => app.inject({ method: "GET", url: `/v1/activities?${query}` });
const titles = async (query: string) => {
  const res = await list(query);
  t.equal(res.statusCode, 200, `GET ?${query}`, { body: res.body });
  return (res.json().data as Row[]).map((row) => row.title).sort();
};

// A fixed set (fresh database for this file), after the seed page: filters must return exactly these.
const znik = await createCoordinator(app, { name: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o." });
const other = await createCoordinator(app, { name: "Fundacja Rozwoju Pomorza", legalForm: "foundation" });
const ltpp = await createCluster(app, { name: "Klaster LTPP", coordinatorId: znik.id });
const add = (fields: Record<string, unknown>) => createActivity(app, { year: undefined, ...fields });
const WNIOSEK = "Wniosek w konkursie „Strategia dla klastra”";
const STRATEGIA = "Rozpoczęto i zakończono prace nad Strategią dla Klastra";
const PROMOCJA = "Promocja w mediach";
const MEWA = "Aplikacja MEWA";
const POROZUMIENIE = "Porozumienie Klastra";
const PROJEKT = "Wieloletni projekt";
const LODZ = "Spotkanie w Łodzi";
const PODSUMOWANIE = "Podsumowanie 2012";
await add({ title: WNIOSEK, description: "Pozytywna ocena, 99,5 pkt., drugie miejsce", category: "grant_application", status: "completed", coordinatorId: znik.id, clusterId: ltpp.id, startDate: "2012-11-16" });
await add({ title: STRATEGIA, category: "strategy", status: "completed", coordinatorId: znik.id, clusterId: ltpp.id, startDate: "2013-05-10", endDate: "2013-09-20" });
await add({ title: PROMOCJA, description: "Portale pracujwlogistyce.pl, wiadomości24.pl i gospodarkamorska.pl", category: "promotion", status: "in_progress", coordinatorId: znik.id, year: 2013, startDate: "2012-12-01" });
await add({ title: MEWA, description: "Procesy adaptacyjne sektora komunikacji miejskiej", category: "grant_application", status: "in_progress", coordinatorId: other.id, startDate: "2013-10-01" });
await add({ title: POROZUMIENIE, category: "networking", status: "completed", coordinatorId: znik.id, year: 2012 });
await add({ title: PROJEKT, category: "project", status: "in_progress", coordinatorId: other.id, year: 2012, startDate: "2012-06-01", endDate: "2014-06-30" });
await add({ title: LODZ, category: "meeting", status: "cancelled", coordinatorId: other.id, startDate: "2014-02-01" });
await add({ title: PODSUMOWANIE, category: "other", status: "completed", coordinatorId: other.id, year: 2012, endDate: "2013-01-15" });
const ALL = [WNIOSEK, STRATEGIA, PROMOCJA, MEWA, POROZUMIENIE, PROJEKT, LODZ, PODSUMOWANIE].sort();

t.test("year: recorded under the year, or dated within it", async (t) => {
  t.same(await titles("year=2013"), [STRATEGIA, PROMOCJA, MEWA, PROJEKT, PODSUMOWANIE].sort(), "2013's work, including a project spanning it");
  t.same(await titles("year=2012"), [WNIOSEK, PROMOCJA, POROZUMIENIE, PROJEKT, PODSUMOWANIE].sort(), "promotion started in 2012, logged under 2013");
  t.same(await titles("year=2014"), [PROJEKT, LODZ].sort(), "the project ends in 2014");
  t.same(await titles("year=2015"), [], "a start date alone does not run on forever");
  t.same(await titles("year=2011"), []);
  expectProblem(t, await list("year=abc"), 400, "validation_failed", ["/year"]);
  expectProblem(t, await list("year=13"), 400, "validation_failed", ["/year"]);
  expectProblem(t, await list("year=0x7dd"), 400, "validation_failed", ["/year"]);
  expectProblem(t, await list("year=2013.0"), 400, "validation_failed", ["/year"]);
});

t.test("category, status, coordinatorId, clusterId and start-date range filters", async (t) => {
  t.same(await titles(""), ALL);
  t.same(await titles("category=grant_application"), [WNIOSEK, MEWA].sort());
  t.same(await titles("category=media"), []);
  t.same(await titles("status=in_progress"), [PROMOCJA, MEWA, PROJEKT].sort());
  t.same(await titles("status=cancelled"), [LODZ]);
  t.same(await titles(`coordinatorId=${other.id}`), [MEWA, PROJEKT, LODZ, PODSUMOWANIE].sort());
  t.same(await titles(`clusterId=${ltpp.id}`), [WNIOSEK, STRATEGIA].sort());
  t.same(await titles("startDateFrom=2013-01-01"), [STRATEGIA, MEWA, LODZ].sort(), "undated activities are not in a date range");
  t.same(await titles("startDateTo=2012-12-31"), [WNIOSEK, PROJEKT, PROMOCJA].sort());
  t.same(await titles("startDateFrom=2013-05-10&startDateTo=2013-10-01"), [STRATEGIA, MEWA].sort(), "bounds are inclusive");
  t.same(await titles("year=2013&category=grant_application"), [MEWA], "filters combine with AND");
  t.same(await titles(`year=2013&coordinatorId=${znik.id}&status=completed`), [STRATEGIA]);
  expectProblem(t, await list("category=strategia"), 400, "validation_failed", ["/category"]);
  expectProblem(t, await list("status=done"), 400, "validation_failed", ["/status"]);
  expectProblem(t, await list("coordinatorId=abc"), 400, "validation_failed", ["/coordinatorId"]);
  expectProblem(t, await list("startDateFrom=2013"), 400, "validation_failed", ["/startDateFrom"]);
  expectProblem(t, await list("colour=red"), 400, "validation_failed", ["/colour"]);
});

t.test("q searches title and description, ignoring case and Polish diacritics", async (t) => {
  t.same(await titles("q=strategia"), [WNIOSEK, STRATEGIA].sort());
  t.same(await titles(`q=${encodeURIComponent("STRATEGIĄ klastra")}`), [WNIOSEK, STRATEGIA].sort());
  t.same(await titles("q=rozpoczeto%20zakonczono"), [STRATEGIA]);
  t.same(await titles("q=lodzi"), [LODZ]);
  t.same(await titles("q=wiadomosci24"), [PROMOCJA], "description is searched");
  t.same(await titles("q=99,5"), [WNIOSEK]);
  t.same(await titles("q=strategia%20mewa"), [], "every word must match");
  t.same(await titles("q=%25"), [], "% is literal");
  t.same(await titles("q=2013&year=2013"), [], "q does not search the year");
});

t.test("include=coordinator,cluster embeds them in lists", async (t) => {
  const res = await list(`include=coordinator,cluster&clusterId=${ltpp.id}`);
  t.equal(res.statusCode, 200);
  const data = res.json().data as Row[];
  t.equal(data.length, 2);
  for (const row of data) {
    t.equal((row.coordinator as { name: string }).name, "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o.");
    t.equal((row.cluster as { name: string }).name, "Klaster LTPP");
  }
  const undated = (await list("include=cluster&status=cancelled")).json().data as Row[];
  t.equal(undated[0]!.cluster, null, "no cluster: null when asked for");
  t.notOk("coordinator" in undated[0]!);
  const plain = (await list("")).json().data as Row[];
  t.notOk(plain.some((row) => "coordinator" in row || "cluster" in row), "nothing embedded without include");
  expectProblem(t, await list("include=participants"), 400, "validation_failed", ["/include"]);
});
