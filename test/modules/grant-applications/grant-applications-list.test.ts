import t from "tap";
import { testApp } from "../../helper.ts";
import { createCluster, createCoordinator } from "../../fixtures/records.ts";
import { createActivityRow, createGrantApplication, createOrganizationRow, walk } from "../../fixtures/grant-applications.ts";
import { expectProblem } from "../../expect.ts";

const { app, db } = await testApp(t);
type Row = { id: string; title: string; submittedOn: string | null; createdAt: string; updatedAt: string } & Record<string, unknown>;
const list = (query: string) => app.inject({ method: "GET", url: `/v1/grant-applications?${query}` });
const titles = async (query: string) => {
  const res = await list(query);
  t.equal(res.statusCode, 200, `GET ?${query}`, { body: res.body });
  return (res.json().data as Row[]).map((row) => row.title).sort();
};

// A fixed set (fresh database for this file): filters must return exactly these.
const znik = await createCoordinator(app, { name: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o." });
const other = await createCoordinator(app, { name: "Fundacja Rozwoju Pomorza" });
const ltpp = await createCluster(app, { coordinatorId: znik.id, name: "Klaster LTPP" });
const voivodeship = await createOrganizationRow(db, { name: "Zarząd Województwa Pomorskiego", kind: "government" });
const ncbr = await createOrganizationRow(db, { name: "Narodowe Centrum Badań i Rozwoju", kind: "government" });
const mewaActivity = await createActivityRow(db, znik.id, { title: "Aplikacja MEWA", year: 2013 });

const STRATEGIA = "Wniosek w konkursie „Strategia dla klastra”";
const MEWA = "Projekt MEWA – komunikacja miejska";
const LODZ = "Łódzkie Centrum Logistyki";
const BEZ_DATY = "Wniosek bez daty";
const REZERWOWY = "Wniosek rezerwowy";

const strategia = await createGrantApplication(app, {
  title: STRATEGIA,
  callName: "Strategia dla klastra",
  applicantId: znik.id,
  fundingBodyId: voivodeship.id,
  clusterId: ltpp.id,
  submittedOn: "2012-11-16",
  decision: { reference: "Uchwała nr 1486/205/12", date: "2012-12-20", body: "Zarząd Województwa Pomorskiego" },
});
await walk(app, strategia.id, ["submitted", "under_evaluation", "approved"]);
const mewa = await createGrantApplication(app, {
  title: MEWA,
  callName: "Współpraca międzynarodowa",
  applicantId: znik.id,
  fundingBodyId: voivodeship.id,
  activityId: mewaActivity.id,
  submittedOn: "2013-10-01",
});
await walk(app, mewa.id, ["submitted"]);
await createGrantApplication(app, {
  title: LODZ,
  programme: "Innowacyjna Gospodarka",
  applicantId: other.id,
  fundingBodyId: ncbr.id,
  submittedOn: "2013-03-05",
  evaluation: { notes: "Uwagi: brak 100% wkładu_własnego" },
});
await createGrantApplication(app, { title: BEZ_DATY, applicantId: other.id, inKindSupport: "Narzędzia do tworzenia strategii" });
const rezerwowy = await createGrantApplication(app, { title: REZERWOWY, applicantId: other.id, submittedOn: "2014-01-10" });
await walk(app, rezerwowy.id, ["withdrawn"]);

t.test("filters: status, applicant, funding body, cluster, activity", async (t) => {
  t.same(await titles("status=approved"), [STRATEGIA]);
  t.same(await titles("status=draft"), [BEZ_DATY, LODZ].sort());
  t.same(await titles("status=withdrawn"), [REZERWOWY]);
  t.same(await titles("status=completed"), []);
  t.same(await titles(`applicantId=${znik.id}`), [MEWA, STRATEGIA].sort());
  t.same(await titles(`fundingBodyId=${voivodeship.id}`), [MEWA, STRATEGIA].sort());
  t.same(await titles(`fundingBodyId=${ncbr.id}`), [LODZ]);
  t.same(await titles(`clusterId=${ltpp.id}`), [STRATEGIA]);
  t.same(await titles(`activityId=${mewaActivity.id}`), [MEWA]);
  t.same(await titles(`applicantId=${other.id}&status=draft`), [BEZ_DATY, LODZ].sort(), "filters combine with AND");
  t.same(await titles(`applicantId=${znik.id}&status=draft`), []);
  expectProblem(t, await list("status=accepted"), 400, "validation_failed", ["/status"]);
  expectProblem(t, await list("applicantId=abc"), 400, "validation_failed", ["/applicantId"]);
  expectProblem(t, await list("colour=red"), 400, "validation_failed", ["/colour"]);
});

t.test("filters: submittedOn range and year", async (t) => {
  t.same(await titles("submittedOnFrom=2013-01-01"), [MEWA, LODZ, REZERWOWY].sort());
  t.same(await titles("submittedOnTo=2013-03-05"), [LODZ, STRATEGIA].sort(), "the bounds are inclusive");
  t.same(await titles("submittedOnFrom=2013-03-05&submittedOnTo=2013-03-05"), [LODZ]);
  t.same(await titles("year=2013"), [MEWA, LODZ].sort());
  t.same(await titles("year=2012"), [STRATEGIA]);
  t.same(await titles("year=2015"), []);
  t.same(await titles("year=2013&submittedOnTo=2013-06-30"), [LODZ]);
  expectProblem(t, await list("year=1800"), 400, "validation_failed", ["/year"]);
  expectProblem(t, await list("year=dwa"), 400, "validation_failed", ["/year"]);
  expectProblem(t, await list("submittedOnFrom=2013-13-01"), 400, "validation_failed", ["/submittedOnFrom"]);
});

t.test("q searches title, call, programme, decision reference, in-kind support and evaluation notes", async (t) => {
  t.same(await titles("q=strategia"), [STRATEGIA], "title and call name (strategii does not contain strategia)");
  t.same(await titles("q=strategi"), [BEZ_DATY, STRATEGIA].sort(), "in-kind support");
  t.same(await titles("q=lodzkie"), [LODZ], "diacritics ignored");
  t.same(await titles(`q=${encodeURIComponent("ŁÓDZKIE centrum")}`), [LODZ], "case ignored, words ANDed");
  t.same(await titles(`q=${encodeURIComponent("innowacyjna gospodarka")}`), [LODZ], "programme");
  t.same(await titles(`q=${encodeURIComponent("wspolpraca miedzynarodowa")}`), [MEWA], "call name");
  t.same(await titles(`q=${encodeURIComponent("uchwała 1486/205/12")}`), [STRATEGIA], "decision reference");
  t.same(await titles(`q=${encodeURIComponent("wkladu_wlasnego")}`), [LODZ], "evaluation notes");
  t.same(await titles("q=%25"), [LODZ], "% is literal");
  t.same(await titles("q=_"), [LODZ], "_ is literal");
  t.same(await titles("q=mewa%20lodzkie"), []);
  t.same(await titles("q=xyzzy"), []);
});

t.test("include=applicant,cluster embeds them on every row", async (t) => {
  const res = await list("include=applicant,cluster&limit=100");
  t.equal(res.statusCode, 200);
  const rows = res.json().data as Array<Row & { applicantId: string; applicant: { id: string; name: string }; cluster: { id: string } | null }>;
  t.equal(rows.length, 5);
  for (const row of rows) {
    t.equal(row.applicant.id, row.applicantId);
    t.equal(row.cluster === null ? null : row.cluster.id, row.title === STRATEGIA ? ltpp.id : null);
  }
  t.equal(rows.find((row) => row.title === STRATEGIA)!.applicant.name, "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o.");
  t.notOk("applicant" in (await list("")).json().data[0], "nothing embedded without include");
  expectProblem(t, await list("include=statusHistory"), 400, "validation_failed", ["/include"]);
});

// Each sortable field both ways, the default order and pages are the record contract's (test/app/record-contract-lists.test.ts).
t.test("sort=-updatedAt: a transition is a change", async (t) => {
  const res = await list("limit=100&sort=-updatedAt");
  t.equal(res.statusCode, 200, "ok", { body: res.body });
  t.equal((res.json().data as Row[])[0]!.title, REZERWOWY, "the last transition touched it last");
});
