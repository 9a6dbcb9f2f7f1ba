import fp from "fastify-plugin";
import type { FastifyInstance } from "fastify";
import type { Database } from "../db/database.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";

declare module "fastify" {
  interface FastifyInstance {
    db: Database;
    prisma: PrismaClient;
  }
}

/** Shares the app's one database (opened by the caller, who also owns closing it unless `closeOnShutdown`). */
async function databasePlugin(app: FastifyInstance, options: { database: Database; closeOnShutdown: boolean }) {
  app.decorate("db", options.database);
  app.decorate("prisma", options.database.prisma);
  if (options.closeOnShutdown) app.addHook("onClose", async () => options.database.close());
}

export default fp(databasePlugin, { name: "database" });
