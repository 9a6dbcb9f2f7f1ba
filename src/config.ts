import path from "node:path";
import { z } from "zod";

const booleanFlag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], { error: "must be true or false" })
    .optional()
    .transform((value) => (value === undefined ? fallback : ["true", "1", "yes", "on"].includes(value)));

const postgresUrl = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "" && url.pathname.length > 1;
    } catch {
      return false;
    }
  }, "must be a URL like postgresql://user:password@host:5432/database");

const positiveInt = (fallback: number, max: number) =>
  z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(max, `must be at most ${max}`)
    .default(fallback);

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  // Empty counts as unset (as for DATABASE_URL): coerced, "" would be 0, i.e. a random port, without a word.
  PORT: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z.coerce
      .number({ error: "must be a port number" })
      .int("must be a whole number")
      .min(0, "must be between 0 and 65535")
      .max(65535, "must be between 0 and 65535")
      .default(3000),
  ),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: z.preprocess((value) => (value === "" ? undefined : value), postgresUrl.optional()),
  DATABASE_POOL_SIZE: positiveInt(10, 200),
  DATA_DIR: z.string().min(1).default("./data"),
  MIGRATE_ON_START: booleanFlag(true),
  SEED_DEMO_DATA: booleanFlag(true),
  BODY_LIMIT: positiveInt(1_048_576, 100 * 1_048_576),
  TRUST_PROXY: booleanFlag(false),
});

export type Config = {
  env: "development" | "production" | "test";
  host: string;
  port: number;
  logLevel: string;
  database: DatabaseConfig;
  migrateOnStart: boolean;
  seedDemoData: boolean;
  bodyLimit: number;
  trustProxy: boolean;
};

export type DatabaseConfig =
  | { kind: "postgres"; url: string; poolSize: number }
  | { kind: "pglite"; dataDir: string };

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment once. Throws ConfigError with one line naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    database: e.DATABASE_URL
      ? { kind: "postgres", url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: "pglite", dataDir: e.DATA_DIR === "memory://" ? e.DATA_DIR : path.resolve(e.DATA_DIR) },
    migrateOnStart: e.MIGRATE_ON_START,
    seedDemoData: e.SEED_DEMO_DATA,
    bodyLimit: e.BODY_LIMIT,
    trustProxy: e.TRUST_PROXY,
  };
}
