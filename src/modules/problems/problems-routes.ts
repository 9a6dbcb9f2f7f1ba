import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { requestLanguage, type Language } from "../../lib/i18n.ts";
import { addVary } from "../../lib/negotiate.ts";
import { PROBLEM_TEXT_MAX, PROBLEM_TYPES, problemTitle, problemTypeUri, type ProblemCode } from "../../lib/problem.ts";
import { ProblemCodeSchema, int32, jsonResponse, outText, problemResponse } from "../../lib/schemas.ts";

const CODES = Object.keys(PROBLEM_TYPES) as [ProblemCode, ...ProblemCode[]];

/**
 * The `type` URI of every problem resolves here, so a client (or a person) can look a code up. `title` is in the
 * request's language (lang= or Accept-Language, English by default); `titles` gives it in every language.
 */
const ProblemType = z
  .object({
    type: outText(PROBLEM_TEXT_MAX),
    code: ProblemCodeSchema,
    status: int32(400, 599),
    title: outText(PROBLEM_TEXT_MAX).meta({ description: "The title in the language of the answer (Content-Language)." }),
    titles: z
      .object({ en: outText(PROBLEM_TEXT_MAX), pl: outText(PROBLEM_TEXT_MAX) })
      .meta({ description: "The title in each language problems are written in: English (`en`) and Polish (`pl`)." }),
  })
  .meta({
    id: "ProblemType",
    example: {
      type: "/problems/version_mismatch",
      code: "version_mismatch",
      status: 412,
      title: PROBLEM_TYPES.version_mismatch.title,
      titles: { en: problemTitle("version_mismatch", "en"), pl: problemTitle("version_mismatch", "pl") },
    },
  });

const describe = (code: ProblemCode, language: Language) => ({
  type: problemTypeUri(code),
  code,
  status: PROBLEM_TYPES[code].status,
  title: problemTitle(code, language),
  titles: { en: problemTitle(code, "en"), pl: problemTitle(code, "pl") },
});

export default async function problemsRoutes(appIn: FastifyInstance) {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  app.get(
    "/problems",
    {
      schema: {
        tags: ["Problems"],
        operationId: "listProblemTypes",
        summary: "Every problem code the API can answer with",
        response: {
          200: jsonResponse(
            z.object({ data: z.array(ProblemType).max(CODES.length).meta({ description: `All ${CODES.length} problem types; the catalogue is fixed.` }) }),
            "The catalogue of problem types.",
          ),
        },
      },
    },
    async (request, reply) => {
      const language = requestLanguage(request);
      reply.header("content-language", language);
      addVary(reply, "Accept-Language");
      return { data: CODES.map((code) => describe(code, language)) };
    },
  );
  app.get(
    "/problems/:code",
    {
      schema: {
        tags: ["Problems"],
        operationId: "getProblemType",
        summary: "One problem type",
        params: z.strictObject({ code: z.string().max(64) }),
        response: { 200: jsonResponse(ProblemType, "The problem type."), 404: problemResponse("No such problem code.") },
      },
    },
    async (request, reply) => {
      const code = request.params.code as ProblemCode;
      if (!Object.hasOwn(PROBLEM_TYPES, code)) return reply.callNotFound();
      const language = requestLanguage(request);
      reply.header("content-language", language);
      addVary(reply, "Accept-Language");
      return describe(code, language);
    },
  );
}
