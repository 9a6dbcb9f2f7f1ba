import fs from "node:fs";
import fc from "fast-check";
import { parse } from "yaml";
import { schemaArbitrary } from "./src/fuzz/openapi-fuzz.ts";
import { inlineSharedComponents } from "./src/lib/openapi-shared.ts";
const doc = inlineSharedComponents(parse(fs.readFileSync("openapi.yaml", "utf8")));
for (const n of ["Nip", "Regon", "Krs", "Domain2", "Address", "TimeZoneName", "MeetingCreate", "CoordinatorCreate"]) {
  const t0 = Date.now();
  const s = fc.sample(schemaArbitrary(doc, { $ref: `#/components/schemas/${n}` }), 20);
  console.log(n, Date.now() - t0, "ms", JSON.stringify(s.slice(0, 3)).slice(0, 300));
}
