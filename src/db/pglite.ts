import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { unaccent } from "@electric-sql/pglite/contrib/unaccent";

/**
 * Embedded PostgreSQL (PGlite, in-process wasm) with the contrib extensions our migrations create.
 * `dataDir` is a folder (kept between runs) or "memory://" (gone when the process ends).
 */
export async function openPglite(dataDir: string): Promise<PGlite> {
  const pglite = new PGlite(dataDir, { extensions: { pg_trgm, unaccent } });
  await pglite.waitReady;
  return pglite;
}
