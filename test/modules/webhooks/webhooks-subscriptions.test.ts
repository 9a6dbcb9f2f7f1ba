import t from "tap";
import { CHANGE_RESOURCE_TYPES } from "../../../src/modules/changes/changes-schemas.ts";
import { eventResourceName } from "../../../src/modules/webhooks/webhook-events.ts";
import { EVENT_RESOURCES } from "../../../src/modules/webhooks/webhooks-schemas.ts";
import { createEditorKey, feedSettled, testApp } from "../../helper.ts";
import { expectProblem } from "../../expect.ts";

const { app, db } = await testApp(t);
const PUBLIC = "https://93.184.215.14/hooks/crm";

t.test("every record type in the change feed (which the webhooks follow) has its event types", async (t) => {
  for (const type of CHANGE_RESOURCE_TYPES) t.ok(EVENT_RESOURCES.includes(eventResourceName(type) as never), type);
});

t.test("the secret is shown once, at creation, and never in the audit log or the feed", async (t) => {
  const created = await app.inject({ method: "POST", url: "/v1/webhooks", payload: { url: PUBLIC, eventTypes: ["meeting.created"], description: "CRM" } });
  t.equal(created.statusCode, 201, created.body);
  const body = created.json();
  t.match(body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  t.equal(body.enabled, true);
  const read = await app.inject({ url: `/v1/webhooks/${body.id}` });
  t.equal(read.statusCode, 200);
  t.notOk("secret" in read.json(), "GET never shows it");
  const history = await app.inject({ url: `/v1/webhooks/${body.id}/history` });
  t.notOk(history.body.includes(body.secret), "not in the audit log");
  await feedSettled(db);
  const feed = await app.inject({ url: "/v1/changes?include=record&resourceType=webhooks" });
  t.equal(feed.statusCode, 200, feed.body);
  t.equal(feed.json().data.length, 1, "the feed records the subscription");
  t.notOk(feed.body.includes(body.secret), "not in the feed");
  const rows = await db.prisma.auditEvent.findMany({ where: { resourceId: body.id } });
  t.notOk(JSON.stringify(rows.map((row) => [row.changes, row.data])).includes("whsec_"), "no secret stored in any event");

  // With an Idempotency-Key too: an answer that holds a secret is stored nowhere, so it is not replayed either.
  const rotateKey = `rotate-${body.id}`;
  const rotated = await app.inject({ method: "POST", url: `/v1/webhooks/${body.id}/rotate-secret`, headers: { "idempotency-key": rotateKey }, payload: { overlapSeconds: 3600 } });
  t.equal(rotated.statusCode, 200, rotated.body);
  t.equal(await db.prisma.idempotencyKey.count({ where: { key: rotateKey } }), 0, "the answer with the new secret is not kept for replay");
  t.match(rotated.json().secret, /^whsec_/);
  t.not(rotated.json().secret, body.secret, "a new secret");
  t.equal(rotated.json().version, 2);
  t.ok(rotated.json().previousSecretExpiresAt, "the previous one signs until then");
  const row = await db.prisma.webhookSubscription.findUniqueOrThrow({ where: { id: body.id } });
  t.equal(row.previousSecret, body.secret);
  const events = await db.prisma.auditEvent.findMany({ where: { resourceId: body.id } });
  t.notOk(JSON.stringify(events.map((event) => [event.changes, event.data])).includes("whsec_"), "rotation logs no secret either");
});

t.test("webhooks are for admins only", async (t) => {
  const editor = await createEditorKey(db);
  const res = await app.inject({ url: "/v1/webhooks", headers: editor.headers });
  expectProblem(t, res, 403, "forbidden");
});

t.test("unknown event types are a 400 naming the field", async (t) => {
  const res = await app.inject({ method: "POST", url: "/v1/webhooks", payload: { url: PUBLIC, eventTypes: ["meeting.exploded"] } });
  const problem = expectProblem(t, res, 400, "validation_failed");
  t.equal(problem.errors?.[0]?.path, "/eventTypes/0");
});

t.test("SSRF: refused target URLs are a 422 naming the rule", async (t) => {
  const cases: Array<[string, string]> = [
    ["http://93.184.215.14/hook", "https_required"],
    ["https://127.0.0.1/hook", "private_address"],
    ["https://10.0.0.7/hook", "private_address"],
    ["https://192.168.1.10:8443/hook", "private_address"],
    ["https://169.254.169.254/latest/meta-data", "private_address"],
    ["https://[::1]/hook", "private_address"],
    ["https://[::ffff:127.0.0.1]/hook", "private_address"],
    ["https://[fd00:ec2::254]/hook", "private_address"],
    // A name that resolves to 127.0.0.1: refused after DNS resolution.
    ["https://localhost/hook", "private_address"],
    ["https://no-such-host.invalid/hook", "unresolvable"],
  ];
  for (const [url, rule] of cases) {
    const res = await app.inject({ method: "POST", url: "/v1/webhooks", payload: { url, eventTypes: ["*"] } });
    const problem = expectProblem(t, res, 422, "webhook_url_refused");
    t.equal(problem.rule, rule, url);
    t.equal(problem.errors?.[0]?.path, "/url");
  }
  const created = await app.inject({ method: "POST", url: "/v1/webhooks", payload: { url: PUBLIC, eventTypes: ["*"] } });
  t.equal(created.statusCode, 201);
  const patched = await app.inject({
    method: "PATCH",
    url: `/v1/webhooks/${created.json().id}`,
    headers: { "if-match": created.headers.etag as string },
    payload: { url: "https://localhost:8443/hook" },
  });
  t.equal(expectProblem(t, patched, 422, "webhook_url_refused").rule, "private_address", "a PATCH is checked too");
  const polish = await app.inject({ method: "POST", url: "/v1/webhooks", headers: { "accept-language": "pl" }, payload: { url: "http://93.184.215.14/", eventTypes: ["*"] } });
  t.equal(expectProblem(t, polish, 422, "webhook_url_refused").errors?.[0]?.message, "musi używać https");
});

t.test("the feed carries the record with include=record", async (t) => {
  const before = (await app.inject({ url: "/v1/changes?limit=1" })).json();
  const coordinator = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: "Koordynator Pomorski" } });
  t.equal(coordinator.statusCode, 201);
  const patched = await app.inject({
    method: "PATCH",
    url: `/v1/coordinators/${coordinator.json().id}`,
    headers: { "if-match": coordinator.headers.etag as string },
    payload: { shortName: "KP" },
  });
  await feedSettled(db);
  const plain = (await app.inject({ url: `/v1/changes?cursor=${before.nextCursor}&resourceType=coordinators` })).json();
  t.notOk("data" in plain.data[0], "without include, no record");
  const feed = (await app.inject({ url: `/v1/changes?cursor=${before.nextCursor}&resourceType=coordinators&include=record` })).json();
  t.equal(feed.data.length, 2);
  t.strictSame(feed.data[0].data, coordinator.json(), "the record as created, as GET answered it");
  t.strictSame(feed.data[1].data, patched.json(), "the record as updated");
  const removed = await app.inject({ method: "DELETE", url: `/v1/coordinators/${coordinator.json().id}`, headers: { "if-match": patched.headers.etag as string } });
  t.equal(removed.statusCode, 204);
  await feedSettled(db);
  const after = (await app.inject({ url: `/v1/changes?cursor=${feed.nextCursor}&include=record` })).json();
  t.equal(after.data[0].action, "delete");
  t.strictSame(after.data[0].data, patched.json(), "a delete carries the record as deleted");
  const bad = await app.inject({ url: "/v1/changes?include=everything" });
  expectProblem(t, bad, 400, "validation_failed");
});
