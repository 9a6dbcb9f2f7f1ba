import { Writable } from "node:stream";
import Fastify, { type FastifyBaseLogger } from "fastify";
import t, { type Test } from "tap";
import { buildApp } from "../../src/app.ts";
import { lazyChildLogger } from "../../src/lib/lazy-logger.ts";
import { loggerOptions } from "../../src/lib/logging.ts";
import { TEST_CONFIG, testDatabase } from "../helper.ts";

// Each request's logger is pino's child (bound to the request id), made only when the request logs a line at a level
// that is on: the same lines with the same bindings, and no child() for a request that logs nothing.

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

/** Counts the children made of `log` (pino's children inherit from their parent: `this` is whichever logger is asked). */
function countChildren(log: FastifyBaseLogger) {
  const counter = { made: 0 };
  const child = log.child;
  log.child = function (this: FastifyBaseLogger, ...args: Parameters<typeof child>) {
    if (this === log) counter.made++;
    return child.apply(this, args);
  };
  return counter;
}

/** A pino logger (Fastify's own) at `level`, counting the children made of it. */
async function parentLogger(t: Test, level: string) {
  const { lines, stream } = capture();
  const server = Fastify({ logger: { level, stream } });
  t.teardown(() => server.close());
  const log = server.log;
  const counter = countChildren(log);
  return { log, lines, children: () => counter.made };
}

t.test("lines below the level make no child; the first line at it makes one, which logs every later line", async (t) => {
  const { log, lines, children } = await parentLogger(t, "warn");
  const request = lazyChildLogger(log, { reqId: "r-1" }, {});
  request.info("not at warn");
  request.debug({ detail: 1 }, "nor this");
  t.equal(children(), 0, "no child() yet");
  t.equal(request.level, "warn");
  request.warn({ detail: 2 }, "a warning");
  request.error("an error");
  request.info("still not at warn");
  t.equal(children(), 1, "one child, for every line");
  t.same(lines.map((line) => [line.level, line.msg, line.detail, line.reqId]), [
    [40, "a warning", 2, "r-1"],
    [50, "an error", undefined, "r-1"],
  ]);
});

t.test("a route's own level (logLevel) is honoured", async (t) => {
  const { log, lines } = await parentLogger(t, "warn");
  const request = lazyChildLogger(log, { reqId: "r-2" }, { level: "debug" });
  t.equal(request.level, "debug");
  request.trace("below debug");
  request.debug("at debug");
  t.same(lines.map((line) => [line.level, line.msg, line.reqId]), [[20, "at debug", "r-2"]]);
});

t.test("the parent's level is read when a line is logged; a child of the request's logger keeps its bindings", async (t) => {
  const { log, lines } = await parentLogger(t, "warn");
  const request = lazyChildLogger(log, { reqId: "r-3" }, {});
  log.level = "info";
  request.info("at info now");
  request.child({ part: "inner" }).warn("from a child");
  t.same(lines.map((line) => [line.msg, line.reqId, line.part]), [
    ["at info now", "r-3", undefined],
    ["from a child", "r-3", "inner"],
  ]);
});

t.test("setting the request logger's level makes its child at that level", async (t) => {
  const { log, lines } = await parentLogger(t, "warn");
  const request = lazyChildLogger(log, { reqId: "r-4" }, {});
  request.level = "debug";
  request.debug("at debug");
  t.equal(request.level, "debug");
  t.equal(log.level, "warn", "the parent's level is unchanged");
  t.same(lines.map((line) => line.msg), ["at debug"]);
});

t.test("a logger that is not pino's (logging off) gives its own child", async (t) => {
  const silent = { child: () => silent } as unknown as FastifyBaseLogger;
  t.equal(lazyChildLogger(silent, { reqId: "r-5" }, {}), silent);
});

t.test("the service: a request that logs nothing makes no child; at info each line carries the request id", async (t) => {
  const db = await testDatabase(t);
  for (const level of ["warn", "info"]) {
    const { lines, stream } = capture();
    const app = await buildApp({ database: db, config: TEST_CONFIG, logger: loggerOptions(level, stream) });
    t.teardown(() => app.close());
    await app.ready();
    const counter = countChildren(app.log);
    const res = await app.inject({ url: "/health/live", headers: { "x-request-id": `lazy-${level}` } });
    t.equal(res.statusCode, 200);
    const own = lines.filter((line) => line.reqId === `lazy-${level}`);
    if (level === "warn") {
      t.equal(counter.made, 0, "warn: no child logger made");
      t.same(own, [], "warn: nothing logged");
    } else {
      t.equal(counter.made, 1, "info: one child logger");
      t.same(own.map((line) => line.msg), ["incoming request", "request completed"], "info: both lines, with the request id");
    }
  }
});
