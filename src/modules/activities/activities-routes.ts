import type { FastifyInstance } from "fastify";
import { registerCrudRoutes } from "../../lib/crud-routes.ts";
import { activities } from "./activities-resource.ts";

export default async function activitiesRoutes(app: FastifyInstance) {
  registerCrudRoutes(app, activities);
}
