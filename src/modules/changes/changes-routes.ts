import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { nextLink } from "../../lib/pagination.ts";
import { jsonResponse, problemResponse } from "../../lib/schemas.ts";
import { ChangeFeedPage, ChangeFeedQuery } from "./changes-schemas.ts";
import { changesService } from "./changes-service.ts";

/** `GET /changes`: the change feed other cluster systems poll to stay in sync. */
export default async function changesRoutes(appIn: FastifyInstance) {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const service = changesService(app.prisma);

  app.get(
    "/changes",
    {
      schema: {
        tags: ["Changes"],
        operationId: "listChanges",
        summary: "List changes since a position (the change feed)",
        description:
          "Every committed create, update, delete and status transition of a record, oldest first. The changes of one record come in the order they happened (version order); " +
          "changes of different records written at the same moment may come in either order. " +
          "To stay in sync: call without `cursor` once (or start from `0`), apply each change (read the record at its `url`; after a `delete` drop it), " +
          "keep the answer's `nextCursor` and pass it as `cursor` next time. `hasMore: true` means ask again at once; `false`, that you are up to date. " +
          "A position is never skipped: a change that is still being written when you ask is held back, with everything after it, until it commits, and then comes after everything you have seen. " +
          "`resourceType` narrows the feed to one collection. Who made each change and the before/after values are in the admin-only audit log.",
        querystring: ChangeFeedQuery,
        response: {
          200: jsonResponse(ChangeFeedPage, "The next changes after `cursor` (at most `limit`), and where to continue."),
          400: problemResponse("The request is not valid: `errors` names each field and rule."),
          406: problemResponse("The Accept header allows no JSON."),
        },
      },
    },
    async (request, reply) => {
      const result = await service.list(request.query);
      if (result.hasMore) reply.header("link", nextLink(request, result.nextCursor));
      return result;
    },
  );
}
