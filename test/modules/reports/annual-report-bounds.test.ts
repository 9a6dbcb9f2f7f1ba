import t from "tap";
import { DOCUMENT_MAX_CHARACTERS, DOCUMENT_MAX_ENTRIES } from "../../../src/modules/reports/report-document-data.ts";
import { testApp } from "../../helper.ts";
import { createCoordinator } from "../../fixtures/records.ts";

/**
 * A document is built whole or refused: a year of 10,000 activities is a 422 naming the bound (in the problem's
 * language), never a page cut short, while its JSON report still counts them all. At the bound it renders.
 */

const { app, db } = await testApp(t);
const coordinator = await createCoordinator(app);

/** `count` activities in `year`, written straight into the database (the API would take minutes for 10,000). */
async function activities(year: number, count: number, description: string | null = null) {
  await db.prisma.activity.createMany({
    data: Array.from({ length: count }, (_, index) => ({
      coordinatorId: coordinator.id,
      title: `Działanie ${year}/${index + 1}`,
      description,
      category: "other" as const,
      status: "completed" as const,
      year,
    })),
  });
}

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: "GET", url, headers });

t.test("10,000 activities: the documents are refused with 422 naming the bound; the JSON report counts them", async (t) => {
  await activities(2040, 10_000);
  for (const format of ["html", "pdf"]) {
    const response = await get(`/v1/reports/annual/2040?format=${format}&lang=en`);
    t.equal(response.statusCode, 422, format);
    t.equal(response.headers["content-type"], "application/problem+json; charset=utf-8", "a problem, not a document");
    const problem = response.json();
    t.equal(problem.code, "too_many_rows");
    t.equal(problem.limit, DOCUMENT_MAX_ENTRIES);
    t.equal(problem.matched, 10_000);
    t.equal(problem.bound, "entries");
    t.equal(
      problem.detail,
      `The 2040 report would list 10000 records; a document lists at most ${DOCUMENT_MAX_ENTRIES}. Narrow it with coordinatorId or clusterId, or ask for the JSON report (it has no such bound).`,
    );
  }
  const polish = await get("/v1/reports/annual/2040", { accept: "text/html", "accept-language": "pl" });
  t.equal(polish.statusCode, 422);
  t.equal(polish.headers["content-language"], "pl");
  t.equal(polish.json().title, "Zbyt wiele rekordów na jeden eksport lub dokument");
  t.match(polish.json().detail, `Raport za 2040 r. wymieniałby 10000 rekordów; dokument wymienia najwyżej ${DOCUMENT_MAX_ENTRIES}.`);

  const json = await get("/v1/reports/annual/2040");
  t.equal(json.statusCode, 200);
  t.equal(json.json().activities.total, 10_000);
});

t.test("at the bound the document renders whole; one more record and it is refused", async (t) => {
  await activities(2041, DOCUMENT_MAX_ENTRIES);
  const html = await get("/v1/reports/annual/2041?format=html");
  t.equal(html.statusCode, 200);
  const section = html.body.slice(html.body.indexOf('<section id="activities">'), html.body.indexOf('<section id="grant-applications">'));
  t.equal(section.match(/<li><article>/g)?.length, DOCUMENT_MAX_ENTRIES, "every activity is listed");
  t.match(html.body, `Działanie 2041/${DOCUMENT_MAX_ENTRIES}<`);
  t.match(html.body, /<\/html>\n$/, "the page is complete");
  const pdf = await get("/v1/reports/annual/2041?format=pdf");
  t.equal(pdf.statusCode, 200);
  t.match(pdf.rawPayload.subarray(-6).toString("latin1"), /%%EOF\s*$/, "the PDF is complete");

  await activities(2041, 1);
  t.equal((await get("/v1/reports/annual/2041?format=html")).statusCode, 422);
});

t.test("more stored text than a document holds is refused, naming that bound", async (t) => {
  const perActivity = 20_000;
  const count = Math.floor(DOCUMENT_MAX_CHARACTERS / perActivity) + 1;
  await activities(2042, count, "ł".repeat(perActivity));
  const response = await get("/v1/reports/annual/2042?format=pdf&lang=en");
  t.equal(response.statusCode, 422);
  const problem = response.json();
  t.equal(problem.bound, "characters");
  t.equal(problem.limit, DOCUMENT_MAX_CHARACTERS);
  t.ok(problem.matched > DOCUMENT_MAX_CHARACTERS);
  t.match(problem.detail, `a document holds at most ${DOCUMENT_MAX_CHARACTERS}`);
});
