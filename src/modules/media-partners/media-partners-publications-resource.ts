import { dateRange, equalTo } from "../../lib/filters.ts";
import { META_COLUMNS, columnsOf, type ExportColumn } from "../../lib/exports/columns.ts";
import { defineResource } from "../../lib/resource.ts";
import { ACTIVITY_LINKS } from "../activities/activities-mapper.ts";
import { toMediaPublicationData, toMediaPublicationRecord } from "./media-partners-publications-mapper.ts";
import { mediaPublicationSchemas } from "./media-partners-publications-schemas.ts";

/** A publication's columns, also the publications sheet of the media partners' XLSX. */
export const PUBLICATION_COLUMNS: readonly ExportColumn[] = [
  ...columnsOf("text", "id", "activityId", "title", "url"),
  { key: "publishedOn", type: "date" },
  { key: "notes", type: "text" },
];

/** `/media-partners/{mediaPartnerId}/publications`: what a media partner published. */
export const mediaPublications = defineResource(mediaPublicationSchemas, {
  path: "publications",
  key: "media-publications",
  parent: { resource: "media-partners", key: "mediaPartnerId" },
  names: { tag: "Media partners", many: "MediaPartnerPublications", noun: "publication" },
  operationIds: ["listMediaPartnerPublications", "createMediaPartnerPublication", "getMediaPartnerPublication", "updateMediaPartnerPublication", "deleteMediaPartnerPublication", "getMediaPartnerPublicationHistory"],

  model: (db) => db.mediaPublication,
  where: (query) => [...equalTo(query, ["activityId"]), ...dateRange("publishedOn", query.publishedOnFrom, query.publishedOnTo)],
  /** `include=activity`: the activity, loaded in the same query as the publications. */
  include: (names) => (names.includes("activity") ? { activity: { include: ACTIVITY_LINKS } } : undefined),
  embeds: { activity: { resource: "activities" } },
  export: { columns: [...PUBLICATION_COLUMNS, ...META_COLUMNS] },
  toRecord: toMediaPublicationRecord,
  toData: toMediaPublicationData,
  refersTo: [{ field: "activityId", resource: "activities" }],

  descriptions: {
    list:
      "Filters: `q` (title, notes), `activityId`, `publishedOnFrom`/`publishedOnTo`. Sort: `publishedOn` (default; undated last), `createdAt`. " +
      "`include=activity` embeds the activity.",
    create: "`activityId` must name an existing activity (422). 404 when the media partner does not exist.",
  },
});
