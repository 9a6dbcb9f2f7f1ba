// The plain reads and writes (src/db/sql-models.ts) against Prisma's, through the HTTP API: two apps on one PostgreSQL
// database, one with the plain path and one without (`sql` undefined), must answer every list, filter, sort and cursor
// alike, and write the same records and audit events.
import t from "tap";

// East of UTC by more than half a day: a date or an instant read or sent in local time shows.
process.env.TZ = "Pacific/Kiritimati";
import { collectionOf, parentOf, RECORD_TYPES } from "../fixtures/record-types.ts";
import { testApp, usingPostgres } from "../helper.ts";

type Json = Record<string, unknown>;
/** A problem's requestId (and instance) differ from request to request. */
const comparable = (body: Json) => {
  const { requestId: _requestId, instance: _instance, ...rest } = body;
  return rest;
};

if (!usingPostgres) {
  t.pass("PostgreSQL only: on PGlite every read and write goes through Prisma");
} else {
  const { app, db } = await testApp(t);
  const { app: viaPrisma } = await testApp(t, { ...db, sql: undefined });
  const WEIRD = ["100% _pewne_ a\\b", "Łódź Żółć", "x_y", "50%", "back\\slash"];

  const written: Array<{ row: (typeof RECORD_TYPES)[number]; url: string; ids: string[] }> = [];
  for (const row of RECORD_TYPES) {
    const make = await row.prepare(app, db);
    const parentId = parentOf(row.definition) ? await row.parent!(app) : undefined;
    const url = collectionOf(row.definition, parentId);
    const ids: string[] = [];
    for (let n = 1; n <= 9; n++) {
      const payload = { ...(await make.body(n)), ...(await make.sorted(n)), ...(n <= WEIRD.length ? row.text(WEIRD[n - 1]!) : {}) };
      const res = await app.inject({ method: "POST", url, payload });
      if (res.statusCode !== 201) throw new Error(`${row.definition.key}: ${res.statusCode} ${res.body}`);
      ids.push((res.json() as { id: string }).id);
    }
    written.push({ row, url, ids });
  }
  // Compared once every record is written: a subtest runs while the loop above goes on.
  for (const { row, url, ids } of written) {
    t.test(`${row.definition.key}: lists alike`, async (t) => {
      const both = async (query: string) => {
        const [plain, prisma] = await Promise.all([app.inject(`${url}?${query}`), viaPrisma.inject(`${url}?${query}`)]);
        t.equal(plain.statusCode, prisma.statusCode, `status ${query}`);
        t.strictSame(comparable(plain.json()), comparable(prisma.json()), query);
        return plain.json() as { data?: Json[]; nextCursor?: string | null };
      };
      const records = (await both("limit=100")).data!;
      const queries = ["", ...["%", "_", "\\", "ł", "lodz", "100% _p", "a\\b", "x_y"].map((q) => `q=${encodeURIComponent(q)}`)];
      const shape = (row.definition.schemas.listQuery as unknown as { shape?: Json }).shape ?? {};
      for (const key of Object.keys(shape)) {
        if (["limit", "cursor", "sort", "q", "include"].includes(key)) continue;
        const values = new Set<string>(["2013-02-10", "2012-03-10", "true", "false"]);
        for (const record of records) {
          const value = record[key] ?? record[key.replace(/(From|To|After|Before)$/, "")];
          if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") values.add(String(value));
        }
        for (const value of values) queries.push(`${key}=${encodeURIComponent(value)}`);
        const upper = [...values][4];
        if (upper) queries.push(`${key}=${encodeURIComponent(upper.toUpperCase())}`);
      }
      for (const field of Object.keys(row.definition.sortable)) {
        for (const sort of [field, `-${field}`]) {
          for (const filter of ["", "q=sortowanie"]) {
            let query = `sort=${sort}&limit=2${filter ? `&${filter}` : ""}`;
            for (let page = 0; page < 12; page++) {
              const body = await both(query);
              if (!body.nextCursor) break;
              query = `sort=${sort}&limit=2${filter ? `&${filter}` : ""}&cursor=${body.nextCursor}`;
            }
          }
        }
      }
      for (const query of queries) await both(query);
      // Tampered cursors: values of the field's type, at and past what a column holds.
      const cursorOf = (sort: string, values: unknown[]) => Buffer.from(JSON.stringify({ s: sort, v: values })).toString("base64url");
      const EDGES: Record<string, unknown[]> = {
        date: ["0000-01-01T00:00:00.000Z", "9999-12-31T00:00:00.000Z", "1970-01-01T12:00:00.000Z", "2013-02-10T00:00:00.000Z"],
        datetime: ["0000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z", "2013-02-10T13:14:15.678Z"],
        number: [2147483648, -2147483649, 1e308, -0, 0.5, 3],
        string: ["", "\\", "%", "_", "'", "\u00ff", "żółć 🙂", "Sortowanie 01"],
      };
      for (const [field, { type, nullable }] of Object.entries(row.definition.sortable)) {
        for (const value of [...(EDGES[type] ?? []), ...(nullable ? [null] : [])]) {
          for (const sort of [field, `-${field}`]) {
            const body = await both(`sort=${sort}&limit=3&cursor=${cursorOf(sort, [value, "01900000-0000-7000-8000-000000000000"])}`);
            t.ok(body.data !== undefined || (body as Json).status !== 500, `${sort} after ${JSON.stringify(value)}: never a 500`);
          }
        }
      }
      // Exports: counted, then read page by page (lib/exports/export-list.ts).
      if (row.definition.export) {
        for (const query of ["", "q=sortowanie", "q=%25", ...Object.keys(row.definition.sortable).map((field) => `sort=-${field}`)]) {
          const request = { url: `${url}?${query}`, headers: { accept: "text/csv" } };
          const [plain, prisma] = await Promise.all([app.inject(request), viaPrisma.inject(request)]);
          t.equal(plain.statusCode, prisma.statusCode, `export ${query}: ${plain.statusCode}`);
          t.equal(plain.body, prisma.body, `export ${query}`);
        }
      }
      for (const id of ids.slice(0, 3)) {
        const [plain, prisma] = await Promise.all([app.inject(`${url}/${id}`), viaPrisma.inject(`${url}/${id}`)]);
        t.strictSame([plain.statusCode, plain.json(), plain.headers.etag], [prisma.statusCode, prisma.json(), prisma.headers.etag], `get ${id}`);
      }
    });
  }
}
