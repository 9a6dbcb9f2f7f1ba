import fastJson from "fast-json-stringify";
import type { FastifySerializerCompiler } from "fastify";
import { serializerCompiler as zodSerializerCompiler } from "fastify-type-provider-zod";
import { z } from "zod";

/**
 * Responses are written by fast-json-stringify (Fastify's own serializer), compiled once per route from the JSON Schema
 * of the route's zod response schema, the one the OpenAPI document shows. Running zod on every response (the type
 * provider's serializer) cost more CPU than the database query on a list of 100 records (bench/RESULTS.md). Like zod's
 * encode, the compiled serializer writes exactly the schema's properties, in its order, and refuses a response that
 * lacks a required one; it does not re-check lengths and formats of what the service itself produced. A schema that
 * has no JSON Schema (`z.undefined()` of a 204 or 304) keeps the zod serializer.
 */

type Json = Record<string, unknown>;

const isNull = (schema: unknown) => (schema as Json | undefined)?.type === "null";

/**
 * fast-json-stringify answers `anyOf` by validating the value against each branch; zod's nullable (`anyOf: [X, null]`)
 * is the same as `type: [X's type, "null"]`, which it writes without validating.
 */
function simplify(schema: unknown, definitions: Json): unknown {
  if (Array.isArray(schema)) return schema.map((item) => simplify(item, definitions));
  if (schema === null || typeof schema !== "object") return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) out[key] = key === "enum" || key === "const" || key === "examples" ? value : simplify(value, definitions);
  const anyOf = out.anyOf as Json[] | undefined;
  if (anyOf?.length === 2 && anyOf.some(isNull)) {
    let other = anyOf.find((branch) => !isNull(branch))!;
    const ref = typeof other.$ref === "string" ? /^#\/definitions\/(.+)$/.exec(other.$ref)?.[1] : undefined;
    if (ref !== undefined) other = (definitions[ref] as Json | undefined) ?? other;
    if (typeof other.type === "string") {
      const { anyOf: _, ...rest } = out;
      return { ...rest, ...other, type: [other.type, "null"] };
    }
  }
  return out;
}

type Serialize = (data: unknown) => string;

/** One compiled serializer per schema: the problem schema of every error answer of every route is compiled once. */
const compiled = new WeakMap<z.ZodType, Serialize>();

function compile(schema: z.ZodType): Serialize | undefined {
  let json: Json;
  try {
    json = z.toJSONSchema(schema, { io: "output", target: "draft-7" }) as Json;
  } catch {
    return undefined;
  }
  const definitions = (json.definitions ?? {}) as Json;
  return fastJson(simplify(json, simplify(definitions, definitions) as Json) as never) as Serialize;
}

export const serializerCompiler: FastifySerializerCompiler<z.ZodType> = (routeSchema) => {
  const schema = routeSchema.schema;
  let serialize = compiled.get(schema);
  if (!serialize) {
    serialize = compile(schema) ?? (zodSerializerCompiler(routeSchema as never) as Serialize);
    compiled.set(schema, serialize);
  }
  return serialize;
};
