import { equalIgnoringCase, equalTo } from "../../lib/filters.ts";
import { defineResource } from "../../lib/resource.ts";
import { toCoordinatorData, toCoordinatorRecord } from "./coordinators-mapper.ts";
import { COORDINATOR_SORTABLE, Coordinator, CoordinatorCreate, CoordinatorListQuery, CoordinatorPage, CoordinatorPatch } from "./coordinators-schemas.ts";

export const coordinators = defineResource({
  key: "coordinators",
  path: "coordinators",
  tag: "Coordinators",
  names: { one: "Coordinator", many: "Coordinators", noun: "coordinator" },
  operationIds: {
    list: "listCoordinators",
    create: "createCoordinator",
    get: "getCoordinator",
    update: "updateCoordinator",
    delete: "deleteCoordinator",
    history: "getCoordinatorHistory",
  },
  schemas: { record: Coordinator, create: CoordinatorCreate, patch: CoordinatorPatch, listQuery: CoordinatorListQuery, page: CoordinatorPage },
  descriptions: {
    list: "Filters: `q` (name, short name, city, registry ids), `nip`, `regon`, `krs`, `city`, `legalForm`. Sort: `name` (default), `createdAt`, `updatedAt`.",
    create: "NIP and REGON are checked against their check digits; a Polish address needs a postal code in the form NN-NNN.",
    delete: "A coordinator that still coordinates a cluster cannot be deleted (409 names the clusters).",
  },

  model: (db) => db.coordinator,
  sortable: COORDINATOR_SORTABLE,
  where: (query) => [...equalTo(query, ["nip", "regon", "krs", "legalForm"]), ...equalIgnoringCase("city", query.city)],
  toRecord: toCoordinatorRecord,
  toData: toCoordinatorData,
  references: async (tx, row) => [
    { resource: "clusters", field: "coordinatorId", count: await tx.cluster.count({ where: { coordinatorId: row.id } }) },
    { resource: "activities", field: "coordinatorId", count: await tx.activity.count({ where: { coordinatorId: row.id } }) },
    { resource: "grant-applications", field: "applicantId", count: await tx.grantApplication.count({ where: { applicantId: row.id } }) },
    { resource: "media-partners", field: "coordinatorId", count: await tx.mediaPartner.count({ where: { coordinatorId: row.id } }) },
  ],
});
