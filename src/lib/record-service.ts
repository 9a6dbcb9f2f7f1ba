import type { PrismaClient } from "../generated/prisma/client.ts";
import type { SqlModel } from "../db/sql-models.ts";
import { withRequestHooks } from "../db/transactions.ts";
import { problemText } from "./messages/problems.ts";
import { auditEventData, recordAudit, type AuditInput } from "./audit.ts";
import { assertIfMatch } from "./etag.ts";
import { omit } from "./mapping.ts";
import { applyMergePatch } from "./merge-patch.ts";
import { paginate } from "./pagination.ts";
import type { RequestContext } from "./request-context.ts";
import { problemFromDatabaseError } from "./prisma-errors.ts";
import { ApiError, notFound, type FieldError } from "./problem.ts";
import { atVersion, idsAt, lostRace, validationError, type Tx } from "./records.ts";
import type { AnyResource, Db, Versioned } from "./resource.ts";
import type { RowMemory } from "./row-memory.ts";
import { searchWhere } from "./search-text.ts";

/**
 * The one record service: list, get, create, update and delete for every record type, each written once, driven
 * by the type's definition (lib/resource.ts). Every write runs in one transaction with its audit event; every
 * update and delete is conditional on the version the client named (If-Match) and on the version read (a
 * concurrent writer turns into a 412), and every update bumps the version.
 */

type RecordOf<D extends AnyResource> = ReturnType<D["toRecord"]>;
type CreateOf<D extends AnyResource> = Parameters<D["toData"]>[0];
type ListQueryOf<D extends AnyResource> = Parameters<D["where"]>[0];
/** `context`: the request's (its key and id go to the audit log, its transaction hooks into the write's); none outside one. */
type WriteOptions = { tx?: Tx; context?: RequestContext };

export type RecordService<D extends AnyResource = AnyResource> = {
  list(query: ListQueryOf<D>, parentId?: string): Promise<{ data: Array<RecordOf<D>>; nextCursor: string | null }>;
  /** How many records the list's filters and `q` match (every page). */
  count(query: ListQueryOf<D>, parentId?: string): Promise<number>;
  /** Every record the list matches, in its order, a page at a time, with its row (loaded with `include` too): for exports. */
  scan(query: ListQueryOf<D>, parentId?: string, include?: object): AsyncGenerator<Array<{ record: RecordOf<D>; row: object }>>;
  get(id: string, query?: { include?: readonly string[] }, parentId?: string): Promise<RecordOf<D>>;
  /**
   * With `tx`, inside that transaction (an import's, which writes many records all or nothing); else in one of its
   * own. `publicBaseUrl`: for the links a definition's `secret` shows.
   */
  create(input: CreateOf<D>, parentId?: string, options?: WriteOptions & { publicBaseUrl?: string }): Promise<RecordOf<D>>;
  update(id: string, patch: unknown, ifMatch: string, parentId?: string, options?: WriteOptions): Promise<RecordOf<D>>;
  remove(id: string, ifMatch: string, parentId?: string, options?: Pick<WriteOptions, "context">): Promise<void>;
};

/**
 * A record type whose create and update write only its own row (no checks of its own, nested or secret data): its
 * parent and references are checked before the write, with the foreign keys as the backstop against a concurrent delete.
 */
export const writesOnlyItsRow = (definition: AnyResource) =>
  !definition.rowInclude &&
  !definition.hooks?.check &&
  !definition.hooks?.afterUpdate &&
  !definition.createData &&
  !definition.secret;

/** Rows per query when a whole list is read (an export): large enough to be quick, small enough to stream. */
const SCAN_PAGE = 500;

/** Fields of every record that no input carries. */
const META = ["id", "version", "createdAt", "updatedAt"];

/** What a record service asks of the set it belongs to (lib/record-services.ts). */
export type Registry = {
  present: (definition: AnyResource, row: Record<string, unknown>, include?: readonly string[]) => Versioned;
  lookup: (key: string) => AnyResource;
  readsOf: (definition: AnyResource, db: Db) => Pick<ReturnType<AnyResource["model"]>, "findFirst" | "findMany" | "count">;
  plainModel: (definition: AnyResource) => Promise<SqlModel | undefined>;
  /** Rows last read or written, which an update naming their version is written against (lib/row-memory.ts). */
  memory: RowMemory;
};

export function recordService(prisma: PrismaClient, definition: AnyResource, { present, lookup, readsOf, plainModel, memory }: Registry): RecordService {
  const { parent, hooks = {} } = definition;
  const noun = definition.names.inProblems ?? definition.names.noun;
  const model = (db: Db) => definition.model(db);
  const includeOf = (names: readonly string[] = []) => (definition.include ? definition.include(names) : definition.rowInclude);
  const scope = (parentId: string) => (parent ? { [parent.key]: parentId } : {});
  const heldKey = (id: string, parentId: string) => `${definition.key}/${parentId}/${id}`;

  // What the audit log compares: the record without what every record has, its parent and what is derived.
  const notAudited = [...META, ...(parent ? [parent.key] : []), ...(definition.derived ?? [])];
  const auditShape = (row: Versioned) => omit(definition.toRecord(row), notAudited);
  // What a merge patch applies to: the record as a create body would describe it.
  // `shape`: the row's auditShape, when the caller has it already.
  const inputOf = (row: Versioned, patch: Record<string, unknown> = {}, shape?: object) =>
    definition.toInput ? definition.toInput(row, patch) : omit(shape ?? auditShape(row), definition.readOnly ?? []);

  /**
   * Every foreign id the write adds (those the record already held were checked when they came) must name an existing
   * record: one 422 naming each that does not.
   */
  async function assertReferences(db: Db, input: Record<string, unknown>, current: Versioned | undefined) {
    if (!definition.refersTo?.length) return;
    const held = (current ? inputOf(current) : {}) as Record<string, unknown>;
    const errors: FieldError[] = [];
    const missing: Array<{ noun: string; id: string }> = [];
    for (const { field, resource, each } of definition.refersTo) {
      const heldIds = new Set(idsAt(field, held[field], each).map((reference) => reference.id));
      const added = idsAt(field, input[field], each).filter((reference) => !heldIds.has(reference.id));
      if (added.length === 0) continue;
      const target = lookup(resource);
      const found = await readsOf(target, db).findMany({ where: { id: { in: added.map((reference) => reference.id) } }, select: { id: true } });
      const existing = new Set(found.map((row: { id: string }) => row.id));
      for (const { path, id } of added.filter((reference) => !existing.has(reference.id))) {
        errors.push({ path, message: `refers to a ${target.names.noun} that does not exist`, location: "body" });
        missing.push({ noun: target.names.noun, id });
      }
    }
    if (errors.length > 0) throw new ApiError("reference_not_found", problemText("referencesMissing", { missing }), { errors });
  }

  async function assertParent(db: Db, parentId: string) {
    if (!parent) return;
    const owner = lookup(parent.resource);
    if ((await readsOf(owner, db).count({ where: { id: parentId } })) === 0) throw notFound(owner.names.noun, parentId);
  }

  /** The audit event of a write, in the write's transaction: what changed, on which record (of which parent). */
  // With the record as it now stands (`data`: what the change feed's include=record and webhooks carry), in the same INSERT.
  const auditOf = (action: "create" | "update" | "delete", row: Versioned, parentId: string, before: object | null, after: object | null): AuditInput => ({
    action,
    resourceType: definition.key,
    resourceId: row.id,
    parentId: parent ? parentId : undefined,
    version: row.version,
    before,
    after,
    data: present(definition, row),
  });
  const audit = (tx: Tx, context: RequestContext | undefined, ...args: Parameters<typeof auditOf>) => recordAudit(tx, auditOf(...args), context);

  /**
   * The plain write path: a record type whose create and update write only its own row (writesOnlyItsRow) writes it
   * and its audit event straight through node-postgres, in one statement,
   * on PostgreSQL (src/db/sql-models.ts); not inside another transaction nor under an Idempotency-Key, whose claim
   * commits with the write through Prisma. Otherwise, and on PGlite, the writes below go through Prisma.
   */
  const plainWrites = writesOnlyItsRow(definition);
  const plainWrite = async (outer: Tx | undefined, context: RequestContext | undefined) =>
    plainWrites && !outer && !context?.transactionHooks ? plainModel(definition) : undefined;
  /** The patched record's input: the merge patch applied to its input shape, passing the create schema. */
  function patched(current: Versioned, patch: unknown, shape?: object) {
    const merged = applyMergePatch(inputOf(current, patch as Record<string, unknown>, shape), patch);
    const parsed = definition.schemas.create.safeParse(merged, { reportInput: true });
    if (!parsed.success) throw validationError(parsed.error);
    return parsed.data;
  }

  /** The record (of this parent), or a 404 that says whether the parent or the record is missing. */
  async function load(db: Db, id: string, parentId: string, include?: readonly string[]) {
    const row = await readsOf(definition, db).findFirst({ where: { id, ...scope(parentId) }, include: includeOf(include) });
    if (row) return row as Versioned;
    await assertParent(db, parentId);
    throw notFound(noun, id);
  }

  /** A unique key taken by a concurrent write is the same conflict as one found up front. */
  async function write<T>(input: () => unknown, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const attempted = input();
      if (hooks.conflict && attempted !== undefined && problemFromDatabaseError(error)?.code === "conflict") throw hooks.conflict(attempted);
      throw error;
    }
  }

  const inTransaction = <T>(outer: Tx | undefined, context: RequestContext | undefined, run: (tx: Tx) => Promise<T>): Promise<T> => (outer ? run(outer) : prisma.$transaction(withRequestHooks(context, run)));
  const listWhere = (query: { q?: string }, parentId: string) => ({ AND: [scope(parentId), ...searchWhere(query.q), ...definition.where(query)] });

  const service: RecordService = {
    async list(query, parentId = "") {
      await assertParent(prisma, parentId);
      const { rows, nextCursor } = await paginate({
        fields: definition.sortable,
        sort: query.sort,
        limit: query.limit,
        cursor: query.cursor,
        where: listWhere(query, parentId),
        findMany: (args) => readsOf(definition, prisma).findMany({ ...args, include: includeOf(query.include) }),
      });
      return { data: rows.map((row) => present(definition, row, query.include)), nextCursor };
    },

    async count(query, parentId = "") {
      await assertParent(prisma, parentId);
      return readsOf(definition, prisma).count({ where: listWhere(query, parentId) });
    },

    // Keyset pages from the first (the query's own cursor and limit are a JSON page's, not an export's).
    async *scan(query, parentId = "", include) {
      const rowInclude = { ...includeOf([]), ...include };
      let cursor: string | undefined;
      do {
        const page = await paginate({
          fields: definition.sortable,
          sort: query.sort,
          limit: SCAN_PAGE,
          cursor,
          where: listWhere(query, parentId),
          findMany: (args) => readsOf(definition, prisma).findMany({ ...args, include: rowInclude }),
        });
        yield page.rows.map((row) => ({ record: present(definition, row), row }));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    },

    async get(id, query = {}, parentId = "") {
      // Not held for a later update (row-memory.ts): keeping every row read cost a GET by id about 60 µs (bench).
      return present(definition, await load(prisma, id, parentId, query.include), query.include);
    },

    async create(input, parentId = "", { tx: outer, publicBaseUrl = "", context } = {}) {
      const plain = await plainWrite(outer, context);
      if (plain) {
        await assertParent(prisma, parentId);
        await assertReferences(prisma, input, undefined);
        const data = { ...definition.toData(input), ...scope(parentId) };
        const audited = (row: object) => auditEventData(auditOf("create", row as Versioned, parentId, null, auditShape(row as Versioned)), context);
        const written = (await write(() => input, async () => plain.create(data, audited))) as Versioned | undefined;
        if (written) return present(definition, memory.remember(heldKey(written.id, parentId), written));
      }
      return write(
        () => input,
        () =>
          inTransaction(outer, context, async (tx) => {
            await assertParent(tx, parentId);
            await assertReferences(tx, input, undefined);
            await hooks.check?.(tx, input, undefined, parentId);
            const secret = definition.secret?.(publicBaseUrl);
            const data = { ...definition.toData(input), ...definition.createData?.(input), ...secret?.stored, ...scope(parentId) };
            const row = await model(tx).create({ data: data as never, include: definition.rowInclude });
            await audit(tx, context, "create", row, parentId, null, auditShape(row));
            // The secret is shown here, once; the audit event and every later read have only the record.
            return { ...present(definition, row), ...secret?.shown };
          }),
      );
    },

    /**
     * PATCH as RFC 7396 describes it: the patch is merged into the record's input shape and the result must pass the
     * create schema, so a patch never makes a record a POST could not. The write is conditional on the version read.
     */
    async update(id, patch, ifMatch, parentId = "", { tx: outer, context } = {}) {
      let input: unknown;
      const plain = await plainWrite(outer, context);
      if (plain) {
        const held = memory.at(heldKey(id, parentId), ifMatch);
        const current = held ?? (await load(prisma, id, parentId));
        assertIfMatch(ifMatch, current);
        const before = auditShape(current);
        input = patched(current, patch, before);
        await assertReferences(prisma, input as Record<string, unknown>, current);
        const audited = (row: object) => auditEventData(auditOf("update", row as Versioned, parentId, before, auditShape(row as Versioned)), context);
        const saved = await write(() => input, async () => plain.update(current, definition.toData(input) as Record<string, unknown>, audited));
        if (saved === null) memory.forget(heldKey(id, parentId));
        // The version held here is gone (changed elsewhere, deleted): read the record as usual (412, 404 or the write).
        if (saved === null && held) return service.update(id, patch, ifMatch, parentId, { context });
        if (saved === null) throw lostRace(noun);
        if (saved) return present(definition, memory.remember(heldKey(id, parentId), saved as Versioned));
      }
      return write(
        () => input,
        () =>
          inTransaction(outer, context, async (tx: Tx) => {
            const current = await load(tx, id, parentId);
            assertIfMatch(ifMatch, current);
            input = patched(current, patch);
            await assertReferences(tx, input as Record<string, unknown>, current);
            await hooks.check?.(tx, input, current, parentId);
            const data = { ...definition.toData(input), version: { increment: 1 } };
            const { count } = await model(tx).updateMany({ where: atVersion(current), data: data as never });
            if (count === 0) throw lostRace(noun);
            await hooks.afterUpdate?.(tx, current, input);
            const saved = await load(tx, id, parentId);
            await audit(tx, context, "update", saved, parentId, auditShape(current), auditShape(saved));
            return present(definition, saved);
          }),
      );
    },

    /** Deletes a record nothing references any more (409 naming what still does), with its audit event. */
    async remove(id, ifMatch, parentId = "", { context } = {}) {
      await prisma.$transaction(withRequestHooks(context, async (tx: Tx) => {
        const current = await load(tx, id, parentId);
        assertIfMatch(ifMatch, current);
        const references = (await definition.references?.(tx, current))?.filter((reference) => reference.count > 0) ?? [];
        if (references.length > 0) {
          throw new ApiError("still_referenced", problemText("stillReferenced", { resource: noun, references }), {
            extensions: { references },
          });
        }
        await hooks.beforeDelete?.(tx, current, context);
        if ((await model(tx).deleteMany({ where: atVersion(current) })).count === 0) throw lostRace(noun);
        await audit(tx, context, "delete", current, parentId, auditShape(current), null);
      }));
      memory.forget(heldKey(id, parentId));
    },
  };
  return service;
}
