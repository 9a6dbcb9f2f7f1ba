import t, { type Test } from "tap";
import type { LightMyRequestResponse } from "fastify";
import { BOM, csvField, quotedMaxLength } from "../../../src/lib/csv.ts";
import {
  ActivityCsv,
  CSV_MAX_LENGTH,
  CSV_PATTERN,
  EXPORT_COLUMNS,
  EXPORT_MAX_ROWS,
  ROW_MAX_LENGTH,
  TEXT_LIMITS,
  renderCsv,
  renderRow,
  type ExportRow,
} from "../../../src/modules/activities/activities-export.ts";
import { ActivityCategory, ActivityCreate, ActivityStatus } from "../../../src/modules/activities/activities-schemas.ts";
import { ClusterCreate } from "../../../src/modules/clusters/clusters-schemas.ts";
import { CoordinatorCreate } from "../../../src/modules/coordinators/coordinators-schemas.ts";
import { createReaderKey, testApp } from "../../helper.ts";
import { createActivity, createGrantApplication, createMediaPartner, createMeeting, createPublication } from "../../fixtures/activities.ts";
import { createCluster, createCoordinator } from "../../fixtures/records.ts";
import { expectProblem } from "../../expect.ts";

// ---------------------------------------------------------------------------------------------------------------
// A tiny RFC 4180 reader, written from the RFC independently of the renderer: records end with CRLF, a quoted field
// may hold anything, `""` in it is one quote. Anything else (a bare CR or LF, a quote inside an unquoted field,
// text after a closing quote) is an error.

function parseCsv(body: string, delimiter = ","): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  const fail = (why: string) => {
    throw new Error(`CSV: ${why} at ${i}`);
  };
  while (i < body.length) {
    let field = "";
    if (body[i] === '"') {
      i++;
      for (;;) {
        if (i >= body.length) fail("unterminated quoted field");
        if (body[i] === '"') {
          if (body[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else field += body[i++];
      }
    } else {
      while (i < body.length && body[i] !== delimiter && body[i] !== "\r" && body[i] !== "\n") {
        if (body[i] === '"') fail("quote in an unquoted field");
        field += body[i++];
      }
    }
    record.push(field);
    if (body[i] === delimiter) {
      i++;
    } else if (body.startsWith("\r\n", i)) {
      records.push(record);
      record = [];
      i += 2;
    } else {
      fail("expected a delimiter or CRLF");
    }
  }
  if (record.length > 0) fail("last record without CRLF");
  return records;
}

/** The body as rows of named cells, after checking the BOM and the header. */
function readCsv(t: Test, body: string, delimiter = ","): Array<Record<(typeof EXPORT_COLUMNS)[number], string>> {
  t.ok(body.startsWith(BOM), "starts with the UTF-8 byte order mark");
  const [header, ...rows] = parseCsv(body.slice(BOM.length), delimiter);
  t.same(header, [...EXPORT_COLUMNS], "the header row");
  t.ok(
    rows.every((row) => row.length === EXPORT_COLUMNS.length),
    "every row has every column",
  );
  return rows.map((row) => Object.fromEntries(EXPORT_COLUMNS.map((column, index) => [column, row[index]!])) as Record<(typeof EXPORT_COLUMNS)[number], string>);
}

const row = (fields: Partial<ExportRow> = {}): ExportRow => ({
  id: "0193b2a6-1b22-7e53-9c4d-3f6a7b8c9d0e",
  year: 2013,
  title: "Strategia",
  category: "strategy",
  status: "completed",
  startDate: "2013-05-10",
  endDate: null,
  coordinatorId: "0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f",
  coordinatorName: "ZNIK",
  clusterId: null,
  clusterName: null,
  meetings: 3,
  grantApplications: 0,
  publications: 1,
  mediaPartners: 2,
  description: null,
  ...fields,
});

// ---------------------------------------------------------------------------------------------------------------
// Rendering (no database)

t.test("RFC 4180 fields: quoted only when needed, quotes doubled", async (t) => {
  t.equal(csvField("Klaster LTPP", ","), "Klaster LTPP", "plain text as it is");
  t.equal(csvField("99,5 pkt.", ","), '"99,5 pkt."', "the delimiter quotes the field");
  t.equal(csvField("99,5 pkt.", ";"), "99,5 pkt.", "a comma is plain text when the delimiter is a semicolon");
  t.equal(csvField("a; b", ";"), '"a; b"', "the semicolon delimiter quotes the field");
  t.equal(csvField('Konkurs „Strategia" "nr 1"', ","), '"Konkurs „Strategia"" ""nr 1"""', "quotes doubled");
  t.equal(csvField("wiersz 1\nwiersz 2", ","), '"wiersz 1\nwiersz 2"', "LF quoted");
  t.equal(csvField("wiersz 1\r\nwiersz 2", ","), '"wiersz 1\r\nwiersz 2"', "CRLF quoted");
  t.equal(csvField("a\rb", ","), '"a\rb"', "CR quoted");
  t.equal(csvField(null, ","), "", "null is an empty field");
  t.equal(csvField(0, ","), "0");
  t.equal(csvField(-5, ","), "-5", "numbers are never prefixed");
});

t.test("formula injection: text starting with = + - @ TAB CR gets a leading '", async (t) => {
  for (const start of ["=", "+", "-", "@", "\t"]) {
    t.equal(csvField(`${start}HYPERLINK("http://x")`, ";"), `"'${start}HYPERLINK(""http://x"")"`, JSON.stringify(start));
    t.equal(csvField(`${start}1`, ";"), `'${start}1`, `${JSON.stringify(start)} without quoting`);
  }
  t.equal(csvField("\r1", ","), `"'\r1"`, "CR: prefixed and quoted");
  t.equal(csvField("=1+2", ","), "'=1+2");
  t.equal(csvField("a=1", ","), "a=1", "only the first character counts");
  t.equal(csvField(" =1", ","), " =1");
  const [[cell]] = parseCsv(`${csvField('=cmd|" /C calc"!A0', ",")}\r\n`) as [[string]];
  t.equal(cell, `'=cmd|" /C calc"!A0`, "read back: the prefix and the text");
});

t.test("the file: BOM, header, CRLF after every record, Polish letters as they are", async (t) => {
  const body = renderCsv([row({ title: "Łódź, Gdańsk – źródło żółci", description: "zażółć gęślą jaźń\nŁÓDŹ" })]);
  t.ok(body.startsWith(`${BOM}id,year,title,`), "BOM then the header");
  t.ok(body.endsWith("\r\n"), "ends with CRLF");
  t.equal(body.replaceAll("\r\n", "").includes("\r"), false, "no bare CR outside the data");
  const [cells] = readCsv(t, body);
  t.equal(cells!.title, "Łódź, Gdańsk – źródło żółci");
  t.equal(cells!.description, "zażółć gęślą jaźń\nŁÓDŹ", "a line break inside a field survives");
  t.equal(cells!.endDate, "", "null");
  t.equal(cells!.meetings, "3");
  t.equal(renderCsv([]), `${BOM}${EXPORT_COLUMNS.join(",")}\r\n`, "no rows: the header only");
  const semicolon = renderCsv([row({ title: "a;b,c" })], "semicolon");
  const pattern = new RegExp(CSV_PATTERN);
  t.ok(pattern.test(body) && pattern.test(semicolon) && pattern.test(renderCsv([])), "the declared pattern matches");
  const example = ActivityCsv.meta()?.example;
  t.ok(typeof example === "string" && pattern.test(example), "so does the example");
  t.ok(typeof example === "string" && example.length <= CSV_MAX_LENGTH);
  t.ok(semicolon.startsWith(`${BOM}id;year;title;`));
  t.equal(readCsv(t, semicolon, ";")[0]!.title, "a;b,c");
});

t.test("the size bound: a worst-case row is exactly ROW_MAX_LENGTH, and the declared maxLength follows", async (t) => {
  // The limits are those the API enforces on input.
  const accepts = (schema: { safeParse: (v: unknown) => { success: boolean } }, value: unknown) => schema.safeParse(value).success;
  const activity = { coordinatorId: "0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f", category: "other", status: "planned", year: 2013 };
  t.ok(accepts(ActivityCreate, { ...activity, title: "x".repeat(TEXT_LIMITS.title) }));
  t.notOk(accepts(ActivityCreate, { ...activity, title: "x".repeat(TEXT_LIMITS.title + 1) }), `title: at most ${TEXT_LIMITS.title}`);
  t.ok(accepts(ActivityCreate, { ...activity, title: "x", description: "x".repeat(TEXT_LIMITS.description) }));
  t.notOk(accepts(ActivityCreate, { ...activity, title: "x", description: "x".repeat(TEXT_LIMITS.description + 1) }));
  t.equal(TEXT_LIMITS.title, 500);
  t.equal(TEXT_LIMITS.description, 20_000);
  t.equal(CoordinatorCreate.shape.name.maxLength, TEXT_LIMITS.coordinatorName);
  t.equal(ClusterCreate.shape.name.maxLength, TEXT_LIMITS.clusterName);

  const quotes = (n: number) => '"'.repeat(n);
  const longest = (values: readonly string[]) => values.reduce((a, b) => (b.length > a.length ? b : a));
  const worst = row({
    year: -2_147_483_648,
    title: `=${quotes(TEXT_LIMITS.title - 1)}`, // prefix + quoting
    category: longest(ActivityCategory.options),
    status: longest(ActivityStatus.options),
    startDate: "2013-05-10",
    endDate: "2013-09-20",
    coordinatorName: quotes(TEXT_LIMITS.coordinatorName),
    clusterId: "0193b2a5-0a11-7d42-8b3c-2e5f6a7b8c9d",
    clusterName: `-${quotes(TEXT_LIMITS.clusterName - 1)}`,
    meetings: 2_147_483_647,
    grantApplications: 2_147_483_647,
    publications: 2_147_483_647,
    mediaPartners: 2_147_483_647,
    description: quotes(TEXT_LIMITS.description),
  });
  for (const delimiter of [",", ";"]) t.equal(renderRow(worst, delimiter).length, ROW_MAX_LENGTH, `the worst row reaches the bound (${delimiter})`);
  const frame = renderCsv([]).length;
  t.equal(renderCsv([worst, worst]).length, frame + 2 * ROW_MAX_LENGTH, "the file is the frame plus its rows");
  t.equal(CSV_MAX_LENGTH, frame + EXPORT_MAX_ROWS * ROW_MAX_LENGTH, "the declared bound: the frame and EXPORT_MAX_ROWS worst rows");
  t.equal(EXPORT_MAX_ROWS, 10_000);

  // No text of n units comes out longer than 2n + 2, whatever it holds.
  const alphabet = ['"', "=", "+", "-", "@", "\t", "\r", "\n", ",", ";", "a", "ł", "😀"];
  let over = 0;
  for (let i = 0; i < 2000; i++) {
    let value = "";
    const length = 1 + (i % 12);
    while (value.length < length) value += alphabet[(i * 7 + value.length * 13 + (i >> 3)) % alphabet.length]!;
    for (const delimiter of [",", ";"]) if (csvField(value, delimiter).length > quotedMaxLength(value.length)) over++;
  }
  t.equal(over, 0, "every field within 2n + 2");
});

// ---------------------------------------------------------------------------------------------------------------
// End to end

const { app, db } = await testApp(t);
const exportCsv = (query = "", headers: Record<string, string> = {}) => app.inject({ method: "GET", url: `/v1/activities/export.csv${query ? `?${query}` : ""}`, headers });

/** Every id of GET /v1/activities with these filters, page after page. */
async function listedIds(t: Test, query: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res: LightMyRequestResponse = await app.inject({
      method: "GET",
      url: `/v1/activities?limit=3&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    });
    t.equal(res.statusCode, 200, `list ?${query}`, { body: res.body });
    const page = res.json() as { data: Array<{ id: string }>; nextCursor: string | null };
    ids.push(...page.data.map((record) => record.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

const znik = await createCoordinator(app, { name: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o." });
const other = await createCoordinator(app, { name: "=Fundacja \"Rozwój\", Pomorze" });
const ltpp = await createCluster(app, { name: "Klaster LTPP", coordinatorId: znik.id });
const add = (fields: Record<string, unknown>) => createActivity(app, { year: undefined, ...fields });
const portalA = await createMediaPartner(db, { name: "pracujwlogistyce.pl" });
const portalB = await createMediaPartner(db, { name: "gospodarkamorska.pl" });
const strategy = await add({
  title: "Rozpoczęto i zakończono prace nad Strategią dla Klastra",
  description: "Trzy spotkania strategiczne: 10 maja, 19 czerwca i 20 września 2013;\nanaliza PEST, „warsztat” symulacyjny",
  category: "strategy",
  status: "completed",
  coordinatorId: znik.id,
  clusterId: ltpp.id,
  startDate: "2013-05-10",
  endDate: "2013-09-20",
  mediaPartnerIds: [portalA.id, portalB.id],
});
await add({ title: "Wniosek w konkursie „Strategia dla klastra”", description: "Pozytywna ocena, 99,5 pkt.", category: "grant_application", status: "completed", coordinatorId: znik.id, clusterId: ltpp.id, startDate: "2012-11-16" });
await add({ title: "Promocja w mediach", category: "promotion", status: "in_progress", coordinatorId: znik.id, year: 2013, startDate: "2012-12-01" });
await add({ title: "Aplikacja MEWA", category: "grant_application", status: "in_progress", coordinatorId: other.id, startDate: "2013-10-01" });
await add({ title: "Porozumienie Klastra", category: "networking", status: "completed", coordinatorId: znik.id, year: 2012 });
await add({ title: "Wieloletni projekt", category: "project", status: "in_progress", coordinatorId: other.id, year: 2012, startDate: "2012-06-01", endDate: "2014-06-30" });
await add({ title: "Spotkanie w Łodzi", category: "meeting", status: "cancelled", coordinatorId: other.id, startDate: "2014-02-01" });
await add({ title: "Podsumowanie 2013", category: "other", status: "completed", coordinatorId: other.id, year: 2013 });
await add({ title: "-1 uczestnik", category: "other", status: "planned", coordinatorId: other.id, year: 2013, startDate: "2013-05-10" });
for (const date of ["2013-05-10", "2013-06-19", "2013-09-20"]) await createMeeting(db, strategy.id, date);
await createGrantApplication(db, { applicantId: znik.id, activityId: strategy.id });
await createPublication(db, { mediaPartnerId: portalA.id, activityId: strategy.id });

t.test("the same activities, in the same order, as paging through the list with the same filters", async (t) => {
  for (const query of [
    "",
    "year=2013",
    "year=2012&status=completed",
    `coordinatorId=${other.id}`,
    `clusterId=${ltpp.id}`,
    "category=grant_application",
    "startDateFrom=2013-01-01&startDateTo=2013-12-31",
    "q=strategia",
    "q=lodz",
    `year=2013&coordinatorId=${znik.id}&q=promocja`,
  ]) {
    const res = await exportCsv(query);
    t.equal(res.statusCode, 200, `export ?${query}`, { body: res.body });
    const listed = await listedIds(t, query);
    t.ok(listed.length > 0 || query === "", `?${query} matches something`);
    t.same(readCsv(t, res.body).map((cells) => cells.id), listed, `?${query}: ids and order as in the list`);
  }
  const all = readCsv(t, (await exportCsv()).body);
  t.equal(all.length, 9);
  t.same(all.map((cells) => cells.year), [...all.map((cells) => cells.year)].sort(), "by year first");
  const in2013 = all.filter((cells) => cells.year === "2013");
  t.equal(in2013.at(-1)!.title, "Podsumowanie 2013", "without a start date: last in its year");
});

t.test("the headers, the names, the counts and the cells as stored", async (t) => {
  const res = await exportCsv(`coordinatorId=${znik.id}`);
  t.equal(res.statusCode, 200);
  t.equal(res.headers["content-type"], "text/csv; charset=utf-8");
  t.equal(res.headers["content-disposition"], 'attachment; filename="activities.csv"');
  t.equal((await exportCsv("year=2013")).headers["content-disposition"], 'attachment; filename="activities-2013.csv"', "the year in the name");
  const cells = readCsv(t, res.body).find((r) => r.id === strategy.id)!;
  t.same(cells, {
    id: strategy.id,
    year: "2013",
    title: "Rozpoczęto i zakończono prace nad Strategią dla Klastra",
    category: "strategy",
    status: "completed",
    startDate: "2013-05-10",
    endDate: "2013-09-20",
    coordinatorId: znik.id,
    coordinatorName: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o.",
    clusterId: ltpp.id,
    clusterName: "Klaster LTPP",
    meetings: "3",
    grantApplications: "1",
    publications: "1",
    mediaPartners: "2",
    description: "Trzy spotkania strategiczne: 10 maja, 19 czerwca i 20 września 2013;\nanaliza PEST, „warsztat” symulacyjny",
  });
  const otherRows = readCsv(t, (await exportCsv(`coordinatorId=${other.id}`)).body);
  t.ok(otherRows.every((r) => r.coordinatorName === "'=Fundacja \"Rozwój\", Pomorze"), "a name starting with = is prefixed, its quotes and comma survive");
  const minus = otherRows.find((r) => r.title.endsWith("uczestnik"))!;
  t.equal(minus.title, "'-1 uczestnik", "a title starting with - is prefixed");
  t.equal(minus.clusterId, "", "no cluster: empty");
  t.equal(minus.clusterName, "");
  t.equal(minus.description, "");
  t.equal(minus.meetings, "0");
});

t.test("semicolon mode, and Polish letters as UTF-8 bytes", async (t) => {
  const res = await exportCsv("delimiter=semicolon&q=strategia");
  t.equal(res.statusCode, 200);
  const raw = res.rawPayload;
  t.same([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], "the UTF-8 BOM bytes");
  t.ok(raw.includes(Buffer.from("Strategią dla Klastra", "utf8")), "ą as UTF-8");
  t.ok(res.body.startsWith(`${BOM}id;year;title;category;`), "semicolons between the fields");
  const rows = readCsv(t, res.body, ";");
  t.same(rows.map((r) => r.title).sort(), ["Rozpoczęto i zakończono prace nad Strategią dla Klastra", "Wniosek w konkursie „Strategia dla klastra”"]);
  t.equal(rows.find((r) => r.title.startsWith("Wniosek"))!.description, "Pozytywna ocena, 99,5 pkt.", "a comma needs no quotes with semicolons");
  t.ok(res.body.includes(";Pozytywna ocena, 99,5 pkt.\r\n"), "not quoted");
  t.same(readCsv(t, (await exportCsv("delimiter=comma&q=strategia")).body).map((r) => r.id).sort(), rows.map((r) => r.id).sort());
});

t.test("a reader key is enough; Accept text/csv, text/* and */* are fine, text/html is a 406", async (t) => {
  const reader = await createReaderKey(db);
  t.equal((await exportCsv("", reader.headers)).statusCode, 200, "reader");
  t.equal((await exportCsv("", { authorization: undefined as unknown as string })).statusCode, 401, "no key");
  for (const accept of ["text/csv", "text/*", "*/*", "text/html, text/csv;q=0.9", "application/json"]) {
    t.equal((await exportCsv("", { accept })).statusCode, 200, accept);
  }
  const res = await exportCsv("", { accept: "text/html" });
  expectProblem(t, res, 406, "not_acceptable");
  t.match(res.json().detail, /text\/csv/);
});

t.test("bad filters: 400 naming each", async (t) => {
  expectProblem(t, await exportCsv("year=13"), 400, "validation_failed", ["/year"]);
  expectProblem(t, await exportCsv("status=done&category=x"), 400, "validation_failed", ["/status", "/category"]);
  expectProblem(t, await exportCsv("coordinatorId=abc"), 400, "validation_failed", ["/coordinatorId"]);
  expectProblem(t, await exportCsv("startDateFrom=2013-13-01"), 400, "validation_failed", ["/startDateFrom"]);
  expectProblem(t, await exportCsv("delimiter=tab"), 400, "validation_failed", ["/delimiter"]);
  expectProblem(t, await exportCsv("limit=10"), 400, "validation_failed", ["/limit"]);
  expectProblem(t, await exportCsv("include=cluster"), 400, "validation_failed", ["/include"]);
  expectProblem(t, await exportCsv("cursor=x"), 400, "validation_failed", ["/cursor"]);
});

t.test(`more than ${EXPORT_MAX_ROWS} matches: 422 with the count, never a file cut short`, async (t) => {
  const bulk = await createCoordinator(app, { name: "Koordynator masowy" });
  const data = Array.from({ length: EXPORT_MAX_ROWS + 1 }, (_, i) => ({
    coordinatorId: bulk.id,
    title: `Działanie ${i}`,
    category: "other" as const,
    status: "planned" as const,
    year: 2020,
  }));
  await db.prisma.activity.createMany({ data });
  const res = await exportCsv(`coordinatorId=${bulk.id}`);
  const problem = expectProblem(t, res, 422, "too_many_rows");
  t.equal(problem.matched, EXPORT_MAX_ROWS + 1, "how many matched");
  t.equal(problem.limit, EXPORT_MAX_ROWS);
  t.match(problem.detail, `${EXPORT_MAX_ROWS + 1} activities match`);
  t.match(problem.detail, /Narrow the filters/);
  expectProblem(t, await exportCsv(), 422, "too_many_rows");

  await db.prisma.activity.deleteMany({ where: { coordinatorId: bulk.id, title: "Działanie 0" } });
  const exactly = await exportCsv(`coordinatorId=${bulk.id}`);
  t.equal(exactly.statusCode, 200, `exactly ${EXPORT_MAX_ROWS} is fine`);
  t.equal(readCsv(t, exactly.body).length, EXPORT_MAX_ROWS);
  t.equal(readCsv(t, (await exportCsv(`coordinatorId=${znik.id}`)).body).length, 4, "narrower filters still export");
});
