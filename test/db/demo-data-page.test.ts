import fs from "node:fs";
import path from "node:path";
import t from "tap";
import { seedDemoData } from "../../src/db/seed.ts";
import { foldText } from "../../src/lib/search-text.ts";
import { testApp, type TestApp } from "../helper.ts";

/**
 * The acceptance test of the demo data: a client that knows only the API rebuilds every fact of the page
 * (test/fixtures/seed-koordynator-klastra.txt, a copy of the real page) and each is compared with what the
 * page itself says, read out of its text here.
 */

const page = fs.readFileSync(path.join(import.meta.dirname, "../fixtures/seed-koordynator-klastra.txt"), "utf8").replace(/\s+/g, " ");
const MONTHS: Record<string, string> = { maja: "05", czerwca: "06", września: "09" };
const dmy = (text: string) => text.replace(/^(\d\d)\.(\d\d)\.(\d{4})$/, "$3-$2-$1");
const fold = (text: string) => foldText(text).replace(/[-–]/g, " ").replace(/\s+/g, " ");

function match(re: RegExp): RegExpMatchArray {
  const found = page.match(re);
  if (!found) throw new Error(`the page no longer says ${re}`);
  return found;
}

async function getJson(app: TestApp, url: string) {
  const response = await app.inject({ method: "GET", url });
  if (response.statusCode !== 200) throw new Error(`GET ${url}: ${response.statusCode} ${response.body}`);
  return response.json();
}

async function all(app: TestApp, url: string): Promise<any[]> {
  const rows: any[] = [];
  let next: string | null = `${url}${url.includes("?") ? "&" : "?"}limit=100`;
  while (next) {
    const body = await getJson(app, next);
    rows.push(...body.data);
    next = body.nextCursor ? `${url}${url.includes("?") ? "&" : "?"}limit=100&cursor=${body.nextCursor}` : null;
  }
  return rows;
}

t.test("every fact of the page can be rebuilt through the API from the demo data", async (t) => {
  const { app, db } = await testApp(t);
  t.match(await seedDemoData(db.prisma), /^created /);
  t.equal(await seedDemoData(db.prisma), "nothing new: already present", "seeding again creates nothing");

  // "Koordynatorem Klastra jest Zarząd Nadbałtyckich Inicjatyw Klastrowych Spółka z o.o"
  const coordinatorName = match(/Koordynatorem Klastra jest (.+?) Spółka z o\.o/)[1]!;
  const [coordinator, ...otherCoordinators] = await all(app, "/v1/coordinators");
  t.same(otherCoordinators, []);
  t.equal(coordinator.name, `${coordinatorName} Sp. z o.o.`);
  t.equal(coordinator.legalForm, "limited_liability_company");
  t.equal(coordinator.address.city, "Gdańsk", "…Sp. z o.o. w Gdańsku");
  t.equal(coordinator.mandateBasis, "Porozumienie Klastra", "Na mocy Porozumienia Klastra");

  // "Klaster LTPP jest innowacyjnym partnerstwem … w branży logistyka, transport, dystrybucja."
  const [cluster] = await all(app, "/v1/clusters?shortName=LTPP");
  t.equal(cluster.coordinatorId, coordinator.id);
  t.same(cluster.sectors, match(/w branży ([^.]+)\./)[1]!.split(", "));
  t.equal(cluster.description, match(/(Klaster LTPP jest [^.]+\.)/)[1]);

  // 2012: the mandate and the grant application
  const activities2012 = await all(app, "/v1/activities?year=2012");
  t.ok(activities2012.some((a) => a.title === "Powierzenie roli Koordynatora Klastra" && a.coordinatorId === coordinator.id));
  const [application, ...otherApplications] = await all(app, `/v1/grant-applications?q=${encodeURIComponent("strategia dla klastra")}`);
  t.same(otherApplications, []);
  t.equal(application.callName, match(/konkursu „([^”]+)”/)[1]);
  t.equal(application.submittedOn, dmy(match(/W dniu (\d\d\.\d\d\.\d{4})/)[1]!));
  t.equal(application.applicantId, coordinator.id);
  t.equal(application.status, "approved", "pozytywna ocena … otrzyma wsparcie");
  t.equal(application.evaluation.score, match(/otrzymał\s+(\d+,\d+) pkt/)[1]!.replace(",", "."));
  t.match(page, /drugie miejsce/);
  t.equal(application.evaluation.rank, 2);
  t.match(application.evaluation.notes, /jedna z czterech inicjatyw/);
  t.match(page, /narzędzi na tworzenie strategii/);
  t.match(application.inKindSupport, /narzędzi na tworzenie strategii/);
  t.equal(application.decision.reference, `Uchwała nr ${match(/Uchwała nr ([\d/]+)/)[1]}`);
  t.equal(application.decision.date, dmy(match(/z dnia (\d\d\.\d\d\.\d{4})/)[1]!));
  t.equal(application.decision.body, "Zarząd Województwa Pomorskiego");
  const fundingBody = await getJson(app, `/v1/organizations/${application.fundingBodyId}`);
  t.equal(fundingBody.name, "Zarząd Województwa Pomorskiego");
  t.equal(fundingBody.kind, "government");
  const history = await all(app, `/v1/grant-applications/${application.id}/status-history`);
  t.same(
    history.map((change) => [change.from, change.to, change.on]),
    [
      [null, "draft", null],
      ["draft", "submitted", "2012-11-16"],
      ["submitted", "under_evaluation", null],
      ["under_evaluation", "approved", "2012-12-20"],
    ],
  );
  t.match(history[1].note, /Urzędu Marszałkowskiego w Gdańsku/, "…za pośrednictwem Urzędu Marszałkowskiego w Gdańsku");

  // 2013: the strategy and its three meetings
  const activities2013 = await all(app, "/v1/activities?year=2013");
  t.same(activities2013.map((a) => a.title).sort(), ["Prace nad Strategią dla Klastra", "Promocja w mediach", "Wniosek na międzynarodowy projekt MEWA"]);
  t.notOk(activities2013.some((a) => activities2012.some((b) => b.id === a.id)), "no activity is listed in both years");
  const strategy = activities2013.find((a) => a.title === "Prace nad Strategią dla Klastra");
  t.match(page, /Rozpoczęto i zakończono prace nad Strategią/);
  t.equal(strategy.status, "completed");
  const pageMeetings = [...page.matchAll(/(\d+) (maja|czerwca|września)\s+(\d{4}) (pierwsze|drugie|trzecie) spotkanie strategiczne/g)].map(
    ([, day, month, year, ordinal]) => ({ date: `${year}-${MONTHS[month!]}-${day!.padStart(2, "0")}`, sequenceNumber: ["pierwsze", "drugie", "trzecie"].indexOf(ordinal!) + 1 }),
  );
  t.equal(pageMeetings.length, 3);
  const meetings = await all(app, `/v1/meetings?activityId=${strategy.id}&sort=date`);
  t.same(
    meetings.map((m) => ({ date: m.date, sequenceNumber: m.sequenceNumber })),
    pageMeetings,
  );
  t.same(strategy.meetingIds, meetings.map((m) => m.id));
  const [first, second, third] = meetings;
  t.match(page, /w budynku Oliwia Gate w Oliwie/);
  t.same([first.venue.name, first.venue.district, first.venue.city], ["Oliwia Gate", "Oliwa", "Gdańsk"]);
  t.equal(first.format, "workshop", "miało charakter warsztatowy");
  t.match(first.outcomes, /analiza PEST/);
  t.match(page, /z warsztatem symulacyjnym w Parku Naukowo Technologicznym w Gdańsku/);
  t.equal(second.format, "simulation_workshop");
  t.equal(fold(second.venue.name), fold("Park Naukowo-Technologiczny w Gdańsku"));
  t.match(second.outcomes, /przedstawicieli nauki, biznesu, samorządu/);
  t.match(page, /w Parku Naukowo – Technologicznym w Gdańsku\. Spotkanie miało charakter roboczy/);
  t.equal(third.format, "working_meeting");
  t.equal(fold(third.venue.name), fold("Park Naukowo-Technologiczny w Gdańsku"));
  t.match(third.outcomes, /ostateczne wypracowanie strategii Klastra/);
  const found = await getJson(app, "/v1/meetings?q=oliwa");
  t.same(found.data.map((m: { id: string }) => m.id), [first.id], "q=oliwa finds the first meeting");

  // "Koordynator Klastra na stałe współpracuje z portalami pracujwlogistyce.pl, wiadomości 24.pl i gospodarkamorska.pl"
  const portals = match(/współpracuje\s+z portalami (.+?)(?: 3\.|$)/)[1]!.trim().split(/, | i /);
  const partners = await all(app, "/v1/media-partners?sort=name");
  t.same(partners.map((p) => p.name).sort(), [...portals].sort());
  t.ok(partners.every((p) => p.kind === "portal" && p.cooperation.ongoing === true && p.coordinatorId === coordinator.id), "na stałe");
  const media = activities2013.find((a) => a.title === "Promocja w mediach");
  t.same([...media.mediaPartnerIds].sort(), partners.map((p) => p.id).sort());

  // "… we współpracy z Wyższą Szkoła Bankową i Związkiem Pracodawców Klastry Polskie, złożył aplikację do Urzędu
  //  Marszałkowskiego na międzynarodowy projekt … – MEWA."
  t.match(page, /we współpracy z Wyższą Szkoła Bankową\s+i Związkiem Pracodawców\s+Klastry Polskie/);
  const [mewa] = await all(app, "/v1/grant-applications?q=MEWA");
  t.equal(mewa.status, "submitted");
  t.match(mewa.title, /procesów adaptacyjnych sektora komunikacji miejskiej/);
  const mewaPartners = await Promise.all(mewa.partners.map((p: { organizationId: string }) => getJson(app, `/v1/organizations/${p.organizationId}`)));
  t.same(mewaPartners.map((o) => o.name), ["Wyższa Szkoła Bankowa", "Związek Pracodawców Klastry Polskie"]);
  t.same(mewaPartners.map((o) => o.kind), ["science", "ngo"]);
  t.equal((await getJson(app, `/v1/organizations/${mewa.fundingBodyId}`)).name, "Urząd Marszałkowski Województwa Pomorskiego w Gdańsku");
  t.equal(mewa.activityId, activities2013.find((a) => a.title === "Wniosek na międzynarodowy projekt MEWA").id);
});
