// Issue 9, defects 7–9 and deliverable 6: every answer is ours. Requests Node's HTTP parser refuses get a problem
// with a request id, the security headers and Connection: close; Links never come from the Host header; secrets
// in a query string never reach the log.
import net from "node:net";
import { Writable } from "node:stream";
import t from "tap";
import { buildApp } from "../../src/app.ts";
import { clientErrorAnswer } from "../../src/lib/client-errors.ts";
import { loggerOptions } from "../../src/lib/logging.ts";
import { TEST_CONFIG, injectWithKey, testApp } from "../helper.ts";
import { createCoordinator } from "../fixtures/records.ts";

const { app, db, adminKey } = await testApp(t);

/** Sends raw bytes on a new connection; resolves with everything received once the server ends the connection. */
function rawExchange(port: number, request: string): Promise<{ head: string; body: string; reset: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let received = "";
    let reset = false;
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (received += chunk));
    socket.on("error", () => (reset = true));
    socket.on("close", () => {
      const [head = "", body = ""] = received.split("\r\n\r\n");
      resolve({ head, body, reset });
    });
    socket.write(request);
  });
}

t.test("requests the HTTP parser refuses are problems with a request id, security headers and Connection: close", async (t) => {
  const server = await buildApp({ database: db, config: TEST_CONFIG });
  t.teardown(() => server.close());
  await server.listen({ host: "127.0.0.1", port: 0 });
  const port = (server.server.address() as net.AddressInfo).port;

  const cases: Array<[string, string, number, string]> = [
    ["a URL over 16 KB", `GET /v1/coordinators?q=${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431, "headers_too_large"],
    ["headers over 16 KB", `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(20_000)}\r\n\r\n`, 431, "headers_too_large"],
    ["a bare CR in a header", "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Odd: a\rb\r\n\r\n", 400, "malformed_request"],
    ["a NUL in a header", "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Odd: a\u0000b\r\n\r\n", 400, "malformed_request"],
    ["two Content-Lengths", "POST /v1/coordinators HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400, "malformed_request"],
    ["Transfer-Encoding with Content-Length", "POST /v1/coordinators HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "malformed_request"],
  ];
  for (const [label, request, status, code] of cases) {
    const { head, body, reset } = await rawExchange(port, request);
    t.match(head, new RegExp(`^HTTP/1\\.1 ${status} `), `${label}: ${status}`);
    t.match(head, /\r\ncontent-type: application\/problem\+json; charset=utf-8(\r\n|$)/i, `${label}: problem+json`);
    t.match(head, /\r\nconnection: close(\r\n|$)/i, `${label}: Connection: close`);
    t.match(head, /\r\nx-content-type-options: nosniff(\r\n|$)/i, `${label}: security headers`);
    t.match(head, /\r\ncontent-security-policy: default-src 'none'/i);
    const requestId = /\r\nx-request-id: ([\w-]+)/i.exec(head)?.[1];
    t.ok(requestId, `${label}: X-Request-Id`);
    const problem = JSON.parse(body);
    t.equal(problem.code, code);
    t.equal(problem.status, status);
    t.equal(problem.requestId, requestId, "the body names the same request id");
    t.notOk(reset, `${label}: the connection is ended, not reset`);
  }
});

t.test("a request whose headers never arrive in time is a 408 problem (Node's request timeout)", async (t) => {
  const answer = clientErrorAnswer(Object.assign(new Error("Request timeout"), { code: "ERR_HTTP_REQUEST_TIMEOUT" }));
  t.equal(answer.status, 408);
  t.match(answer.head, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  t.match(answer.head, /\r\nconnection: close\r\n/);
  t.equal(JSON.parse(answer.body).code, "request_incomplete");
});

t.test("Link headers never come from the Host header", async (t) => {
  await createCoordinator(app);
  await createCoordinator(app);
  const res = await app.inject({ url: "/v1/coordinators?limit=1&sort=name", headers: { host: "evil.example" } });
  t.equal(res.statusCode, 200);
  const link = String(res.headers.link);
  t.notMatch(link, /evil\.example/);
  t.match(link, /^<\/v1\/coordinators\?limit=1&sort=name&cursor=[\w-]+>; rel="next"$/, "relative to the request");

  const configured = await buildApp({ database: db, config: { ...TEST_CONFIG, publicBaseUrl: "https://api.example.pl/klastry" } });
  t.teardown(() => configured.close());
  injectWithKey(configured, adminKey.key);
  const absolute = await configured.inject({ url: "/v1/coordinators?limit=1", headers: { host: "evil.example" } });
  t.match(String(absolute.headers.link), /^<https:\/\/api\.example\.pl\/klastry\/v1\/coordinators\?limit=1&cursor=[\w-]+>; rel="next"$/);
});

t.test("secrets in a query string are redacted in the log", async (t) => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logged = await buildApp({ database: db, config: TEST_CONFIG, logger: loggerOptions("info", stream) });
  t.teardown(() => logged.close());
  for (const url of [
    "/v1/coordinators?api_key=SECRET-ONE&q=widoczne",
    "/v1/coordinators?access_token=SECRET-TWO",
    "/v1/coordinators?limit=5&token=SECRET-THREE",
    "/v1/coordinators?KEY=SECRET-FOUR",
    "/v1/coordinators?api%5Fkey=SECRET-FIVE",
  ]) {
    const res = await logged.inject({ url, headers: { authorization: "Bearer crk_xxxxxxxx_SECRET-SIX" } });
    t.equal(res.statusCode, 401, url);
  }
  const log = lines.join("");
  t.match(log, /"url":"\/v1\/coordinators\?api_key=\[redacted\]&q=widoczne"/, "the parameter is named, its value redacted, the rest kept");
  t.notMatch(log, /SECRET/, "no secret anywhere in the log");
});

t.test("every operation declares what any request may get before it is routed", async (t) => {
  const spec = (await app.inject({ url: "/openapi.json" })).json() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
  for (const [path, item] of Object.entries(spec.paths)) {
    // A path item's `parameters` is what its operations all take, not an operation.
    for (const [method, operation] of Object.entries(item).filter(([key]) => key !== "parameters")) {
      for (const status of ["400", "408", "431", "500", "503"]) {
        t.ok(operation.responses[status], `${method.toUpperCase()} ${path} declares ${status}`);
      }
    }
  }
});
