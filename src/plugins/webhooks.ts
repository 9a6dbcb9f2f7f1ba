import fp from "fastify-plugin";
import type { FastifyInstance } from "fastify";
import { WEBHOOK_DEFAULTS, type WebhookSettings } from "../config-webhooks.ts";
import { deliveryWorker, type DeliveryWorker } from "../modules/webhooks/webhook-worker.ts";
import { WebhookMetrics } from "../modules/webhooks/webhook-metrics.ts";

declare module "fastify" {
  interface FastifyInstance {
    /** Webhook settings, and this instance's delivery worker when it delivers in process. */
    webhooks: { settings: WebhookSettings; worker?: DeliveryWorker };
  }
}

/**
 * Webhook delivery inside the service (WEBHOOK_DELIVER_IN_PROCESS, the default for the server; `npm run worker`
 * runs the same worker as a process of its own). The worker starts when the app is ready and stops before it
 * closes (preClose: before the database), finishing the attempts in flight.
 */
async function webhooksPlugin(app: FastifyInstance, options: { settings?: Partial<WebhookSettings> }) {
  const settings = { ...WEBHOOK_DEFAULTS, ...options.settings };
  const metrics = new WebhookMetrics(app.metrics, app.prisma);
  const worker = settings.deliverInProcess ? deliveryWorker(app.prisma, settings, app.log, metrics) : undefined;
  app.decorate("webhooks", { settings, worker });
  if (worker) {
    app.addHook("onReady", async () => worker.start());
    app.addHook("preClose", async () => worker.stop());
  }
}

export default fp(webhooksPlugin, { name: "webhooks", dependencies: ["database", "metrics"] });
