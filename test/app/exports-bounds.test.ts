import t from "tap";
import { parse } from "csv-parse/sync";
import { EXPORT_MAX_ROWS } from "../../src/lib/exports/export-list.ts";
import { XLSX_MEDIA_TYPE } from "../../src/lib/exports/writers.ts";
import { testApp } from "../helper.ts";
import { expectProblem } from "../expect.ts";

/** An export is bounded: past EXPORT_MAX_ROWS matches, a 422 with the count, never a file cut short. */

const { app, db } = await testApp(t);
const get = (url: string, accept: string) => app.inject({ method: "GET", url, headers: { accept } });

t.test(`more than ${EXPORT_MAX_ROWS} matches: 422 with the count, never a file cut short`, async (t) => {
  await db.prisma.coordinator.createMany({
    data: Array.from({ length: EXPORT_MAX_ROWS + 1 }, (_, i) => ({ name: `Koordynator ${i}`, city: "Masowo" })),
  });
  for (const accept of ["text/csv", XLSX_MEDIA_TYPE]) {
    const problem = expectProblem(t, await get("/v1/coordinators?city=Masowo", accept), 422, "too_many_rows");
    t.equal(problem.matched, EXPORT_MAX_ROWS + 1, "how many matched");
    t.equal(problem.limit, EXPORT_MAX_ROWS);
    t.match(problem.detail, `${EXPORT_MAX_ROWS + 1} records match`);
  }
  const polish = expectProblem(t, await get("/v1/coordinators?city=Masowo&lang=pl", "text/csv"), 422, "too_many_rows");
  t.match(polish.detail, /Zawęź filtry/);
  t.equal((await app.inject({ url: "/v1/coordinators?city=Masowo" })).statusCode, 200, "the JSON list pages as ever");

  await db.prisma.coordinator.deleteMany({ where: { name: "Koordynator 0" } });
  const exactly = await get("/v1/coordinators?city=Masowo", "text/csv");
  t.equal(exactly.statusCode, 200, `exactly ${EXPORT_MAX_ROWS} is fine`);
  const records = parse(exactly.body, { bom: true }) as string[][];
  t.equal(records.length, EXPORT_MAX_ROWS + 1, "every row (read a page at a time, streamed), and the header");
  t.equal(new Set(records.slice(1).map((record) => record[0])).size, EXPORT_MAX_ROWS, "no row twice across pages");
});
