import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { AuditEventPage, AuditHistoryQuery } from "../modules/audit-events/audit-events-schemas.ts";
import { auditEventsService } from "../modules/audit-events/audit-events-service.ts";
import type { AnyResource } from "./resource.ts";
import { EXPORT_MAX_ROWS, EXPORT_MEDIA_TYPES, listFormat, listResponse, sendExport } from "./exports/export-list.ts";
import type { Role } from "./request-context.ts";
import { ifNoneMatchHits, representationEtag, requireIfMatch } from "./etag.ts";
import { nextLink } from "./pagination.ts";
import { IdParams, Uuid, commonProblems, idempotencyKeyHeader, ifMatchHeader, ifNoneMatchHeader, jsonResponse, problemResponse } from "./schemas.ts";

/**
 * The five routes of a collection resource, declared the same way for every resource: list (cursor pages,
 * Link header), create (201 + Location + ETag, Idempotency-Key), get (ETag, If-None-Match -> 304),
 * patch (JSON Merge Patch, If-Match) and delete (If-Match). Every status a route can answer is declared.
 * A sub-resource (`/meetings/{meetingId}/participants`) names its parent; its service then receives the
 * parent's id as the last argument of every method and answers 404 when the parent does not exist.
 * Every resource also gets `GET …/{id}/history`: its audit events, oldest first.
 */

const IfMatchHeader = z.object({
  "if-match": ifMatchHeader("The ETag from your last read of this record. Required: missing -> 428, stale -> 412."),
});
const IfNoneMatchHeader = z.object({ "if-none-match": ifNoneMatchHeader });
const IdempotencyHeader = z.object({ "idempotency-key": idempotencyKeyHeader });

const NoQuery = z.strictObject({});

export function registerCrudRoutes(app: FastifyInstance, resource: AnyResource) {
  // Generic over the resource's schemas, so request/reply are typed here by hand; validation still runs through zod,
  // and responses through the serializer the app installs (lib/serializer.ts), both from the same zod schemas.
  const { path, names, schemas, operationIds } = resource;
  const { tag } = names;
  // A sub-resource's parent: its collection, its id's path parameter (the foreign key) and its noun.
  const parent = resource.parent && { ...app.records.definition(resource.parent.resource), param: resource.parent.key };
  const service = app.records.of(resource);
  const audit = auditEventsService(app.prisma);
  // GET /{id} with no query parameters: how the history route learns whether a record without events exists.
  const plainGetQuery = (schemas.getQuery ?? NoQuery).parse({});
  const collection = parent ? `/${parent.path}/:${parent.param}/${path}` : `/${path}`;
  const item = `${collection}/:id`;
  const CollectionParams = parent ? z.strictObject({ [parent.param]: Uuid }) : undefined;
  const ItemParams = parent ? z.strictObject({ [parent.param]: Uuid, id: Uuid }) : IdParams;
  const parentIdOf = (request: { params: unknown }) => (parent ? (request.params as Record<string, string>)[parent.param]! : "");
  // "OrganizationMemberships" -> "organization memberships" in summaries.
  const manyText = names.many.replace(/(?<=[a-z])(?=[A-Z])/g, " ").toLowerCase();
  const aNoun = `${/^[aeiou]/i.test(names.noun) ? "an" : "a"} ${names.noun}`; // "an organization", "a cluster"
  // The same words for every resource (the operation names the noun), so that the document states each answer once.
  const notFoundText = parent ? "The record in the path, or the one it belongs to, does not exist." : "No record has the id in the path.";
  const parentNotFound = parent ? { 404: problemResponse("The record the path names as the parent does not exist.") } : {};
  const config: { minRole?: Role } = resource.minRole ? { minRole: resource.minRole } : {};
  // GET and PATCH answer alike: the record, and its ETag as the document's description tells (src/plugins/swagger.ts).
  const recordResponse = jsonResponse(schemas.record, `The ${names.noun}.`);

  app.get(
    collection,
    {
      // The http plugin's Accept check lets the spreadsheet types through; the handler picks (lib/exports/).
      config: { ...config, produces: EXPORT_MEDIA_TYPES },
      schema: {
        tags: [tag],
        operationId: operationIds.list,
        summary: `List ${manyText}`,
        description: resource.descriptions?.list,
        ...(CollectionParams ? { params: CollectionParams } : {}),
        querystring: schemas.listQuery,
        response: {
          200: listResponse(schemas.page, `One page of ${manyText}.`, resource),
          ...commonProblems,
          406: problemResponse("The Accept header allows none of JSON, CSV and XLSX."),
          422: problemResponse(`A spreadsheet was asked for and more than ${EXPORT_MAX_ROWS} records match: \`matched\` says how many; narrow the filters.`),
          ...parentNotFound,
        },
      },
    },
    async (request, reply) => {
      const format = listFormat(request);
      if (format !== "application/json") {
        const query = request.query as Record<string, unknown>;
        return sendExport(request, reply, { resource, service, query, parentId: parentIdOf(request), mediaType: format });
      }
      const result = await service.list(request.query, parentIdOf(request));
      if (result.nextCursor) reply.header("link", nextLink(request, result.nextCursor));
      return result;
    },
  );

  app.post(
    collection,
    {
      // An answer that holds a secret must be stored nowhere: no Idempotency-Key replay for it.
      config: resource.secret ? { ...config, idempotency: false } : config,
      schema: {
        tags: [tag],
        operationId: operationIds.create,
        summary: `Create ${aNoun}`,
        description: resource.descriptions?.create,
        ...(CollectionParams ? { params: CollectionParams } : {}),
        ...(resource.secret ? {} : { headers: IdempotencyHeader }),
        body: schemas.create,
        response: {
          201: jsonResponse(
            schemas.created ?? schemas.record,
            `The new ${names.noun}${resource.secret ? ", with its secret shown this once" : ""}.`,
          ),
          ...commonProblems,
          ...parentNotFound,
          409: problemResponse("A unique value is already taken, or the idempotency key is in use by a request still running."),
          413: problemResponse("The body is too large."),
          415: problemResponse("The body is not JSON."),
          422: problemResponse("A referenced record does not exist, or the idempotency key was used with another body."),
        },
      },
    },
    async (request, reply) => {
      const created = await service.create(request.body, parentIdOf(request), { publicBaseUrl: app.publicBaseUrl ?? "", context: request.context });
      return reply
        .code(201)
        .header("location", `${request.url.split("?")[0]}/${created.id}`)
        .header("etag", representationEtag(created, [], resource.derivedFields))
        .send(created as never);
    },
  );

  app.get(
    item,
    {
      config,
      schema: {
        tags: [tag],
        operationId: operationIds.get,
        summary: `Get ${aNoun}`,
        params: ItemParams,
        querystring: schemas.getQuery ?? NoQuery,
        headers: IfNoneMatchHeader,
        response: {
          200: recordResponse,
          304: z.undefined().describe("Not modified: the ETag in If-None-Match is current."),
          ...commonProblems,
          404: problemResponse(notFoundText),
        },
      },
    },
    async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const record = await service.get((request.params as { id: string }).id, query, parentIdOf(request));
      // With include= the representation embeds other records, and its ETag covers their versions too.
      const include = Array.isArray(query.include) ? (query.include as string[]) : [];
      const etag = representationEtag(record, include, resource.derivedFields);
      reply.header("etag", etag);
      if (ifNoneMatchHits(request.headers["if-none-match"], etag)) return reply.code(304).send();
      return record;
    },
  );

  app.patch(
    item,
    {
      config,
      schema: {
        tags: [tag],
        operationId: operationIds.update,
        summary: `Update ${aNoun} (JSON Merge Patch)`,
        // How a merge patch works is said once, in the document's description (src/plugins/swagger.ts).
        params: ItemParams,
        headers: IfMatchHeader,
        body: schemas.patch,
        // The request body's media types in the OpenAPI document (both parse the same; see plugins/http.ts).
        consumes: ["application/merge-patch+json", "application/json"],
        response: {
          200: recordResponse,
          ...commonProblems,
          404: problemResponse(notFoundText),
          409: problemResponse("A unique value is already taken."),
          412: problemResponse("If-Match does not name the current version; `currentVersion` says which is."),
          413: problemResponse("The body is too large."),
          415: problemResponse("The body is not JSON or JSON Merge Patch."),
          422: problemResponse("A referenced record does not exist."),
          428: problemResponse("If-Match is missing."),
        },
      },
    },
    async (request, reply) => {
      const ifMatch = requireIfMatch(request.headers["if-match"]);
      const updated = await service.update((request.params as { id: string }).id, request.body, ifMatch, parentIdOf(request), { context: request.context });
      return reply.header("etag", representationEtag(updated, [], resource.derivedFields)).send(updated as never);
    },
  );

  app.delete(
    item,
    {
      config,
      schema: {
        tags: [tag],
        operationId: operationIds.delete,
        summary: `Delete ${aNoun}`,
        description: resource.descriptions?.delete,
        params: ItemParams,
        headers: IfMatchHeader,
        response: {
          204: z.undefined().describe("Deleted."),
          ...commonProblems,
          404: problemResponse(notFoundText),
          409: problemResponse("Other records still reference this one; the problem names them."),
          412: problemResponse("If-Match does not name the current version."),
          428: problemResponse("If-Match is missing."),
        },
      },
    },
    async (request, reply) => {
      const ifMatch = requireIfMatch(request.headers["if-match"]);
      await service.remove((request.params as { id: string }).id, ifMatch, parentIdOf(request), { context: request.context });
      return reply.code(204).send();
    },
  );

  app.get(
    `${item}/history`,
    {
      config,
      schema: {
        tags: [tag],
        operationId: operationIds.history,
        summary: `List the changes of ${aNoun}`,
        // What a history holds is said once, in the document's description (src/plugins/swagger.ts).
        params: ItemParams,
        querystring: AuditHistoryQuery,
        response: {
          200: jsonResponse(AuditEventPage, "One page of audit events, oldest first."),
          ...commonProblems,
          404: problemResponse(parent ? "The record in the path, or the one it belongs to, does not exist and never did." : "No record has (or had) the id in the path."),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const result = await audit.history(resource.key, id, parent ? parentIdOf(request) : undefined, request.query as z.output<typeof AuditHistoryQuery>);
      if (!result) {
        // No events: a record that predates the log has an empty history; one that never existed is a 404.
        await service.get(id, plainGetQuery as { include?: string[] }, parentIdOf(request));
        return { data: [], nextCursor: null };
      }
      if (result.nextCursor) reply.header("link", nextLink(request, result.nextCursor));
      return result;
    },
  );
}
