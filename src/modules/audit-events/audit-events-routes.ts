import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { nextLink } from "../../lib/pagination.ts";
import { jsonResponse, problemResponse } from "../../lib/schemas.ts";
import { AuditEventListQuery, AuditEventPage } from "./audit-events-schemas.ts";
import { auditEventsService } from "./audit-events-service.ts";

/** `GET /audit-events`: the whole log, for admins. There is no route that changes or deletes an event. */
export default async function auditEventsRoutes(appIn: FastifyInstance) {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const service = auditEventsService(app.prisma);

  app.get(
    "/audit-events",
    {
      config: { minRole: "admin" },
      schema: {
        tags: ["Audit"],
        operationId: "listAuditEvents",
        summary: "List audit events",
        description:
          "Every write (create, update, delete, status transition, API key change) appends one event in the same transaction as the change: " +
          "who (API key id and name), when, the request id, what (resource type and id, version) and how (`changes`: before/after of each changed field). " +
          "Newest first. Filters: `resourceType`, `resourceId`, `keyId`, `action`, `requestId`, `occurredFrom`/`occurredTo` (RFC 3339). " +
          "Admin only. The log is append-only: no endpoint edits or deletes it.",
        querystring: AuditEventListQuery,
        response: {
          200: jsonResponse(AuditEventPage, "One page of audit events, newest first."),
          400: problemResponse("The request is not valid: `errors` names each field and rule."),
          406: problemResponse("The Accept header allows no JSON."),
          503: problemResponse("The database is unavailable; retry after the Retry-After delay."),
        },
      },
    },
    async (request, reply) => {
      const result = await service.list(request.query);
      if (result.nextCursor) reply.header("link", nextLink(request, result.nextCursor));
      return result;
    },
  );
}
