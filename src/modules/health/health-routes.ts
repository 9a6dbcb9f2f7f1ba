import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ApiError } from "../../lib/problem.ts";
import { problemText } from "../../lib/messages/problems.ts";
import { jsonResponse, problemResponse } from "../../lib/schemas.ts";
import { drainingProblem } from "../../plugins/lifecycle.ts";

const Health = z
  .object({
    status: z.enum(["ok"]),
    database: z.enum(["postgres", "pglite"]).optional().meta({ description: "Readiness only: the kind of database the service runs on." }),
  })
  .meta({ id: "Health", example: { status: "ok", database: "postgres" } });

export default async function healthRoutes(appIn: FastifyInstance) {
  const app = appIn.withTypeProvider<ZodTypeProvider>();

  app.get(
    "/health/live",
    {
      schema: {
        tags: ["Health"],
        operationId: "getLiveness",
        summary: "Liveness: the process answers",
        response: { 200: jsonResponse(Health, "The process is up.") },
      },
    },
    async () => ({ status: "ok" as const }),
  );

  app.get(
    "/health/ready",
    {
      schema: {
        tags: ["Health"],
        operationId: "getReadiness",
        summary: "Readiness: the database answers",
        response: {
          200: jsonResponse(Health, "Ready to serve requests."),
          503: problemResponse("The database does not answer, or this instance is shutting down (`shutting_down`); Retry-After says when to look again."),
        },
      },
    },
    async () => {
      if (app.lifecycle.draining) throw drainingProblem();
      try {
        await app.db.ping();
      } catch {
        throw new ApiError("database_unavailable", problemText("databaseNoAnswer"), { headers: { "retry-after": "5" } });
      }
      return { status: "ok" as const, database: app.db.kind };
    },
  );
}
