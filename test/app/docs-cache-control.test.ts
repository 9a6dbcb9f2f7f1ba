// Cache-Control: no-cache on every form of the OpenAPI document (JSON, YAML, Swagger UI's copies), for GET and HEAD,
// on a 200 and on a 304 (RFC 9111 4.3.4: a 304 updates the stored response's headers), and on nothing else.
import t from "tap";
import { testApp } from "../helper.ts";

const { app } = await testApp(t);

for (const url of ["/openapi.json", "/openapi.yaml", "/docs/json", "/docs/yaml"]) {
  t.test(`${url}: no-cache on GET, HEAD and 304`, async (t) => {
    const get = await app.inject({ method: "GET", url });
    t.equal(get.statusCode, 200);
    t.equal(get.headers["cache-control"], "no-cache", "GET");
    const head = await app.inject({ method: "HEAD", url });
    t.equal(head.statusCode, 200);
    t.equal(head.headers["cache-control"], "no-cache", "HEAD");
    const notModified = await app.inject({ method: "GET", url, headers: { "if-none-match": get.headers.etag as string } });
    t.equal(notModified.statusCode, 304);
    t.equal(notModified.headers["cache-control"], "no-cache", "304");
    const compressed = await app.inject({ method: "GET", url, headers: { "accept-encoding": "br" } });
    t.equal(compressed.headers["cache-control"], "no-cache", "compressed");
  });
}

t.test("not on the API's answers nor on other pages", async (t) => {
  for (const url of ["/v1/coordinators", "/docs", "/reference", "/openapi.json/x", "/v1/nothing"]) {
    const res = await app.inject({ url });
    t.not(res.headers["cache-control"], "no-cache", `${url}: ${res.statusCode} ${res.headers["cache-control"]}`);
  }
});
