import fp from "fastify-plugin";
import type { FastifyInstance } from "fastify";
import { ApiError } from "../lib/problem.ts";

const ACCEPTABLE = ["application/json", "application/problem+json", "application/merge-patch+json", "application/*", "*/*"];

/** HTTP details every route shares: request id echo, JSON Merge Patch bodies, content negotiation. */
async function httpPlugin(app: FastifyInstance) {
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
    // 406 only for the JSON API; docs and the YAML spec negotiate on their own.
    const accept = request.headers.accept;
    if (accept && request.url.startsWith("/v1/")) {
      const types = accept.split(",").map((part) => part.split(";")[0]!.trim().toLowerCase());
      if (!types.some((type) => ACCEPTABLE.includes(type) || type.endsWith("+json"))) {
        throw new ApiError("not_acceptable", `This endpoint answers with application/json; Accept was "${accept}".`);
      }
    }
  });

  // RFC 7396 bodies are JSON; parse them with the same safe parser (rejects __proto__ and constructor keys).
  app.addContentTypeParser("application/merge-patch+json", { parseAs: "string" }, app.getDefaultJsonParser("error", "error"));
}

export default fp(httpPlugin, { name: "http" });
