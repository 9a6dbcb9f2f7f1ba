import type { MediaPublication as MediaPublicationRow, Prisma } from "../../generated/prisma/client.ts";
import { optionalDateFromDb, optionalDateToDb } from "../../lib/dates.ts";
import { searchText } from "../../lib/search-text.ts";
import type { MediaPublicationCreateInput, MediaPublicationDto } from "./media-partners-publications-schemas.ts";

/** The order of publications embedded in a media partner (`include=publications`): the default list order. */
export const PUBLICATION_ORDER = [{ publishedOn: { sort: "asc", nulls: "last" } }, { id: "asc" }] satisfies Prisma.MediaPublicationOrderByWithRelationInput[];

export function toMediaPublicationRecord(row: MediaPublicationRow): MediaPublicationDto {
  return {
    id: row.id,
    mediaPartnerId: row.mediaPartnerId,
    title: row.title,
    url: row.url,
    publishedOn: optionalDateFromDb(row.publishedOn),
    activityId: row.activityId,
    notes: row.notes,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toMediaPublicationData(input: MediaPublicationCreateInput) {
  return {
    title: input.title,
    url: input.url ?? null,
    publishedOn: optionalDateToDb(input.publishedOn),
    activityId: input.activityId ?? null,
    notes: input.notes ?? null,
    searchText: searchText(input.title, input.notes),
  } satisfies Omit<Prisma.MediaPublicationUncheckedCreateInput, "mediaPartnerId">;
}
