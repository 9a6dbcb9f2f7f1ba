import t from "tap";
import iconv from "iconv-lite";
import { seedDemoData } from "../../src/db/seed.ts";
import { XLSX_MEDIA_TYPE } from "../../src/lib/exports/writers.ts";
import { feedSettled, testApp } from "../helper.ts";
import { expectProblem } from "../expect.ts";
import { CSV, importsOf, type Run } from "../fixtures/imports.ts";
import { validNip } from "../fixtures/records.ts";

/**
 * Imports (POST /v1/imports): the round trip with the exports, one edited cell, encodings, the report per row in the
 * request's language, and all or nothing. Files refused whole, bounds and owned records: imports-files.test.ts.
 */

const { app, db } = await testApp(t);
await seedDemoData(db.prisma);

const { exportFile, importFile } = importsOf(app);
const auditCount = () => db.prisma.auditEvent.count();
const changeFeed = async () => ((await app.inject({ url: "/v1/changes?limit=100" })).json() as { data: unknown[] }).data.length;

t.test("round trip: an exported file imports as unchanged, dry run and real run, CSV and XLSX", async (t) => {
  for (const resource of ["organizations", "activities", "meetings", "media-partners"]) {
    for (const [accept, query] of [[CSV, "?lang=pl&delimiter=semicolon"], [XLSX_MEDIA_TYPE, ""]] as const) {
      const file = await exportFile(resource, accept, query);
      const events = await auditCount();
      const dry = await importFile(resource, file, accept, "&dryRun=true");
      t.equal(dry.statusCode, 201, `${resource} ${accept} dry run: ${dry.body.slice(0, 300)}`);
      const report = dry.json() as Run;
      t.equal(report.status, "checked");
      t.ok(report.rows.length > 0, "the file has rows");
      t.same(report.summary, { create: 0, update: 0, unchanged: report.rows.length, rejected: 0 }, `${resource}: every row unchanged`);
      const real = await importFile(resource, file, accept);
      t.equal(real.statusCode, 201);
      t.equal((real.json() as Run).status, "completed");
      t.equal((real.json() as Run).summary.unchanged, report.rows.length, "the real run changes nothing");
      t.equal(await auditCount(), events, "no audit event");
    }
  }
});

t.test("one edited cell: exactly one record updated, with its audit event and in the change feed", async (t) => {
  const csv = (await exportFile("organizations", CSV)).toString("utf8");
  const [header, first, ...rest] = csv.split("\r\n");
  const cells = first!.split(",");
  const nameColumn = header!.replace("\uFEFF", "").split(",").indexOf("Name");
  const id = cells[0]!;
  cells[nameColumn] = "Zmieniona Nazwa Łódź";
  const edited = [header, cells.join(","), ...rest].join("\r\n");
  const events = await auditCount();
  const feed = await changeFeed();
  const run = await importFile("organizations", edited, CSV);
  t.equal(run.statusCode, 201, run.body);
  const body = run.json() as Run;
  t.same(body.summary, { create: 0, update: 1, unchanged: rest.filter(Boolean).length, rejected: 0 });
  t.equal(body.rows.find((row) => row.action === "update")!.id, id);
  t.equal(await auditCount(), events + 1, "one audit event");
  await feedSettled(db);
  t.equal(await changeFeed(), feed + 1, "one change in the feed");
  const record = (await app.inject({ url: `/v1/organizations/${id}` })).json() as { name: string; version: number };
  t.equal(record.name, "Zmieniona Nazwa Łódź");
  const history = (await app.inject({ url: `/v1/organizations/${id}/history` })).json() as { data: Array<{ action: string; changes: unknown }> };
  t.match(history.data.at(-1), { action: "update" }, "the update is in the record's history");
  t.match(JSON.stringify(history.data.at(-1)), /Zmieniona Nazwa Łódź/);
  t.equal((await importFile("organizations", edited, CSV)).json().summary.update, 0, "the same file again changes nothing");
});

t.test("Windows-1250 and UTF-8 files with Polish names; natural keys make a second run change nothing", async (t) => {
  const names = ["Zakład Ślusarski Żółć", "Przedsiębiorstwo Łódź-Świętość"];
  for (const [encoding, contentType] of [["windows-1250", CSV], ["utf-8", `${CSV}; charset=utf-8`]] as const) {
    const nips = encoding === "utf-8" ? [validNip(3001), validNip(3101)] : [validNip(4001), validNip(4101)];
    const text = `nip;Nazwa;Rodzaj;Miejscowość\r\n${nips[0]};${names[0]} ${encoding};business;Łódź\r\n${nips[1]};${names[1]} ${encoding};science;Gdańsk\r\n`;
    const bytes = iconv.encode(text, encoding);
    const run = await importFile("organizations", bytes, contentType);
    t.equal(run.statusCode, 201, run.body);
    t.equal((run.json() as Run).encoding, encoding, "the encoding as read");
    t.equal((run.json() as Run).summary.create, 2);
    for (const [i, nip] of nips.entries()) {
      const found = (await app.inject({ url: `/v1/organizations?nip=${nip}` })).json() as { data: Array<{ name: string; address: { city: string } }> };
      t.equal(found.data[0]!.name, `${names[i]} ${encoding}`, "Polish letters intact");
    }
    t.same((await importFile("organizations", bytes, contentType)).json().summary, { create: 0, update: 0, unchanged: 2, rejected: 0 }, "idempotent");
  }
  expectProblem(t, await importFile("organizations", iconv.encode("nip,name,kind\r\n", "utf-16le"), CSV), 415, "unsupported_media_type");
  expectProblem(t, await importFile("organizations", "nip,name,kind\r\n", `${CSV}; charset=iso-8859-2`), 415, "unsupported_media_type");
});

t.test("a dry run reports each row, column and rule in the request's language, and writes nothing", async (t) => {
  const file = `id,nip,name,kind\r\n,${validNip(901)},Nowa Fundacja,ngo\r\n,1234567890,Zły NIP,ngo\r\n01a24e57-0000-7000-8000-000000000000,,Nikt,ngo\r\n,,Bez klucza,ngo\r\n`;
  const events = await auditCount();
  const dry = await importFile("organizations", file, CSV, "&dryRun=true&lang=pl");
  t.equal(dry.statusCode, 201);
  const report = dry.json() as Run;
  t.same(report.summary, { create: 1, update: 0, unchanged: 0, rejected: 3 });
  t.same(report.rows.map((row) => [row.row, row.action]), [[2, "create"], [3, "rejected"], [4, "rejected"], [5, "rejected"]]);
  t.match(report.rows[1]!.errors, [{ column: "nip", rule: "invalid", message: /NIP/ }]);
  t.match(report.rows[2]!.errors, [{ column: "id", rule: "notFound", message: "nie wskazuje istniejącego rekordu" }]);
  t.match(report.rows[3]!.errors, [{ column: null, rule: "keyMissing", message: /^wymaga klucza/ }]);
  t.equal(await auditCount(), events, "nothing written");
  const english = (await app.inject({ url: `/v1/imports/${report.id}` })).json() as Run;
  t.equal(english.rows[2]!.errors![0]!.message, "names no existing record", "the stored report in English");

  // The real run: all or nothing.
  const real = await importFile("organizations", file, CSV);
  const problem = expectProblem(t, real, 422, "validation_failed", ["/rows/3/nip", "/rows/4/id", "/rows/5"]);
  t.equal(await auditCount(), events, "the valid row was not written either");
  t.equal((await app.inject({ url: `/v1/organizations?nip=${validNip(901)}` })).json().data.length, 0);
  t.equal(((await app.inject({ url: `/v1/imports/${problem.importId}` })).json() as Run).status, "rejected");
});
