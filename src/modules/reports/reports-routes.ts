import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { contentEtag, ifNoneMatchHits } from "../../lib/etag.ts";
import { ifNoneMatchHeader, jsonResponse, problemResponse } from "../../lib/schemas.ts";
import { AnnualReport, AnnualReportParams, AnnualReportQuery, REPORT_CITIES_MAX } from "./reports-schemas.ts";
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
  "(If-None-Match gives 304) and `Cache-Control: private, max-age=0`.";

export default async function reportsRoutes(appIn: FastifyInstance) {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const service = reportsService(app.prisma);

  app.get(
    "/reports/annual/:year",
    {
      schema: {
        tags: ["Reports"],
        operationId: "getAnnualReport",
        summary: "Get the annual report of a year",
        description: DESCRIPTION,
        params: AnnualReportParams,
        querystring: AnnualReportQuery,
        headers: z.object({ "if-none-match": ifNoneMatchHeader }),
        response: {
          200: jsonResponse(AnnualReport, "The report, with its ETag in the ETag header."),
          304: z.undefined().describe("Not modified: the ETag in If-None-Match is current."),
          400: problemResponse("The year is not a number from 1900 to 2200, or a query parameter is not valid: `errors` names it."),
          404: problemResponse("No coordinator or no cluster has the id given in `coordinatorId` or `clusterId`."),
          406: problemResponse("The Accept header allows no JSON."),
          503: problemResponse("The database is unavailable; retry after the Retry-After delay."),
        },
      },
    },
    async (request, reply) => {
      const report = await service.annual(request.params.year, request.query);
      const etag = etagOfReport(report);
      reply.header("etag", etag).header("cache-control", CACHE_CONTROL);
      if (ifNoneMatchHits(request.headers["if-none-match"], etag)) return reply.code(304).send();
      return report;
    },
  );
}
