import t from "tap";
import { bearer, testApp } from "../../helper.ts";

/**
 * The size limits of the document are the ones the code keeps: an API key with the longest name, used with the
 * longest X-Request-Id, gives records and audit events that pass their response schemas (a smaller output bound
 * would be a 500).
 */

const { app } = await testApp(t);
const NAME = "k".repeat(200);
const REQUEST_ID = "r".repeat(128);

t.test("a key named with 200 characters: its record, its secret and the audit events it writes", async (t) => {
  const created = await app.inject({ method: "POST", url: "/v1/api-keys", payload: { name: NAME, role: "admin", expiresAt: "2099-12-31T23:59:59.999+14:00" } });
  t.equal(created.statusCode, 201, created.body);
  const body = created.json();
  t.equal(body.name, NAME);
  t.equal(body.key.length, 56, "crk_ + 8 + _ + 43: the documented length");
  t.equal(body.prefix.length, 8);
  t.equal(body.expiresAt, "2099-12-31T09:59:59.999Z");

  const write = await app.inject({
    method: "POST",
    url: "/v1/media-partners",
    headers: { ...bearer(body.key), "x-request-id": REQUEST_ID },
    payload: { name: "Portal", kind: "portal" },
  });
  t.equal(write.statusCode, 201, write.body);
  t.equal(write.headers["x-request-id"], REQUEST_ID, "the longest request id is kept");

  const events = await app.inject({ method: "GET", url: `/v1/audit-events?requestId=${REQUEST_ID}` });
  t.equal(events.statusCode, 200, events.body.slice(0, 500));
  const [event] = events.json().data;
  t.equal(event.keyName, NAME, "the key's 200-character name");
  t.equal(event.requestId, REQUEST_ID, "the 128-character request id");
  t.equal(event.version, 1);
  t.ok(Object.keys(event.changes).includes("name"), "changes by field name");
  t.equal((await app.inject({ method: "GET", url: `/v1/audit-events?requestId=${REQUEST_ID}r` })).statusCode, 400, "a filter longer than any request id is a 400");
});
