// Loaded into every test process (.taprc `node-arg`): every Fastify app a test builds gets its answers checked against
// the committed openapi.yaml (test/contract/response-contract.ts). Fastify announces each new instance on the
// `fastify.initialization` diagnostics channel, so this needs no change to src/ nor to how tests build apps.
//
// - `app.inject(...)` rejects with the faults when an answer is not what the document describes, so the test that
//   sent the request fails at that line.
// - Answers sent over a real connection (an app that listens) are checked when they are sent; any fault makes
//   `app.close()` reject, which fails the test that owns the app (its teardown).
import diagnostics from "node:diagnostics_channel";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { type Answer, ResponseContract } from "./response-contract.ts";

let contract: ResponseContract | undefined;
const theContract = () => (contract ??= ResponseContract.fromFile());

export class ContractError extends Error {
  override name = "ContractError";
}

function faultsOf(answer: Answer): string[] {
  return theContract().check(answer);
}

function checkInjected(response: LightMyRequestResponse): LightMyRequestResponse {
  const request = response.raw.req;
  const faults = faultsOf({ method: request.method ?? "GET", url: request.url ?? "/", status: response.statusCode, headers: response.headers, body: response.body });
  if (faults.length > 0) throw new ContractError(`The answer is not what openapi.yaml describes:\n  ${faults.join("\n  ")}`);
  return response;
}

function watch(app: FastifyInstance) {
  const inject = app.inject.bind(app) as (options?: unknown, callback?: unknown) => unknown;
  app.inject = ((options?: unknown, callback?: (error: Error | null, response?: LightMyRequestResponse) => void) => {
    if (options === undefined) return inject(); // the chained form: not used by the suite
    if (typeof callback === "function") {
      return inject(options, (error: Error | null, response?: LightMyRequestResponse) => {
        if (error || !response) return callback(error, response);
        try {
          callback(null, checkInjected(response));
        } catch (fault) {
          callback(fault as Error);
        }
      });
    }
    return (inject(options) as Promise<LightMyRequestResponse>).then(checkInjected);
  }) as FastifyInstance["inject"];

  // Over a real connection: the body as sent (onSend), checked once the answer is complete (onResponse).
  const faults: string[] = [];
  const bodies = new WeakMap<object, string | undefined>();
  app.addHook("onSend", async (request, reply, payload) => {
    if (!("_lightMyRequest" in request.raw)) bodies.set(reply.raw, typeof payload === "string" ? payload : Buffer.isBuffer(payload) ? payload.toString("utf8") : undefined);
    return payload;
  });
  app.addHook("onResponse", async (request, reply) => {
    if ("_lightMyRequest" in request.raw) return;
    const headers = reply.getHeaders() as Answer["headers"];
    faults.push(...faultsOf({ method: request.method, url: request.url, status: reply.statusCode, headers, body: bodies.get(reply.raw) }));
  });
  app.addHook("onClose", async () => {
    if (faults.length > 0) throw new ContractError(`Answers sent over HTTP are not what openapi.yaml describes:\n  ${faults.join("\n  ")}`);
  });
}

diagnostics.subscribe("fastify.initialization", (message) => watch((message as { fastify: FastifyInstance }).fastify));
