import { z } from "zod";
import {
  ActivityCategory as ActivityCategoryValues,
  ActivityStatus as ActivityStatusValues,
  GrantApplicationStatus as GrantApplicationStatusValues,
  Helix as HelixValues,
  MeetingFormat as MeetingFormatValues,
} from "../../generated/prisma/enums.ts";
import { DateOnly, INT32_MAX, Uuid, YearQuery, int32, outText } from "../../lib/schemas.ts";

/**
 * Venue cities listed in one report. A coordinator's meetings in one year are held in a few towns; `cityCount`
 * gives the full number, so a client can tell when the list was cut.
 */
export const REPORT_CITIES_MAX = 100;

/**
 * Currencies per money total. ISO 4217 has fewer than 200 active codes; a larger number of distinct codes would
 * mean bad data, and the list is then cut (by code order).
 */
export const REPORT_CURRENCIES_MAX = 200;

/** Venue cities are stored with at most 100 characters (meetings-schemas.ts). */
const CITY_MAX_LENGTH = 100;

/** A relative URL of a list endpoint, with its query: `/v1/activities?year=2013&clusterId=…`. */
const LINK_MAX_LENGTH = 500;

const Count = int32(0, INT32_MAX);

/** `{ value: count }` with every value of an enum as a key, 0 included. */
function countsBy<V extends string>(values: readonly V[], description: string) {
  const shape = Object.fromEntries(values.map((value) => [value, Count])) as { [K in V]: typeof Count };
  return z.object(shape).meta({ description });
}

const ACTIVITY_CATEGORIES = Object.values(ActivityCategoryValues);
const ACTIVITY_STATUSES = Object.values(ActivityStatusValues);
const MEETING_FORMATS = Object.values(MeetingFormatValues);
const GRANT_APPLICATION_STATUSES = Object.values(GrantApplicationStatusValues);
/** A participant whose helix is not recorded is counted under `unspecified`. */
export const HELIX_KEYS = [...Object.values(HelixValues), "unspecified"] as const;

export const AnnualReportParams = z.strictObject({
  year: YearQuery.meta({ description: "The calendar year of the report (1900–2200).", example: 2013 }),
});

export const AnnualReportQuery = z.strictObject({
  coordinatorId: Uuid.optional().meta({ description: "Only what belongs to this coordinator (404 when it does not exist)." }),
  clusterId: Uuid.optional().meta({ description: "Only what belongs to this cluster (404 when it does not exist). With `coordinatorId` too, both apply." }),
});

const MoneyTotal = z
  .object({
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .meta({ maxLength: 3, description: "ISO 4217 code; an amount stored without one counts as PLN, as the records show it." }),
    amount: z
      .string()
      .max(40)
      .regex(/^\d+\.\d{2}$/)
      .meta({ description: "Exact sum (PostgreSQL numeric, never a binary float), with 2 decimals.", example: "125000.00" }),
  })
  .meta({ id: "MoneyTotal", description: "A sum of money in one currency.", example: { currency: "PLN", amount: "125000.00" } });

const MoneyTotals = (description: string) =>
  z
    .array(MoneyTotal)
    .max(REPORT_CURRENCIES_MAX)
    .meta({ description: `${description} One entry per currency, by currency code; at most ${REPORT_CURRENCIES_MAX}. Empty when no amount is recorded.` });

const Link = (description: string) =>
  z
    .string()
    .max(LINK_MAX_LENGTH)
    .regex(/^\/v1\/[\w\-/]+(\?[\w\-.=&]*)?$/)
    .meta({ format: "uri-reference", description });

export const AnnualReport = z
  .object({
    year: int32(1900, 2200),
    scope: z
      .object({
        coordinatorId: Uuid.nullable(),
        clusterId: Uuid.nullable(),
      })
      .meta({ description: "What the report is narrowed to: the `coordinatorId` and `clusterId` asked for, or null." }),
    period: z
      .object({ from: DateOnly, to: DateOnly })
      .meta({ description: "The calendar year, both days included: YYYY-01-01 to YYYY-12-31." }),
    activities: z
      .object({
        total: Count,
        byCategory: countsBy(ACTIVITY_CATEGORIES, "The same activities by category; every category is listed, 0 included."),
        byStatus: countsBy(ACTIVITY_STATUSES, "The same activities by status (as recorded now); every status is listed, 0 included."),
      })
      .meta({
        description:
          "Activities in the year exactly as `GET /v1/activities?year=` lists them: recorded under the year, or whose " +
          "[startDate, endDate] overlaps it (a missing end date counts as the start date, and vice versa). Scope: the activity's coordinator and cluster.",
      }),
    meetings: z
      .object({
        total: Count,
        byFormat: countsBy(MEETING_FORMATS, "The same meetings by format; every format is listed, 0 included."),
        participants: z
          .object({
            total: Count.meta({ description: "Participant entries of those meetings (a person at two meetings counts twice)." }),
            organizations: Count.meta({ description: "Distinct organizations the participants represented." }),
            byHelix: countsBy(HELIX_KEYS, "Participant entries by helix; `unspecified` when none is recorded."),
          })
          .meta({ description: "Who took part in the meetings counted in `total`." }),
        cities: z
          .array(outText(CITY_MAX_LENGTH))
          .max(REPORT_CITIES_MAX)
          .meta({
            description:
              `Distinct venue cities of those meetings (case ignored, as the \`city\` filter of /v1/meetings does), in Polish alphabetical order; ` +
              `at most ${REPORT_CITIES_MAX}, the first in that order (\`cityCount\` gives them all).`,
            example: ["Gdańsk"],
          }),
        cityCount: Count.meta({ description: "How many distinct venue cities there are, listed or not." }),
      })
      .meta({
        description:
          "Meetings whose date (the calendar date in the meeting's time zone) falls in the year. Scope: the coordinator and cluster " +
          "of the meeting's activity; a meeting that belongs to no activity counts only in the report without scope.",
      }),
    grantApplications: z
      .object({
        submitted: Count.meta({ description: "Applications whose `submittedOn` falls in the year (as `GET /v1/grant-applications?year=`)." }),
        byStatus: countsBy(GRANT_APPLICATION_STATUSES, "The submitted ones by their current status; every status is listed, 0 included."),
        decided: Count.meta({ description: "Applications whose decision date falls in the year, whenever they were submitted." }),
        requested: MoneyTotals("The requested amounts of the submitted ones, summed per currency."),
        awarded: MoneyTotals("The awarded amounts of the submitted ones, summed per currency."),
      })
      .meta({ description: "Scope: the applicant (coordinator) and the cluster of the application." }),
    media: z
      .object({
        publications: Count.meta({
          description:
            "Publications whose `publishedOn` falls in the year. Scope: the coordinator of the media partner or of the publication's " +
            "activity; the cluster of the publication's activity.",
        }),
        partners: Count.meta({
          description:
            "Distinct media partners that, in the year, published something counted in `publications`, took part in an activity counted " +
            "in `activities`, or cooperated with the coordinator: a cooperation from `since` to `until` overlapping the year (an ongoing one " +
            "without `until` runs on; an ended one without `until` counts in the year of `since`; one with only `until`, in its year; one " +
            "with neither date is counted only through publications and activities). Scope of cooperation: the partner's coordinator; with " +
            "`clusterId` partners count only through publications and activities of the cluster.",
        }),
      })
      .meta({ description: "Promotion in the media." }),
    membership: z
      .object({
        joined: Count.meta({ description: "Distinct organizations with a membership whose `joinedOn` falls in the year." }),
        left: Count.meta({ description: "Distinct organizations with a membership whose `leftOn` falls in the year." }),
        membersAtYearEnd: Count.meta({
          description: "Distinct organizations that were members on December 31: joined on or before it (or on an unknown date) and not left by then.",
        }),
      })
      .meta({
        description:
          "Cluster membership: of the cluster asked for, of the coordinator's clusters, or of every cluster without scope. An organization " +
          "in two of the clusters counts once.",
      }),
    links: z
      .object({
        activities: Link("The activities counted, with the same year and scope."),
        meetings: Link("Meetings in the year, narrowed like the report (by their activity's coordinator and cluster)."),
        grantApplications: Link("Applications submitted in the year, with the same scope (`applicantId`, `clusterId`)."),
        mediaPartners: Link("Media partners, of the coordinator when one is asked for (the list has no year filter)."),
        organizations: Link("Organizations with a membership in the cluster (any year); null without `clusterId`.").nullable(),
      })
      .meta({ description: "The list endpoints behind the figures, as relative URLs with the filters they support." }),
  })
  .meta({
    id: "AnnualReport",
    description: "What a coordinator did in one calendar year, in numbers: for funders and the regional (marshal's) office.",
    example: {
      year: 2013,
      scope: { coordinatorId: null, clusterId: "0193b2a5-0a11-7d42-8b3c-2e5f6a7b8c9d" },
      period: { from: "2013-01-01", to: "2013-12-31" },
      activities: {
        total: 3,
        byCategory: { strategy: 1, grant_application: 1, project: 0, promotion: 0, media: 1, meeting: 0, networking: 0, other: 0 },
        byStatus: { planned: 0, in_progress: 1, completed: 2, cancelled: 0 },
      },
      meetings: {
        total: 3,
        byFormat: { workshop: 1, simulation_workshop: 1, working_meeting: 1, conference: 0, other: 0 },
        participants: { total: 0, organizations: 0, byHelix: { business: 0, science: 0, government: 0, other: 0, unspecified: 0 } },
        cities: ["Gdańsk"],
        cityCount: 1,
      },
      grantApplications: {
        submitted: 0,
        byStatus: { draft: 0, submitted: 0, under_evaluation: 0, approved: 0, rejected: 0, withdrawn: 0, contracted: 0, completed: 0 },
        decided: 0,
        requested: [],
        awarded: [],
      },
      media: { publications: 0, partners: 3 },
      membership: { joined: 0, left: 0, membersAtYearEnd: 0 },
      links: {
        activities: "/v1/activities?year=2013&clusterId=0193b2a5-0a11-7d42-8b3c-2e5f6a7b8c9d",
        meetings: "/v1/meetings?dateFrom=2013-01-01&dateTo=2013-12-31",
        grantApplications: "/v1/grant-applications?year=2013&clusterId=0193b2a5-0a11-7d42-8b3c-2e5f6a7b8c9d",
        mediaPartners: "/v1/media-partners",
        organizations: "/v1/organizations?clusterId=0193b2a5-0a11-7d42-8b3c-2e5f6a7b8c9d",
      },
    },
  });

export type AnnualReportDto = z.output<typeof AnnualReport>;
export type AnnualReportQueryInput = z.output<typeof AnnualReportQuery>;
export type MoneyTotalDto = z.output<typeof MoneyTotal>;
export type ReportCounts<V extends string> = { [K in V]: number };

// ---------------------------------------------------------------------------------------------------------------
// The report as a document (HTML, PDF).

/** What the route answers with, JSON first: the default when Accept prefers none of them over another. */
export const REPORT_MEDIA_TYPES = ["application/json", "text/html", "application/pdf"] as const;
export type ReportFormat = "json" | "html" | "pdf";

/**
 * Bounds of a document's body, declared in the OpenAPI document: the stored text it may hold (see
 * report-document-data.ts), escaped (at most 5 characters each) and wrapped in markup, per listed record.
 */
const REPORT_HTML_MAX_LENGTH = 6_000_000 + 4_000 * 1_001;
const REPORT_PDF_MAX_LENGTH = 50_000_000;

export const AnnualReportDocumentQuery = AnnualReportQuery.extend({
  format: z
    .enum(["json", "html", "pdf"], { error: "must be one of: json, html, pdf" })
    .optional()
    .meta({ description: "The representation, for links a person clicks: it wins over Accept. Without it, Accept decides (JSON by default)." }),
  lang: z
    .enum(["pl", "en"], { error: "must be one of: en, pl" })
    .optional()
    .meta({ description: "Language of a document (Polish by default) and of problems; wins over Accept-Language." }),
});

export const annualReportContent = {
  "application/json": { schema: AnnualReport },
  "text/html": {
    schema: z.string().max(REPORT_HTML_MAX_LENGTH).meta({
      description:
        "A self-contained, printable HTML page (inline CSS with a print stylesheet, no scripts, no external assets) in the " +
        "language named by Content-Language; every stored text escaped.",
    }),
  },
  "application/pdf": {
    schema: z.string().max(REPORT_PDF_MAX_LENGTH).meta({
      format: "binary",
      description: "A4 pages, DejaVu Sans embedded; a running header (coordinator, date generated) and page numbers on each page.",
    }),
  },
};
