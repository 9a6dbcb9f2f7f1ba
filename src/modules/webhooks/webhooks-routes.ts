import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { registerCrudRoutes } from "../../lib/crud-routes.ts";
import { representationEtag } from "../../lib/etag.ts";
import { nextLink } from "../../lib/pagination.ts";
import { IdParams, commonProblems, ifMatchHeader, jsonResponse, paginationQuery, problemResponse } from "../../lib/schemas.ts";
import { TargetRefused, checkTarget, targetRefusedProblem } from "./webhook-targets.ts";
import { webhooks } from "./webhooks-resource.ts";
import { RotateSecret, WebhookAttemptPage, WebhookCreated, WebhookDeliveryParams, WebhookDeliveryQueued } from "./webhooks-schemas.ts";
import { webhooksService } from "./webhooks-service.ts";

const common = { ...commonProblems, 404: problemResponse("No webhook (or no delivery of it) has this id.") };
const admin = { minRole: "admin" as const };
// Every POST takes an Idempotency-Key (src/plugins/idempotency.ts), and a body.
const post = {
  409: problemResponse("The idempotency key is in use by a request still running."),
  413: problemResponse("The body is too large."),
  415: problemResponse("The body is not JSON."),
  422: problemResponse("The idempotency key was used with another body."),
};

export default async function webhooksRoutes(appIn: FastifyInstance) {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const service = webhooksService(app.prisma);
  const { settings } = app.webhooks;

  // The SSRF rule on every target URL written (src/modules/webhooks/webhook-targets.ts), before the write's
  // transaction: a DNS lookup never holds one open.
  app.addHook("preHandler", async (request) => {
    const url = (request.body as { url?: unknown } | undefined)?.url;
    if ((request.method !== "POST" && request.method !== "PATCH") || typeof url !== "string") return;
    try {
      await checkTarget(url, settings.allowPrivateTargets);
    } catch (error) {
      if (error instanceof TargetRefused) throw targetRefusedProblem(error);
      throw error;
    }
  });

  registerCrudRoutes(app, webhooks);

  app.post(
    "/webhooks/:id/rotate-secret",
    {
      // The answer holds the new secret, which must be stored nowhere: no Idempotency-Key replay for it.
      config: { ...admin, idempotency: false },
      schema: {
        tags: ["Webhooks"],
        operationId: "rotateWebhookSecret",
        summary: "Rotate a webhook's signing secret",
        description:
          "Makes a new secret, shown in this answer only. The previous one keeps signing beside it (two `v1,` signatures in `webhook-signature`) " +
          "for `overlapSeconds`, so receivers can switch without missing a delivery. `If-Match` is optional.",
        params: IdParams,
        headers: z.object({ "if-match": ifMatchHeader("The webhook's ETag; when given, a stale one is a 412.").optional() }),
        body: RotateSecret,
        response: {
          200: jsonResponse(WebhookCreated, "The webhook with its new secret (`secret`), shown only now."),
          ...common,
          ...post,
          412: problemResponse("If-Match does not name the current version."),
        },
      },
    },
    async (request, reply) => {
      const overlap = request.body.overlapSeconds ?? settings.secretOverlapSeconds;
      const rotated = await service.rotateSecret(request.params.id, overlap, request.headers["if-match"], request.context);
      return reply.header("etag", representationEtag(rotated)).send(rotated);
    },
  );

  app.post(
    "/webhooks/:id/ping",
    {
      config: admin,
      schema: {
        tags: ["Webhooks"],
        operationId: "pingWebhook",
        summary: "Send a test event to a webhook",
        description: "Queues a `webhook.ping` event (its `data` is the subscription) for this subscription alone; its attempts appear in …/deliveries.",
        params: IdParams,
        response: { 202: jsonResponse(WebhookDeliveryQueued, "Queued."), ...common, ...post },
      },
    },
    async (request, reply) => reply.code(202).send(await service.ping(request.params.id)),
  );

  app.get(
    "/webhooks/:id/deliveries",
    {
      config: admin,
      schema: {
        tags: ["Webhooks"],
        operationId: "listWebhookDeliveries",
        summary: "List a webhook's delivery attempts (the delivery log)",
        description:
          "Every attempt, newest first: the event, the attempt number, the receiver's status code, the latency, the first 1 KB of the response and the error. " +
          "Rows older than WEBHOOK_LOG_RETENTION_DAYS are pruned.",
        params: IdParams,
        querystring: z.strictObject(paginationQuery),
        response: { 200: jsonResponse(WebhookAttemptPage, "One page of attempts, newest first."), ...common },
      },
    },
    async (request, reply) => {
      const result = await service.attempts(request.params.id, request.query);
      if (result.nextCursor) reply.header("link", nextLink(request, result.nextCursor));
      return result;
    },
  );

  app.post(
    "/webhooks/:id/deliveries/:deliveryId/retry",
    {
      config: admin,
      schema: {
        tags: ["Webhooks"],
        operationId: "retryWebhookDelivery",
        summary: "Send a delivery again",
        description: "Queues the delivery (the same event, id and body) for a new attempt now, with a fresh schedule of retries, whatever became of it before.",
        params: WebhookDeliveryParams,
        response: { 202: jsonResponse(WebhookDeliveryQueued, "Queued."), ...common, ...post },
      },
    },
    async (request, reply) => reply.code(202).send(await service.retry(request.params.id, request.params.deliveryId)),
  );
}
