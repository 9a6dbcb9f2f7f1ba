// The typed client in clients/typescript: its generated types are what openapi.yaml says today, and an integrator's
// whole flow runs through it against the real app listening on a port (create, read, conditional update, a lost
// race, a transition, a paged list, CSV / ICS as text, the change feed).
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import t from "tap";
import { TYPES_FILE, generateClientTypes } from "../../clients/typescript/generate.ts";
import { ApiError, createClusterRecordsClient, isProblem } from "../../clients/typescript/src/index.ts";
import { buildApp } from "../../src/app.ts";
import { TEST_CONFIG, createEditorKey, feedSettled, testDatabase } from "../helper.ts";

t.test("the committed client types are what openapi-typescript makes of the committed openapi.yaml", async (t) => {
  const generated = await generateClientTypes();
  t.ok(fs.readFileSync(TYPES_FILE, "utf8") === generated, "clients/typescript/src/openapi.d.ts is out of date: run `npm run openapi` and commit the result");
});

t.test("an integrator's flow through the client, over HTTP", async (t) => {
  const db = await testDatabase(t);
  const app = await buildApp({ database: db, config: TEST_CONFIG });
  t.teardown(() => app.close());
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const editor = await createEditorKey(db);
  const keys: string[] = [];
  const client = createClusterRecordsClient({
    baseUrl: `http://127.0.0.1:${port}`,
    apiKey: editor.key,
    idempotencyKey: () => {
      keys.push(`client-test-${keys.length + 1}`);
      return keys.at(-1)!;
    },
  });

  // Create: 201 with Location and ETag, an Idempotency-Key sent without asking.
  const body = { name: "Pomorski Koordynator Sp. z o.o.", legalForm: "limited_liability_company" as const, address: { city: "Gdańsk", postalCode: "80-309", country: "PL" } };
  const created = await client.post("/v1/coordinators", { body });
  t.equal(created.data.name, body.name);
  t.equal(created.location, `/v1/coordinators/${created.data.id}`);
  t.ok(created.etag, "the create answer carries an ETag");
  t.equal(created.replayed, false);
  t.same(keys, ["client-test-1"], "the create went out with a generated Idempotency-Key");

  // The same key again replays the first answer instead of making a second record.
  const retried = await client.post("/v1/coordinators", { body, idempotencyKey: "client-test-1" });
  t.equal(retried.replayed, true, "a retry with the same key is replayed");
  t.equal(retried.data.id, created.data.id);
  t.equal(keys.length, 1, "a key named by the caller is used as it is");

  // Read with the ETag, then a conditional update.
  const id = created.data.id;
  const read = await client.getWithEtag("/v1/coordinators/{id}", { params: { path: { id } } });
  t.equal(read.data.version, 1);
  t.equal(read.etag, created.etag);
  const updated = await client.updateIfMatch("/v1/coordinators/{id}", read.etag!, { params: { path: { id } }, body: { name: "Pomorski Koordynator S.A." } });
  t.equal(updated.data.version, 2);
  t.equal(updated.data.name, "Pomorski Koordynator S.A.");
  t.not(updated.etag, read.etag, "a new version, a new ETag");

  // A lost race: the old ETag is now stale -> 412 as a typed problem that names the current ETag.
  const lost = await client.updateIfMatch("/v1/coordinators/{id}", read.etag!, { params: { path: { id } }, body: { name: "Too late" } }).catch((error: unknown) => error);
  t.ok(lost instanceof ApiError, "a stale If-Match throws an ApiError");
  if (isProblem(lost, "version_mismatch")) {
    t.equal(lost.status, 412);
    t.equal(lost.problem.currentVersion, 2);
    t.equal(lost.problem.currentEtag, updated.etag);
  } else t.fail(`expected version_mismatch, got ${String(lost)}`);
  const again = await client.updateIfMatch("/v1/coordinators/{id}", (lost as ApiError & { problem: { currentEtag: string } }).problem.currentEtag, {
    params: { path: { id } },
    body: { name: "Pomorski Koordynator S.A. (2)" },
  });
  t.equal(again.data.version, 3, "the retry with the current ETag wins");

  // A transition: a grant application moves from draft to submitted; one not allowed is a typed 409.
  const application = await client.post("/v1/grant-applications", { body: { title: "Wniosek o dofinansowanie 2013", applicantId: id, partners: [] } });
  t.equal(application.data.status, "draft");
  const submitted = await client.post("/v1/grant-applications/{id}/transitions", {
    params: { path: { id: application.data.id } },
    body: { to: "submitted", on: "2013-03-01" },
    ifMatch: application.etag,
  });
  t.equal(submitted.data.status, "submitted");
  const refused = await client
    .post("/v1/grant-applications/{id}/transitions", { params: { path: { id: application.data.id } }, body: { to: "draft" } })
    .catch((error: unknown) => error);
  if (isProblem(refused, "transition_not_allowed")) {
    t.equal(refused.status, 409);
    t.ok(refused.problem.allowedTransitions.length > 0, "the problem says where the application can go");
    t.notOk(refused.problem.allowedTransitions.includes("draft"));
  } else t.fail(`expected transition_not_allowed, got ${String(refused)}`);

  // A paged list: five coordinators, two per page, all of them through the async iterator.
  for (const n of [1, 2, 3, 4]) await client.post("/v1/coordinators", { body: { ...body, name: `Koordynator stronicowany ${n}` } });
  const pages = [];
  for await (const page of client.pages("/v1/coordinators", { params: { query: { limit: 2 } } })) pages.push(page);
  t.equal(pages.length, 3, "5 coordinators in pages of 2: 3 pages");
  const names = [];
  for await (const coordinator of client.paginate("/v1/coordinators", { params: { query: { limit: 2 } } })) names.push(coordinator.name);
  t.equal(names.length, 5);
  t.equal(new Set(names).size, 5, "no coordinator twice");

  // CSV (any list, asked for by Accept) and ICS are read as text, not parsed as JSON.
  const csv = await client.getText("/v1/activities", { headers: { accept: "text/csv" } });
  t.match(csv.response.headers.get("content-type"), /^text\/csv/);
  t.type(csv.data, "string");
  const ics = await client.getText("/v1/meetings/calendar.ics", {});
  t.match(ics.data, /^BEGIN:VCALENDAR/);

  // The change feed: every change above, in order, across pages; the last position is where to poll next.
  await feedSettled(db);
  const events = [];
  let position: string | undefined;
  for await (const page of client.pages("/v1/changes", { params: { query: { limit: 3 } } })) {
    events.push(...page.data);
    position = page.nextCursor;
  }
  t.equal(events.filter((event) => event.resourceType === "coordinators" && event.action === "create").length, 5);
  t.same(
    events.filter((event) => event.resourceId === id).map((event) => [event.action, event.version]),
    [
      ["create", 1],
      ["update", 2],
      ["update", 3],
    ],
  );
  t.ok(events.some((event) => event.resourceType === "grant-applications" && event.action !== "create"), "the transition is in the feed");
  const caughtUp = await client.getWithEtag("/v1/changes", { params: { query: { cursor: position } } });
  t.same(caughtUp.data.data, [], "nothing after the last position");
  t.equal(caughtUp.data.hasMore, false);
});
