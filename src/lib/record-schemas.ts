import { z } from "zod";
import type { SortableFields } from "./pagination.ts";

/** Every record can be listed by when it was created or last changed. */
export const SORT_BY_TIME = { createdAt: { type: "datetime" }, updatedAt: { type: "datetime" } } as const satisfies SortableFields;
import { delimiterQuery } from "./exports/export-list.ts";
import { includeQuery, page, paginationQuery, searchQuery, sortQuery } from "./schemas.ts";

/**
 * The query schemas every record type has, built the same way for each: its list query (`limit`, `cursor`, `sort`
 * over its sortable fields, `q`, its own filters, `include`), its get query (`include`) and its page.
 */
type IncludeShape<N extends string> = [N] extends [never] ? Record<never, never> : { include: ReturnType<typeof includeQuery<N>> };
type ListShape<F extends z.ZodRawShape, N extends string> = typeof paginationQuery & {
  sort: ReturnType<typeof sortQuery<string>>;
  q: typeof searchQuery;
  delimiter: typeof delimiterQuery;
} & F &
  IncludeShape<N>;

/**
 * The schemas of a record type, built the same way for each: the record, its create body and its patch as given,
 * and from its sortable fields and filters its list query (`limit`, `cursor`, `sort`, `q`, its own filters,
 * `include`), its get query (`include`) and its page.
 */
export function recordSchemas<R extends z.ZodType, C extends z.ZodType, P extends z.ZodType, const F extends z.ZodRawShape, const N extends string = never>(
  shapes: { record: R; create: C; patch: P },
  options: { sortable: SortableFields; sort: string; filters: F; include?: readonly [N, ...N[]] },
) {
  // `include` is a member exactly when the record type names relations to embed.
  const include = (options.include ? { include: includeQuery(options.include) } : {}) as IncludeShape<N>;
  const listShape = { ...paginationQuery, sort: sortQuery(options.sortable, options.sort), q: searchQuery, ...options.filters, ...include, delimiter: delimiterQuery };
  return {
    ...shapes,
    sortable: options.sortable,
    listQuery: z.strictObject(listShape as unknown as ListShape<F, N>),
    getQuery: z.strictObject(include),
    // The page's component is named after the record's: CoordinatorPage.
    page: page(shapes.record, `${shapes.record.meta()?.id}Page`),
  };
}

/**
 * Records that embed each other (a meeting its activity, an activity its meetings) cannot import each other's schema
 * without an import cycle. So the schema that closes the circle names the other by its component id (`Activity`):
 * the schema registers itself with `embeddable`, and is looked up when first used, once every module has loaded.
 */
const embeddableRecords = new Map<string, z.ZodType>();

export function embeddable<T extends z.ZodType>(schema: T): T {
  const id = schema.meta()?.id;
  if (typeof id !== "string") throw new Error("an embeddable record schema needs a component id (.meta({ id }))");
  embeddableRecords.set(id, schema);
  return schema;
}

export const embeddedRecord = <T>(id: string): z.ZodType<T> =>
  z.lazy(() => {
    const schema = embeddableRecords.get(id);
    if (!schema) throw new Error(`the ${id} schema is not loaded (its module was never imported)`);
    return schema as z.ZodType<T>;
  });
