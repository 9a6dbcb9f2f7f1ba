import { z } from "zod";
import { SORT_BY_TIME, recordSchemas } from "../../lib/record-schemas.ts";
import { DateOnly, Uuid, outText, recordMeta, text } from "../../lib/schemas.ts";
import { Coordinator } from "../coordinators/coordinators-schemas.ts";

/** Longest values accepted, and so returned (the columns are unbounded text). */
const NAME_MAX_LENGTH = 300;
const SHORT_NAME_MAX_LENGTH = 50;
const DESCRIPTION_MAX_LENGTH = 10_000;
/** A cluster names a handful of sectors; 30 is ample for any real one. */
const SECTORS_MAX_ITEMS = 30;
const SECTOR_MAX_LENGTH = 100;

const sectorsDescription = `Industry sectors, in the cluster's own words: at most ${SECTORS_MAX_ITEMS}, each at most ${SECTOR_MAX_LENGTH} characters.`;

const Sectors = z
  .array(text(SECTOR_MAX_LENGTH))
  .max(SECTORS_MAX_ITEMS, `must list at most ${SECTORS_MAX_ITEMS} sectors`)
  .refine((sectors) => new Set(sectors.map((s) => s.toLowerCase())).size === sectors.length, "must not repeat a sector")
  .meta({ description: sectorsDescription, example: ["logistyka", "transport", "dystrybucja"] });

const clusterFields = {
  name: text(NAME_MAX_LENGTH).meta({ example: "Klaster LTPP" }),
  shortName: text(SHORT_NAME_MAX_LENGTH).nullish().meta({ description: "Unique short name.", example: "LTPP" }),
  sectors: Sectors.default([]),
  description: text(DESCRIPTION_MAX_LENGTH)
    .nullish()
    .meta({ example: "Innowacyjne partnerstwo pomorskiego biznesu, nauki i samorządów w branży logistyka, transport, dystrybucja." }),
  foundingAgreementDate: DateOnly.nullish().meta({ description: "Date of the cluster agreement (porozumienie klastra).", example: "2012-06-01" }),
  coordinatorId: Uuid.meta({ description: "The coordinator that runs the cluster." }),
};

export const ClusterCreate = z.strictObject(clusterFields).meta({
  id: "ClusterCreate",
  example: {
    name: "Klaster LTPP",
    shortName: "LTPP",
    sectors: ["logistyka", "transport", "dystrybucja"],
    description: "Innowacyjne partnerstwo pomorskiego biznesu, nauki i samorządów w branży logistyka, transport, dystrybucja.",
    coordinatorId: "0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f",
  },
});

export const ClusterPatch = z
  .strictObject({
    ...clusterFields,
    name: clusterFields.name.optional(),
    sectors: Sectors.optional(),
    coordinatorId: clusterFields.coordinatorId.optional(),
  })
  .meta({ id: "ClusterPatch", example: { sectors: ["logistyka", "transport", "dystrybucja", "porty"] } });

export const Cluster = z
  .object({
    id: recordMeta.id,
    name: outText(NAME_MAX_LENGTH),
    shortName: outText(SHORT_NAME_MAX_LENGTH).nullable(),
    sectors: z.array(outText(SECTOR_MAX_LENGTH)).max(SECTORS_MAX_ITEMS).meta({ description: sectorsDescription }),
    description: outText(DESCRIPTION_MAX_LENGTH).nullable(),
    foundingAgreementDate: outText(10).nullable().meta({ format: "date" }),
    coordinatorId: Uuid,
    coordinator: Coordinator.optional().meta({ description: "Present with `include=coordinator`." }),
    version: recordMeta.version,
    createdAt: recordMeta.createdAt,
    updatedAt: recordMeta.updatedAt,
  })
  .meta({
    id: "Cluster",
    example: {
      id: "0193b2a5-0a11-7d42-8b3c-2e5f6a7b8c9d",
      name: "Klaster LTPP",
      shortName: "LTPP",
      sectors: ["logistyka", "transport", "dystrybucja"],
      description: "Innowacyjne partnerstwo pomorskiego biznesu, nauki i samorządów w branży logistyka, transport, dystrybucja.",
      foundingAgreementDate: null,
      coordinatorId: "0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f",
      version: 1,
      createdAt: "2026-11-29T12:00:00.000Z",
      updatedAt: "2026-11-29T12:00:00.000Z",
    },
  });

export const clusterSchemas = recordSchemas({ record: Cluster, create: ClusterCreate, patch: ClusterPatch }, {
  filters: {
    coordinatorId: Uuid.optional(),
    sector: text(SECTOR_MAX_LENGTH).optional().meta({ description: "Clusters that list this sector (exact, case-sensitive)." }),
    shortName: text(SHORT_NAME_MAX_LENGTH).optional(),
    foundingAgreementDateFrom: DateOnly.optional(),
    foundingAgreementDateTo: DateOnly.optional(),
  },
  sortable: { name: { type: "string" }, shortName: { type: "string", nullable: true }, foundingAgreementDate: { type: "date", nullable: true }, ...SORT_BY_TIME },
  sort: "name",
  include: ["coordinator"],
});

export type ClusterDto = z.output<typeof Cluster>;
export type ClusterCreateInput = z.output<typeof ClusterCreate>;
export type ClusterListQueryInput = z.output<typeof clusterSchemas.listQuery>;
