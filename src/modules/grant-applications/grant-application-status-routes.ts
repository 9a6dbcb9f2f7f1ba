import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { etagOf } from "../../lib/etag.ts";
import { nextLink } from "../../lib/pagination.ts";
import { IdParams, idempotencyKeyHeader, ifMatchHeader, jsonResponse, problemResponse } from "../../lib/schemas.ts";
import { GrantApplicationStatusChangePage, GrantApplicationStatusHistoryQuery, GrantApplicationTransition } from "./grant-application-status-schemas.ts";
import { grantApplicationStatusService } from "./grant-application-status-service.ts";
import { GrantApplication } from "./grant-applications-schemas.ts";

const TAG = "Grant applications";

const common = {
  400: problemResponse("The request is not valid: `errors` names each field and rule."),
  404: problemResponse("No grant application has this id."),
  406: problemResponse("The Accept header allows no JSON."),
  503: problemResponse("The database is unavailable; retry after the Retry-After delay."),
};

/** The lifecycle: POST …/transitions moves an application on; GET …/status-history reads the append-only log. */
export function registerGrantApplicationStatusRoutes(appIn: FastifyInstance) {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const service = grantApplicationStatusService(app.prisma);

  app.post(
    "/grant-applications/:id/transitions",
    {
      schema: {
        tags: [TAG],
        operationId: "transitionGrantApplication",
        summary: "Change a grant application's status",
        description:
          "Moves the application to `to`, which must be one of its `allowedTransitions` (409 `transition_not_allowed` otherwise, " +
          "listing them): draft -> submitted -> under_evaluation -> approved | rejected; approved -> contracted -> completed; " +
          "withdrawn from draft, submitted, under_evaluation or approved. `on` (YYYY-MM-DD) becomes `statusChangedOn` and may not " +
          "be earlier than the previous dated change; `submitted` also fills an empty `submittedOn`. Each change is appended to " +
          "the status history. `If-Match` is optional here; when sent it must be current (412).",
        params: IdParams,
        headers: z.object({
          "if-match": ifMatchHeader("Optional: the ETag from your last read; stale -> 412."),
          "idempotency-key": idempotencyKeyHeader,
        }),
        body: GrantApplicationTransition,
        response: {
          200: jsonResponse(GrantApplication, "The grant application in its new status."),
          ...common,
          409: problemResponse("The status cannot move to `to` from the current one; `allowedTransitions` lists where it can."),
          412: problemResponse("If-Match does not name the current version."),
          413: problemResponse("The body is too large."),
          415: problemResponse("The body is not JSON."),
          422: problemResponse("The idempotency key was used with another body."),
        },
      },
    },
    async (request, reply) => {
      const updated = await service.transition(request.params.id, request.body, request.headers["if-match"], request.context);
      return reply.header("etag", etagOf(updated)).send(updated);
    },
  );

  app.get(
    "/grant-applications/:id/status-history",
    {
      schema: {
        tags: [TAG],
        operationId: "listGrantApplicationStatusHistory",
        summary: "List a grant application's status changes",
        description: "Oldest first; the first entry (from null to draft) is written when the application is created. The history cannot be edited.",
        params: IdParams,
        querystring: GrantApplicationStatusHistoryQuery,
        response: {
          200: jsonResponse(GrantApplicationStatusChangePage, "One page of status changes."),
          ...common,
        },
      },
    },
    async (request, reply) => {
      const result = await service.history(request.params.id, request.query);
      if (result.nextCursor) reply.header("link", nextLink(request, result.nextCursor));
      return result;
    },
  );
}
