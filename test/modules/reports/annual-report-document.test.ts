import fs from "node:fs";
import path from "node:path";
import t from "tap";
import { extractText, getDocumentProxy } from "unpdf";
import { seedDemoData } from "../../../src/db/seed.ts";
import { formatDate, warsawToday } from "../../../src/lib/i18n.ts";
import { testApp, type TestApp } from "../../helper.ts";

/**
 * The annual report as a document (HTML and PDF) of the demo data against the page it comes from
 * (test/fixtures/seed-koordynator-klastra.txt): each fact of the page is read out of its text and looked for in the
 * document, in Polish and in English. The PDF's text is read back with unpdf (pdf.js).
 */

const page = fs.readFileSync(path.join(import.meta.dirname, "../../fixtures/seed-koordynator-klastra.txt"), "utf8").replace(/\s+/g, " ");
const section2012 = page.slice(page.indexOf(" 2012 "), page.indexOf(" 2013 1."));
const section2013 = page.slice(page.indexOf(" 2013 1."));

function match(text: string, re: RegExp): RegExpMatchArray {
  const found = text.match(re);
  if (!found) throw new Error(`the page no longer says ${re}`);
  return found;
}

const MONTHS_PL: Record<string, string> = { maja: "05", czerwca: "06", września: "09" };

/** The facts of 2012 as the page states them (read from its text), each as the Polish and the English document writes it. */
function facts2012() {
  const submitted = match(section2012, /W dniu (\d\d)\.(\d\d)\.(\d{4})/);
  const decided = match(section2012, /z dnia (\d\d)\.(\d\d)\.(\d{4})/);
  const score = match(section2012, /otrzymał\s+(\d+),(\d+) pkt/);
  const resolution = match(section2012, /(Uchwała nr [\d/]+)/)[1]!;
  const call = match(section2012, /konkursu „([^”]+)”/)[1]!;
  const date = (m: RegExpMatchArray) => new Date(Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1])));
  match(section2012, /drugie miejsce/);
  return {
    pl: [`${submitted[1]}.${submitted[2]}.${submitted[3]}`, `${score[1]},${score[2]} pkt`, "2. miejsce", `${resolution} z dnia ${decided[1]}.${decided[2]}.${decided[3]}`, call],
    en: [formatDate(date(submitted), "en"), `${score[1]}.${score[2]} points`, "2nd place", `${resolution} of ${formatDate(date(decided), "en")}`, call],
    both: ["Na mocy Porozumienia Klastra pełnienie roli Koordynatora Klastra powierzono", "Zarząd Województwa Pomorskiego"],
  };
}

/** The facts of 2013: the three meetings (dates, venues, district), the three portals, MEWA and its partners. */
function facts2013() {
  const meetings = [...section2013.matchAll(/(\d+) (maja|czerwca|września)\s+2013/g)].map((m) => `${m[1]!.padStart(2, "0")}.${MONTHS_PL[m[2]!]}.2013`);
  if (meetings.length !== 3) throw new Error("the page no longer dates three meetings");
  const portals = match(section2013, /współpracuje\s+z portalami (.+?)(?: 3\.|$)/)[1]!.trim().split(/, | i /);
  if (portals.length !== 3) throw new Error("the page no longer names three portals");
  match(section2013, /Oliwia Gate w Oliwie/);
  match(section2013, /Parku Naukowo – Technologicznym w Gdańsku/);
  match(section2013, /Wyższą Szkoła Bankową\s+i Związkiem Pracodawców\s+Klastry Polskie/);
  return {
    pl: meetings,
    en: meetings.map((d) => formatDate(new Date(`${d.slice(6)}-${d.slice(3, 5)}-${d.slice(0, 2)}T00:00:00Z`), "en")),
    both: [
      "Oliwia Gate",
      "Oliwa",
      "Park Naukowo-Technologiczny w Gdańsku",
      ...portals,
      "MEWA",
      "Wyższa Szkoła Bankowa",
      "Związek Pracodawców Klastry Polskie",
      "Urząd Marszałkowski",
      "analiza PEST",
      "Klaster LTPP jest innowacyjnym partnerstwem pomorskiego biznesu",
    ],
  };
}

/** Text with the HTML tags taken out and entities of the escaper turned back, whitespace collapsed. */
const htmlText = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");

async function pdfText(body: Buffer): Promise<{ text: string; pages: number; sizes: Array<[number, number]> }> {
  const document = await getDocumentProxy(new Uint8Array(body));
  const { text, totalPages } = await extractText(document, { mergePages: true });
  const sizes: Array<[number, number]> = [];
  for (let index = 1; index <= totalPages; index++) {
    const viewport = (await document.getPage(index)).getViewport({ scale: 1 });
    sizes.push([Math.round(viewport.width), Math.round(viewport.height)]);
  }
  return { text: text.replace(/\s+/g, " "), pages: totalPages, sizes };
}

const normalizeSpaces = (text: string) => text.replace(/\u00a0/g, " ");

async function get(app: TestApp, url: string, headers: Record<string, string> = {}) {
  return app.inject({ method: "GET", url, headers });
}

const { app, db } = await testApp(t);
await seedDemoData(db.prisma);
const today = warsawToday();

t.test("HTML of 2012 and 2013, in Polish (the default) and in English, says what the page says", async (t) => {
  const cases = [
    { year: 2012, facts: facts2012() },
    { year: 2013, facts: facts2013() },
  ];
  for (const { year, facts } of cases) {
    for (const [language, request] of [
      ["pl", { url: `/v1/reports/annual/${year}`, headers: { accept: "text/html" } }],
      ["pl", { url: `/v1/reports/annual/${year}?format=html`, headers: { "accept-language": "pl-PL,pl;q=0.9,en;q=0.5" } }],
      ["en", { url: `/v1/reports/annual/${year}?format=html&lang=en`, headers: {} }],
      ["en", { url: `/v1/reports/annual/${year}`, headers: { accept: "text/html", "accept-language": "en-GB,en;q=0.9,pl;q=0.3" } }],
    ] as const) {
      const response = await get(app, request.url, request.headers);
      const label = `${year} ${language} ${request.url} ${JSON.stringify(request.headers)}`;
      t.equal(response.statusCode, 200, label);
      t.equal(response.headers["content-type"], "text/html; charset=utf-8");
      t.equal(response.headers["content-language"], language);
      t.match(response.headers.vary, /Accept-Language/);
      t.match(response.body, new RegExp(`^<!DOCTYPE html>\\n<html lang="${language}">`));
      t.notMatch(response.body, /<script|<link|<img|<iframe|\bsrc=|url\(/i, "no scripts and no external assets");
      t.match(response.headers["content-security-policy"], /default-src 'none'; style-src 'sha256-/);
      const text = normalizeSpaces(htmlText(response.body));
      for (const fact of [...facts[language], ...facts.both]) t.ok(text.includes(fact), `${label} says "${fact}"`);
      t.ok(text.includes("Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o."), "opens with the coordinator");
      t.ok(text.includes("Klaster LTPP"), "and the cluster");
      t.ok(text.includes(formatDate(today, language)), "the date generated");
      // The other language's formats are absent.
      // The labels are the language's own (stored texts are Polish in both).
      const other = language === "en" ? ["Wygenerowano", "Okres", "Rok w liczbach"] : ["Generated on", "Period", "The year in figures"];
      for (const label of other) t.notOk(text.includes(label), `no "${label}" in ${language}`);
    }
  }
});

t.test("the meetings are listed in date order with venue, district, city, format, agenda and outcomes", async (t) => {
  const html = (await get(app, "/v1/reports/annual/2013?format=html")).body;
  const meetings = html.slice(html.indexOf('<section id="meetings">'), html.indexOf("</section>", html.indexOf('<section id="meetings">')));
  const dates = [...meetings.matchAll(/<dt>Data<\/dt><dd><bdi>([\d.]+)<\/bdi>/g)].map((m) => m[1]);
  t.same(dates, ["10.05.2013", "19.06.2013", "20.09.2013"]);
  for (const label of ["Miejsce", "Dzielnica", "Miasto", "Forma"]) t.match(meetings, `<dt>${label}</dt>`);
  t.match(meetings, "<h4>Program spotkania</h4>");
  t.match(meetings, "warsztat symulacyjny");
  t.match(meetings, "Analiza PEST");
  t.match(meetings, "Spotkanie miało charakter roboczy.");
});

t.test("PDF of 2012 and 2013: A4 pages, header, page numbers, the page's facts and Polish letters intact", async (t) => {
  for (const [year, facts] of [[2012, facts2012()], [2013, facts2013()]] as const) {
    for (const language of ["pl", "en"] as const) {
      const response = await get(app, `/v1/reports/annual/${year}?lang=${language}`, { accept: "application/pdf" });
      t.equal(response.statusCode, 200);
      t.equal(response.headers["content-type"], "application/pdf");
      t.equal(response.headers["content-language"], language);
      const fileName = language === "pl" ? `raport-roczny-${year}.pdf` : `annual-report-${year}.pdf`;
      t.equal(response.headers["content-disposition"], `inline; filename="${fileName}"`);
      t.equal(response.rawPayload.subarray(0, 5).toString("latin1"), "%PDF-");
      const { text, pages, sizes } = await pdfText(response.rawPayload);
      const flat = normalizeSpaces(text);
      t.ok(pages >= 1);
      t.same(sizes, Array.from({ length: pages }, () => [595, 842]), "every page is A4 (595 × 842 pt)");
      for (let n = 1; n <= pages; n++) t.ok(flat.includes(language === "pl" ? `Strona ${n} z ${pages}` : `Page ${n} of ${pages}`), `page ${n} numbered`);
      const coordinatorLine = `${language === "pl" ? "Koordynator Klastra" : "Cluster coordinator"}: Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o.`;
      t.equal(flat.split(coordinatorLine).length - 1 >= pages, true, "the coordinator heads every page");
      t.ok(flat.includes(`${language === "pl" ? "Wygenerowano" : "Generated on"}: ${formatDate(today, language)}`), "the date generated");
      for (const fact of [...facts[language], ...facts.both]) t.ok(flat.includes(fact), `${year} ${language} PDF says "${fact}"`);
    }
  }
});

t.test("the PDF keeps every Polish letter, small and capital", async (t) => {
  const [coordinator] = (await get(app, "/v1/coordinators")).json().data;
  const pangram = "Zażółć gęślą jaźń — ZAŻÓŁĆ GĘŚLĄ JAŹŃ";
  const created = await app.inject({
    method: "POST",
    url: "/v1/activities",
    payload: { title: pangram, description: "ą ć ę ł ń ó ś ź ż Ą Ć Ę Ł Ń Ó Ś Ź Ż", category: "other", status: "completed", year: 2030, coordinatorId: coordinator.id },
  });
  t.equal(created.statusCode, 201);
  const { text } = await pdfText((await get(app, "/v1/reports/annual/2030?format=pdf")).rawPayload);
  t.ok(text.includes(pangram), "the title comes back as stored");
  t.ok(text.includes("ą ć ę ł ń ó ś ź ż Ą Ć Ę Ł Ń Ó Ś Ź Ż"), "each letter comes back");
});

t.test("Accept and format= choose the representation; the JSON report is unchanged", async (t) => {
  const json = await get(app, "/v1/reports/annual/2013");
  t.equal(json.statusCode, 200);
  t.match(json.headers["content-type"], /^application\/json/);
  t.equal(json.headers["content-language"], undefined, "JSON has no language of its own");
  const browser = await get(app, "/v1/reports/annual/2013", { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" });
  t.match(browser.headers["content-type"], /^text\/html/, "a browser gets the page");
  for (const accept of ["application/json", "*/*", "application/json, text/html;q=0.5", "application/*"]) {
    const response = await get(app, "/v1/reports/annual/2013", { accept });
    t.same(response.json(), json.json(), `Accept: ${accept} gives the JSON report`);
    t.equal(response.headers.etag, json.headers.etag);
  }
  t.match((await get(app, "/v1/reports/annual/2013", { accept: "application/pdf;q=0.9, text/html;q=0.5" })).headers["content-type"], /^application\/pdf/);
  t.match((await get(app, "/v1/reports/annual/2013?format=pdf", { accept: "text/html" })).headers["content-type"], /^application\/pdf/, "format= wins");
  t.same((await get(app, "/v1/reports/annual/2013?format=json", { accept: "text/html" })).json(), json.json());

  const refused = await get(app, "/v1/reports/annual/2013", { accept: "text/csv" });
  t.equal(refused.statusCode, 406);
  t.match(refused.json().detail, "application/json or text/html or application/pdf");

  const badFormat = await get(app, "/v1/reports/annual/2013?format=docx");
  t.equal(badFormat.statusCode, 400);
  t.same(badFormat.json().errors, [{ path: "/format", message: "must be one of: json, html, pdf", location: "query" }]);
  const badLanguage = await get(app, "/v1/reports/annual/2013?format=html&lang=de");
  t.equal(badLanguage.statusCode, 400);
  t.same(badLanguage.json().errors, [{ path: "/lang", message: "must be one of: en, pl", location: "query" }]);
});

t.test("a document has an ETag per representation and language; If-None-Match gives 304", async (t) => {
  const pl = await get(app, "/v1/reports/annual/2013?format=html");
  const en = await get(app, "/v1/reports/annual/2013?format=html&lang=en");
  const pdf = await get(app, "/v1/reports/annual/2013?format=pdf");
  const etags = [pl.headers.etag, en.headers.etag, pdf.headers.etag, (await get(app, "/v1/reports/annual/2013")).headers.etag];
  t.equal(new Set(etags).size, 4, "four representations, four entity tags");
  const again = await get(app, "/v1/reports/annual/2013?format=html", { "if-none-match": String(pl.headers.etag) });
  t.equal(again.statusCode, 304);
  t.equal(again.body, "");
});
