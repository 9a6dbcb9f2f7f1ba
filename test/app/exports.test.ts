import t from "tap";
import ExcelJS from "exceljs";
import { parse } from "csv-parse/sync";
import { seedDemoData } from "../../src/db/seed.ts";
import { XLSX_MEDIA_TYPE } from "../../src/lib/exports/writers.ts";
import { RESOURCES } from "../../src/modules/resources.ts";
import { testApp } from "../helper.ts";
import { expectProblem } from "../expect.ts";
import { createCoordinator } from "../fixtures/records.ts";

/**
 * Every list as CSV and XLSX, through the one mechanism (lib/exports/): the same rows as its JSON, headers in the
 * request's language, typed XLSX cells (read back with exceljs), formula guards and the row bound.
 */

const { app, db } = await testApp(t);
await seedDemoData(db.prisma);
// The demo data has no memberships, participants, publications, calendar feeds or webhooks: one of each, through the API.
const firstId = async (url: string) => ((await app.inject({ url })).json() as { data: Array<{ id: string }> }).data[0]!.id;
const owners = { organization: await firstId("/v1/organizations"), meeting: await firstId("/v1/meetings"), mediaPartner: await firstId("/v1/media-partners") };
for (const [url, payload] of [
  [`/v1/organizations/${owners.organization}/memberships`, { clusterId: await firstId("/v1/clusters"), role: "member", joinedOn: "2012-06-01" }],
  [`/v1/meetings/${owners.meeting}/participants`, { organizationId: owners.organization, role: "gość", helix: "science" }],
  [`/v1/media-partners/${owners.mediaPartner}/publications`, { title: "Klaster LTPP w mediach", publishedOn: "2013-05-11" }],
  // Nor calendar feeds (each holds a token of its own): one for the regional office.
  ["/v1/calendar-feeds", { name: "Spotkania klastra dla urzędu marszałkowskiego", clusterId: await firstId("/v1/clusters") }],
  // Nor webhooks (a public address written as such: the rule against private targets needs no DNS for it).
  ["/v1/webhooks", { url: "https://93.184.215.14/hooks/klaster", eventTypes: ["meeting.created"] }],
] as const) {
  const created = await app.inject({ method: "POST", url, payload });
  if (created.statusCode !== 201) throw new Error(`${url}: ${created.body}`);
}

const CSV = "text/csv";
const get = (url: string, accept: string, headers: Record<string, string> = {}) => app.inject({ method: "GET", url, headers: { accept, ...headers } });

/** The records of a CSV body, read by csv-parse (an independent RFC 4180 reader): header row first. */
function readCsv(body: string, delimiter = ","): string[][] {
  if (!body.startsWith("\uFEFF")) throw new Error("the CSV does not start with a BOM");
  return parse(body, { bom: true, delimiter, relax_column_count: false, record_delimiter: "\r\n" }) as string[][];
}

async function readXlsx(payload: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(payload as never);
  return workbook;
}

/** A list URL of every record type of the demo data (a sub-resource under the first parent that has some). */
function listUrls(): Array<{ key: string; url: string }> {
  const parents: Record<string, string> = { organizations: owners.organization, meetings: owners.meeting, "media-partners": owners.mediaPartner };
  return RESOURCES.map((resource) => ({
    key: resource.key,
    url: resource.parent ? `/v1/${RESOURCES.find((r) => r.key === resource.parent!.resource)!.path}/${parents[resource.parent.resource]}/${resource.path}` : `/v1/${resource.path}`,
  }));
}

t.test("every list answers CSV and XLSX with the rows of its JSON, in its order", async (t) => {
  for (const { key, url } of listUrls()) {
    const json = (await app.inject({ url: `${url}?limit=100` })).json() as { data: Array<{ id: string }> };
    t.ok(json.data.length > 0, `${key}: the demo data has some`);
    const csv = await get(url, CSV);
    t.equal(csv.statusCode, 200, `${key}: CSV`);
    t.equal(csv.headers["content-type"], "text/csv; charset=utf-8");
    t.match(csv.headers["content-disposition"], /^attachment; filename="[a-z-]+\.csv"$/);
    const [header, ...rows] = readCsv(csv.body);
    t.equal(header![0], "Id", `${key}: English headers by default`);
    t.same(rows.map((row) => row[0]), json.data.map((record) => record.id), `${key}: the same records in the same order`);

    const xlsx = await get(url, XLSX_MEDIA_TYPE);
    t.equal(xlsx.statusCode, 200, `${key}: XLSX`);
    t.equal(xlsx.headers["content-type"], XLSX_MEDIA_TYPE);
    const sheet = (await readXlsx(xlsx.rawPayload)).worksheets[0]!;
    t.equal(sheet.rowCount, json.data.length + 1, `${key}: a header row and a row per record`);
    t.match(sheet.views[0], { state: "frozen", ySplit: 1 }, `${key}: the header row is frozen`);
    t.ok(sheet.getColumn(1).width! >= 36, `${key}: the id column fits a UUID`);
  }
});

t.test("filters, sort and q are the JSON list's", async (t) => {
  const query = "sort=-name&q=gdansk";
  const json = (await app.inject({ url: `/v1/organizations?${query}&limit=100` })).json() as { data: Array<{ id: string }> };
  t.ok(json.data.length > 1, "several match");
  const rows = readCsv((await get(`/v1/organizations?${query}`, CSV)).body).slice(1);
  t.same(rows.map((row) => row[0]), json.data.map((record) => record.id));
  const none = readCsv((await get("/v1/activities?year=1999", CSV)).body);
  t.equal(none.length, 1, "no match: only the header row");
  expectProblem(t, await get("/v1/activities?year=13", CSV), 400, "validation_failed", ["/year"]);
  expectProblem(t, await get("/v1/activities?delimiter=tab", CSV), 400, "validation_failed", ["/delimiter"]);
});

t.test("Polish headers with Accept-Language or lang; keys stay; semicolons for Polish Excel", async (t) => {
  const polish = await get("/v1/coordinators?delimiter=semicolon", CSV, { "accept-language": "pl-PL,pl;q=0.9" });
  t.equal(polish.headers["content-language"], "pl");
  const [header, row] = readCsv(polish.body, ";");
  t.same(header!.slice(0, 3), ["Id", "Nazwa", "Nazwa skrócona"]);
  t.ok(header!.includes("Miejscowość"), "diacritics in headers");
  t.ok(row!.includes("Gdańsk"));
  const viaQuery = readCsv((await get("/v1/coordinators?lang=pl", CSV)).body);
  t.equal(viaQuery[0]![1], "Nazwa");
  const workbook = await readXlsx((await get("/v1/grant-applications?lang=pl", XLSX_MEDIA_TYPE)).rawPayload);
  t.same(workbook.worksheets.map((sheet) => sheet.name), ["Rekordy", "Historia statusów"]);
});

t.test("XLSX cells are typed: dates, instants, numbers, money with its currency apart, booleans", async (t) => {
  const application = await db.prisma.grantApplication.findFirstOrThrow({ where: { submittedOn: { not: null } } });
  const before = (await app.inject({ url: `/v1/grant-applications/${application.id}` })).headers.etag as string;
  const patched = await app.inject({
    method: "PATCH",
    url: `/v1/grant-applications/${application.id}`,
    headers: { "if-match": before },
    payload: { requestedAmount: { amount: "125000.50", currency: "EUR" } },
  });
  t.equal(patched.statusCode, 200, patched.body);
  const workbook = await readXlsx((await get("/v1/grant-applications", XLSX_MEDIA_TYPE)).rawPayload);
  const [records, history] = workbook.worksheets;
  const header = (records!.getRow(1).values as unknown[]).slice(1);
  const column = (name: string) => header.indexOf(name) + 1;
  const row = records!.getRows(2, records!.rowCount - 1)!.find((r) => r.getCell(1).value === application.id)!;
  t.ok(row, "the application's row");
  t.same(row.getCell(column("Submitted on")).value, application.submittedOn, "a date is a date");
  t.equal(row.getCell(column("Submitted on")).numFmt, "yyyy-mm-dd");
  t.equal(row.getCell(column("Requested amount")).value, 125000.5, "an amount is a number");
  t.equal(row.getCell(column("Requested amount (currency)")).value, "EUR", "its currency in its own column");
  t.type(row.getCell(column("Version")).value, "number");
  t.ok(row.getCell(column("Created at")).value instanceof Date, "an instant is a date-time");
  t.equal(history!.name, "Status history");
  t.same((history!.getRow(1).values as unknown[]).slice(1), ["Grant application id", "From status", "To status", "On", "Note", "Created at"]);
  const changes = await db.prisma.grantApplicationStatusChange.count();
  t.equal(history!.rowCount, changes + 1, "every status change of every application");

  const csv = readCsv((await get("/v1/grant-applications", CSV)).body);
  const csvRow = csv.find((r) => r[0] === application.id)!;
  t.ok(csvRow.includes("125000.50"), "CSV keeps the exact decimal");

  const partners = await readXlsx((await get("/v1/media-partners", XLSX_MEDIA_TYPE)).rawPayload);
  const partnerHeader = (partners.worksheets[0]!.getRow(1).values as unknown[]).slice(1);
  t.type(partners.worksheets[0]!.getRow(2).getCell(partnerHeader.indexOf("Cooperation ongoing") + 1).value, "boolean");
  t.equal(partners.worksheets[1]!.name, "Publications");
  const organizations = await readXlsx((await get("/v1/organizations", XLSX_MEDIA_TYPE)).rawPayload);
  t.equal(organizations.worksheets[1]!.rowCount, (await db.prisma.clusterMembership.count()) + 1, "the memberships sheet");
  const meetings = await readXlsx((await get("/v1/meetings", XLSX_MEDIA_TYPE)).rawPayload);
  t.equal(meetings.worksheets[1]!.rowCount, (await db.prisma.meetingParticipant.count()) + 1, "the participants sheet");
});

t.test("text that would start a formula is guarded in both formats", async (t) => {
  const names = ['=HYPERLINK("http://evil.example","x")', "+48 58 000", "-1+1", "@SUM(A1)"];
  const created = [];
  for (const name of names) created.push(await createCoordinator(app, { name, shortName: `Guard ${created.length}` }));
  const rows = readCsv((await get("/v1/coordinators?q=guard", CSV)).body).slice(1);
  t.same(rows.map((row) => row[1]).sort(), names.map((name) => `'${name}`).sort(), "CSV: prefixed with '");
  const sheet = (await readXlsx((await get("/v1/coordinators?q=guard", XLSX_MEDIA_TYPE)).rawPayload)).worksheets[0]!;
  for (let i = 2; i <= sheet.rowCount; i++) {
    const cell = sheet.getRow(i).getCell(2);
    t.equal(cell.type, ExcelJS.ValueType.String, "XLSX: a text cell, never a formula");
    t.match(String(cell.value), /^'[=+\-@]/, "XLSX: prefixed with '");
  }
});

t.test("406 for what no list offers; JSON stays the default", async (t) => {
  expectProblem(t, await get("/v1/clusters", "application/pdf"), 406, "not_acceptable");
  t.equal((await app.inject({ url: "/v1/clusters" })).headers["content-type"], "application/json; charset=utf-8");
});
