// Every list filter has an index (issue 14: "EXPLAIN shows an index for every list filter and sort that the API
// offers"; keyset-plans.test.ts checks the sorts). For every filter parameter of every top-level list (read from its
// list query schema: a new filter is covered without touching this file), the plan of the list's first page with only
// that filter reads an index whose condition (Index Cond) is the filter's column. PostgreSQL only: the plans are
// PostgreSQL's. Sequential scans are off, so that an empty table is planned as a large one would be; sorts and bitmap
// scans stay on (a filter's rows are found through its index, then the page is sorted: a trigram or array index is
// read as a bitmap).
import t from "tap";
import pg from "pg";
import { z } from "zod";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../src/generated/prisma/client.ts";
import { plainReads, sqlModels } from "../../src/db/sql-models.ts";
import { openDatabase } from "../../src/db/database.ts";
import { keyset, type SortTerm } from "../../src/lib/pagination.ts";
import { searchWhere } from "../../src/lib/search-text.ts";
import { RESOURCES } from "../../src/modules/resources.ts";
import { createPostgresDatabase, usingPostgres } from "../helper.ts";

/**
 * One side of a date range (`dateFrom`) is explained with the range closed on the same day (`dateTo` too): alone, for
 * a planner without statistics, it matches a third of the table, which the sort's index serves better than the date's.
 */
const rangePartner = (name: string, names: readonly string[]) => {
  const partner = name.endsWith("From") ? `${name.slice(0, -4)}To` : name.endsWith("To") ? `${name.slice(0, -2)}From` : undefined;
  return partner && names.includes(partner) ? partner : undefined;
};

/** List query parameters that are no filter: paging, order, embedding, language, the CSV's delimiter. */
const NOT_FILTERS = new Set(["limit", "cursor", "sort", "include", "lang", "delimiter"]);

/** Filters with no index of their own, and why (`path.parameter`). */
const EXCEPTIONS: Record<string, string> = {
  "media-partners.ongoing": "true or false: either half of the table, which an index would not narrow",
  "webhooks.enabled": "true or false, and subscriptions are a handful of rows",
};

/** A sample value for a filter, from its JSON Schema: the first of an enum, the example, or one of its format. */
function sampleFor(property: Record<string, unknown>, defs: Record<string, Record<string, unknown>>): string {
  const ref = typeof property.$ref === "string" ? defs[property.$ref.replace("#/$defs/", "")] : undefined;
  const schema = { ...ref, ...property };
  if (Array.isArray(schema.enum)) return String(schema.enum[0]);
  if (schema.example !== undefined) return String(schema.example);
  if (schema.format === "uuid") return "01900000-0000-7000-8000-000000000000";
  if (schema.format === "date") return "2013-05-01";
  if (schema.type === "integer") return "2013";
  return "Gdańsk";
}

/** The columns a Prisma condition names (relation filters included): `{ memberships: { some: { clusterId } } }` -> cluster_id. */
const RELATION_OPERATORS = ["some", "every", "none", "is", "isNot"];
const OPERATORS = new Set(["AND", "OR", "NOT", ...RELATION_OPERATORS, "equals", "not", "in", "notIn", "lt", "lte", "gt", "gte", "contains", "startsWith", "endsWith", "has", "hasSome", "hasEvery", "mode"]);
const snake = (field: string) => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
function columnsOf(condition: unknown): string[] {
  if (!condition || typeof condition !== "object" || condition instanceof Date) return [];
  if (Array.isArray(condition)) return condition.flatMap(columnsOf);
  return Object.entries(condition).flatMap(([key, value]) => {
    const nested = columnsOf(value);
    if (OPERATORS.has(key)) return nested;
    // A relation's name is no column: the columns it is matched on are.
    const inner = value && typeof value === "object" && !(value instanceof Date) ? Object.keys(value) : [];
    const relation = inner.some((name) => !OPERATORS.has(name) || RELATION_OPERATORS.includes(name));
    return relation ? nested : [snake(key), ...nested];
  });
}

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
  // Both ways a list is read: Prisma's SQL, and the service's plain reads on PostgreSQL (src/db/sql-models.ts; a
  // filter it cannot write goes to Prisma there too).
  const sql = sqlModels(pool);
  const explainer = new pg.Client({ connectionString: url });
  await explainer.connect();
  await explainer.query("SET enable_seqscan = off");
  t.teardown(async () => {
    await explainer.end();
    await prisma.$disconnect();
    await pool.end();
    await drop();
  });

  type PlanNode = { "Node Type": string; "Index Name"?: string; "Index Cond"?: string; Plans?: PlanNode[] };
  const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

  for (const definition of RESOURCES) {
    // A sub-resource's list is one parent's records (read through the parent's index), not a million rows.
    if (definition.parent) continue;
    const listQuery = definition.schemas.listQuery as z.ZodType;
    const json = z.toJSONSchema(listQuery, { io: "input", unrepresentable: "any" }) as {
      properties: Record<string, Record<string, unknown>>;
      $defs?: Record<string, Record<string, unknown>>;
    };
    const filters = Object.keys(json.properties).filter((name) => !NOT_FILTERS.has(name));
    const delegate = definition.model(prisma as never);
    const readers = { Prisma: delegate, "node-postgres": plainReads(delegate as never, sql) as unknown as typeof delegate };
    for (const [way, reader] of Object.entries(readers))
    t.test(`${definition.path}: every filter (${way})`, async (t) => {
      await sql.model((delegate as unknown as { name: string }).name);
      for (const filter of filters) {
        const label = `${definition.path}?${filter}=`;
        if (EXCEPTIONS[`${definition.path}.${filter}`]) {
          t.pass(`${label}: no index (${EXCEPTIONS[`${definition.path}.${filter}`]})`);
          continue;
        }
        const sample = sampleFor(json.properties[filter]!, json.$defs ?? {});
        const partner = rangePartner(filter, filters);
        const parsed = listQuery.safeParse({ [filter]: sample, ...(partner ? { [partner]: sample } : {}) });
        if (!parsed.success) {
          t.fail(`${label}${sample}: no sample value this filter accepts`, { issues: parsed.error.issues });
          continue;
        }
        const listed = parsed.data as { q?: string; sort: SortTerm[] };
        const conditions = [...searchWhere(listed.q), ...definition.where(listed as never)];
        const columns = [...new Set(columnsOf(conditions))];
        if (columns.length === 0) {
          t.fail(`${label}${sample}: the filter makes no condition`);
          continue;
        }
        const { orderBy } = keyset(definition.sortable, listed.sort, undefined);
        sent.length = 0;
        await reader.findMany({ where: { AND: conditions }, orderBy, take: 26, select: { id: true } });
        const select = sent.find((sql) => /^\s*SELECT/i.test(sql.text));
        if (!select) {
          t.fail(`${label}: no SELECT seen`);
          continue;
        }
        const { rows } = await explainer.query({ text: `EXPLAIN (FORMAT JSON) ${select.text}`, values: select.values });
        const plan = nodes((rows[0] as { "QUERY PLAN": Array<{ Plan: PlanNode }> })["QUERY PLAN"][0]!.Plan);
        const indexed = plan.filter((node) => node["Index Cond"] && columns.some((column) => new RegExp(`\\b${column}\\b`).test(node["Index Cond"]!)));
        t.ok(indexed.length > 0, `${label}${sample}${partner ? `&${partner}=${sample}` : ""}: an index on ${columns.join(", ")}`, {
          plan: plan.map((node) => [node["Node Type"], node["Index Name"], node["Index Cond"]].filter(Boolean).join(" ")),
        });
      }
    });
  }
}
