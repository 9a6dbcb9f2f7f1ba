import fp from "fastify-plugin";
import type { FastifyInstance } from "fastify";
import { recordServices } from "../lib/record-services.ts";
import type { AnyResource } from "../lib/resource.ts";

declare module "fastify" {
  interface FastifyInstance {
    /** The record service of each record type: `app.records.of(meetings).get(id)`. */
    records: ReturnType<typeof recordServices>;
  }
}

/** The one generic record service, over every record type the app serves (src/modules/resources.ts). */
async function recordsPlugin(app: FastifyInstance, options: { resources: readonly AnyResource[] }) {
  app.decorate("records", recordServices(app.prisma, options.resources, app.db.sql));
}

export default fp(recordsPlugin, { name: "records", dependencies: ["database"] });
