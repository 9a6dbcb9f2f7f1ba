// Issue 10, point 5: the document and the docs pages are compressed (br, gzip), the document has an ETag and
// caching headers (304 on If-None-Match), and a second, read-first reference (Scalar) is served from node_modules.
import zlib from "node:zlib";
import t from "tap";
import { testApp } from "../helper.ts";

const { app } = await testApp(t);

const decode = (encoding: string | undefined, body: Buffer) =>
  encoding === "br" ? zlib.brotliDecompressSync(body) : encoding === "gzip" ? zlib.gunzipSync(body) : body;

t.test("the document and the docs assets are compressed, br or gzip as the client accepts", async (t) => {
  for (const url of ["/openapi.json", "/openapi.yaml", "/docs/json", "/docs/static/swagger-ui-bundle.js", "/docs/static/swagger-ui.css", "/reference/assets/js/scalar.js"]) {
    const plain = await app.inject({ method: "GET", url });
    t.equal(plain.statusCode, 200, `${url} is served`);
    t.notOk(plain.headers["content-encoding"], `${url}: nothing compressed for a client that does not ask`);
    for (const encoding of ["br", "gzip"]) {
      const response = await app.inject({ method: "GET", url, headers: { "accept-encoding": encoding } });
      t.equal(response.statusCode, 200);
      t.equal(response.headers["content-encoding"], encoding, `${url} in ${encoding}`);
      const raw = response.rawPayload;
      t.ok(raw.length < plain.rawPayload.length / 2, `${url} ${encoding}: ${raw.length} bytes of ${plain.rawPayload.length}`);
      t.ok(decode(encoding, raw).equals(plain.rawPayload), `${url} ${encoding} decodes to the same bytes`);
    }
  }
  const preferred = await app.inject({ method: "GET", url: "/openapi.json", headers: { "accept-encoding": "gzip, deflate, br" } });
  t.equal(preferred.headers["content-encoding"], "br", "br when both are accepted");
});

t.test("the API's own answers are not compressed (only the docs are)", async (t) => {
  const response = await app.inject({ method: "GET", url: "/v1/coordinators?limit=100", headers: { "accept-encoding": "br, gzip" } });
  t.equal(response.statusCode, 200);
  t.notOk(response.headers["content-encoding"]);
});

t.test("the document has an ETag and Cache-Control; If-None-Match gives a 304", async (t) => {
  for (const url of ["/openapi.json", "/openapi.yaml", "/docs/json"]) {
    const first = await app.inject({ method: "GET", url });
    const etag = first.headers.etag as string | undefined;
    t.match(etag, /^(W\/)?"[^"]+"$/, `${url} has an ETag`);
    t.equal(first.headers["cache-control"], "no-cache", `${url}: caches keep it and revalidate`);
    const again = await app.inject({ method: "GET", url, headers: { "if-none-match": etag! } });
    t.equal(again.statusCode, 304, `${url}: 304 when the ETag is current`);
    t.equal(again.body, "");
    const compressed = await app.inject({ method: "GET", url, headers: { "if-none-match": etag!, "accept-encoding": "br" } });
    t.equal(compressed.statusCode, 304, `${url}: the same ETag revalidates the compressed form`);
    const stale = await app.inject({ method: "GET", url, headers: { "if-none-match": '"stale"' } });
    t.equal(stale.statusCode, 200, `${url}: 200 for a stale ETag`);
  }
  const json = await app.inject({ method: "GET", url: "/openapi.json" });
  const yaml = await app.inject({ method: "GET", url: "/openapi.yaml" });
  t.not(json.headers.etag, yaml.headers.etag, "JSON and YAML are different representations");
});

t.test("/reference: Scalar's read-first view, served from node_modules with no inline script", async (t) => {
  const page = await app.inject({ method: "GET", url: "/reference" });
  t.equal(page.statusCode, 200);
  t.match(page.headers["content-type"], /^text\/html/);
  t.match(page.body, /<script src="\/reference\/assets\/js\/scalar\.js"><\/script>/);
  t.notMatch(page.body, /<script>|<script type=|https?:\/\//, "no inline script, nothing from another origin");
  t.match(page.headers["content-security-policy"], /script-src 'self'(;|$)/, "the docs policy: scripts from this origin only");
  const init = await app.inject({ method: "GET", url: "/reference/init.js" });
  t.equal(init.statusCode, 200);
  t.match(init.body, /Scalar\.createApiReference\("#app", \{"url":"\/openapi\.json"/);
  const script = await app.inject({ method: "GET", url: "/reference/assets/js/scalar.js" });
  t.equal(script.statusCode, 200);
  t.match(script.headers["content-type"], /javascript/);
  t.ok(script.rawPayload.length > 1_000_000, "the bundle itself, not a loader from a CDN");
});
