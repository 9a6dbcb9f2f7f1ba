import { equalIgnoringCase, equalTo } from "../../lib/filters.ts";
import { META_COLUMNS, columnsOf, type ExportColumn } from "../../lib/exports/columns.ts";
import { defineResource } from "../../lib/resource.ts";
import { toCoordinatorData, toCoordinatorRecord } from "./coordinators-mapper.ts";
import { coordinatorSchemas } from "./coordinators-schemas.ts";

export const coordinators = defineResource(coordinatorSchemas, {
  path: "coordinators",
  names: { tag: "Coordinators", many: "Coordinators", noun: "coordinator" },
  operationIds: ["listCoordinators", "createCoordinator", "getCoordinator", "updateCoordinator", "deleteCoordinator", "getCoordinatorHistory"],

  model: (db) => db.coordinator,
  where: (query) => [...equalTo(query, ["nip", "regon", "krs", "legalForm"]), ...equalIgnoringCase("city", query.city)],
  export: {
    columns: [
      ...columnsOf("text", "id", "name", "shortName", "legalForm", "krs", "nip", "regon", "address.street", "address.postalCode", "address.city", "address.country"),
      ...columnsOf("text", "website", "email", "phone", "mandateBasis"),
      { key: "mandateDate", type: "date" },
      ...META_COLUMNS,
    ],
  },
  toRecord: toCoordinatorRecord,
  toData: toCoordinatorData,
  references: async (tx, row) => [
    { resource: "clusters", field: "coordinatorId", count: await tx.cluster.count({ where: { coordinatorId: row.id } }) },
    { resource: "activities", field: "coordinatorId", count: await tx.activity.count({ where: { coordinatorId: row.id } }) },
    { resource: "grant-applications", field: "applicantId", count: await tx.grantApplication.count({ where: { applicantId: row.id } }) },
    { resource: "media-partners", field: "coordinatorId", count: await tx.mediaPartner.count({ where: { coordinatorId: row.id } }) },
    { resource: "calendar-feeds", field: "coordinatorId", count: await tx.calendarFeed.count({ where: { coordinatorId: row.id } }) },
  ],

  descriptions: {
    list: "Filters: `q` (name, short name, city, registry ids), `nip`, `regon`, `krs`, `city`, `legalForm`. Sort: `name` (default), `createdAt`, `updatedAt`.",
    create: "NIP and REGON are checked against their check digits; a Polish address needs a postal code in the form NN-NNN.",
    delete: "A coordinator that still coordinates a cluster cannot be deleted (409 names the clusters).",
  },
});
