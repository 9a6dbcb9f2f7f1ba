// npx tsx bench/docs-usable.ts [loads]
// How long Swagger UI at /docs takes to become usable in Debian's Chromium (headless): per load, in a new browser
// context (nothing cached), the milliseconds until the operations are on screen and until "Authorize" has opened its
// dialog, then the median, with the machine's load average (the wall time grows with it). The app runs here without a
// database: /docs needs none. Not a test; see "Docs" in the README.
import os from "node:os";
import { chromium } from "playwright-core";
import { buildApp } from "../src/app.ts";
import { detachedDatabase } from "../src/db/database.ts";
import { CHROMIUM, CHROMIUM_ARGS, docsUsableAfter } from "../test/fixtures/chromium.ts";

const loads = Number(process.argv[2] ?? 5);
const app = await buildApp({ database: detachedDatabase(), closeDatabase: true });
const address = await app.listen({ host: "127.0.0.1", port: 0 });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
await docsUsableAfter(browser, address); // builds the document once in this process, as a running server has
const results: number[] = [];
for (let i = 1; i <= loads; i++) {
  const { operations, authorize } = await docsUsableAfter(browser, address);
  results.push(authorize);
  process.stdout.write(`load ${i}: operations on screen after ${operations} ms, Authorize open after ${authorize} ms\n`);
}
results.sort((a, b) => a - b);
process.stdout.write(`median ${results[Math.floor(results.length / 2)]} ms (load average ${os.loadavg().map((n) => n.toFixed(1)).join(" ")} on ${os.cpus().length} CPUs)\n`);
await browser.close();
await app.close();
