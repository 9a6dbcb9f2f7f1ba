// Issue 10: the request schemas say what the server enforces. Bodies generated from the committed openapi.yaml for every
// create (POST) and update (PATCH) operation, and valid against it (ajv, with the document's own keywords for the
// cross-field rules JSON Schema has none for: src/fuzz/spec-extensions.ts), are sent to the app with their references
// aimed at records that exist. Overall, at least 99 % of them must be accepted (2xx), and at least 90 % of each
// operation's; the rest must get a 4xx, never a 5xx. A body the server refuses although the document allows it means
// the document does not tell the whole truth: the fix is in the schemas, not here. Counted apart, and reported:
// - a 409 `conflict` for a unique key an earlier generated body took (the generator cannot know what is taken);
// - a 422 `webhook_url_refused`: whether a host resolves to a public address is the world's business, not the document's;
// - a patch whose merged record would not be a valid create (JSON Merge Patch: the document judges the result, which
//   depends on the stored record). It is sent all the same, and must not get a 5xx.
// ACCEPTANCE_RUNS bodies per operation (default 40; about 30 s on PGlite), ACCEPTANCE_SEED to repeat a run.
import fs from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import fc from "fast-check";
import t from "tap";
import { parse } from "yaml";
import { seedDemoData } from "../../src/db/seed.ts";
import { CHECKED_FORMATS, schemaArbitrary, type OpenApiDocument, type Operation, type References } from "../../src/fuzz/openapi-fuzz.ts";
import { applyMergePatch } from "../../src/lib/merge-patch.ts";
import { EXTENSION_KEYWORDS } from "../../src/fuzz/spec-extensions.ts";
import { inlineSharedComponents } from "../../src/lib/openapi-shared.ts";
import { testApp } from "../helper.ts";

const RUNS = Number(process.env.ACCEPTANCE_RUNS ?? 40);
const SEED = Number(process.env.ACCEPTANCE_SEED ?? Date.now() % 2 ** 31);
const OVERALL_SHARE = 0.99;
const OPERATION_SHARE = 0.9;
const doc = inlineSharedComponents(parse(fs.readFileSync(path.resolve(import.meta.dirname, "../../openapi.yaml"), "utf8")) as OpenApiDocument);

const ajv = new Ajv2020({ strict: false, validateFormats: true });
addFormats.default(ajv);
ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
for (const [name, check] of Object.entries(CHECKED_FORMATS)) ajv.addFormat(name, check);
for (const keyword of EXTENSION_KEYWORDS) ajv.addKeyword(keyword);
ajv.addSchema({ $id: "https://cluster-records.invalid/components", $defs: JSON.parse(JSON.stringify(doc.components.schemas).replaceAll('"#/components/schemas/', '"#/$defs/')) });
const validator = (name: string) => ajv.getSchema(`https://cluster-records.invalid/components#/$defs/${name}`)!;

const { app, db } = await testApp(t);
await seedDemoData(db.prisma);
// A webhook to update: creating one through the API needs a host that resolves to a public address.
await db.prisma.webhookSubscription.create({ data: { url: "https://crm.example.pl/hooks/cluster-records", eventTypes: ["*"], secret: "whsec_dGVzdA==" } });

const idsOf = async (sql: string) => (await db.prisma.$queryRawUnsafe<Array<{ id: string; parent?: string }>>(sql)).map((row) => row);
const column = async (table: string) => (await idsOf(`SELECT id FROM ${table}`)).map((row) => row.id);

/** What each referring body member points at. */
const references: References = {
  coordinatorId: await column("coordinators"),
  applicantId: await column("coordinators"),
  clusterId: await column("clusters"),
  organizationId: await column("organizations"),
  fundingBodyId: await column("organizations"),
  activityId: await column("activities"),
  mediaPartnerIds: await column("media_partners"),
};

/** The records an operation's path parameters can name: [parent id, id] rows for each path template. */
const targets: Record<string, string> = {
  "/v1/organizations/{organizationId}/memberships": "SELECT id AS parent FROM organizations",
  "/v1/media-partners/{mediaPartnerId}/publications": "SELECT id AS parent FROM media_partners",
  "/v1/meetings/{meetingId}/participants": "SELECT id AS parent FROM meetings",
  "/v1/organizations/{organizationId}/memberships/{id}": "SELECT organization_id AS parent, id FROM cluster_memberships",
  "/v1/media-partners/{mediaPartnerId}/publications/{id}": "SELECT media_partner_id AS parent, id FROM media_publications",
  "/v1/meetings/{meetingId}/participants/{id}": "SELECT meeting_id AS parent, id FROM meeting_participants",
  "/v1/coordinators/{id}": "SELECT id FROM coordinators",
  "/v1/clusters/{id}": "SELECT id FROM clusters",
  "/v1/grant-applications/{id}": "SELECT id FROM grant_applications",
  "/v1/organizations/{id}": "SELECT id FROM organizations",
  "/v1/media-partners/{id}": "SELECT id FROM media_partners",
  "/v1/meetings/{id}": "SELECT id FROM meetings",
  "/v1/calendar-feeds/{id}": "SELECT id FROM calendar_feeds",
  "/v1/activities/{id}": "SELECT id FROM activities",
  "/v1/webhooks/{id}": "SELECT id FROM webhook_subscriptions",
};

/** Creates first (so that every record type has records to update), then updates; imports take files, not JSON. */
type Target = { method: "POST" | "PATCH"; route: string; operation: Operation; schema: string };
const operations: Target[] = [];
for (const method of ["post", "patch"] as const) {
  for (const [route, item] of Object.entries(doc.paths)) {
    const operation = item[method];
    const name = operation?.operationId ?? "";
    if (!operation || !(method === "post" ? /^create/ : /^update/).test(name)) continue;
    const ref = (operation.requestBody?.content["application/json"]?.schema as { $ref?: string } | undefined)?.$ref;
    if (ref) operations.push({ method: method === "post" ? "POST" : "PATCH", route, operation, schema: ref.split("/").pop()! });
  }
}

async function urlFor(route: string, random: number): Promise<string | undefined> {
  if (!route.includes("{")) return route;
  const rows = await idsOf(targets[route] ?? "SELECT NULL::uuid AS id WHERE false");
  if (rows.length === 0) return undefined;
  const row = rows[random % rows.length]!;
  return route.replace(/\{id\}/, row.id ?? "").replace(/\{[A-Za-z]+Id\}/, row.parent ?? row.id);
}

/** A record as a create would send it: the members the create schema has (the record's own, such as `id`, dropped). */
function asCreate(record: Record<string, unknown>, createSchema: string): Record<string, unknown> {
  const properties = (doc.components.schemas[createSchema] as { properties?: Record<string, unknown> }).properties ?? {};
  return Object.fromEntries(Object.entries(record).filter(([name]) => name in properties));
}

const total = { counted: 0, refused: 0, reasons: [] as string[] };
type Tally = { accepted: number; uniqueTaken: number; unreachable: number; invalidResult: number; refused: Map<string, { count: number; sent: string }> };
const tallies = new Map<string, Tally>();

/** Why the server refused: status, code and the fields at fault. */
function reason(status: number, body: string): string {
  try {
    const problem = JSON.parse(body) as { code?: string; rule?: string; errors?: Array<{ path: string; message: string }> };
    return `${status} ${problem.code ?? ""}${problem.rule ? ` (${problem.rule})` : ""} ${(problem.errors ?? []).map((e) => `${e.path} ${e.message}`).join("; ")}`;
  } catch {
    return `${status} ${body.slice(0, 200)}`;
  }
}

t.test(`generated valid bodies for ${operations.length} create and update operations (seed ${SEED})`, async (t) => {
  t.ok(operations.length >= 24, "every create and update with a JSON body");
  for (const { method, route, operation, schema } of operations) {
    const valid = validator(schema);
    const createSchema = schema.replace(/Patch$/, "Create");
    const validResult = validator(createSchema);
    const tally: Tally = { accepted: 0, uniqueTaken: 0, unreachable: 0, invalidResult: 0, refused: new Map() };
    tallies.set(operation.operationId, tally);
    const bodies = schemaArbitrary(doc, { $ref: `#/components/schemas/${schema}` }, 0, references).filter((body) => valid(body) === true);
    await fc.assert(
      fc.asyncProperty(bodies, fc.nat(), async (body, random) => {
        const url = await urlFor(route, random);
        if (url === undefined) throw new Error(`no record to ${method} at ${route}`);
        // A merge patch is valid when the record it makes is a valid create: JSON Schema cannot say that of the patch alone.
        let resultValid = true;
        if (method === "PATCH") {
          const current = await app.inject({ method: "GET", url });
          resultValid = validResult(applyMergePatch(asCreate(current.json(), createSchema), body)) === true;
        }
        const res = await app.inject({ method, url, headers: method === "PATCH" ? { "if-match": "*" } : {}, payload: body as object });
        if (res.statusCode >= 500) throw new Error(`${method} ${url} ${JSON.stringify(body)}\n-> ${res.statusCode} ${res.body}`);
        const code = res.statusCode < 300 ? undefined : (res.json() as { code?: string }).code;
        if (!resultValid) {
          tally.invalidResult++;
          if (res.statusCode < 300) tally.accepted++;
        } else if (res.statusCode < 300) tally.accepted++;
        else if (res.statusCode === 409 && code === "conflict") tally.uniqueTaken++;
        // Whether a webhook's host resolves to a public address is the world's business, not the document's.
        else if (code === "webhook_url_refused") tally.unreachable++;
        else {
          const why = reason(res.statusCode, res.body);
          const seen = tally.refused.get(why);
          tally.refused.set(why, { count: (seen?.count ?? 0) + 1, sent: seen?.sent ?? JSON.stringify(body).slice(0, 300) });
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    const refused = [...tally.refused.values()].reduce((sum, { count }) => sum + count, 0);
    const counted = RUNS - tally.invalidResult - tally.uniqueTaken - tally.unreachable;
    const accepted = counted - refused;
    total.counted += counted;
    total.refused += refused;
    for (const [why, { count, sent }] of tally.refused) total.reasons.push(`${method} ${route} ×${count}: ${why} <- ${sent}`);
    t.ok(
      // Enough bodies counted to judge, unless every one went to a host that does not resolve (POST /v1/webhooks here).
      (counted >= RUNS / 8 || tally.unreachable > RUNS / 2) && accepted >= OPERATION_SHARE * counted,
      `${method} ${route}: ${accepted} of ${counted} accepted` +
        ` (apart: ${tally.uniqueTaken} unique keys taken, ${tally.unreachable} webhook hosts unreachable, ${tally.invalidResult} patches making an invalid record)`,
      { refused: Object.fromEntries(tally.refused) },
    );
  }
  const accepted = total.counted - total.refused;
  // What the document still leaves out, shown even when the share is met.
  for (const why of total.reasons) t.comment(`refused: ${why}`);
  t.ok(
    accepted >= OVERALL_SHARE * total.counted,
    `overall: ${accepted} of ${total.counted} generated valid bodies accepted (${((100 * accepted) / total.counted).toFixed(1)} %)`,
    { refused: total.reasons },
  );
});
