import type { FastifyInstance } from "fastify";
import { registerCrudRoutes } from "../../lib/crud-routes.ts";
import { mediaPublications } from "./media-partners-publications-resource.ts";
import { mediaPartners } from "./media-partners-resource.ts";

export default async function mediaPartnersRoutes(app: FastifyInstance) {
  registerCrudRoutes(app, mediaPartners);
  registerCrudRoutes(app, mediaPublications);
}
