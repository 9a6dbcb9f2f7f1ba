import type { FastifyInstance } from "fastify";
import { registerCrudRoutes } from "../../lib/crud-routes.ts";
import { Coordinator, CoordinatorCreate, CoordinatorListQuery, CoordinatorPage, CoordinatorPatch } from "./coordinators-schemas.ts";
import { coordinatorsService } from "./coordinators-service.ts";

export default async function coordinatorsRoutes(app: FastifyInstance) {
  registerCrudRoutes(app, {
    path: "coordinators",
    tag: "Coordinators",
    names: { one: "Coordinator", many: "Coordinators", noun: "coordinator" },
    schemas: { record: Coordinator, create: CoordinatorCreate, patch: CoordinatorPatch, listQuery: CoordinatorListQuery, page: CoordinatorPage },
    service: coordinatorsService(app.prisma),
    descriptions: {
      list: "Filters: `q` (name, short name, city, registry ids), `nip`, `regon`, `krs`, `city`, `legalForm`. Sort: `name` (default), `createdAt`, `updatedAt`.",
      create: "NIP and REGON are checked against their check digits; a Polish address needs a postal code in the form NN-NNN.",
      delete: "A coordinator that still coordinates a cluster cannot be deleted (409 names the clusters).",
    },
  });
}
