import t from "tap";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { seedDemoData } from "../../src/db/seed.ts";
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from "../../src/lib/imports/import-rows.ts";
import { XLSX_MEDIA_TYPE } from "../../src/lib/exports/writers.ts";
import { createReaderKey, testApp } from "../helper.ts";
import { expectProblem } from "../expect.ts";
import { CSV, importsOf, type Run } from "../fixtures/imports.ts";
import { validNip } from "../fixtures/records.ts";

/**
 * Imports (POST /v1/imports), the second part: files refused whole (formulas, macros, missing columns, duplicate
 * keys, bounds), the role, and owned records (memberships, participants). The first part is imports.test.ts.
 */

const { app, db } = await testApp(t);
await seedDemoData(db.prisma);

const { exportFile, importFile } = importsOf(app);

t.test("whole files refused: formulas, macros, missing columns, duplicate keys", async (t) => {
  const formula = expectProblem(t, await importFile("organizations", "nip,name,kind\r\n,\"=HYPERLINK(\"\"x\"\")\",ngo\r\n", CSV), 422, "validation_failed");
  t.match(formula, { reason: "formula", row: 2, column: "name" });
  const guarded = await importFile("organizations", `nip,name,kind\r\n${validNip(902)},'=Fundacja,ngo\r\n`, CSV);
  t.equal(guarded.statusCode, 201, "the export's guard (') is taken off");
  t.equal((await app.inject({ url: `/v1/organizations?nip=${validNip(902)}` })).json().data[0].name, "=Fundacja");

  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("x");
  sheet.addRow(["nip", "name", "kind"]);
  sheet.addRow([validNip(903), { formula: "CONCAT(\"a\",\"b\")", result: "ab" }, "ngo"]);
  const withFormula = Buffer.from(await workbook.xlsx.writeBuffer());
  t.match(expectProblem(t, await importFile("organizations", withFormula, XLSX_MEDIA_TYPE), 422, "validation_failed"), { reason: "formula", row: 2 });

  const zip = await JSZip.loadAsync(withFormula);
  zip.file("xl/vbaProject.bin", Buffer.from("macro"));
  const withMacros = await zip.generateAsync({ type: "nodebuffer" });
  t.match(expectProblem(t, await importFile("organizations", withMacros, XLSX_MEDIA_TYPE), 415, "unsupported_media_type"), { reason: "macros" });

  t.match(expectProblem(t, await importFile("organizations", "nip,shortName\r\n1,x\r\n", CSV), 422, "validation_failed"), { reason: "missingColumns", columns: ["name", "kind"] });
  const twice = `nip,name,kind\r\n${validNip(904)},A,ngo\r\n${validNip(905)},B,ngo\r\n${validNip(904)},C,ngo\r\n`;
  t.match(expectProblem(t, await importFile("organizations", twice, CSV), 422, "validation_failed"), { reason: "duplicateKeys", rows: [2, 4] });
  expectProblem(t, await importFile("organizations", "not a zip", XLSX_MEDIA_TYPE), 422, "validation_failed");
  expectProblem(t, await importFile("organizations", "{}", "application/json"), 415, "unsupported_media_type");
});

t.test("bounds on rows and bytes", async (t) => {
  const rows = Array.from({ length: IMPORT_MAX_ROWS + 1 }, (_, i) => `${validNip(10_000 + i)},Organizacja ${i},ngo`).join("\r\n");
  t.match(expectProblem(t, await importFile("organizations", `nip,name,kind\r\n${rows}\r\n`, CSV), 422, "validation_failed"), { reason: "tooManyRows", limit: IMPORT_MAX_ROWS });
  expectProblem(t, await importFile("organizations", Buffer.alloc(IMPORT_MAX_BYTES + 1, 0x41), CSV), 413, "payload_too_large");
});

t.test("imports need the editor role", async (t) => {
  const reader = await createReaderKey(db);
  const response = await app.inject({
    method: "POST",
    url: "/v1/imports?resource=organizations",
    headers: { "content-type": CSV, authorization: `Bearer ${reader.key}` },
    payload: "nip,name,kind\r\n",
  });
  expectProblem(t, response, 403, "forbidden");
  expectProblem(t, await app.inject({ url: "/v1/imports/01a24e57-0000-7000-8000-000000000000" }), 404, "not_found");
});

t.test("owned records: memberships and participants name their owner in a column; the owner's XLSX sheet round-trips", async (t) => {
  const first = async (url: string, i = 0) => ((await app.inject({ url })).json() as { data: Array<{ id: string }> }).data[i]!.id;
  const [organization, other, cluster, meeting] = [await first("/v1/organizations"), await first("/v1/organizations", 1), await first("/v1/clusters"), await first("/v1/meetings")];
  const memberships = `organizationId,clusterId,role,joinedOn\r\n${organization},${cluster},member,2012-06-01\r\n${other},${cluster},partner,\r\n`;
  t.same((await importFile("memberships", memberships, CSV)).json().summary, { create: 2, update: 0, unchanged: 0, rejected: 0 });
  t.same((await importFile("memberships", memberships, CSV)).json().summary, { create: 0, update: 0, unchanged: 2, rejected: 0 }, "matched on owner + cluster");
  const joined = (await app.inject({ url: `/v1/organizations/${organization}/memberships` })).json() as { data: Array<{ joinedOn: string; role: string }> };
  t.match(joined.data, [{ joinedOn: "2012-06-01", role: "member" }]);

  const participants = `Id spotkania;Id organizacji;Osoba;Rola\r\n${meeting};${organization};;gość\r\n${meeting};;Jan Kowalski;prelegent\r\n`;
  t.same((await importFile("meeting-participants", participants, CSV)).json().summary, { create: 2, update: 0, unchanged: 0, rejected: 0 }, "Polish headers");
  t.same((await importFile("meeting-participants", participants, CSV)).json().summary, { create: 0, update: 0, unchanged: 2, rejected: 0 });

  for (const [owner, resource] of [["organizations", "memberships"], ["meetings", "meeting-participants"]] as const) {
    const workbook = await exportFile(owner, XLSX_MEDIA_TYPE, "?lang=pl");
    const run = (await importFile(resource, workbook, XLSX_MEDIA_TYPE, "&dryRun=true")).json() as Run;
    t.same(run.summary, { create: 0, update: 0, unchanged: 2, rejected: 0 }, `${resource}: the sheet of the ${owner} export, unchanged`);
  }
  const unknownOwner = `organizationId,clusterId,role\r\n01a24e57-0000-7000-8000-000000000000,${cluster},member\r\n`;
  const report = (await importFile("memberships", unknownOwner, CSV, "&dryRun=true")).json() as Run;
  t.match(report.rows[0], { action: "rejected", errors: [{ rule: "notFound" }] });
  t.match(expectProblem(t, await importFile("memberships", `clusterId,role\r\n${cluster},member\r\n`, CSV), 422, "validation_failed"), { reason: "missingColumns" });
});

t.test("a run its process never finished (still `running`) reads as a record with no counts yet", async (t) => {
  const run = await db.prisma.importRun.create({ data: { resource: "organizations", dryRun: false, status: "running", mediaType: CSV } });
  const res = await app.inject({ url: `/v1/imports/${run.id}` });
  t.equal(res.statusCode, 200, "not a 500", { body: res.body });
  t.match(res.json(), { status: "running", summary: { create: 0, update: 0, unchanged: 0, rejected: 0 }, rows: [], finishedAt: null });
});
