import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { contentEtag, ifNoneMatchHits } from "../../lib/etag.ts";
import { requestLanguage, warsawToday } from "../../lib/i18n.ts";
import { addVary, preferredMediaType } from "../../lib/negotiate.ts";
import { ifNoneMatchHeader, problemResponse } from "../../lib/schemas.ts";
import { buildReportDocument } from "./report-document.ts";
import { DOCUMENT_MAX_CHARACTERS, DOCUMENT_MAX_ENTRIES, loadReportDocumentData } from "./report-document-data.ts";
import { REPORT_HTML_POLICY, renderReportHtml } from "./report-html.ts";
import { renderReportPdf } from "./report-pdf.ts";
import { AnnualReportDocumentQuery, AnnualReportParams, REPORT_CITIES_MAX, REPORT_MEDIA_TYPES, annualReportContent, type ReportFormat } from "./reports-schemas.ts";
import { reportsService } from "./reports-service.ts";

/**
 * A report is computed afresh on every request and may change with any write: the client may keep it (private) but
 * must revalidate each time (max-age=0), which costs it nothing when the figures have not changed (304).
 */
const CACHE_CONTROL = "private, max-age=0";

/** A report has no id or version of its own: its entity tag is a digest of its content. */
const etagOfReport = (report: unknown) => contentEtag("report", JSON.stringify(report));

const DESCRIPTION =
  "Figures of one calendar year (January 1 to December 31, both included) for funders and the regional (marshal's) office, " +
  "optionally narrowed to a coordinator (`coordinatorId`) and/or a cluster (`clusterId`); an id that names nothing is a 404. " +
  "What \"in the year\" means, section by section:\n\n" +
  "- **activities**: exactly those `GET /v1/activities?year=` lists — recorded under the year, or whose [startDate, endDate] overlaps it " +
  "(a missing end date counts as the start date, and vice versa); scope: the activity's coordinator and cluster.\n" +
  "- **meetings**: `date` (the calendar date in the meeting's time zone) in the year; scope: the coordinator and cluster of the meeting's " +
  "activity, so a meeting without an activity counts only in the report without scope. Participants are those of the meetings counted; " +
  `cities are the distinct venue cities (case ignored), at most ${REPORT_CITIES_MAX}, with \`cityCount\` giving them all.\n` +
  "- **grantApplications**: `submitted` and `byStatus` (current status) count applications with `submittedOn` in the year, as " +
  "`GET /v1/grant-applications?year=` does; `decided` counts those with the decision date in the year; `requested` and `awarded` sum " +
  "the amounts of the submitted ones per currency, exactly (decimal strings); scope: the applicant (coordinator) and the cluster.\n" +
  "- **media**: publications with `publishedOn` in the year (scope: the media partner's or the activity's coordinator, the activity's " +
  "cluster); partners that published in the year, took part in an activity of the year, or whose cooperation period overlaps the year.\n" +
  "- **membership**: memberships joined (`joinedOn`) and left (`leftOn`) in the year, and members on December 31 (joined on or before " +
  "it or on an unknown date, not left by then), as distinct organizations; in the cluster asked for, the coordinator's clusters, or all.\n\n" +
  "`links` are the list endpoints behind the figures, with the filters they support. Records without the date a section needs " +
  "(an application without `submittedOn`, a publication without `publishedOn`) are in no year. The answer carries an ETag " +
  "(If-None-Match gives 304) and `Cache-Control: private, max-age=0`.\n\n" +
  "**As a document.** `Accept: text/html` (a self-contained, printable page) or `Accept: application/pdf` (A4 pages with page numbers, " +
  "a running header with the coordinator and the date generated), or `format=html|pdf|json` for a link a person clicks (it wins over " +
  "Accept). Both open with the coordinator and the cluster, then list the year's activities, grant applications (call, date submitted, " +
  "score and rank, decision and resolution number, partners; an application belongs to the year it was submitted or decided in, or " +
  "the year of its activity), meetings in date order (venue, district, city, format, agenda, outcomes), media partners and " +
  "publications, partnership and international projects with their partners, and the figures above. Documents are in Polish unless " +
  "`lang=en` or Accept-Language prefers English (`Content-Language` says which): dates `16.11.2012`, money `1 234,50 zł` in Polish; " +
  "`16 November 2012`, `PLN 1,234.50` in English. A document is built whole or not at all: one that would list more than " +
  `${DOCUMENT_MAX_ENTRIES} records, or hold more than ${DOCUMENT_MAX_CHARACTERS} characters of stored text, is refused with 422 ` +
  "(`too_many_rows`, naming the bound in `limit` and what was found in `matched`); narrow it with `coordinatorId` or `clusterId`.";

const FORMATS: Record<(typeof REPORT_MEDIA_TYPES)[number], ReportFormat> = { "application/json": "json", "text/html": "html", "application/pdf": "pdf" };

export default async function reportsRoutes(appIn: FastifyInstance) {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const service = reportsService(app.prisma);

  app.get(
    "/reports/annual/:year",
    {
      // The http plugin's Accept check lets the document types (and text/*) through for this route.
      config: { produces: REPORT_MEDIA_TYPES.slice(1) },
      schema: {
        tags: ["Reports"],
        operationId: "getAnnualReport",
        summary: "Get the annual report of a year",
        description: DESCRIPTION,
        params: AnnualReportParams,
        querystring: AnnualReportDocumentQuery,
        headers: z.object({
          "if-none-match": ifNoneMatchHeader,
          "accept-language": z
            .string()
            .max(1000)
            .optional()
            .meta({ description: "`pl` or `en` (q-values honoured): the language of a document, and of problems. `lang` wins over it." }),
        }),
        response: {
          200: {
            description:
              "The report, with its ETag: JSON, or as a document (`text/html; charset=utf-8`, or `application/pdf` with " +
              '`Content-Disposition: inline; filename="raport-roczny-2013.pdf"`), with `Content-Language`.',
            content: annualReportContent,
          },
          304: z.undefined().describe("Not modified: the ETag in If-None-Match is current."),
          400: problemResponse("The year is not a number from 1900 to 2200, or a query parameter is not valid: `errors` names it."),
          404: problemResponse("No coordinator or no cluster has the id given in `coordinatorId` or `clusterId`."),
          406: problemResponse("The Accept header allows none of JSON, text/html and application/pdf."),
          422: problemResponse(
            `A document would list more than ${DOCUMENT_MAX_ENTRIES} records or hold more than ${DOCUMENT_MAX_CHARACTERS} characters of text: ` +
              "`limit` names the bound, `matched` what was found. The JSON report has no such bound.",
          ),
          503: problemResponse("The database is unavailable; retry after the Retry-After delay."),
        },
      },
    },
    async (request, reply) => {
      const { format: asked, coordinatorId, clusterId } = request.query;
      const format: ReportFormat = asked ?? FORMATS[preferredMediaType(request.headers.accept, REPORT_MEDIA_TYPES) ?? "application/json"];
      // A cache must keep each representation apart.
      addVary(reply, ...(format === "json" ? ["Accept"] : ["Accept", "Accept-Language"]));
      const report = await service.annual(request.params.year, { coordinatorId, clusterId });
      if (format === "json") {
        const etag = etagOfReport(report);
        reply.header("etag", etag).header("cache-control", CACHE_CONTROL);
        if (ifNoneMatchHits(request.headers["if-none-match"], etag)) return reply.code(304).send();
        return report;
      }

      // Documents are in Polish unless the request asks for English.
      const language = requestLanguage(request, "pl");
      const generatedOn = warsawToday();
      const data = await loadReportDocumentData(app.prisma, report.year, report.scope);
      const document = buildReportDocument(data, report, language, generatedOn);
      const etag = contentEtag(`report-${format}`, JSON.stringify(document));
      reply.header("etag", etag).header("cache-control", CACHE_CONTROL).header("content-language", language);
      if (ifNoneMatchHits(request.headers["if-none-match"], etag)) return reply.code(304).send();
      if (format === "html") {
        return reply.type("text/html; charset=utf-8").header("content-security-policy", REPORT_HTML_POLICY).send(renderReportHtml(document));
      }
      const pdf = await renderReportPdf(document, generatedOn);
      // OpenAPI declares the binary body as a string (format: binary); Fastify sends the Buffer as it is.
      return reply.type("application/pdf").header("content-disposition", `inline; filename="${document.fileName}.pdf"`).send(pdf as unknown as string);
    },
  );
}
