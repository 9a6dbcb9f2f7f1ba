import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { contentEtag } from "../../lib/etag.ts";
import { requestLanguage } from "../../lib/i18n.ts";
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from "../../lib/imports/import-rows.ts";
import { IMPORT_MEDIA_TYPES, badFile, type ImportMediaType } from "../../lib/imports/read-file.ts";
import { problemText } from "../../lib/messages/problems.ts";
import { ApiError } from "../../lib/problem.ts";
import { IdParams, commonProblems, idempotencyKeyHeader, jsonResponse, problemResponse } from "../../lib/schemas.ts";
import { RESOURCES } from "../resources.ts";
import { ImportBody, ImportQuery, ImportRun } from "./imports-schemas.ts";
import { importsService, toImportRunRecord } from "./imports-service.ts";

export default async function importsRoutes(appIn: FastifyInstance) {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const service = importsService(app.prisma);
  // The file arrives as bytes: its encoding is found out (lib/imports/read-file.ts), not assumed.
  app.addContentTypeParser([...IMPORT_MEDIA_TYPES], { parseAs: "buffer", bodyLimit: IMPORT_MAX_BYTES }, (_request, body, done) => done(null, body));

  app.post(
    "/imports",
    {
      bodyLimit: IMPORT_MAX_BYTES,
      schema: {
        tags: ["Imports"],
        operationId: "createImport",
        summary: "Import a CSV or XLSX file of records",
        description:
          "Creates or updates the records of one type (`resource`) from a file, each row matched on its key: `id`, else a natural key " +
          "(organizations: `nip`, `krs` or `regon`; activities: `coordinatorId` + `year` + `title`; meetings: `date` + `title`; media partners: `name`; " +
          "memberships: `organizationId` + `clusterId`; meeting participants: `meetingId` + `organizationId` or `personName`). " +
          "Memberships and participants name their organization or meeting in that column; from an XLSX, the sheet that has it is read " +
          "(so the organizations' and meetings' exports import as they are). " +
          "A matched row updates only the cells that differ; a row equal to its record is `unchanged`, so the same file twice changes nothing. " +
          "Every write goes through the same rules, audit log and change feed as the JSON API, all rows in one transaction: with any row " +
          "rejected nothing is written (422, and the run's report names each row, column and rule). `dryRun=true` reports without writing. " +
          `At most ${IMPORT_MAX_BYTES} bytes and ${IMPORT_MAX_ROWS} rows. A file in another encoding than UTF-8 or Windows-1250, or an XLSX ` +
          "with macros, is a 415; missing columns, the same key twice, or a formula is a 422 before any row is written.",
        querystring: ImportQuery,
        headers: z.object({ "idempotency-key": idempotencyKeyHeader }),
        body: ImportBody,
        consumes: [...IMPORT_MEDIA_TYPES],
        response: {
          201: jsonResponse(ImportRun, "The run and its report (a dry run's too); its URL is in Location."),
          ...commonProblems,
          409: problemResponse("The idempotency key is in use by a request still running."),
          413: problemResponse(`The file is larger than ${IMPORT_MAX_BYTES} bytes.`),
          415: problemResponse("Not CSV or XLSX, a CSV in neither UTF-8 nor Windows-1250, or an XLSX with macros."),
          422: problemResponse(
            "The file is refused whole (missing columns, a key twice, a formula, too many rows), or rows were rejected and nothing was written (`importId`).",
          ),
        },
      },
    },
    async (request, reply) => {
      const definition = RESOURCES.find((resource) => resource.key === request.query.resource)!;
      const [mediaType = "", ...parameters] = (request.headers["content-type"] ?? "").split(";").map((part) => part.trim().toLowerCase());
      const charset = parameters.find((parameter) => parameter.startsWith("charset="))?.slice("charset=".length).replaceAll('"', "");
      // JSON has its own parser (plugins/utf8.ts), so a JSON body arrives here parsed: not a file.
      if (!(IMPORT_MEDIA_TYPES as readonly string[]).includes(mediaType) || !Buffer.isBuffer(request.body)) throw badFile("unsupported_media_type", "mediaType");
      const language = requestLanguage(request);
      const run = await service.run({
        definition,
        service: app.records.of(definition),
        bytes: request.body as Buffer,
        mediaType: mediaType as ImportMediaType,
        charset,
        dryRun: request.query.dryRun,
        context: request.context,
      });
      const record = toImportRunRecord(run, language);
      if (run.status === "rejected") {
        const errors = record.rows.flatMap((entry) =>
          (entry.errors ?? []).map((issue) => ({ path: `/rows/${entry.row}${issue.column ? `/${issue.column}` : ""}`, message: issue.message, location: "body" as const })),
        );
        throw new ApiError("validation_failed", problemText("importRejected", { rejected: record.summary.rejected, id: run.id }), {
          status: 422,
          errors,
          extensions: { importId: run.id },
        });
      }
      // A run never changes once written: its ETag is that of its text (in the request's language).
      return reply.code(201).header("location", `/v1/imports/${run.id}`).header("etag", contentEtag("import", JSON.stringify(record))).send(record);
    },
  );

  app.get(
    "/imports/:id",
    {
      schema: {
        tags: ["Imports"],
        operationId: "getImport",
        summary: "Get an import run and its report",
        params: IdParams,
        response: { 200: jsonResponse(ImportRun, "The run: its status, its summary and a report per row, in the request's language."), ...commonProblems, 404: problemResponse("No record has the id in the path.") },
      },
    },
    async (request) => toImportRunRecord(await service.get(request.params.id), requestLanguage(request)),
  );
}
