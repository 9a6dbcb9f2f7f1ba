import type { FastifyInstance } from "fastify";
import { registerCrudRoutes } from "../../lib/crud-routes.ts";
import { clusters } from "./clusters-resource.ts";

export default async function clustersRoutes(app: FastifyInstance) {
  registerCrudRoutes(app, clusters);
}
