// Keyset pages deep in a list cost what the first costs: for every sortable field of every top-level list (read from
// the resource definitions), in both directions, the page after a cursor is read from an index in order, starting at
// the cursor (Index Cond), with no Sort. PostgreSQL only: the plans are PostgreSQL's (sequential scans, bitmaps and sorts off, so that an
// empty table is planned as a large one would be).
import t from "tap";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../src/generated/prisma/client.ts";
import { openDatabase } from "../../src/db/database.ts";
import { plainReads, sqlModels } from "../../src/db/sql-models.ts";
import { encodeCursor, keyset, type SortFieldType } from "../../src/lib/pagination.ts";
import { RESOURCES } from "../../src/modules/resources.ts";
import { createPostgresDatabase, usingPostgres } from "../helper.ts";

if (!usingPostgres) {
  t.pass("PostgreSQL only (query plans)");
} else {
  const { url, drop } = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
  const database = await openDatabase({ kind: "postgres", url, poolSize: 2 });
  await database.migrate();
  await database.close();

  // A client whose SQL we can see: each query Prisma sends is recorded, to be explained.
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const sent: Array<{ text: string; values: unknown[] }> = [];
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((config: unknown, values?: unknown) => {
    const c = config as { text?: string; values?: unknown[] };
    if (typeof c === "object" && c.text) sent.push({ text: c.text, values: c.values ?? [] });
    return query(config, values);
  }) as typeof pool.query;
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  // Both ways a list is read: Prisma's SQL, and the service's own plain reads on PostgreSQL (src/db/sql-models.ts).
  const sql = sqlModels(pool);
  const explainer = new pg.Client({ connectionString: url });
  await explainer.connect();
  // What a large table gets: an index for the order if there is one (an empty table would be sorted in memory).
  await explainer.query("SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off");
  t.teardown(async () => {
    await explainer.end();
    await prisma.$disconnect();
    await pool.end();
    await drop();
  });

  type PlanNode = { "Node Type": string; "Index Cond"?: string; Plans?: PlanNode[] };
  const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];
  const SAMPLE: Record<SortFieldType, string | number> = { string: "M", number: 1, date: "2013-01-01T00:00:00.000Z", datetime: "2013-01-01T00:00:00.000Z" };

  for (const definition of RESOURCES) {
    // A sub-resource's list is one parent's records: bounded by its parent, not a million rows deep.
    if (definition.parent) continue;
    const delegate = definition.model(prisma as never);
    const readers = { Prisma: delegate, "node-postgres": plainReads(delegate as never, sql) as unknown as typeof delegate };
    for (const [way, reader] of Object.entries(readers))
    t.test(`${definition.path}: every sort (${way})`, async (t) => {
      await sql.model((delegate as unknown as { name: string }).name);
      // Every field alone, both ways, and the list's default order (several fields, e.g. activities' year,startDate).
      const single = Object.keys(definition.sortable).flatMap((field) => (["asc", "desc"] as const).map((direction) => [{ field, direction }]));
      const byDefault = (definition.schemas.listQuery.parse({}) as { sort: Array<{ field: string; direction: "asc" | "desc" }> }).sort;
      for (const sort of byDefault.length > 1 ? [...single, byDefault] : single) {
        {
          const [{ field, direction }] = sort as [{ field: string; direction: "asc" | "desc" }];
          const { nullable } = definition.sortable[field]!;
          const values = [...sort.map((term) => SAMPLE[definition.sortable[term.field]!.type]), "01900000-0000-7000-8000-000000000000"];
          const cursor = encodeCursor(sort, values);
          const { where, orderBy } = keyset(definition.sortable, sort, cursor);
          sent.length = 0;
          await reader.findMany({ where, orderBy, take: 26, select: { id: true } });
          const select = sent.find((query) => /^\s*SELECT/i.test(query.text));
          if (!select) {
            t.fail(`no SELECT seen for sort=${field} ${direction}`);
            continue;
          }
          // Prisma writes "public"."<table>"; the plain read its own SQL (had it fallen back, this would test Prisma twice).
          if (way === "node-postgres") t.notMatch(select.text, /"public"\./, `sort=${field} ${direction}: the plain read's own SQL`);
          const { rows } = await explainer.query({ text: `EXPLAIN (FORMAT JSON) ${select.text}`, values: select.values });
          const plan = nodes((rows[0] as { "QUERY PLAN": Array<{ Plan: PlanNode }> })["QUERY PLAN"][0]!.Plan);
          const label = `sort=${sort.map((term) => (term.direction === "desc" ? "-" : "") + term.field).join(",")}`;
          const types = plan.map((node) => node["Node Type"]);
          // Descending with the id tiebreak ascending: a backward index scan, and an Incremental Sort of the rows that
          // tie on the sort value (a handful), never a Sort of the whole list.
          t.notOk(types.includes("Sort"), `${label}: in index order, no Sort`, { types });
          // Ascending throughout (the id tiebreak too): an index holds the whole order, not even an Incremental Sort.
          if (sort.every((term) => term.direction === "asc")) t.notOk(types.includes("Incremental Sort"), `${label}: no Incremental Sort`, { types });
          const scan = plan.find((node) => node["Node Type"].startsWith("Index"));
          t.ok(scan, `${label}: an index scan`, { types });
          // The cursor is the scan's start, except for an ascending nullable field (its NULLs come after every value).
          if (!(nullable && direction === "asc")) t.ok(scan?.["Index Cond"], `${label}: the scan starts at the cursor`, { scan });
        }
      }
    });
  }
}
