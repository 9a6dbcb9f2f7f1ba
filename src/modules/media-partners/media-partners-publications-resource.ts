import { dateRange, equalTo } from "../../lib/filters.ts";
import { defineResource } from "../../lib/resource.ts";
import { ACTIVITY_LINKS } from "../activities/activities-mapper.ts";
import { toMediaPublicationData, toMediaPublicationRecord } from "./media-partners-publications-mapper.ts";
import {
  MEDIA_PUBLICATION_SORTABLE,
  MediaPublication,
  MediaPublicationCreate,
  MediaPublicationGetQuery,
  MediaPublicationListQuery,
  MediaPublicationPage,
  MediaPublicationPatch,
} from "./media-partners-publications-schemas.ts";

/** `/media-partners/{mediaPartnerId}/publications`: what a media partner published. */
export const mediaPublications = defineResource({
  key: "media-publications",
  path: "publications",
  parent: {
    path: "media-partners",
    param: "mediaPartnerId",
    noun: "media partner",
    key: "mediaPartnerId",
    exists: async (db, id) => (await db.mediaPartner.count({ where: { id } })) > 0,
  },
  tag: "Media partners",
  names: { one: "MediaPartnerPublication", many: "MediaPartnerPublications", noun: "publication" },
  operationIds: {
    list: "listMediaPartnerPublications",
    create: "createMediaPartnerPublication",
    get: "getMediaPartnerPublication",
    update: "updateMediaPartnerPublication",
    delete: "deleteMediaPartnerPublication",
    history: "getMediaPartnerPublicationHistory",
  },
  schemas: {
    record: MediaPublication,
    create: MediaPublicationCreate,
    patch: MediaPublicationPatch,
    listQuery: MediaPublicationListQuery,
    page: MediaPublicationPage,
    getQuery: MediaPublicationGetQuery,
  },
  descriptions: {
    list:
      "Filters: `q` (title, notes), `activityId`, `publishedOnFrom`/`publishedOnTo`. Sort: `publishedOn` (default; undated last), `createdAt`. " +
      "`include=activity` embeds the activity.",
    create: "`activityId` must name an existing activity (422). 404 when the media partner does not exist.",
  },

  model: (db) => db.mediaPublication,
  sortable: MEDIA_PUBLICATION_SORTABLE,
  where: (query) => [...equalTo(query, ["activityId"]), ...dateRange("publishedOn", query.publishedOnFrom, query.publishedOnTo)],
  /** `include=activity`: the activity, loaded in the same query as the publications. */
  include: (names) => (names.includes("activity") ? { activity: { include: ACTIVITY_LINKS } } : undefined),
  embeds: { activity: { resource: "activities" } },
  toRecord: toMediaPublicationRecord,
  toData: toMediaPublicationData,
  refersTo: [{ field: "activityId", resource: "activities" }],
});
