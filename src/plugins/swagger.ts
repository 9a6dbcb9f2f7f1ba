import fp from "fastify-plugin";
import type { FastifyInstance } from "fastify";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";
import packageJson from "../../package.json" with { type: "json" };
import { tidySchemaComponents } from "../lib/openapi-components.ts";
import { describeSharedContract } from "../lib/openapi-contract.ts";
import { SECURITY_SCHEME } from "../lib/roles.ts";

export const API_DESCRIPTION = `Activity records of industry clusters: the coordinator that runs a cluster, the cluster, its members,
the coordinator's activity log, strategy meetings, grant applications and media partnerships.

Conventions used by every endpoint:
- Every \`/v1\` endpoint needs an API key: \`Authorization: Bearer <key>\` (press "Authorize" here). Roles: \`reader\` reads, \`editor\` also writes records, \`admin\` also manages API keys and reads the audit log; each operation names its role. No key or a bad one: 401; a role too low: 403.
- Errors are RFC 9457 \`application/problem+json\` with a stable \`code\` and, for invalid input, \`errors[]\` with JSON Pointer paths.
- Lists are cursor-paginated: \`limit\` (1–100, default 25) and \`cursor\` from \`nextCursor\`; a \`Link: <…>; rel="next"\` header too.
- Single records carry an \`ETag\`; \`PATCH\` and \`DELETE\` require \`If-Match\` (428 if missing, 412 if stale).
- \`PATCH\` takes a JSON Merge Patch (RFC 7396): send only what changes, \`null\` clears an optional field.
- \`POST\` accepts \`Idempotency-Key\`: a retry with the same key and body replays the first answer (\`Idempotent-Replayed: true\`).
- Text search \`q\` ignores case and Polish diacritics (\`lodz\` finds \`Łódź\`).
- Rate limits per API key (per client address without one): every answer carries \`RateLimit-Limit\`, \`RateLimit-Remaining\` and \`RateLimit-Reset\` (seconds); past the limit, 429 with \`Retry-After\`.`;

export const TAGS = [
  { name: "Coordinators", description: "Companies that run a cluster (koordynator klastra)." },
  { name: "Clusters", description: "Industry clusters and the coordinator that runs each." },
  { name: "Organizations", description: "Cluster members and partners (business, science, government: the triple helix) and their cluster memberships." },
  { name: "Meetings", description: "Strategy meetings and workshops, and who took part (business, science, government)." },
  { name: "Activities", description: "The coordinator's activity log: what was done, for which cluster, when, and what belongs to it." },
  { name: "Media partners", description: "Portals and other outlets the coordinator works with, and what they published (promotion)." },
  { name: "Grant applications", description: "Applications for grants and support in kind, with their evaluation, decision and status lifecycle." },
  { name: "Webhooks", description: "Signed, retried pushes of the change feed's events to other systems, with a delivery log (admin only)." },
  { name: "Changes", description: "The change feed: every committed change, in commit order, for systems that keep a copy in sync." },
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
    transformObject: (document) => describeSharedContract(tidySchemaComponents(jsonSchemaTransformObject(document) as never)),
  });
  await app.register(swaggerUi, {
    routePrefix: "/docs",
    // persistAuthorization: the key entered under "Authorize" survives a reload of the page.
    uiConfig: { deepLinking: true, displayRequestDuration: true, tryItOutEnabled: true, persistAuthorization: true },
  });

  app.get("/openapi.json", { schema: { hide: true } }, async (_request, reply) => reply.type("application/json").send(app.swagger()));
  app.get("/openapi.yaml", { schema: { hide: true } }, async (_request, reply) =>
    reply.type("application/yaml; charset=utf-8").send(app.swagger({ yaml: true })),
  );
}

export default fp(swaggerPlugin, { name: "swagger" });
