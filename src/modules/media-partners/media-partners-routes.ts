import type { FastifyInstance } from "fastify";
import { registerCrudRoutes } from "../../lib/crud-routes.ts";
import {
  MediaPublication,
  MediaPublicationCreate,
  MediaPublicationGetQuery,
  MediaPublicationListQuery,
  MediaPublicationPage,
  MediaPublicationPatch,
} from "./media-partners-publications-schemas.ts";
import { mediaPublicationsService } from "./media-partners-publications-service.ts";
import {
  MediaPartner,
  MediaPartnerCreate,
  MediaPartnerGetQuery,
  MediaPartnerListQuery,
  MediaPartnerPage,
  MediaPartnerPatch,
} from "./media-partners-schemas.ts";
import { mediaPartnersService } from "./media-partners-service.ts";

export default async function mediaPartnersRoutes(app: FastifyInstance) {
  registerCrudRoutes(app, {
    path: "media-partners",
    tag: "Media partners",
    names: { one: "MediaPartner", many: "MediaPartners", noun: "media partner" },
    schemas: {
      record: MediaPartner,
      create: MediaPartnerCreate,
      patch: MediaPartnerPatch,
      listQuery: MediaPartnerListQuery,
      page: MediaPartnerPage,
      getQuery: MediaPartnerGetQuery,
    },
    service: mediaPartnersService(app.prisma),
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

  registerCrudRoutes(app, {
    path: "publications",
    auditType: "media-publications",
    parent: { path: "media-partners", param: "mediaPartnerId", noun: "media partner" },
    tag: "Media partners",
    names: { one: "MediaPartnerPublication", many: "MediaPartnerPublications", noun: "publication" },
    schemas: {
      record: MediaPublication,
      create: MediaPublicationCreate,
      patch: MediaPublicationPatch,
      listQuery: MediaPublicationListQuery,
      page: MediaPublicationPage,
      getQuery: MediaPublicationGetQuery,
    },
    service: mediaPublicationsService(app.prisma),
    descriptions: {
      list:
        "Filters: `q` (title, notes), `activityId`, `publishedOnFrom`/`publishedOnTo`. Sort: `publishedOn` (default; undated last), `createdAt`. " +
        "`include=activity` embeds the activity.",
      create: "`activityId` must name an existing activity (422). 404 when the media partner does not exist.",
    },
  });
}
