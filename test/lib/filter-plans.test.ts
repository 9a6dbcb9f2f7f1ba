// Every list filter has an index (issue 14: "EXPLAIN shows an index for every list filter and sort that the API
// offers"; keyset-plans.test.ts checks the sorts). For every filter parameter of every top-level list (read from its
// list query schema: a new filter is covered without touching this file), the plan of the list's first page with only
// that filter reads an index whose condition (Index Cond) is the filter's column. PostgreSQL only: the plans are
// PostgreSQL's. Sequential scans are off, so that an empty table is planned as a large one would be; sorts and bitmap
// scans stay on (a filter's rows are found through its index, then the page is sorted: a trigram or array index is
// read as a bitmap).
import t from "tap";
import { z } from "zod";
import { keyset, type SortTerm } from "../../src/lib/pagination.ts";
import { searchWhere } from "../../src/lib/search-text.ts";
import { RESOURCES } from "../../src/modules/resources.ts";
import { planTestDatabase } from "../fixtures/query-plans.ts";
import { usingPostgres } from "../helper.ts";

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
  // Sequential scans off: an empty table planned as a large one would be.
  const plans = await planTestDatabase(t, "SET enable_seqscan = off");

  for (const definition of RESOURCES) {
    // A sub-resource's list is one parent's records (read through the parent's index), not a million rows.
    if (definition.parent) continue;
    const listQuery = definition.schemas.listQuery as z.ZodType;
    const json = z.toJSONSchema(listQuery, { io: "input", unrepresentable: "any" }) as {
      properties: Record<string, Record<string, unknown>>;
      $defs?: Record<string, Record<string, unknown>>;
    };
    const filters = Object.keys(json.properties).filter((name) => !NOT_FILTERS.has(name));
    for (const way of ["Prisma", "node-postgres"] as const)
    t.test(`${definition.path}: every filter (${way})`, async (t) => {
      const reader = (await plans.readers(definition))[way];
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
        await reader.findMany({ where: { AND: conditions }, orderBy, take: 26, select: { id: true } });
        const select = await plans.lastSelect();
        if (!select) {
          t.fail(`${label}: no SELECT seen`);
          continue;
        }
        const { plan } = select;
        const indexed = plan.filter((node) => node["Index Cond"] && columns.some((column) => new RegExp(`\\b${column}\\b`).test(node["Index Cond"]!)));
        t.ok(indexed.length > 0, `${label}${sample}${partner ? `&${partner}=${sample}` : ""}: an index on ${columns.join(", ")}`, {
          plan: plan.map((node) => [node["Node Type"], node["Index Name"], node["Index Cond"]].filter(Boolean).join(" ")),
        });
      }
    });
  }
}
