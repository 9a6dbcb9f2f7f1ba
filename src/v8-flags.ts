import v8 from "node:v8";

/**
 * V8 settings of the server (src/server.ts imports this module first).
 *
 * `--no-allocation-site-pretenuring`: V8 watches each place in the code that makes objects, and once most of what a
 * place made survived a young-generation collection, it makes that place's objects directly in the old generation.
 * Under load it decided so for the array node-postgres collects a query's rows in (`Result#rows`): from then on every
 * row of every query, with its strings and dates, was kept through young collections by that array and copied to the
 * old generation (24 KB a list of 25, measured with --trace-gc-nvp), and collecting them cost a list request 70 µs
 * of its 540. Without the heuristic that is 0.2 KB and 19 µs (bench/RESULTS.md). Set here rather than on each
 * command line so that `npm start`, the Dockerfile and `npm run bench` all run the server alike; V8 reads it at each
 * collection, so setting it at start-up is enough.
 */
v8.setFlagsFromString("--no-allocation-site-pretenuring");
