import type { FastifyInstance } from "fastify";
import { registerCrudRoutes } from "../../lib/crud-routes.ts";
import { memberships } from "./organization-memberships-resource.ts";
import { organizations } from "./organizations-resource.ts";

export default async function organizationsRoutes(app: FastifyInstance) {
  registerCrudRoutes(app, organizations);
  registerCrudRoutes(app, memberships);
}
