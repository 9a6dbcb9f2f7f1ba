import type { FastifyInstance } from "fastify";
import { registerCrudRoutes } from "../../lib/crud-routes.ts";
import { coordinators } from "./coordinators-resource.ts";

export default async function coordinatorsRoutes(app: FastifyInstance) {
  registerCrudRoutes(app, coordinators);
}
