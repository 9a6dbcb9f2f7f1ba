import type { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { SortableFields, SortTerm } from "./pagination.ts";
import type { ApiError } from "./problem.ts";
import type { Tx } from "./records.ts";
import type { ExportSpec } from "./exports/columns.ts";
import type { ImportSpec } from "./imports/import-rows.ts";
import type { RequestContext, Role } from "./request-context.ts";

/**
 * What a record type is, written once: everything the generic record service (lib/record-service.ts) and the
 * generic routes (lib/crud-routes.ts) need to know about it, and nothing they already know. List, get, create,
 * update (merge patch, If-Match, version guard, lost race, audit), delete (If-Match, references, audit) and history
 * are written once for every record; a definition supplies only what is its own.
 */

export type Db = Tx | PrismaClient;
export type Versioned = { id: string; version: number };

/** The part of a Prisma model delegate the record service calls (each definition's `model` hands out its own). */
export type ModelDelegate<Row> = {
  findFirst(args: { where: object; include?: object }): Promise<Row | null>;
  findMany(args: { where: object; orderBy?: object[]; take?: number; include?: object; select?: { id: true } }): Promise<Row[]>;
  create(args: { data: never; include?: object }): Promise<Row>;
  updateMany(args: { where: object; data: never }): Promise<{ count: number }>;
  deleteMany(args: { where: object }): Promise<{ count: number }>;
  count(args: { where: object }): Promise<number>;
};

/** A record that still points at the one being deleted: any with `count` > 0 turns the delete into a 409. */
export type Reference = { resource: string; field: string; count: number };

/** Query parameters every list has (lib/schemas.ts: paginationQuery, sortQuery, searchQuery, includeQuery). */
export type ListQueryBase = { limit: number; cursor?: string; sort: SortTerm[]; q?: string; include?: readonly string[] };

/**
 * A foreign id in the input: `field` holds an id, a list of ids, or (with `each`) a list of objects whose `each`
 * member is one. Every id a write adds must name an existing record of `resource` (a definition's key); the
 * service checks them all at once, inside the write's transaction, and answers one 422 naming each that does not.
 */
export type ForeignKey = { field: string; resource: string; each?: string };

/** An embedded relation (`include=<name>`): the records of another definition, mapped by that definition's mapper. */
export type Embed = {
  /** The `key` of the embedded records' definition. */
  resource: string;
  /** Where the loaded rows are (default: the row's member of the include's name); e.g. through a link table. */
  rows?: (row: never) => unknown;
};

export type ResourceDefinition<Row extends Versioned, Rec extends Versioned, Create, ListQuery extends ListQueryBase> = {
  /** URL segment, plural kebab-case: "grant-applications" ("participants" under its parent). */
  path: string;
  /** The audit log's resource type, unique among definitions: the path, or for a sub-resource e.g. "meeting-participants". */
  key: string;
  /** For a sub-resource: the parent's definition key and the foreign key naming it (also the path parameter). */
  parent?: { resource: string; key: string };
  /**
   * `tag` groups the routes in the documentation; `many` and `noun` are for texts ("List organizations",
   * "an organization"); `inProblems` where a problem says more.
   */
  names: { tag: string; many: string; noun: string; inProblems?: string };
  /** Literal, so that `grep updateGrantApplication src` finds the route. */
  operationIds: { list: string; create: string; get: string; update: string; delete: string; history: string };
  /** The record, its create body and patch, its list and get queries, its page (lib/record-schemas.ts: recordSchemas). */
  schemas: {
    record: z.ZodType;
    create: z.ZodType<Create, unknown>;
    patch: z.ZodType;
    listQuery: z.ZodType<ListQuery, unknown>;
    getQuery: z.ZodType;
    page: z.ZodType;
    /** The create answer, when it shows more than the record: the record and its `secret`'s shown fields. */
    created?: z.ZodType;
  };
  descriptions?: { list?: string; create?: string; delete?: string };
  /** The least role every route of this record type needs, reads included (default: reader reads, editor writes). */
  minRole?: Role;
  /** The record carries fields derived from other records (e.g. an activity's meetingIds): its ETag must cover them. */
  derivedFields?: boolean;

  /** The Prisma model; its rows come back as `Row` with the includes the definition names. */
  model: (db: Db) => ModelDelegate<Versioned>;
  /** Sortable fields with their types, declared once in the schemas: the list's `sort` parameter reads the same object. */
  sortable: SortableFields;
  /** The list's own filters (besides `q`, which every list has), ANDed. */
  where: (query: ListQuery) => object[];
  /** What every row is loaded with, because the mapper needs it (an activity's linked ids, an application's partners). */
  rowInclude?: object;
  /** The Prisma include for `include=` names (defaults to rowInclude). */
  include?: (names: readonly string[]) => object | undefined;
  /** `include=` names embedding whole records of another definition. */
  embeds?: Record<string, Embed>;

  /** The columns of its CSV and XLSX (lib/exports/): every list of it answers `Accept: text/csv` and the XLSX type. */
  export: ExportSpec;
  /** Files of it can be imported (POST /v1/imports): the columns that name a record, alternatives in order. */
  import?: ImportSpec;

  /** Row -> API record (without embedded records). */
  toRecord: (row: Row) => Rec;
  /** Validated create input -> the row's columns (parent key and nested writes excepted). */
  toData: (input: Create) => object;
  /** Nested writes that only a create makes (an application's first status, an activity's links). */
  createData?: (input: Create) => object;
  /**
   * A secret made with the record (a calendar feed's token, a webhook's signing secret): `stored` are its columns (a
   * hash where the service only checks it, the secret where it must use it),
   * `shown` what the create answer adds to the record, that once (`publicBaseUrl` for the links it holds). Such a
   * create ignores Idempotency-Key, since its answer must be stored nowhere.
   */
  secret?: (publicBaseUrl: string) => { stored: object; shown: Record<string, string> };
  /** Fields only their own operation changes (an application's status): not input, but audited. */
  readOnly?: readonly string[];
  /** Fields computed from other records or from the state (an activity's meetingIds): neither input nor audited. */
  derived?: readonly string[];
  /** The record as a create body would describe it, for the merge patch, when that is not simply its input fields. */
  toInput?: (row: Row, patch: Record<string, unknown>) => unknown;
  /** The foreign ids of the input. */
  refersTo?: readonly ForeignKey[];
  /** The records that block a delete. */
  references?: (tx: Tx, row: Row) => Promise<Reference[]>;
  hooks?: {
    /** Checks what only this record type checks, inside the write's transaction, after `refersTo`; `current` on update. */
    check?: (tx: Tx, input: Create, current: Row | undefined, parentId: string) => Promise<void>;
    /** After the version-guarded update of the row: rewrites what the input owns in other tables (links, partners). */
    afterUpdate?: (tx: Tx, current: Row, input: Create) => Promise<void>;
    /** Before the row is deleted: refuses (e.g. only a draft), or logs what goes with it (as `context`'s request did). */
    beforeDelete?: (tx: Tx, row: Row, context: RequestContext | undefined) => Promise<void>;
    /** What a unique-key violation on a write means for this record, when the generic 409 says too little. */
    conflict?: (input: Create) => ApiError;
  };
};

// The service and routes take any definition; its own types are checked where it is written (defineResource).
// biome-ignore lint: a definition of any record type
export type AnyResource = ResourceDefinition<any, any, any, any>;

/** The operation ids of list, create, get, update, delete and history, in this order. */
type OperationIds = readonly [list: string, create: string, get: string, update: string, remove: string, history: string];

/**
 * A record type's definition: its schemas (with its sortable fields) and what else is its own, checked against its
 * row, record, input and query types. Its key is its path unless it says otherwise.
 */
export const defineResource = <Row extends Versioned, Rec extends Versioned, Create, ListQuery extends ListQueryBase>(
  schemas: ResourceDefinition<Row, Rec, Create, ListQuery>["schemas"] & { sortable: SortableFields },
  definition: Omit<ResourceDefinition<Row, Rec, Create, ListQuery>, "key" | "schemas" | "sortable" | "operationIds"> & {
    key?: string;
    operationIds: OperationIds;
  },
): ResourceDefinition<Row, Rec, Create, ListQuery> => {
  const [list, create, get, update, remove, history] = definition.operationIds;
  return {
    ...definition,
    key: definition.key ?? definition.path,
    schemas,
    sortable: schemas.sortable,
    operationIds: { list, create, get, update, delete: remove, history },
  };
};
