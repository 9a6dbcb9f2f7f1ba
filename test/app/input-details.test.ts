// Issue 9, defect 11: smaller input findings. Numbers in query strings are digits, a sort list has no empty entries,
// bodies and query strings are UTF-8 (another charset is a 415, bytes that are not UTF-8 a 400, never U+FFFD stored
// without a word), and a request whose body does not arrive in time is a 408, not a 503 "a write may have happened".
import net from "node:net";
import t from "tap";
import { buildApp } from "../../src/app.ts";
import { TEST_CONFIG, testApp } from "../helper.ts";
import { expectProblem } from "../expect.ts";

const { app, db, adminKey } = await testApp(t);

const coordinator = (name: string) =>
  JSON.stringify({ name, legalForm: "limited_liability_company", address: { city: "Gdańsk", postalCode: "80-309" } });

t.test("limit is a whole number written in digits", async (t) => {
  for (const limit of ["0x10", "1e2", "%205", "5%20", "+5", "5.0", "0b11", "", "%09" + "5"]) {
    const res = await app.inject({ url: `/v1/coordinators?limit=${limit}` });
    expectProblem(t, res, 400, "validation_failed", ["/limit"]);
  }
  for (const limit of ["5", "100", "007"]) {
    const res = await app.inject({ url: `/v1/coordinators?limit=${limit}` });
    t.equal(res.statusCode, 200, `limit=${limit}`);
  }
});

t.test("a sort list has no empty entries", async (t) => {
  for (const sort of ["name,,createdAt", "name,", ",name", ",", "-"]) {
    const res = await app.inject({ url: `/v1/coordinators?sort=${encodeURIComponent(sort)}` });
    expectProblem(t, res, 400, "validation_failed", ["/sort"]);
  }
  const ok = await app.inject({ url: "/v1/coordinators?sort=name,-createdAt" });
  t.equal(ok.statusCode, 200);
});

t.test("a body in another charset than UTF-8 is a 415; UTF-8 in any spelling is taken", async (t) => {
  const before = await db.prisma.coordinator.count();
  for (const contentType of ["application/json; charset=utf-16", "application/json; charset=iso-8859-2", "application/json; charset=windows-1250"]) {
    const res = await app.inject({ method: "POST", url: "/v1/coordinators", headers: { "content-type": contentType }, payload: coordinator("Łódź Sp. z o.o.") });
    const problem = expectProblem(t, res, 415, "unsupported_media_type");
    t.match(problem.detail, /UTF-8/);
  }
  const patch = await app.inject({
    method: "PATCH",
    url: "/v1/coordinators/01900000-0000-7000-8000-000000000000",
    headers: { "content-type": "application/merge-patch+json; charset=utf-16", "if-match": '"x"' },
    payload: "{}",
  });
  expectProblem(t, patch, 415, "unsupported_media_type");
  t.equal(await db.prisma.coordinator.count(), before, "nothing was written");
  let n = 0;
  for (const contentType of ["application/json; charset=utf-8", "application/json; charset=UTF-8", 'application/json;charset="utf-8"', "application/json"]) {
    const res = await app.inject({ method: "POST", url: "/v1/coordinators", headers: { "content-type": contentType }, payload: coordinator(`Łódź ${++n} Sp. z o.o.`) });
    t.equal(res.statusCode, 201, contentType);
    t.equal(res.json().name, `Łódź ${n} Sp. z o.o.`);
  }
});

t.test("bytes that are not UTF-8 are a 400, in a body or in a query string", async (t) => {
  const before = await db.prisma.coordinator.count();
  for (const bad of [[0xff, 0xfe], [0xc3, 0x28], [0xed, 0xa0, 0x80]]) {
    const payload = Buffer.concat([Buffer.from('{"name":"Koordynator '), Buffer.from(bad), Buffer.from(' Sp. z o.o."}')]);
    const res = await app.inject({ method: "POST", url: "/v1/coordinators", headers: { "content-type": "application/json" }, payload });
    const problem = expectProblem(t, res, 400, "malformed_request");
    t.match(problem.detail, /UTF-8/);
  }
  t.equal(await db.prisma.coordinator.count(), before, "nothing was written (no U+FFFD in the database)");
  const query = await app.inject({ url: "/v1/coordinators?q=%C5%81%FFd%C5%BA" });
  expectProblem(t, query, 400, "validation_failed", ["/q"]);
  const good = await app.inject({ url: "/v1/coordinators?q=%C5%81%C3%B3d%C5%BA" });
  t.equal(good.statusCode, 200, "valid percent-encoded UTF-8 is fine");
});

t.test("half of a surrogate pair spelled as a JSON escape is a 400 naming each member, on every write path", async (t) => {
  const before = await db.prisma.coordinator.count();
  const cases: Array<{ payload: string; paths: string[] }> = [
    { payload: '{"name":"Koordynator \\ud800 Sp. z o.o."}', paths: ["/name"] },
    { payload: '{"name":"Koordynator \\uDC00","address":{"city":"Gda\\ud83d","country":"PL"}}', paths: ["/name", "/address/city"] },
    { payload: '{"name":"Koordynator","mandateBasis":"\\ud83d\\ud83d"}', paths: ["/mandateBasis"] },
    // A member name can hold half a pair too.
    { payload: '{"name":"Koordynator","address":{"c\\udc00ity":"Gdańsk","country":"PL"}}', paths: ["/address/c\udc00ity"] },
  ];
  for (const [index, { payload, paths }] of cases.entries()) {
    // Without an Idempotency-Key (the plain write path) and with one (the Prisma path): both refuse, neither stores U+FFFD.
    for (const headers of [{ "content-type": "application/json" }, { "content-type": "application/json", "idempotency-key": `surrogate-${index}` }]) {
      const res = await app.inject({ method: "POST", url: "/v1/coordinators", headers, payload });
      const problem = expectProblem(t, res, 400, "validation_failed", paths);
      t.match(problem.errors?.[0]?.message, /surrogate/);
    }
  }
  t.equal(await db.prisma.coordinator.count(), before, "nothing was written");
  // Nested thousands of levels deep, it is refused as too deep (walking it would overflow the stack), not as bad JSON.
  const deep = await app.inject({ method: "POST", url: "/v1/coordinators", headers: { "content-type": "application/json" }, payload: `${"[".repeat(5000)}"\\ud800"${"]".repeat(5000)}` });
  t.match(expectProblem(t, deep, 400, "validation_failed").detail, /nested more than 64 levels/);
  // A whole pair, and an escaped backslash before "ud800", are ordinary text.
  const emoji = await app.inject({ method: "POST", url: "/v1/coordinators", headers: { "content-type": "application/json" }, payload: '{"name":"Klaster \\ud83d\\ude80 \\\\ud800"}' });
  t.equal(emoji.statusCode, 201, emoji.body);
  t.equal(emoji.json().name, "Klaster \u{1F680} \\ud800");
});

t.test("a request whose body does not arrive within the request timeout is a 408 that closes the connection", async (t) => {
  const slow = await buildApp({ database: db, config: { ...TEST_CONFIG, timeouts: { requestMs: 400, connectionMs: 5000, keepAliveMs: 5000 } } });
  t.teardown(() => slow.close());
  await slow.listen({ host: "127.0.0.1", port: 0 });
  const port = (slow.server.address() as net.AddressInfo).port;
  const before = await db.prisma.coordinator.count();
  const body = coordinator("Powolny Sp. z o.o.");
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (received += chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(received));
    socket.write(
      `POST /v1/coordinators HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${adminKey.key}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
    );
    // The rest never comes; the socket closes once the server has answered.
  });
  const [head = "", payload = ""] = answer.split("\r\n\r\n");
  t.match(head, /^HTTP\/1\.1 408 /, head);
  t.match(head, /\r\nconnection: close\r\n/i);
  t.match(head, /\r\ncontent-type: application\/problem\+json/i);
  t.match(head, /\r\nx-request-id: /i);
  t.equal(JSON.parse(payload).code, "request_incomplete");
  t.equal(await db.prisma.coordinator.count(), before, "nothing was written");
});
