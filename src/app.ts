import { randomUUID } from "node:crypto";
import Fastify, { type FastifyServerOptions } from "fastify";
import { validatorCompiler } from "fastify-type-provider-zod";
import { RATE_LIMIT_DEFAULTS, TIMEOUT_DEFAULTS, type Config, type LoadSheddingOptions } from "./config.ts";
import type { Database } from "./db/database.ts";
import databasePlugin from "./plugins/database.ts";
import recordsPlugin from "./plugins/records.ts";
import errorsPlugin, { handleError } from "./plugins/errors.ts";
import httpPlugin from "./plugins/http.ts";
import languagePlugin from "./plugins/language.ts";
import utf8Plugin from "./plugins/utf8.ts";
import idempotencyPlugin from "./plugins/idempotency.ts";
import lifecyclePlugin from "./plugins/lifecycle.ts";
import loadSheddingPlugin from "./plugins/load-shedding.ts";
import metricsPlugin from "./plugins/metrics.ts";
import requestContextPlugin from "./plugins/request-context.ts";
import requestTimeoutPlugin from "./plugins/request-timeout.ts";
import authPlugin from "./plugins/auth.ts";
import { API_KEY_CACHE_DEFAULTS, type ApiKeyCacheOptions } from "./modules/api-keys/api-key-cache.ts";
import corsPlugin from "./plugins/cors.ts";
import rateLimitPlugin, { type RateLimitOptions } from "./plugins/rate-limit.ts";
import securityHeadersPlugin, { securityHeaders } from "./plugins/security-headers.ts";
import swaggerPlugin from "./plugins/swagger.ts";
import healthRoutes from "./modules/health/health-routes.ts";
import problemsRoutes from "./modules/problems/problems-routes.ts";
import coordinatorsRoutes from "./modules/coordinators/coordinators-routes.ts";
import clustersRoutes from "./modules/clusters/clusters-routes.ts";
import grantApplicationsRoutes from "./modules/grant-applications/grant-applications-routes.ts";
import organizationsRoutes from "./modules/organizations/organizations-routes.ts";
import mediaPartnersRoutes from "./modules/media-partners/media-partners-routes.ts";
import meetingsRoutes from "./modules/meetings/meetings-routes.ts";
import activitiesRoutes from "./modules/activities/activities-routes.ts";
import apiKeysRoutes from "./modules/api-keys/api-keys-routes.ts";
import auditEventsRoutes from "./modules/audit-events/audit-events-routes.ts";
import reportsRoutes from "./modules/reports/reports-routes.ts";
import changesRoutes from "./modules/changes/changes-routes.ts";
import importsRoutes from "./modules/imports/imports-routes.ts";
import calendarFeedsRoutes from "./modules/calendar-feeds/calendar-feeds-routes.ts";
import webhooksPlugin from "./plugins/webhooks.ts";
import webhooksRoutes from "./modules/webhooks/webhooks-routes.ts";
import type { WebhookSettings } from "./config-webhooks.ts";
import { REQUEST_ID_MAX_LENGTH } from "./lib/problem.ts";
import { RESOURCES } from "./modules/resources.ts";
import { handleClientError } from "./lib/client-errors.ts";
import { serializerCompiler } from "./lib/serializer.ts";
import { lazyChildLogger } from "./lib/lazy-logger.ts";

export type AppOptions = {
  database: Database;
  /** Unset parts take their defaults (tests pass small rate limits and timeouts). */
  config?: Pick<Config, "bodyLimit" | "trustProxy" | "logLevel"> &
    Partial<Pick<Config, "timeouts" | "corsOrigins" | "idempotencyLeaseMs" | "publicBaseUrl">> & {
      rateLimit?: RateLimitOptions;
      /** Unset: API_KEY_CACHE_DEFAULTS (a row kept at most 1 s). Tests lengthen it to see invalidation alone at work. */
      apiKeyCache?: ApiKeyCacheOptions;
      /** Unset: no load shedding (tests that do not test it; the server always passes it). */
      loadShedding?: LoadSheddingOptions;
      /** Unset parts take WEBHOOK_DEFAULTS, except that delivery in process is off unless asked for (the server asks). */
      webhooks?: Partial<WebhookSettings>;
    };
  logger?: FastifyServerOptions["logger"];
  /** Close the database when the app closes (the server does; tests share one database across apps). */
  closeDatabase?: boolean;
};

const REQUEST_ID = new RegExp(`^[\\w.:-]{1,${REQUEST_ID_MAX_LENGTH}}$`);

/** Builds the whole service; never listens. Tests call it and use `inject`; src/server.ts adds the port. */
export async function buildApp(options: AppOptions) {
  const config = options.config ?? { bodyLimit: 1_048_576, trustProxy: false, logLevel: "info" };
  const timeouts = config.timeouts ?? TIMEOUT_DEFAULTS;
  const app = Fastify({
    logger: options.logger ?? false,
    childLoggerFactory: lazyChildLogger,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    // Receiving a request (Node answers 408 and closes) and answering it (503 request_timeout, plugins/request-timeout.ts) each have
    // REQUEST_TIMEOUT_MS; a socket silent for longer than CONNECTION_TIMEOUT_MS is closed.
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.connectionMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    // A client's X-Request-Id is echoed if it is reasonable; otherwise we make one.
    requestIdHeader: false,
    genReqId: (request) => {
      const sent = request.headers["x-request-id"];
      return typeof sent === "string" && REQUEST_ID.test(sent) ? sent : randomUUID();
    },
    // Errors Fastify raises before routing (a URL that does not decode, a path parameter over maxParamLength) are
    // problems too; no hook has run for them, so the request id and security headers are set here.
    frameworkErrors: (error, request, reply) => {
      reply.header("x-request-id", request.id).headers(securityHeaders(request));
      return handleError(error, request, reply);
    },
    // Requests Node's HTTP parser refuses (431, 400, 408) are answered as problems too.
    clientErrorHandler: handleClientError,
    // Requests on kept-alive connections while closing get our own problem (plugins/lifecycle.ts).
    return503OnClosing: false,
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.decorate("publicBaseUrl", config.publicBaseUrl);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Infrastructure, shared by every route. Security headers and CORS first: every answer, errors too, carries them.
  await app.register(securityHeadersPlugin);
  await app.register(corsPlugin, { origins: config.corsOrigins ?? [] });
  await app.register(requestContextPlugin);
  await app.register(requestTimeoutPlugin, { timeoutMs: timeouts.requestMs });
  await app.register(databasePlugin, { database: options.database, closeOnShutdown: options.closeDatabase ?? false });
  // Before anything that reads the database: a closing or overloaded instance answers at once.
  await app.register(lifecyclePlugin);
  if (config.loadShedding) await app.register(loadSheddingPlugin, config.loadShedding);
  await app.register(authPlugin, config.apiKeyCache ?? API_KEY_CACHE_DEFAULTS);
  await app.register(errorsPlugin);
  await app.register(httpPlugin);
  await app.register(languagePlugin);
  await app.register(utf8Plugin);
  await app.register(rateLimitPlugin, config.rateLimit ?? RATE_LIMIT_DEFAULTS);
  await app.register(metricsPlugin);
  await app.register(recordsPlugin, { resources: RESOURCES });
  await app.register(swaggerPlugin);
  await app.register(idempotencyPlugin, { leaseMs: config.idempotencyLeaseMs });
  await app.register(webhooksPlugin, { settings: { deliverInProcess: false, ...config.webhooks } });

  // Operations.
  await app.register(healthRoutes);
  await app.register(problemsRoutes);

  // The versioned API.
  await app.register(
    async (v1) => {
      await v1.register(coordinatorsRoutes);
      await v1.register(clustersRoutes);
      await v1.register(grantApplicationsRoutes);
      await v1.register(organizationsRoutes);
      await v1.register(mediaPartnersRoutes);
      await v1.register(meetingsRoutes);
      await v1.register(calendarFeedsRoutes);
      await v1.register(activitiesRoutes);
      await v1.register(apiKeysRoutes);
      await v1.register(auditEventsRoutes);
      await v1.register(reportsRoutes);
      await v1.register(changesRoutes);
      await v1.register(importsRoutes);
      await v1.register(webhooksRoutes);
    },
    { prefix: "/v1" },
  );

  return app;
}
