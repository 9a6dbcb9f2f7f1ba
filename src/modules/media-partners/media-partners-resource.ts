import type { MediaPublication as MediaPublicationRow } from "../../generated/prisma/client.ts";
import { PUBLICATION_COLUMNS } from "./media-partners-publications-resource.ts";
import { equalTo } from "../../lib/filters.ts";
import { META_COLUMNS, columnsOf, type ExportColumn } from "../../lib/exports/columns.ts";
import { defineResource } from "../../lib/resource.ts";
import { EMBED_MAX_ITEMS } from "../../lib/schemas.ts";
import { PUBLICATION_ORDER, toMediaPublicationRecord } from "./media-partners-publications-mapper.ts";
import { toMediaPartnerData, toMediaPartnerInput, toMediaPartnerRecord } from "./media-partners-mapper.ts";
import { mediaPartnerSchemas } from "./media-partners-schemas.ts";

export const mediaPartners = defineResource(mediaPartnerSchemas, {
  path: "media-partners",
  names: { tag: "Media partners", many: "MediaPartners", noun: "media partner" },
  operationIds: ["listMediaPartners", "createMediaPartner", "getMediaPartner", "updateMediaPartner", "deleteMediaPartner", "getMediaPartnerHistory"],

  model: (db) => db.mediaPartner,
  where: (query) => equalTo(query, ["kind", "ongoing", "coordinatorId", "domain"]),
  include: (names) =>
    names.length === 0
      ? undefined
      : {
          ...(names.includes("coordinator") ? { coordinator: true } : {}),
          // The first EMBED_MAX_ITEMS in list order; GET …/publications pages through all of them.
          ...(names.includes("publications") ? { publications: { orderBy: PUBLICATION_ORDER, take: EMBED_MAX_ITEMS } } : {}),
        },
  embeds: { coordinator: { resource: "coordinators" }, publications: { resource: "media-publications" } },
  export: {
    columns: [
      ...columnsOf("text", "id", "coordinatorId", "name", "website", "domain", "kind"),
      ...columnsOf("date", "cooperation.since", "cooperation.until"),
      { key: "cooperation.ongoing", type: "boolean" },
      ...columnsOf("text", "contact.name", "contact.email", "contact.phone", "notes"),
      ...META_COLUMNS,
    ],
    sheets: [
      {
        sheet: "publications",
        parentKey: "mediaPartnerId",
        include: { publications: { orderBy: PUBLICATION_ORDER } },
        rows: (row: { publications: MediaPublicationRow[] }) => row.publications.map(toMediaPublicationRecord),
        columns: PUBLICATION_COLUMNS,
      },
    ],
  },
  import: { keys: [["id"], ["name"]] },
  toRecord: toMediaPartnerRecord,
  toData: toMediaPartnerData,
  toInput: toMediaPartnerInput,
  refersTo: [{ field: "coordinatorId", resource: "coordinators" }],
  references: async (tx, row) => [
    { resource: "publications", field: "mediaPartnerId", count: await tx.mediaPublication.count({ where: { mediaPartnerId: row.id } }) },
    { resource: "activities", field: "mediaPartnerIds", count: await tx.activityMediaPartner.count({ where: { mediaPartnerId: row.id } }) },
  ],

  descriptions: {
    list:
      "Filters: `q` (name, domain, notes, contact name), `kind`, `ongoing` (true/false), `coordinatorId`, `domain`. " +
      "Sort: `name` (default), `createdAt`, `updatedAt`. `include=publications,coordinator` embeds them.",
    create:
      "`domain` is derived from `website` when omitted and is unique (409). `cooperation.ongoing` defaults to true exactly when " +
      "`cooperation.until` is empty; an ongoing cooperation cannot have an end date, and `until` cannot precede `since` (400). " +
      "`coordinatorId` must name an existing coordinator (422).",
    delete: "A media partner with publications or linked activities cannot be deleted (409 names them).",
  },
});
