import fs from "node:fs";
import path from "node:path";
import t from "tap";
import { seedDemoData } from "../../../src/db/seed.ts";
import { testApp, type TestApp } from "../../helper.ts";

/**
 * The annual reports of the demo data (2012 and 2013) against the page it comes from
 * (test/fixtures/seed-koordynator-klastra.txt): each figure is read out of the page's text, as
 * test/db/demo-data-page.test.ts does for the records themselves.
 */

const page = fs.readFileSync(path.join(import.meta.dirname, "../../fixtures/seed-koordynator-klastra.txt"), "utf8").replace(/\s+/g, " ");
const section2012 = page.slice(page.indexOf(" 2012 "), page.indexOf(" 2013 1."));
const section2013 = page.slice(page.indexOf(" 2013 1."));
const dmy = (text: string) => text.replace(/^(\d\d)\.(\d\d)\.(\d{4})$/, "$3-$2-$1");

function match(text: string, re: RegExp): RegExpMatchArray {
  const found = text.match(re);
  if (!found) throw new Error(`the page no longer says ${re}`);
  return found;
}

async function getJson(app: TestApp, url: string) {
  const response = await app.inject({ method: "GET", url });
  if (response.statusCode !== 200) throw new Error(`GET ${url}: ${response.statusCode} ${response.body}`);
  return response.json();
}

t.test("the 2012 and 2013 reports of the demo data say what the page says", async (t) => {
  const { app, db } = await testApp(t);
  t.match(await seedDemoData(db.prisma), /^created /);
  const [coordinator] = (await getJson(app, "/v1/coordinators")).data;
  const [cluster] = (await getJson(app, "/v1/clusters?shortName=LTPP")).data;

  t.test("2012: the mandate and the application of 16.11.2012, approved with 99.5 points on 20.12.2012", async (t) => {
    const report = await getJson(app, "/v1/reports/annual/2012");
    // Two facts in the year: "Na mocy Porozumienia Klastra … powierzono" and "W dniu 16.11.2012 … złożył wniosek".
    t.match(section2012, /Na mocy Porozumienia Klastra pełnienie roli Koordynatora Klastra powierzono/);
    t.match(section2012, /złożył wniosek w ramach konkursu/);
    t.equal(report.activities.total, 2);
    t.equal(report.activities.byCategory.strategy, 1, "the mandate");
    t.equal(report.activities.byCategory.grant_application, 1, "the call");
    t.equal(report.activities.byStatus.completed, 2);
    t.equal(report.meetings.total, 0, "the meetings are 2013's");

    const submittedOn = dmy(match(section2012, /W dniu (\d\d\.\d\d\.\d{4})/)[1]!);
    const decidedOn = dmy(match(section2012, /z dnia (\d\d\.\d\d\.\d{4})/)[1]!);
    t.equal(submittedOn.slice(0, 4), "2012");
    t.equal(decidedOn.slice(0, 4), "2012");
    t.equal(report.grantApplications.submitted, 1, `submitted ${submittedOn}`);
    t.equal(report.grantApplications.byStatus.approved, 1, "pozytywna ocena … otrzyma wsparcie");
    t.equal(report.grantApplications.decided, 1, `decided ${decidedOn}`);
    t.same(report.grantApplications.requested, [], "support in kind: no money asked for");
    t.same(report.grantApplications.awarded, []);
    t.same(report.media, { publications: 0, partners: 0 });

    // The application behind the figure, through the report's own link: the one with 99.5 points.
    const [application, ...others] = (await getJson(app, report.links.grantApplications)).data;
    t.same(others, []);
    t.equal(application.submittedOn, submittedOn);
    t.equal(application.decision.date, decidedOn);
    t.equal(application.evaluation.score, match(section2012, /otrzymał\s+(\d+,\d+) pkt/)[1]!.replace(",", "."), "99,5 pkt");
    t.equal(application.evaluation.rank, 2, "drugie miejsce");
    const titles = (await getJson(app, report.links.activities)).data.map((a: { title: string }) => a.title).sort();
    t.same(titles, ["Powierzenie roli Koordynatora Klastra", "Wniosek w konkursie „Strategia dla klastra”"]);
  });

  t.test("2013: three numbered items, three strategy meetings in Gdańsk, three portals", async (t) => {
    const report = await getJson(app, "/v1/reports/annual/2013");
    const items = section2013.match(/(?<=\s)\d\.\s?(?=\p{Lu})/gu) ?? [];
    t.equal(items.length, 3, "the page numbers three items under 2013");
    t.equal(report.activities.total, items.length);
    t.same(report.activities.byCategory, { strategy: 1, grant_application: 1, project: 0, promotion: 0, media: 1, meeting: 0, networking: 0, other: 0 });
    t.same(report.activities.byStatus, { planned: 0, in_progress: 1, completed: 2, cancelled: 0 }, "the media cooperation goes on (na stałe)");

    const meetings = [...section2013.matchAll(/(\d+) (maja|czerwca|września)\s+2013 (pierwsze|drugie|trzecie) spotkanie strategiczne/g)];
    t.equal(meetings.length, 3);
    t.equal(report.meetings.total, meetings.length);
    t.match(section2013, /miało charakter warsztatowy/);
    t.match(section2013, /z warsztatem symulacyjnym/);
    t.match(section2013, /Spotkanie miało charakter roboczy/);
    t.same(report.meetings.byFormat, { workshop: 1, simulation_workshop: 1, working_meeting: 1, conference: 0, other: 0 });
    t.match(section2013, /Oliwia Gate w Oliwie/);
    t.match(section2013, /Technologicznym w Gdańsku/);
    t.same(report.meetings.cities, ["Gdańsk"], "Oliwa is a district of Gdańsk; the Park is in Gdańsk");
    t.equal(report.meetings.cityCount, 1);
    t.same(report.meetings.participants, { total: 0, organizations: 0, byHelix: { business: 0, science: 0, government: 0, other: 0, unspecified: 0 } });
    const listed = (await getJson(app, report.links.meetings)).data.map((m: { date: string }) => m.date);
    t.same(listed, ["2013-05-10", "2013-06-19", "2013-09-20"], "the link lists the three meetings");

    const portals = match(section2013, /współpracuje\s+z portalami (.+?)(?: 3\.|$)/)[1]!.trim().split(/, | i /);
    t.equal(portals.length, 3);
    t.same(report.media, { publications: 0, partners: portals.length }, "the portals of the 2013 media activity");

    // "złożył aplikację … MEWA" has no date on the page, so the demo application has no submittedOn: in no year.
    t.match(section2013, /złożył aplikację do Urzędu Marszałkowskiego na międzynarodowy projekt/);
    t.equal(report.grantApplications.submitted, 0);
    t.equal(report.grantApplications.decided, 0);
    t.same(report.membership, { joined: 0, left: 0, membersAtYearEnd: 0 }, "the page names no members");
  });

  t.test("everything on the page is the LTPP cluster's and its coordinator's: each scope gives the same figures", async (t) => {
    for (const year of [2012, 2013]) {
      const { scope: _all, links: _allLinks, ...unscoped } = await getJson(app, `/v1/reports/annual/${year}`);
      for (const query of [`coordinatorId=${coordinator.id}`, `clusterId=${cluster.id}`, `coordinatorId=${coordinator.id}&clusterId=${cluster.id}`]) {
        const { scope: _scope, links: _links, ...scoped } = await getJson(app, `/v1/reports/annual/${year}?${query}`);
        t.same(scoped, unscoped, `${year}?${query}`);
      }
    }
  });
});
