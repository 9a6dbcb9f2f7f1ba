/**
 * Swagger UI plugins, run in the browser. @fastify/swagger-ui writes `uiConfig` into /docs/static/swagger-initializer.js,
 * functions by their source text; so they are written here as browser JavaScript (a TypeScript function would carry
 * the compiler's helpers) and made into functions whose source is exactly that text.
 *
 * `localRefResolver` replaces Swagger UI's `fn.resolveSubtree`, which for an OpenAPI 3.1 document converts the whole
 * document to ApiDOM twice (normalize, then dereference) every time any part of it is needed: at load (the security
 * schemes), and again for every operation or model a person opens. On this document that is 1–2 s of CPU each time,
 * most of what /docs took to become usable. The document is ours and simple: every `$ref` is local
 * (`#/components/...`). So a subtree is resolved by copying it with each reference replaced by what it points at,
 * recursively; `$$ref` records where a schema came from (Swagger UI shows it as the model's name), keys next to a
 * `$ref` (a description) are kept, as OpenAPI 3.1 allows, and a reference that would loop, or that points nowhere,
 * stays as it is. Examples, defaults and enums are data, copied as they are.
 */
const LOCAL_REF_RESOLVER = `function localRefResolver() {
  var DATA = ["example", "examples", "default", "enum", "const"];
  function at(root, keys) {
    return keys.reduce(function (node, key) { return node && typeof node === "object" ? node[key] : undefined; }, root);
  }
  function resolveSubtree(spec, path) {
    function resolve(node, seen) {
      if (Array.isArray(node)) return node.map(function (item) { return resolve(item, seen); });
      if (!node || typeof node !== "object") return node;
      var ref = node.$ref;
      if (typeof ref === "string" && ref.indexOf("#/") === 0 && seen.indexOf(ref) < 0) {
        var keys = ref.slice(2).split("/").map(function (key) { return key.replace(/~1/g, "/").replace(/~0/g, "~"); });
        var found = at(spec, keys);
        if (found && typeof found === "object" && !Array.isArray(found)) {
          var rest = Object.assign({}, node);
          delete rest.$ref;
          return Object.assign({}, resolve(found, seen.concat([ref])), resolve(rest, seen), { $$ref: ref });
        }
      }
      var copy = {};
      Object.keys(node).forEach(function (key) { copy[key] = DATA.indexOf(key) >= 0 ? node[key] : resolve(node[key], seen); });
      return copy;
    }
    var subtree = at(spec, path);
    return Promise.resolve({ spec: subtree === undefined ? null : resolve(subtree, []), errors: [] });
  }
  return { fn: { resolveSubtree: resolveSubtree } };
}`;

/** Swagger UI's default plugin list, which a `plugins` option replaces: the plugin of the "Explore" URL bar. */
const DOWNLOAD_URL = `function downloadUrl(system) {
  return SwaggerUIBundle.plugins.DownloadUrl(system);
}`;

// `new Function` returns the function expression itself, so its toString() is the text above, character for character.
const browserFunction = (source: string) => new Function(`return (${source});`)() as (...args: unknown[]) => unknown;

export const SWAGGER_UI_PLUGINS = [browserFunction(DOWNLOAD_URL), browserFunction(LOCAL_REF_RESOLVER)];
