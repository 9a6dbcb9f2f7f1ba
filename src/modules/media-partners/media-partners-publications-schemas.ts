import { z } from "zod";
import { recordSchemas, embeddedRecord } from "../../lib/record-schemas.ts";
import { DateOnly, Uuid, WebUrl, outText, recordMeta, text } from "../../lib/schemas.ts";
import type { ActivityDto } from "../activities/activities-schemas.ts";

/** What a media partner published about the cluster's work: the evidence when promotion is reported. */

const TITLE_MAX = 500;
const NOTES_MAX = 10_000;
/** WebUrl (src/lib/schemas.ts) allows at most this many characters. */
const URL_MAX = 2048;

const publicationFields = {
  title: text(TITLE_MAX).meta({ example: "Pierwsze spotkanie strategiczne Klastra LTPP w budynku Oliwia Gate" }),
  url: WebUrl.nullish().meta({ description: "Where the publication can be read (http or https)." }),
  publishedOn: DateOnly.nullish().meta({ description: "Publication date (YYYY-MM-DD).", example: "2013-05-10" }),
  activityId: Uuid.nullish().meta({ description: "The activity the publication covers; must exist (422 otherwise)." }),
  notes: text(NOTES_MAX).nullish().meta({ example: "Promocja w mediach: relacja ze spotkania warsztatowego." }),
};

export const MediaPublicationCreate = z.strictObject(publicationFields).meta({
  id: "MediaPublicationCreate",
  example: {
    title: "Pierwsze spotkanie strategiczne Klastra LTPP w budynku Oliwia Gate",
    publishedOn: "2013-05-10",
    notes: "Promocja w mediach: relacja ze spotkania warsztatowego.",
  },
});

/** JSON Merge Patch: every field optional; `null` clears an optional field. */
export const MediaPublicationPatch = z
  .strictObject({ ...publicationFields, title: publicationFields.title.optional() })
  .meta({ id: "MediaPublicationPatch", example: { title: "Drugie spotkanie strategiczne Klastra LTPP w Parku Naukowo-Technologicznym w Gdańsku", publishedOn: "2013-06-19" } });

const publicationShape = {
  id: recordMeta.id,
  mediaPartnerId: Uuid.meta({ description: "The media partner that published it." }),
  title: outText(TITLE_MAX),
  url: outText(URL_MAX).nullable(),
  publishedOn: DateOnly.nullable(),
  activityId: Uuid.nullable(),
};
const publicationTail = {
  notes: outText(NOTES_MAX).nullable(),
  version: recordMeta.version,
  createdAt: recordMeta.createdAt,
  updatedAt: recordMeta.updatedAt,
};

/** Written out because a publication embeds its activity and an activity its publications: the types cannot be inferred from one another. */
export type MediaPublicationDto = z.output<z.ZodObject<typeof publicationShape & typeof publicationTail>> & { activity?: ActivityDto | null };

export const MediaPublication: z.ZodType<MediaPublicationDto> = z
  .object({
    ...publicationShape,
    // By name: activities-schemas.ts imports this module (an activity embeds these records).
    activity: embeddedRecord<ActivityDto>("Activity")
      .nullable()
      .optional()
      .meta({ description: "Present with `include=activity` (null when the publication covers no activity)." }),
    ...publicationTail,
  })
  .meta({
    id: "MediaPublication",
    example: {
      id: "0193b2a7-1c22-7e53-9a4d-3f6a7b8c9d0e",
      mediaPartnerId: "0193b2a6-0b12-7d43-8c3d-2e5f6a7b8c9e",
      title: "Pierwsze spotkanie strategiczne Klastra LTPP w budynku Oliwia Gate",
      url: null,
      publishedOn: "2013-05-10",
      activityId: null,
      notes: "Promocja w mediach: relacja ze spotkania warsztatowego.",
      version: 1,
      createdAt: "2026-11-29T12:00:00.000Z",
      updatedAt: "2026-11-29T12:00:00.000Z",
    },
  });

export const mediaPublicationSchemas = recordSchemas({ record: MediaPublication, create: MediaPublicationCreate, patch: MediaPublicationPatch }, {
  filters: {
    activityId: Uuid.optional().meta({ description: "Publications covering this activity." }),
    publishedOnFrom: DateOnly.optional().meta({ description: "Published on or after this date." }),
    publishedOnTo: DateOnly.optional().meta({ description: "Published on or before this date." }),
  },
  sortable: { publishedOn: { type: "date", nullable: true }, createdAt: { type: "datetime" } },
  sort: "publishedOn",
  include: ["activity"],
});

export type MediaPublicationCreateInput = z.output<typeof MediaPublicationCreate>;
export type MediaPublicationListQueryInput = z.output<typeof mediaPublicationSchemas.listQuery>;
