import type { FastifyInstance } from "fastify";
import { registerCrudRoutes } from "../../lib/crud-routes.ts";
import { Cluster, ClusterCreate, ClusterGetQuery, ClusterListQuery, ClusterPage, ClusterPatch } from "./clusters-schemas.ts";
import { clustersService } from "./clusters-service.ts";

export default async function clustersRoutes(app: FastifyInstance) {
  registerCrudRoutes(app, {
    path: "clusters",
    tag: "Clusters",
    names: { one: "Cluster", many: "Clusters", noun: "cluster" },
    schemas: { record: Cluster, create: ClusterCreate, patch: ClusterPatch, listQuery: ClusterListQuery, page: ClusterPage, getQuery: ClusterGetQuery },
    service: clustersService(app.prisma),
    descriptions: {
      list:
        "Filters: `q` (name, short name, sectors, description), `coordinatorId`, `sector`, `shortName`, " +
        "`foundingAgreementDateFrom`/`foundingAgreementDateTo`. Sort: `name` (default), `shortName`, `foundingAgreementDate`, `createdAt`, `updatedAt`. " +
        "`include=coordinator` embeds the coordinator.",
      create: "`coordinatorId` must name an existing coordinator (422 otherwise); `shortName` is unique (409).",
    },
  });
}
