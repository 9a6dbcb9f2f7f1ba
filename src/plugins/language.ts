import fp from "fastify-plugin";
import type { FastifyInstance } from "fastify";
import { LANGUAGES, isLanguage } from "../lib/i18n.ts";
import { problemText } from "../lib/messages/problems.ts";
import { ApiError } from "../lib/problem.ts";

/**
 * `lang=en|pl` works on every route (shared/API-CONVENTIONS.md, "Representations and language"): it is read from the
 * URL wherever a language is needed (src/lib/i18n.ts) and taken out of the parsed query here, before validation,
 * so that no route's strict query schema refuses it. A value other than en or pl is a 400 naming both.
 */
async function languagePlugin(app: FastifyInstance) {
  app.addHook("preValidation", (request, _reply, done) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (!query || typeof query !== "object" || !Object.hasOwn(query, "lang")) return done();
    const value = query.lang;
    delete query.lang;
    if (!isLanguage(value)) {
      throw new ApiError("validation_failed", problemText("validationFailed", { count: 1 }), {
        errors: [{ path: "/lang", message: `must be one of: ${LANGUAGES.join(", ")}`, location: "query" }],
      });
    }
    done();
  });
}

export default fp(languagePlugin, { name: "language" });
