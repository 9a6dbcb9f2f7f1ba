import fp from "fastify-plugin";
import type { FastifyInstance, onSendHookHandler } from "fastify";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import compress from "@fastify/compress";
import etag from "@fastify/etag";
import scalar from "@scalar/fastify-api-reference";
import zlib from "node:zlib";
import { Document, isMap, isScalar, isSeq } from "yaml";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";
import packageJson from "../../package.json" with { type: "json" };
import { EXPORT_MAX_ROWS } from "../lib/exports/export-list.ts";
import { tidySchemaComponents } from "../lib/openapi-components.ts";
import { describeSharedContract } from "../lib/openapi-contract.ts";
import { describeProblems } from "../lib/openapi-problems.ts";
import { hoistSharedComponents } from "../lib/openapi-shared.ts";
import { SECURITY_SCHEME } from "../lib/roles.ts";
import { SWAGGER_UI_PLUGINS } from "./swagger-ui-resolver.ts";

export const API_DESCRIPTION = `Activity records of industry clusters: the coordinator that runs a cluster, the cluster, its members,
the coordinator's activity log, strategy meetings, grant applications and media partnerships.

Conventions used by every endpoint:
- Every \`/v1\` endpoint needs an API key: \`Authorization: Bearer <key>\` (press "Authorize" here), but for a calendar feed's link (\`GET /v1/calendar-feeds/{token}.ics\`), whose token is its own credential. Roles: \`reader\` reads, \`editor\` also writes records, \`admin\` also manages API keys and reads the audit log; each operation names the least role it needs, and a higher one works too. No key or a bad one: 401; a role too low: 403.
- Errors are RFC 9457 \`application/problem+json\` with a stable \`code\` and, for invalid input, \`errors[]\` with JSON Pointer paths.
- Lists are cursor-paginated: \`limit\` (1–100, default 25) and \`cursor\` from \`nextCursor\`; a \`Link: <…>; rel="next"\` header too. \`sort\` takes comma-separated fields, each prefixed with \`-\` for descending; ties are broken by id.
- Every record has a history, \`GET …/{id}/history\`: its audit events, oldest first: who created, changed or deleted it, when, and the before/after value of each changed field. A deleted record's history stays readable.
- Single records carry an \`ETag\`; \`PATCH\` and \`DELETE\` require \`If-Match\` (428 if missing, 412 if stale). Every change adds 1 to \`version\` and gives a new ETag. With \`include\`, the ETag also covers the embedded records; If-Match takes the plain one.
- \`PATCH\` takes a JSON Merge Patch (RFC 7396): send only what changes, \`null\` clears an optional field, nested objects merge; the result must be valid as a whole.
- \`POST\` accepts \`Idempotency-Key\`: a retry with the same key and body replays the first answer (\`Idempotent-Replayed: true\`).
- Text search \`q\` ignores case and Polish diacritics (\`lodz\` finds \`Łódź\`).
- Exports: a list whose 200 offers \`text/csv\` answers with CSV or XLSX by \`Accept\`: every record the filters, sort and \`q\` match, unpaged (at most ${EXPORT_MAX_ROWS}, else a 422 with \`matched\`), in the columns its 200 lists, headed in the language of Accept-Language or \`lang\`. CSV: RFC 4180, UTF-8 with a byte order mark, CRLF line ends, a header row then one row per record; \`delimiter=semicolon\` for Polish Excel; dates YYYY-MM-DD, instants RFC 3339, amounts as decimals with the currency in the next column, empty for null. XLSX: typed cells (dates as dates, amounts as numbers with the currency in its own column), a frozen header row, widths by column type. In both, a text starting with \`=\`, \`+\`, \`-\`, \`@\`, TAB or CR is prefixed with \`'\` so that no spreadsheet runs it as a formula.
- Rate limits per API key (per client address without one): every answer carries \`RateLimit-Limit\`, \`RateLimit-Remaining\` and \`RateLimit-Reset\` (seconds); past the limit, 429 with \`Retry-After\`.`;

export const TAGS = [
  { name: "Coordinators", description: "Companies that run a cluster (koordynator klastra)." },
  { name: "Clusters", description: "Industry clusters and the coordinator that runs each." },
  { name: "Organizations", description: "Cluster members and partners (business, science, government: the triple helix) and their cluster memberships." },
  { name: "Meetings", description: "Strategy meetings and workshops, and who took part (business, science, government)." },
  {
    name: "Calendar feeds",
    description: "Read-only calendar links for calendar apps, which cannot send an API key: each carries its own token, shown once, and opens only its calendar.",
  },
  { name: "Activities", description: "The coordinator's activity log: what was done, for which cluster, when, and what belongs to it." },
  { name: "Media partners", description: "Portals and other outlets the coordinator works with, and what they published (promotion)." },
  { name: "Grant applications", description: "Applications for grants and support in kind, with their evaluation, decision and status lifecycle." },
  { name: "Webhooks", description: "Signed, retried pushes of the change feed's events to other systems, with a delivery log (admin only)." },
  { name: "Changes", description: "The change feed: every committed change, in commit order, for systems that keep a copy in sync." },
  { name: "Imports", description: "CSV and XLSX files of records, checked row by row (dry run) and written all or nothing." },
  { name: "Reports", description: "Yearly figures for funders and the regional (marshal's) office: what the coordinator did in a year, in numbers." },
  { name: "Audit", description: "The append-only audit log: who changed what, when, with the before/after of each changed field." },
  { name: "API keys", description: "Keys for `Authorization: Bearer <key>` and their roles (admin only). A key is shown once, when it is created." },
  { name: "Health", description: "Liveness and readiness probes." },
  { name: "Problems", description: "The problem types (error codes) the API answers with." },
];

async function swaggerPlugin(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Cluster Records API",
        version: packageJson.version,
        description: API_DESCRIPTION,
        license: { name: "UNLICENSED", identifier: "UNLICENSED" } as never,
      },
      // Relative: "Try it out" in Swagger UI calls the very server (local, staging or production) that serves the docs.
      servers: [{ url: "/", description: "The server this document is served from (local, staging or production alike).", "x-internal": false } as never],
      tags: TAGS,
      components: {
        securitySchemes: {
          [SECURITY_SCHEME]: {
            type: "http",
            scheme: "bearer",
            description: "An API key (`crk_…`): `Authorization: Bearer <key>`. Each /v1 operation names the role it needs.",
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (document) => hoistSharedComponents(describeProblems(describeSharedContract(tidySchemaComponents(jsonSchemaTransformObject(document) as never)))),
  });
  await app.register(docsPlugin);
}

/**
 * What people and tools read: the document (JSON, YAML), Swagger UI at /docs and the read-first Scalar reference at
 * /reference, all served from this process and node_modules (nothing from a CDN). Encapsulated, so that only these
 * answers are compressed (br, gzip) and given an ETag (304 on If-None-Match); the API's own answers are left alone.
 */
async function docsPlugin(app: FastifyInstance) {
  // The ETag is computed over the uncompressed body, so it is registered before compression.
  await app.register(etag);
  await app.register(compress, {
    encodings: ["br", "gzip"],
    // The library's own list (mime-db's "compressible") leaves out application/yaml.
    customTypes: /^text\/(?!event-stream)|(?:\+|\/)(?:json|yaml|javascript|xml)(?:;|$)/,
    // Quality 5: within a few per cent of the maximum for the 1.5 MB Swagger UI bundle, and ~50× faster to produce.
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } },
  });
  // The document changes only with a new release: caches keep it but ask again (a cheap 304) every time. A hook of
  // those routes only (onRoute): an application-wide onSend hook ran on every answer of the API.
  app.addHook("onRoute", (route) => {
    if (!SPEC_PATHS.has(route.url)) return;
    const noCache: onSendHookHandler = (_request, reply, payload, done) => {
      reply.header("cache-control", "no-cache");
      done(null, payload);
    };
    route.onSend = [noCache, ...(route.onSend === undefined ? [] : Array.isArray(route.onSend) ? route.onSend : [route.onSend])];
  });
  await app.register(swaggerUi, {
    routePrefix: "/docs",
    // persistAuthorization: the key entered under "Authorize" survives a reload of the page. The plugins are
    // serialized into the page's script; the resolver is what makes /docs usable within 2 s (swagger-ui-resolver.ts).
    uiConfig: {
      deepLinking: true,
      displayRequestDuration: true,
      tryItOutEnabled: true,
      persistAuthorization: true,
      plugins: SWAGGER_UI_PLUGINS as never,
    },
  });
  // Scalar's script, from its package; its page is ours (below), so that no inline script needs a CSP exception.
  await app.register(scalar, { routePrefix: "/reference/assets", logLevel: "warn" });
  app.get("/reference", { schema: { hide: true } }, async (_request, reply) => reply.type("text/html; charset=utf-8").send(REFERENCE_PAGE));
  app.get("/reference/init.js", { schema: { hide: true } }, async (_request, reply) =>
    reply.type("application/javascript; charset=utf-8").send(REFERENCE_INIT),
  );

  app.get("/openapi.json", { schema: { hide: true } }, async (_request, reply) => reply.type("application/json; charset=utf-8").send(openApiDocuments(app).json));
  app.get("/openapi.yaml", { schema: { hide: true } }, async (_request, reply) => reply.type("application/yaml; charset=utf-8").send(openApiDocuments(app).yaml));
}

const SPEC_PATHS = new Set(["/openapi.json", "/openapi.yaml", "/docs/json", "/docs/yaml"]);

const REFERENCE_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Cluster Records API reference</title>
  </head>
  <body>
    <div id="app"></div>
    <script src="/reference/assets/js/scalar.js"></script>
    <script src="/reference/init.js"></script>
  </body>
</html>
`;

// withDefaultFonts: false — Scalar would otherwise load its fonts from its CDN; the system fonts do.
const REFERENCE_INIT = `Scalar.createApiReference("#app", ${JSON.stringify({ url: "/openapi.json", withDefaultFonts: false, hideClientButton: false })});\n`;

const YAML_OPTIONS = { lineWidth: 0, indentSeq: false, aliasDuplicateObjects: false, flowCollectionPadding: false } as const;
/** The longest map written on one line (`{$ref: "#/components/responses/NotFound"}`, `{type: string, maxLength: 200}`). */
const FLOW_WIDTH = 100;

/**
 * No line folding and no YAML aliases: every line of the committed file reads on its own in a diff. A small map of
 * plain values (a reference, a short schema) is written on one line, in flow style, as it would be by hand.
 */
function toYaml(doc: unknown): string {
  const yaml = new Document(doc, YAML_OPTIONS);
  // Bottom up: a collection goes on one line when all it holds already does and the line stays short.
  const oneLine = (node: unknown): boolean => {
    if (isScalar(node)) return true;
    if (!isMap(node) && !isSeq(node)) return false;
    const children = isMap(node) ? node.items.map((pair) => pair.value) : node.items;
    const all = children.map(oneLine).every(Boolean);
    if (!all || children.length === 0) return false;
    node.flow = true;
    if (new Document(node, YAML_OPTIONS).toString(YAML_OPTIONS).length > FLOW_WIDTH) node.flow = false;
    return node.flow;
  };
  oneLine(yaml.contents);
  return yaml.toString(YAML_OPTIONS);
}

const documents = new WeakMap<FastifyInstance, { json: string; yaml: string }>();

/** The document as served and committed, serialized once per app (it cannot change while the app runs). */
export function openApiDocuments(app: FastifyInstance): { json: string; yaml: string } {
  let cached = documents.get(app);
  if (!cached) {
    const doc = app.swagger();
    cached = { json: JSON.stringify(doc), yaml: toYaml(doc) };
    documents.set(app, cached);
  }
  return cached;
}

export default fp(swaggerPlugin, { name: "swagger" });
