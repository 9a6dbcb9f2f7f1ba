import type { FastifyInstance } from "fastify";
import { registerCrudRoutes } from "../../lib/crud-routes.ts";
import { registerGrantApplicationStatusRoutes } from "./grant-application-status-routes.ts";
import { grantApplications } from "./grant-applications-resource.ts";

export default async function grantApplicationsRoutes(app: FastifyInstance) {
  registerCrudRoutes(app, grantApplications);
  registerGrantApplicationStatusRoutes(app);
}
