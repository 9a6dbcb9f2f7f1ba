// Idempotency-Key on POST: a retry replays the first answer, never creates a second record.
import { randomUUID } from "node:crypto";
import t from "tap";
import { buildApp } from "../../src/app.ts";
import { TEST_CONFIG, testApp, testDatabase } from "../helper.ts";
import { createCluster, createCoordinator } from "../fixtures/records.ts";

t.test("Idempotency-Key", async (t) => {
  const database = await testDatabase(t);
  const { app } = await testApp(t, database);
  const countNamed = (name: string) => database.prisma.coordinator.count({ where: { name } });
  const post = (url: string, key: string | undefined, payload: unknown) =>
    app.inject({ method: "POST", url, headers: key === undefined ? {} : { "idempotency-key": key }, payload: payload as object });

  t.test("a retry with the same key and body replays the first answer", async (t) => {
    const key = randomUUID();
    const name = `Idempotentny ${key}`;
    const body = { name, legalForm: "association", address: { city: "Łódź", postalCode: "90-001" } };

    const first = await post("/v1/coordinators", key, body);
    t.equal(first.statusCode, 201, first.body);
    t.equal(first.headers["idempotent-replayed"], undefined, "the first answer is not a replay");
    t.match(first.headers.location, new RegExp(`^/v1/coordinators/${first.json().id}$`));

    const replay = await post("/v1/coordinators", key, body);
    t.equal(replay.statusCode, 201, "same status");
    t.equal(replay.body, first.body, "same body, byte for byte");
    t.equal(replay.headers.location, first.headers.location, "same Location");
    t.equal(replay.headers.etag, first.headers.etag, "same ETag");
    t.equal(replay.headers["content-type"], "application/json; charset=utf-8");
    t.equal(replay.headers["idempotent-replayed"], "true");
    t.not(replay.headers["x-request-id"], first.headers["x-request-id"], "the replay is its own request");
    t.equal(await countNamed(name), 1, "one record");

    // The same JSON with its members (and nested members) in another order is the same request.
    const reordered = await post("/v1/coordinators", key, { address: { postalCode: "90-001", city: "Łódź" }, legalForm: "association", name });
    t.equal(reordered.statusCode, 201);
    t.equal(reordered.body, first.body);
    t.equal(reordered.headers["idempotent-replayed"], "true");
    t.equal(await countNamed(name), 1, "still one record");

    // Without a key, the same body is a new record.
    const again = await post("/v1/coordinators", undefined, body);
    t.equal(again.statusCode, 201);
    t.not(again.json().id, first.json().id);
    t.equal(await countNamed(name), 2);
  });

  t.test("the same key with a different body is a 422", async (t) => {
    const key = randomUUID();
    const name = `Pierwszy ${key}`;
    const first = await post("/v1/coordinators", key, { name });
    t.equal(first.statusCode, 201);

    for (const [url, payload] of [
      ["/v1/coordinators", { name: `Drugi ${key}` }],
      ["/v1/coordinators", { name, shortName: "X" }],
      ["/v1/clusters", { name, sectors: [], coordinatorId: first.json().id }],
    ] as const) {
      const reused = await post(url, key, payload);
      t.equal(reused.statusCode, 422, `${url}: ${reused.body}`);
      t.equal(reused.headers["content-type"], "application/problem+json; charset=utf-8");
      t.equal(reused.json().code, "idempotency_key_reused");
      t.equal(reused.json().type, "/problems/idempotency_key_reused");
      t.equal(reused.json().status, 422);
      t.equal(reused.json().requestId, reused.headers["x-request-id"]);
      t.equal(reused.headers["idempotent-replayed"], undefined);
    }
    t.equal(await countNamed(`Drugi ${key}`), 0, "nothing created");
    t.equal(await database.prisma.cluster.count({ where: { name } }), 0, "nothing created");
    t.equal(await countNamed(name), 1);
  });

  t.test("a key must be 1 to 255 visible ASCII characters", async (t) => {
    const name = `Klucz ${randomUUID()}`;
    for (const key of ["k".repeat(256), "klucz z spacjami", "klucz-żółć", "k".repeat(1000)]) {
      const response = await post("/v1/coordinators", key, { name });
      t.equal(response.statusCode, 400, `key of ${key.length} chars: ${key.slice(0, 20)}`);
      t.equal(response.headers["content-type"], "application/problem+json; charset=utf-8");
      t.equal(response.json().code, "validation_failed");
      t.same(response.json().errors, [{ path: "/idempotency-key", message: "must be 1 to 255 visible ASCII characters", location: "header" }]);
    }
    t.equal(await countNamed(name), 0, "nothing created");

    const longest = await post("/v1/coordinators", "k".repeat(254) + "!", { name });
    t.equal(longest.statusCode, 201, "255 characters are fine");
    const one = await post("/v1/coordinators", "1", { name: `${name} 1` });
    t.equal(one.statusCode, 201, "1 character is fine");
  });

  t.test("a request that fails validation does not use up the key", async (t) => {
    const key = randomUUID();
    const name = `Poprawiony ${key}`;
    const invalid = await post("/v1/coordinators", key, { name, nip: "123" });
    t.equal(invalid.statusCode, 400);
    t.equal(invalid.json().code, "validation_failed");
    const unknownField = await post("/v1/coordinators", key, { name, colour: "red" });
    t.equal(unknownField.statusCode, 400);

    const valid = await post("/v1/coordinators", key, { name });
    t.equal(valid.statusCode, 201, valid.body);
    t.equal(valid.headers["idempotent-replayed"], undefined, "a fresh answer, not a replay of the 400");
    t.equal(await countNamed(name), 1);
  });

  t.test("only a POST that reaches a route takes the key; other methods never look at it", async (t) => {
    const key = randomUUID();
    const name = `Trasa ${key}`;
    const nowhere = await post("/v1/coordinatorz", key, { name });
    t.equal(nowhere.statusCode, 404);
    const created = await post("/v1/coordinators", key, { name });
    t.equal(created.statusCode, 201, "the key is free: the 404 did not claim it");
    t.equal(created.headers["idempotent-replayed"], undefined);
    const etag = created.headers.etag as string;
    const patch = { method: "PATCH" as const, url: `/v1/coordinators/${created.json().id}`, headers: { "idempotency-key": key, "if-match": etag } };
    const first = await app.inject({ ...patch, payload: { shortName: "TR" } });
    t.equal(first.statusCode, 200);
    t.equal(first.headers["idempotent-replayed"], undefined, "a PATCH is not replayed (If-Match makes it safe to retry)");
    t.equal(await database.prisma.idempotencyKey.count({ where: { key } }), 1, "the POST's claim only");
  });

  t.test("a 409 conflict is replayed as a 409", async (t) => {
    const shortName = `K${randomUUID().slice(0, 8)}`;
    const existing = await createCluster(app, { shortName });
    const key = randomUUID();
    const body = { name: `Konflikt ${key}`, shortName, sectors: ["transport"], coordinatorId: existing.coordinatorId };

    const first = await post("/v1/clusters", key, body);
    t.equal(first.statusCode, 409, first.body);
    t.equal(first.json().code, "conflict");
    t.same(
      first.json().errors.map((e: { path: string }) => e.path),
      ["/shortName"],
    );

    const replay = await post("/v1/clusters", key, body);
    t.equal(replay.statusCode, 409);
    t.equal(replay.body, first.body, "the same problem");
    t.equal(replay.headers["content-type"], "application/problem+json; charset=utf-8");
    t.equal(replay.headers["idempotent-replayed"], "true");
    t.equal(await database.prisma.cluster.count({ where: { shortName } }), 1, "still only the original cluster");
  });

  t.test("a 422 for a missing reference is replayed too", async (t) => {
    const key = randomUUID();
    const body = { name: `Sierota ${key}`, sectors: [], coordinatorId: randomUUID() };
    const first = await post("/v1/clusters", key, body);
    t.equal(first.statusCode, 422);
    t.equal(first.json().code, "reference_not_found");
    const replay = await post("/v1/clusters", key, body);
    t.equal(replay.statusCode, 422);
    t.equal(replay.body, first.body);
    t.equal(replay.headers["idempotent-replayed"], "true");
  });

  t.test("concurrent duplicates never create two records", async (t) => {
    for (let round = 0; round < 5; round++) {
      const key = randomUUID();
      const name = `Równoległy ${key}`;
      const coordinator = await createCoordinator(app);
      const body = { name, sectors: ["logistyka"], coordinatorId: coordinator.id };
      const responses = await Promise.all([1, 2, 3].map(() => post("/v1/clusters", key, body)));

      const fresh = responses.filter((r) => r.statusCode === 201 && r.headers["idempotent-replayed"] === undefined);
      t.equal(fresh.length, 1, `round ${round}: exactly one request did the work (${responses.map((r) => r.statusCode).join(", ")})`);
      for (const response of responses) {
        if (response === fresh[0]) continue;
        if (response.statusCode === 201) {
          t.equal(response.headers["idempotent-replayed"], "true", "the others are replays...");
          t.equal(response.body, fresh[0]?.body);
        } else {
          t.equal(response.statusCode, 409, "... or told the first one is still running");
          t.equal(response.json().code, "idempotency_key_in_use");
          t.equal(response.headers["content-type"], "application/problem+json; charset=utf-8");
          t.match(response.headers["retry-after"], /^\d+$/);
        }
      }
      t.equal(await database.prisma.cluster.count({ where: { name } }), 1, `round ${round}: one record`);

      // Once the first is done, a retry is a replay.
      const retry = await post("/v1/clusters", key, body);
      t.equal(retry.statusCode, 201);
      t.equal(retry.headers["idempotent-replayed"], "true");
      t.equal(retry.body, fresh[0]?.body);
    }
  });

  t.test("a 5xx answer is not stored: the retry runs again", async (t) => {
    let calls = 0;
    const flaky = await buildApp({ database });
    flaky.post("/test-only/flaky", async (_request, reply) => {
      calls += 1;
      if (calls === 1) throw new Error("transient failure");
      return reply.code(201).send({ calls });
    });
    t.teardown(() => flaky.close());
    await flaky.ready();

    const key = randomUUID();
    const first = await flaky.inject({ method: "POST", url: "/test-only/flaky", headers: { "idempotency-key": key }, payload: { a: 1 } });
    t.equal(first.statusCode, 500);
    const second = await flaky.inject({ method: "POST", url: "/test-only/flaky", headers: { "idempotency-key": key }, payload: { a: 1 } });
    t.equal(second.statusCode, 201);
    t.equal(second.headers["idempotent-replayed"], undefined);
    t.same(second.json(), { calls: 2 });
    const third = await flaky.inject({ method: "POST", url: "/test-only/flaky", headers: { "idempotency-key": key }, payload: { a: 1 } });
    t.equal(third.headers["idempotent-replayed"], "true");
    t.same(third.json(), { calls: 2 });
    t.equal(calls, 2);
  });

  t.test("a handler that outlives the request timeout keeps its key until it ends", async (t) => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const slow = await buildApp({ database, config: { ...TEST_CONFIG, timeouts: { requestMs: 300, connectionMs: 5_000, keepAliveMs: 5_000 } } });
    let created = 0;
    let attempts = 0;
    // Creates after 700 ms: long after the 503 went out.
    slow.post("/test-only/slow-create", async (_request, reply) => {
      await sleep(700);
      created += 1;
      return reply.code(201).header("location", `/test-only/records/${created}`).send({ created });
    });
    // Answers 200 (no reply.code()) late, as POST /transitions does.
    slow.post("/test-only/slow-ok", async () => {
      await sleep(700);
      return { ok: true };
    });
    // The first attempt fails after the timeout; the next one succeeds at once.
    slow.post("/test-only/slow-failure", async (_request, reply) => {
      attempts += 1;
      if (attempts === 1) {
        await sleep(700);
        throw new Error("failed late");
      }
      return reply.code(201).send({ attempts });
    });
    t.teardown(() => slow.close());
    await slow.ready();
    const post = (url: string, key: string) => slow.inject({ method: "POST", url, headers: { "idempotency-key": key }, payload: { a: 1 } });

    const key = randomUUID();
    const timedOut = await post("/test-only/slow-create", key);
    t.equal(timedOut.statusCode, 503);
    t.equal(timedOut.json().code, "request_timeout");
    const meanwhile = await post("/test-only/slow-create", key);
    t.equal(meanwhile.statusCode, 409, "a retry while the first handler still runs is told to wait, and creates nothing");
    t.equal(meanwhile.json().code, "idempotency_key_in_use");
    t.equal(meanwhile.headers["retry-after"], "1");
    await sleep(700);
    t.equal(created, 1, "the late handler did create the record");
    const replay = await post("/test-only/slow-create", key);
    t.equal(replay.statusCode, 201, "a retry after it ended gets its answer");
    t.equal(replay.headers["idempotent-replayed"], "true");
    t.same(replay.json(), { created: 1 });
    t.equal(replay.headers.location, "/test-only/records/1");
    t.equal(replay.headers["content-type"], "application/json; charset=utf-8", "the late answer's own media type, not the 503's");
    t.equal(created, 1, "and never a second record");

    const okKey = randomUUID();
    t.equal((await post("/test-only/slow-ok", okKey)).statusCode, 503);
    await sleep(800);
    const okReplay = await post("/test-only/slow-ok", okKey);
    t.equal(okReplay.statusCode, 200, "a late answer without reply.code() is stored as the 200 it is, not as the 503");
    t.equal(okReplay.headers["idempotent-replayed"], "true");
    t.same(okReplay.json(), { ok: true });

    const failing = randomUUID();
    t.equal((await post("/test-only/slow-failure", failing)).statusCode, 503);
    t.equal((await post("/test-only/slow-failure", failing)).statusCode, 409, "still running");
    await sleep(700);
    const retried = await post("/test-only/slow-failure", failing);
    t.equal(retried.statusCode, 201, "the late failure released the key: the retry runs anew");
    t.equal(retried.headers["idempotent-replayed"], undefined);
    t.same(retried.json(), { attempts: 2 });

    // The timeout fires while the key is being claimed: the handler never runs, and the key must not stay claimed.
    const idempotencyKeys = database.prisma.idempotencyKey;
    const createMany = idempotencyKeys.createMany.bind(idempotencyKeys);
    let slowClaims = 1;
    Object.defineProperty(idempotencyKeys, "createMany", {
      configurable: true,
      value: async (...args: Parameters<typeof createMany>) => {
        if (slowClaims-- > 0) await sleep(500);
        return createMany(...args);
      },
    });
    t.teardown(() => void Object.defineProperty(idempotencyKeys, "createMany", { configurable: true, value: createMany }));
    const claimedLate = randomUUID();
    const before = created;
    t.equal((await post("/test-only/slow-create", claimedLate)).statusCode, 503);
    await sleep(500);
    t.equal(await database.prisma.idempotencyKey.count({ where: { key: claimedLate } }), 0, "the key claimed after the timeout is released");
    t.equal(created, before, "and the handler never ran");
  });
});
