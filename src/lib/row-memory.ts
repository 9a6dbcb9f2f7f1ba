import { LRUCache } from "lru-cache";
import { namesVersion } from "./etag.ts";
import type { Versioned } from "./resource.ts";

/**
 * The rows this process last read or wrote (GET by id, create, update), the most recent `max` of them, so that an
 * update whose If-Match names the version held here is written against that row without reading it first: one round
 * trip instead of two for the usual GET -> PATCH and PATCH -> PATCH of a record.
 *
 * It cannot write over a change it has not seen. The write it feeds is conditional on that version
 * (`WHERE id = $1 AND version = $2`), every change of a record bumps its version (what ETags already rest on), so a
 * row held at the version still in the database is the row in the database; once the version has moved (a write on
 * any instance, a delete), the conditional write changes nothing, the row is forgotten and the update reads the record
 * as usual (then 412, 404 or the write). Only for the record types whose writes go straight through node-postgres
 * (record-service.ts, "plain write path"); 10,000 coordinators' rows take about 7 MB.
 */
export function rowMemory(max = 10_000) {
  const rows = new LRUCache<string, Versioned>({ max });
  return {
    /** Holds `row` under `key`, and returns it. */
    remember<R extends Versioned>(key: string, row: R): R {
      rows.set(key, row);
      return row;
    },
    forget: (key: string) => void rows.delete(key),
    /** The row held under `key`, if `ifMatch` names its version. */
    at(key: string, ifMatch: string): Versioned | undefined {
      const row = rows.get(key);
      return row && namesVersion(ifMatch, row) ? row : undefined;
    },
  };
}

export type RowMemory = ReturnType<typeof rowMemory>;
