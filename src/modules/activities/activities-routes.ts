import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { registerCrudRoutes } from "../../lib/crud-routes.ts";
import { problemResponse } from "../../lib/schemas.ts";
import { CSV_MEDIA_TYPE } from "../../lib/csv.ts";
import { ActivityCsv, ActivityExportQuery, EXPORT_COLUMNS, EXPORT_MAX_ROWS, exportFileName, exportRows, renderCsv } from "./activities-export.ts";
import { activities } from "./activities-resource.ts";

export default async function activitiesRoutes(app: FastifyInstance) {
  // Before `/activities/:id` (find-my-way prefers the static segment anyway): "export.csv" is no activity id.
  registerActivityExportRoute(app);
  registerCrudRoutes(app, activities);
}

/** `GET /activities/export.csv`: the activity log as a spreadsheet for the regional office. */
function registerActivityExportRoute(appIn: FastifyInstance) {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  app.get(
    "/activities/export.csv",
    {
      // The http plugin's Accept check lets text/csv (and text/*) through for this route.
      config: { produces: [CSV_MEDIA_TYPE] },
      schema: {
        tags: ["Activities"],
        operationId: "exportActivitiesCsv",
        summary: "Export activities as CSV",
        description:
          "The activity log as a spreadsheet (CSV, RFC 4180; UTF-8 with a byte order mark so that Excel reads Polish letters; CRLF line ends). " +
          `Columns, in this order: ${EXPORT_COLUMNS.map((column) => `\`${column}\``).join(", ")}; ` +
          "`meetings`, `grantApplications`, `publications` and `mediaPartners` count the records linked to the activity. " +
          "Filters exactly as in the activities list (`q`, `year`, `category`, `status`, `coordinatorId`, `clusterId`, `startDateFrom`/`startDateTo`); " +
          "`delimiter=semicolon` for Excel with Polish regional settings. Ordered by year, then start date (activities without one last), then id. " +
          `No paging: at most ${EXPORT_MAX_ROWS} rows; when more match, the answer is 422 with the number that matched (\`matched\`), ` +
          "never a file cut short: narrow the filters. Text starting with `=`, `+`, `-`, `@`, TAB or CR is prefixed with `'` (no formulas run).",
        querystring: ActivityExportQuery,
        response: {
          200: {
            description:
              'The spreadsheet (`Content-Type: text/csv; charset=utf-8`, `Content-Disposition: attachment; filename="activities.csv"`, ' +
              'or `activities-2013.csv` with `year=2013`).',
            content: { [CSV_MEDIA_TYPE]: { schema: ActivityCsv } },
          },
          400: problemResponse("The request is not valid: `errors` names each field and rule."),
          406: problemResponse("The Accept header allows neither text/csv nor JSON."),
          422: problemResponse(`More than ${EXPORT_MAX_ROWS} activities match: \`matched\` says how many; narrow the filters.`),
          503: problemResponse("The database is unavailable; retry after the Retry-After delay."),
        },
      },
    },
    async (request, reply) => {
      const { delimiter, ...filters } = request.query;
      const body = renderCsv(await exportRows(app.prisma, filters), delimiter);
      return reply
        .type(`${CSV_MEDIA_TYPE}; charset=utf-8`)
        .header("content-disposition", `attachment; filename="${exportFileName(filters.year)}"`)
        .send(body);
    },
  );
}
