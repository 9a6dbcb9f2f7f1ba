import fp from "fastify-plugin";
import type { FastifyInstance } from "fastify";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";
import packageJson from "../../package.json" with { type: "json" };
import { tidySchemaComponents } from "../lib/openapi-components.ts";

export const API_DESCRIPTION = `Activity records of industry clusters: the coordinator that runs a cluster, the cluster, its members,
the coordinator's activity log, strategy meetings, grant applications and media partnerships.

Conventions used by every endpoint:
- Errors are RFC 9457 \`application/problem+json\` with a stable \`code\` and, for invalid input, \`errors[]\` with JSON Pointer paths.
- Lists are cursor-paginated: \`limit\` (1–100, default 25) and \`cursor\` from \`nextCursor\`; a \`Link: <…>; rel="next"\` header too.
- Single records carry an \`ETag\`; \`PATCH\` and \`DELETE\` require \`If-Match\` (428 if missing, 412 if stale).
- \`PATCH\` takes a JSON Merge Patch (RFC 7396): send only what changes, \`null\` clears an optional field.
- \`POST\` accepts \`Idempotency-Key\`: a retry with the same key and body replays the first answer (\`Idempotent-Replayed: true\`).
- Text search \`q\` ignores case and Polish diacritics (\`lodz\` finds \`Łódź\`).`;

export const TAGS = [
  { name: "Coordinators", description: "Companies that run a cluster (koordynator klastra)." },
  { name: "Clusters", description: "Industry clusters and the coordinator that runs each." },
  { name: "Organizations", description: "Cluster members and partners (business, science, government: the triple helix) and their cluster memberships." },
  { name: "Meetings", description: "Strategy meetings and workshops, and who took part (business, science, government)." },
  { name: "Activities", description: "The coordinator's activity log: what was done, for which cluster, when, and what belongs to it." },
  { name: "Media partners", description: "Portals and other outlets the coordinator works with, and what they published (promotion)." },
  { name: "Grant applications", description: "Applications for grants and support in kind, with their evaluation, decision and status lifecycle." },
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
      tags: TAGS,
    },
    transform: jsonSchemaTransform,
    transformObject: (document) => tidySchemaComponents(jsonSchemaTransformObject(document) as never),
  });
  await app.register(swaggerUi, {
    routePrefix: "/docs",
    uiConfig: { deepLinking: true, displayRequestDuration: true, tryItOutEnabled: true },
  });

  app.get("/openapi.json", { schema: { hide: true } }, async (_request, reply) => reply.type("application/json").send(app.swagger()));
  app.get("/openapi.yaml", { schema: { hide: true } }, async (_request, reply) =>
    reply.type("application/yaml; charset=utf-8").send(app.swagger({ yaml: true })),
  );
}

export default fp(swaggerPlugin, { name: "swagger" });
