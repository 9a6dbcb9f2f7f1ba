import type { MediaPublication as MediaPublicationRow, Prisma } from "../../generated/prisma/client.ts";
import { optionalDateFromDb, optionalDateToDb } from "../../lib/dates.ts";
import { orNull, recordOf } from "../../lib/mapping.ts";
import { searchText } from "../../lib/search-text.ts";
import type { MediaPublicationCreateInput, MediaPublicationDto } from "./media-partners-publications-schemas.ts";

/** The order of publications embedded in a media partner (`include=publications`): the default list order. */
export const PUBLICATION_ORDER = [{ publishedOn: { sort: "asc", nulls: "last" } }, { id: "asc" }] satisfies Prisma.MediaPublicationOrderByWithRelationInput[];

export const toMediaPublicationRecord = (row: MediaPublicationRow): MediaPublicationDto =>
  recordOf(row, ["mediaPartnerId", "title", "url", "activityId", "notes"], {
    publishedOn: optionalDateFromDb(row.publishedOn),
  });

export const toMediaPublicationData = (input: MediaPublicationCreateInput) =>
  ({
    title: input.title,
    ...orNull(input, "url", "activityId", "notes"),
    publishedOn: optionalDateToDb(input.publishedOn),
    searchText: searchText(input.title, input.notes),
  }) satisfies Omit<Prisma.MediaPublicationUncheckedCreateInput, "mediaPartnerId">;
