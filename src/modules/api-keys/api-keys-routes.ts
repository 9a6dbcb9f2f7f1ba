import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ifNoneMatchHits, representationEtag, requireIfMatch } from "../../lib/etag.ts";
import { nextLink } from "../../lib/pagination.ts";
import { ifMatchHeader, ifNoneMatchHeader, jsonResponse, problemResponse } from "../../lib/schemas.ts";
import { ApiKey, ApiKeyCreate, ApiKeyCreated, ApiKeyIdParams, ApiKeyListQuery, ApiKeyPage } from "./api-keys-schemas.ts";
import { apiKeysService } from "./api-keys-service.ts";

const TAG = "API keys";

const common = {
  400: problemResponse("The request is not valid: `errors` names each field and rule."),
  406: problemResponse("The Accept header allows no JSON."),
  503: problemResponse("The database is unavailable; retry after the Retry-After delay."),
};

/** Every route here is for admins only (the auth plugin reads `config.minRole`). */
const adminOnly = { minRole: "admin" as const };

export default async function apiKeysRoutes(appIn: FastifyInstance) {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const service = apiKeysService(app.prisma);

  app.get(
    "/api-keys",
    {
      config: adminOnly,
      schema: {
        tags: [TAG],
        operationId: "listApiKeys",
        summary: "List API keys",
        description: "Never shows the keys themselves, only their prefixes. Filters: `role`, `revoked` (true/false). Sort: `createdAt` (default), `name`.",
        querystring: ApiKeyListQuery,
        response: {
          200: jsonResponse(ApiKeyPage, "One page of API keys."),
          ...common,
        },
      },
    },
    async (request, reply) => {
      const result = await service.list(request.query);
      if (result.nextCursor) reply.header("link", nextLink(request, result.nextCursor));
      return result;
    },
  );

  app.post(
    "/api-keys",
    {
      // The answer holds the key, which must be stored nowhere: no Idempotency-Key replay here.
      config: { ...adminOnly, idempotency: false },
      schema: {
        tags: [TAG],
        operationId: "createApiKey",
        summary: "Create an API key",
        description:
          "The answer carries the new key in `key`: store it now, it is shown only this once (the service keeps only a hash). " +
          "`expiresAt`, when given, must be in the future. `Idempotency-Key` is ignored here: the answer holds a secret that is " +
          "stored nowhere, so it cannot be replayed (a retry makes another key; revoke the one you did not get).",
        body: ApiKeyCreate,
        response: {
          201: jsonResponse(ApiKeyCreated, "The new API key with its secret `key` (shown only here); its URL is in Location."),
          ...common,
          409: problemResponse("Another key got the same random prefix three times in a row (practically never); retry."),
          413: problemResponse("The body is too large."),
          415: problemResponse("The body is not JSON."),
          422: problemResponse("Not answered by this operation (no references, no Idempotency-Key); declared like every create."),
        },
      },
    },
    async (request, reply) => {
      const { record, key } = await service.create(request.body, request.context);
      return reply
        .code(201)
        .header("location", `${request.url.split("?")[0]}/${record.id}`)
        .header("etag", representationEtag(record, [], true))
        .send({ ...record, key });
    },
  );

  app.get(
    "/api-keys/:id",
    {
      config: adminOnly,
      schema: {
        tags: [TAG],
        operationId: "getApiKey",
        summary: "Get an API key",
        description: "Its settings and state, never the key itself.",
        params: ApiKeyIdParams,
        headers: z.object({
          "if-none-match": ifNoneMatchHeader,
        }),
        response: {
          200: jsonResponse(ApiKey, "The API key (without its secret)."),
          304: z.undefined().describe("Not modified: the ETag in If-None-Match is current."),
          ...common,
          404: problemResponse("No record has the id in the path."),
        },
      },
    },
    async (request, reply) => {
      const record = await service.get(request.params.id);
      // lastUsedAt changes without a new version: the ETag covers the whole representation (If-Match takes either form).
      const etag = representationEtag(record, [], true);
      reply.header("etag", etag);
      if (ifNoneMatchHits(request.headers["if-none-match"], etag)) return reply.code(304).send();
      return record;
    },
  );

  app.delete(
    "/api-keys/:id",
    {
      config: adminOnly,
      schema: {
        tags: [TAG],
        operationId: "revokeApiKey",
        summary: "Revoke an API key",
        description:
          "The key stops working with the next request (also when it is the key making this request). The record stays, with " +
          "`revokedAt` set, so the audit log keeps naming it. Requires `If-Match`.",
        params: ApiKeyIdParams,
        headers: z.object({
          "if-match": ifMatchHeader("The ETag from your last read of this key. Required: missing -> 428, stale -> 412."),
        }),
        response: {
          204: z.undefined().describe("Revoked."),
          ...common,
          404: problemResponse("No record has the id in the path."),
          409: problemResponse("The key is already revoked."),
          412: problemResponse("If-Match does not name the current version."),
          428: problemResponse("If-Match is missing."),
        },
      },
    },
    async (request, reply) => {
      const ifMatch = requireIfMatch(request.headers["if-match"]);
      const { prefix } = await service.revoke(request.params.id, ifMatch, request.context);
      app.apiKeyCache.forget(prefix);
      return reply.code(204).send();
    },
  );
}
