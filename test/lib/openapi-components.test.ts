import t from "tap";
import { tidySchemaComponents } from "../../src/lib/openapi-components.ts";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const body = (name: string) => ({ requestBody: { content: { "application/json": { schema: ref(name) } } } });
const ok = (name: string) => ({ responses: { 200: { content: { "application/json": { schema: ref(name) } } } } });

t.test("unreferenced components go; components reachable through others stay", async (t) => {
  const doc = {
    paths: { "/a": { get: ok("A") } },
    components: {
      schemas: {
        A: { type: "object", properties: { b: ref("B") } },
        B: { type: "object", properties: { c: ref("C") } },
        C: { type: "string" },
        Unused: { type: "string" },
        UnusedInput: { type: "string" },
      },
    },
  };
  const tidy = tidySchemaComponents(doc);
  t.same(Object.keys(tidy.components.schemas), ["A", "B", "C"]);
  t.strictSame(tidy.paths, doc.paths, "paths untouched");
});

t.test("an XInput equal to X folds into X and references follow", async (t) => {
  const doc = {
    paths: { "/a": { post: { ...body("AInput"), ...ok("A") } } },
    components: { schemas: { A: { type: "string" }, AInput: { type: "string" } } },
  };
  const tidy = tidySchemaComponents(doc);
  t.same(Object.keys(tidy.components.schemas), ["A"]);
  t.strictSame(tidy.paths["/a"].post.requestBody.content["application/json"].schema, ref("A"));
});

t.test("an XInput that differs from X stays; an XInput alone is renamed X", async (t) => {
  const doc = {
    paths: { "/a": { post: { ...body("AInput"), ...ok("A") } }, "/b": { post: body("BInput") } },
    components: {
      schemas: {
        A: { type: "object", properties: { n: { type: "string" } } },
        AInput: { type: "object", properties: { n: { type: "string", default: "x" } } },
        BInput: { type: "integer" },
      },
    },
  };
  const tidy = tidySchemaComponents(doc);
  const schemas: Record<string, unknown> = tidy.components.schemas;
  t.same(Object.keys(schemas), ["A", "AInput", "B"]);
  t.strictSame(schemas.B, { type: "integer" });
  t.strictSame(tidy.paths["/b"].post.requestBody.content["application/json"].schema, ref("B"));
  t.strictSame(tidy.paths["/a"].post.requestBody.content["application/json"].schema, ref("AInput"));
});

t.test("an Input referring to other Inputs folds once those are renamed", async (t) => {
  const doc = {
    paths: { "/a": { post: { ...body("OuterInput"), ...ok("Outer") } } },
    components: {
      schemas: {
        Outer: { type: "object", properties: { inner: ref("Inner") } },
        OuterInput: { type: "object", properties: { inner: ref("InnerInput") } },
        Inner: { type: "string" },
        InnerInput: { type: "string" },
      },
    },
  };
  const tidy = tidySchemaComponents(doc);
  t.same(Object.keys(tidy.components.schemas), ["Inner", "Outer"]);
  t.strictSame(tidy.paths["/a"].post.requestBody.content["application/json"].schema, ref("Outer"));
  t.strictSame(tidy.components.schemas.Outer, { type: "object", properties: { inner: ref("Inner") } });
});

t.test("other component kinds are kept and the input is not mutated", async (t) => {
  const doc = {
    paths: { "/a": { get: ok("A") } },
    components: { schemas: { A: { type: "string" }, Z: { type: "string" } }, securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
  };
  const copy = structuredClone(doc);
  const tidy = tidySchemaComponents(doc);
  t.strictSame(tidy.components.securitySchemes, { bearer: { type: "http", scheme: "bearer" } });
  t.strictSame(doc, copy);
});
