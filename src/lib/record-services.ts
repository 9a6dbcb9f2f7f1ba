import type { PrismaClient } from "../generated/prisma/client.ts";
import { plainReads, type SqlModels } from "../db/sql-models.ts";
import { recordService, type RecordService } from "./record-service.ts";
import { rowMemory } from "./row-memory.ts";
import type { AnyResource, Db, Versioned } from "./resource.ts";

/** The record services of a set of definitions; embedded records are mapped by their own definition. */
export function recordServices(prisma: PrismaClient, definitions: readonly AnyResource[], sql?: SqlModels) {
  const byKey = new Map(definitions.map((definition) => [definition.key, definition]));
  // Reads outside a transaction: straight through node-postgres where the database offers it (src/db/sql-models.ts).
  const reads = new Map(definitions.map((definition) => [definition, plainReads(definition.model(prisma), sql)]));
  const readsOf = (definition: AnyResource, db: Db) => (db === prisma ? reads.get(definition)! : definition.model(db));
  // Each model's name is read once: a Prisma client's model is a getter on a proxy, a few µs a write (profile of PATCH).
  const modelNames = new Map(definitions.map((definition) => [definition, (definition.model(prisma) as { name?: unknown }).name]));
  const plainModel = (definition: AnyResource) => {
    const name = modelNames.get(definition);
    return sql && typeof name === "string" ? sql.model(name) : Promise.resolve(undefined);
  };

  /** The API record of a row, with the relations named in `include` embedded (each by its own mapper). */
  function present(definition: AnyResource, row: Record<string, unknown>, include: readonly string[] = []): Versioned {
    const record: Record<string, unknown> = definition.toRecord(row);
    for (const name of include) {
      const embed = definition.embeds?.[name];
      if (!embed) continue;
      const target = byKey.get(embed.resource)!;
      const value = embed.rows ? embed.rows(row as never) : row[name];
      if (value === undefined) continue;
      record[name] = Array.isArray(value)
        ? value.map((item: Record<string, unknown>) => target.toRecord(item))
        : value === null
          ? null
          : target.toRecord(value);
    }
    return record as Versioned;
  }

  const memory = rowMemory();
  const lookup = (key: string) => {
    const definition = byKey.get(key);
    if (!definition) throw new Error(`no record definition "${key}"`);
    return definition;
  };
  const services = new Map(definitions.map((definition) => [definition, recordService(prisma, definition, { present, lookup, readsOf, plainModel, memory })]));
  return {
    /** The definition with this key (a sub-resource's parent, say). */
    definition: lookup,
    of<D extends AnyResource>(definition: D): RecordService<D> {
      const service = services.get(definition);
      if (!service) throw new Error(`no record service for ${definition.key}`);
      return service as RecordService<D>;
    },
  };
}

