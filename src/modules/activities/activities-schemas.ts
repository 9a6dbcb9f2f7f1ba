import { z } from "zod";
import { SORT_BY_TIME, recordSchemas, embeddable } from "../../lib/record-schemas.ts";
import { DateOnly, EMBED_MAX_ITEMS, ID_LIST_MAX_ITEMS, Uuid, YEAR_MAX, YEAR_MIN, Year, YearQuery, int32, outText, recordMeta, text } from "../../lib/schemas.ts";
import { ActivityCategory as ActivityCategoryValues, ActivityStatus as ActivityStatusValues } from "../../generated/prisma/enums.ts";
import { Coordinator } from "../coordinators/coordinators-schemas.ts";
import { Cluster } from "../clusters/clusters-schemas.ts";
import { GrantApplication, type GrantApplicationDto } from "../grant-applications/grant-applications-schemas.ts";
import { MediaPublication, type MediaPublicationDto } from "../media-partners/media-partners-publications-schemas.ts";
import { MediaPartner, type MediaPartnerDto } from "../media-partners/media-partners-schemas.ts";
import { Meeting, type MeetingDto } from "../meetings/meetings-schemas.ts";

export const ActivityCategory = z
  .enum(Object.values(ActivityCategoryValues) as [ActivityCategoryValues, ...ActivityCategoryValues[]])
  .meta({ id: "ActivityCategory", description: "What kind of work the activity is.", example: "strategy" });

export const ActivityStatus = z
  .enum(Object.values(ActivityStatusValues) as [ActivityStatusValues, ...ActivityStatusValues[]])
  .meta({ id: "ActivityStatus", example: "completed" });

const yearOf = (date: string) => Number(date.slice(0, 4));

// Postgres compares UUIDs ignoring case and returns them in lower case; so do we, so that duplicates are caught.
const MediaPartnerIds = z
  .array(Uuid.transform((id) => id.toLowerCase()))
  .max(ID_LIST_MAX_ITEMS, `must list at most ${ID_LIST_MAX_ITEMS} media partners`)
  .superRefine((ids, ctx) => {
    ids.forEach((id, index) => {
      if (ids.indexOf(id) !== index) ctx.addIssue({ code: "custom", path: [index], message: "repeats a media partner already listed" });
    });
  })
  .meta({
    uniqueItems: true,
    description: `Media partners that took part in the activity (e.g. the portals that promoted it), at most ${ID_LIST_MAX_ITEMS}. PATCH replaces the whole list.`,
  });

const activityFields = {
  coordinatorId: Uuid.meta({ description: "The coordinator whose log the activity belongs to." }),
  clusterId: Uuid.nullish().meta({ description: "The cluster the work was for." }),
  title: text(500).meta({ example: "Rozpoczęto i zakończono prace nad Strategią dla Klastra" }),
  description: text(20_000)
    .nullish()
    .meta({ example: "Trzy spotkania strategiczne: 10 maja, 19 czerwca i 20 września 2013; analiza PEST, warsztat symulacyjny, propozycje projektów." }),
  category: ActivityCategory,
  status: ActivityStatus,
  year: Year.nullish().meta({
    description: "The year of the activity log the activity is recorded under. Defaults to the year of `startDate`; required without it.",
    example: 2013,
  }),
  startDate: DateOnly.nullish().meta({ example: "2013-05-10" }),
  endDate: DateOnly.nullish().meta({ description: "Not before `startDate`.", example: "2013-09-20" }),
  mediaPartnerIds: MediaPartnerIds.default([]),
};

/**
 * Cross-field rules, also applied to the merged result of a PATCH: `year` is required without `startDate` (and
 * then defaults to its year); `endDate` is not before `startDate`; `year` lies between the start and end years.
 */
export const ActivityCreate = z
  .strictObject(activityFields)
  .superRefine(({ year, startDate, endDate }, ctx) => {
    if (year == null && startDate == null) {
      ctx.addIssue({ code: "custom", path: ["year"], message: "is required when startDate is not given" });
      return;
    }
    // The year defaults to startDate's, and a record's year lies in 1900–2200: a start date further out needs `year`.
    if (year == null && (yearOf(startDate!) < YEAR_MIN || yearOf(startDate!) > YEAR_MAX)) {
      ctx.addIssue({
        code: "custom",
        path: ["startDate"],
        message: `gives the year ${yearOf(startDate!)}, outside ${YEAR_MIN}–${YEAR_MAX}: send \`year\` (from ${YEAR_MIN} to ${YEAR_MAX}) with it`,
      });
      return;
    }
    if (startDate != null && endDate != null && endDate < startDate) {
      ctx.addIssue({ code: "custom", path: ["endDate"], message: "must not be before startDate" });
      return;
    }
    if (year == null) return;
    const from = startDate != null ? yearOf(startDate) : undefined;
    const to = endDate != null ? yearOf(endDate) : undefined;
    if ((from !== undefined && year < from) || (to !== undefined && year > to)) {
      ctx.addIssue({ code: "custom", path: ["year"], message: `must lie between the years of startDate and endDate (${from ?? "…"}–${to ?? "…"})` });
    }
  })
  .transform((value) => ({ ...value, year: value.year ?? yearOf(value.startDate!) }))
  .meta({
    id: "ActivityCreate",
    // The other rules above, in the document's own keywords (src/fuzz/spec-extensions.ts).
    "x-not-after": { startDate: "endDate" },
    "x-year-within": { year: ["startDate", "endDate"] },
    // The first rule above in JSON Schema: `year`, or a `startDate` whose year is from 1900 to 2200.
    anyOf: [
      { required: ["year"], properties: { year: { not: { type: "null" } } } },
      { required: ["startDate"], properties: { startDate: { not: { type: "null" }, pattern: `^(?:19\\d\\d|2[01]\\d\\d|${YEAR_MAX})-` } } },
    ],
    example: {
      coordinatorId: "0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f",
      clusterId: "0193b2a5-0a11-7d42-8b3c-2e5f6a7b8c9d",
      title: "Rozpoczęto i zakończono prace nad Strategią dla Klastra",
      category: "strategy",
      status: "completed",
      startDate: "2013-05-10",
      endDate: "2013-09-20",
    },
  });

/** JSON Merge Patch: every field optional; `null` clears an optional field (`year: null` re-derives it from `startDate`). */
export const ActivityPatch = z
  .strictObject({
    ...activityFields,
    coordinatorId: activityFields.coordinatorId.optional(),
    title: activityFields.title.optional(),
    category: activityFields.category.optional(),
    status: activityFields.status.optional(),
    mediaPartnerIds: MediaPartnerIds.nullish(),
  })
  .meta({ id: "ActivityPatch", example: { status: "completed", endDate: "2013-09-20" } });

/** Ids of records linked to the activity: at most EMBED_MAX_ITEMS, the first in the relation's order (activities-service.ts). */
const Ids = (description: string) => z.array(Uuid).max(EMBED_MAX_ITEMS).meta({ description });

/** How the service orders (and caps) each linked relation, shared by the `…Ids` lists and the embedded records. */
const FIRST = `at most ${EMBED_MAX_ITEMS}`;
const MEETINGS_ORDER = `${FIRST}, the first by date (then id); GET /v1/meetings?activityId={id} pages through all`;
const GRANT_APPLICATIONS_ORDER = `${FIRST}, the first by id (creation order); GET /v1/grant-applications?activityId={id} pages through all`;
const PUBLICATIONS_ORDER =
  `${FIRST}, the first by id (creation order); GET /v1/media-partners/{mediaPartnerId}/publications?activityId={id} ` +
  "pages through each media partner's";
const MEDIA_PARTNERS_ORDER = `${FIRST} (no more can be linked), by id`;

// Output bounds are the input bounds of the same fields (activityFields above): nothing longer can be stored.
const activityShape = {
  id: recordMeta.id,
  coordinatorId: Uuid,
  clusterId: Uuid.nullable(),
  title: outText(500),
  description: outText(20_000).nullable(),
  category: ActivityCategory,
  status: ActivityStatus,
  year: int32(1900, 2200),
  startDate: DateOnly.nullable(),
  endDate: DateOnly.nullable(),
  mediaPartnerIds: Ids(`Linked media partners (\`/v1/media-partners/{id}\`): ${MEDIA_PARTNERS_ORDER}.`),
  meetingIds: Ids(`Read-only: meetings that belong to this activity (\`/v1/meetings/{id}\`): ${MEETINGS_ORDER}.`),
  grantApplicationIds: Ids(
    `Read-only: grant applications that belong to this activity (\`/v1/grant-applications/{id}\`): ${GRANT_APPLICATIONS_ORDER}.`,
  ),
  publicationIds: Ids(`Read-only: media publications about this activity: ${PUBLICATIONS_ORDER}.`),
  coordinator: Coordinator.optional().meta({ description: "Present with `include=coordinator`." }),
  cluster: Cluster.nullable().optional().meta({ description: "Present with `include=cluster` (null when the activity has no cluster)." }),
};
const { id: _id, ...recordTail } = recordMeta;

/**
 * Written out because an activity embeds meetings, grant applications and media publications, each of which can
 * embed its activity: the types cannot be inferred from one another.
 */
export type ActivityDto = z.output<z.ZodObject<typeof activityShape & typeof recordTail>> & {
  mediaPartners?: MediaPartnerDto[];
  meetings?: MeetingDto[];
  grantApplications?: GrantApplicationDto[];
  publications?: MediaPublicationDto[];
};

// The embedded records' schemas name this one by its id (embeddedRecord("Activity")), so they can be imported here.
export const Activity: z.ZodType<ActivityDto> = z
  .object({
    ...activityShape,
    mediaPartners: z
      .array(MediaPartner)
      .max(EMBED_MAX_ITEMS)
      .optional()
      .meta({ description: `Present with \`include=mediaPartners\`: the linked media partners, as \`mediaPartnerIds\`: ${MEDIA_PARTNERS_ORDER}.` }),
    meetings: z
      .array(Meeting)
      .max(EMBED_MAX_ITEMS)
      .optional()
      .meta({ description: `Present with \`include=meetings\`: the activity's meetings, as \`meetingIds\`: ${MEETINGS_ORDER}.` }),
    grantApplications: z
      .array(GrantApplication)
      .max(EMBED_MAX_ITEMS)
      .optional()
      .meta({ description: `Present with \`include=grantApplications\`: as \`grantApplicationIds\`: ${GRANT_APPLICATIONS_ORDER}.` }),
    publications: z
      .array(MediaPublication)
      .max(EMBED_MAX_ITEMS)
      .optional()
      .meta({ description: `Present with \`include=publications\`: media publications about the activity, as \`publicationIds\`: ${PUBLICATIONS_ORDER}.` }),
    ...recordTail,
  })
  .meta({
    id: "Activity",
    example: {
      id: "0193b2a6-1b22-7e53-9c4d-3f6a7b8c9d0e",
      coordinatorId: "0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f",
      clusterId: "0193b2a5-0a11-7d42-8b3c-2e5f6a7b8c9d",
      title: "Rozpoczęto i zakończono prace nad Strategią dla Klastra",
      description: "Trzy spotkania strategiczne: 10 maja, 19 czerwca i 20 września 2013; analiza PEST, warsztat symulacyjny, propozycje projektów.",
      category: "strategy",
      status: "completed",
      year: 2013,
      startDate: "2013-05-10",
      endDate: "2013-09-20",
      mediaPartnerIds: [],
      meetingIds: ["0193b2a7-2c33-7f64-8d5e-4a7b8c9d0e1f", "0193b2a7-3d44-7a75-9e6f-5b8c9d0e1f2a", "0193b2a7-4e55-7b86-af70-6c9d0e1f2a3b"],
      grantApplicationIds: [],
      publicationIds: [],
      version: 1,
      createdAt: "2026-11-29T12:00:00.000Z",
      updatedAt: "2026-11-29T12:00:00.000Z",
    },
  });
embeddable(Activity);

export const activitySchemas = recordSchemas({ record: Activity, create: ActivityCreate, patch: ActivityPatch }, {
  filters: {
    year: YearQuery.optional().meta({
      description: "Activities recorded under this year or whose dates overlap it (a missing end date counts as the start date, and vice versa).",
      example: 2013,
    }),
    category: ActivityCategory.optional(),
    status: ActivityStatus.optional(),
    coordinatorId: Uuid.optional(),
    clusterId: Uuid.optional(),
    startDateFrom: DateOnly.optional(),
    startDateTo: DateOnly.optional(),
  },
  sortable: { year: { type: "number" }, startDate: { type: "date", nullable: true }, title: { type: "string" }, ...SORT_BY_TIME },
  sort: "year,startDate",
  include: ["coordinator", "cluster", "mediaPartners", "meetings", "grantApplications", "publications"],
});

export type ActivityCreateInput = z.output<typeof ActivityCreate>;
export type ActivityListQueryInput = z.output<typeof activitySchemas.listQuery>;
