// Keyset pages deep in a list cost what the first costs: for every sortable field of every top-level list (read from
// the resource definitions), in both directions, the page after a cursor is read from an index in order, starting at
// the cursor (Index Cond), with no Sort. PostgreSQL only: the plans are PostgreSQL's (sequential scans, bitmaps and sorts off, so that an
// empty table is planned as a large one would be).
import t from "tap";
import { encodeCursor, keyset, type SortFieldType } from "../../src/lib/pagination.ts";
import { RESOURCES } from "../../src/modules/resources.ts";
import { planTestDatabase } from "../fixtures/query-plans.ts";
import { usingPostgres } from "../helper.ts";

if (!usingPostgres) {
  t.pass("PostgreSQL only (query plans)");
} else {
  // What a large table gets: an index for the order if there is one (an empty table would be sorted in memory).
  const plans = await planTestDatabase(t, "SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off");
  const SAMPLE: Record<SortFieldType, string | number> = { string: "M", number: 1, date: "2013-01-01T00:00:00.000Z", datetime: "2013-01-01T00:00:00.000Z" };

  for (const definition of RESOURCES) {
    // A sub-resource's list is one parent's records: bounded by its parent, not a million rows deep.
    if (definition.parent) continue;
    for (const way of ["Prisma", "node-postgres"] as const)
    t.test(`${definition.path}: every sort (${way})`, async (t) => {
      const reader = (await plans.readers(definition))[way];
      // Every field alone, both ways, and the list's default order (several fields, e.g. activities' year,startDate).
      const single = Object.keys(definition.sortable).flatMap((field) => (["asc", "desc"] as const).map((direction) => [{ field, direction }]));
      const byDefault = (definition.schemas.listQuery.parse({}) as { sort: Array<{ field: string; direction: "asc" | "desc" }> }).sort;
      for (const sort of byDefault.length > 1 ? [...single, byDefault] : single) {
        const [{ field, direction }] = sort as [{ field: string; direction: "asc" | "desc" }];
        const { nullable } = definition.sortable[field]!;
        const values = [...sort.map((term) => SAMPLE[definition.sortable[term.field]!.type]), "01900000-0000-7000-8000-000000000000"];
        const { where, orderBy } = keyset(definition.sortable, sort, encodeCursor(sort, values));
        const label = `sort=${sort.map((term) => (term.direction === "desc" ? "-" : "") + term.field).join(",")}`;
        await reader.findMany({ where, orderBy, take: 26, select: { id: true } });
        const select = await plans.lastSelect();
        if (!select) {
          t.fail(`${label}: no SELECT seen`);
          continue;
        }
        // Prisma writes "public"."<table>"; the plain read its own SQL (had it fallen back, this would test Prisma twice).
        if (way === "node-postgres") t.notMatch(select.text, /"public"\./, `${label}: the plain read's own SQL`);
        const types = select.plan.map((node) => node["Node Type"]);
        // Descending with the id tiebreak ascending: a backward index scan, and an Incremental Sort of the rows that
        // tie on the sort value (a handful), never a Sort of the whole list.
        t.notOk(types.includes("Sort"), `${label}: in index order, no Sort`, { types });
        // Ascending throughout (the id tiebreak too): an index holds the whole order, not even an Incremental Sort.
        if (sort.every((term) => term.direction === "asc")) t.notOk(types.includes("Incremental Sort"), `${label}: no Incremental Sort`, { types });
        const scan = select.plan.find((node) => node["Node Type"].startsWith("Index"));
        t.ok(scan, `${label}: an index scan`, { types });
        // The cursor is the scan's start, except for an ascending nullable field (its NULLs come after every value).
        if (!(nullable && direction === "asc")) t.ok(scan?.["Index Cond"], `${label}: the scan starts at the cursor`, { scan });
      }
    });
  }
}
