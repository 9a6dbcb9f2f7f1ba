import { LRUCache } from "lru-cache";
import { namesVersion } from "./etag.ts";
import type { Versioned } from "./resource.ts";

/**
 * About how many bytes of heap `value` (a row, or one of its values) takes: a string at two bytes a character (V8
 * stores text with any character beyond Latin-1, Polish letters, so), arrays and rows by their members.
 */
function sizeOf(value: unknown): number {
  if (typeof value === "string") return 16 + 2 * value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + sizeOf(item), 16);
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).reduce((sum: number, member) => sum + 16 + sizeOf(member), 32);
  }
  return 16;
}

/**
 * The rows this process last wrote (create, update), the most recent `max` of them and no more than `maxBytes` of them,
 * so that an update whose If-Match names the version held here is written against that row without reading it first:
 * one round trip instead of two for POST -> PATCH and PATCH -> PATCH of a record. Rows read are not held: holding each
 * GET's row cost a GET by id about 60 µs of CPU (bench: 156 -> 221 µs), more than the read it saves a later PATCH.
 *
 * It cannot write over a change it has not seen. The write it feeds is conditional on that version
 * (`WHERE id = $1 AND version = $2`), every change of a record bumps its version (what ETags already rest on), so a
 * row held at the version still in the database is the row in the database; once the version has moved (a write on
 * any instance, a delete), the conditional write changes nothing, the row is forgotten and the update reads the record
 * as usual (then 412, 404 or the write). Only for the record types whose writes go straight through node-postgres
 * (record-service.ts, "plain write path"); 10,000 coordinators' rows take about 7 MB. The bytes bound the rest: a
 * meeting's row (100 agenda items of 1000 characters, outcomes, its search text) takes about 450 KB, and 10,000 of
 * those would be more than the heap (test/lib/row-memory.test.ts).
 */
export function rowMemory(max = 10_000, maxBytes = 32 * 1024 * 1024) {
  const rows = new LRUCache<string, Versioned>({ max, maxSize: maxBytes, maxEntrySize: maxBytes / 16, sizeCalculation: (row) => Math.max(1, sizeOf(row)) });
  return {
    /** Holds `row` under `key` (unless it alone is more than a sixteenth of the bytes), and returns it. */
    remember<R extends Versioned>(key: string, row: R): R {
      rows.set(key, row); // one too large is not held, nor is what was held under its key
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
