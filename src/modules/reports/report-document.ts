import { formatDate, formatInteger, formatMoney, type Language } from "../../lib/i18n.ts";
import { reportDate, reportTexts } from "../../lib/messages/report.ts";
import type { ReportDocumentData } from "./report-document-data.ts";
import type { AnnualReportDto, MoneyTotalDto } from "./reports-schemas.ts";

/**
 * The annual report as a document, in one language: plain strings in sections and entries, ready for either
 * renderer (report-html.ts escapes them, report-pdf.ts lays them out), so the HTML and the PDF say the same thing.
 */

export type Field = { label: string; value: string };
export type Entry = { heading: string; fields: Field[]; paragraphs: string[]; list?: { label: string; items: string[] } };
export type Section = { id: string; title: string; entries: Entry[]; empty: string };

export type ReportDocument = {
  language: Language;
  title: string;
  fileName: string;
  /** Opens the document: coordinator, cluster, period, date generated. */
  header: Field[];
  /** What the cluster says of itself (its description), after the header. */
  intro: string[];
  /** For the running header of each PDF page. */
  coordinatorLine: string;
  generatedLine: string;
  sections: Section[];
};

const present = (fields: Array<{ label: string; value: string | null | undefined }>): Field[] =>
  fields.filter((field): field is Field => typeof field.value === "string" && field.value !== "");

export function buildReportDocument(
  data: ReportDocumentData,
  figures: AnnualReportDto,
  language: Language,
  generatedOn: Date,
): ReportDocument {
  const t = reportTexts(language);
  const date = (value: Date | null) => reportDate(value, language);
  const money = (amount: { toString(): string } | null, currency: string | null) => (amount === null ? null : formatMoney(amount.toString(), currency ?? "PLN", language));
  const year = figures.year;

  const coordinators = data.coordinators.map((c) => c.name).join("; ") || t.notInScope;
  const clusters = data.clusters.map((c) => (c.shortName && !c.name.includes(c.shortName) ? `${c.name} (${c.shortName})` : c.name)).join("; ") || t.notInScope;
  const generated = formatDate(generatedOn, language);
  const header: Field[] = [
    { label: t.coordinator, value: coordinators },
    { label: t.cluster, value: clusters },
    { label: t.period, value: t.dateRange(formatDate(new Date(`${figures.period.from}T00:00:00Z`), language), formatDate(new Date(`${figures.period.to}T00:00:00Z`), language)) },
    { label: t.generatedOn, value: generated },
  ];
  const clusterDescriptions = data.clusters.map((c) => c.description).filter((text): text is string => Boolean(text));

  const activities: Entry[] = data.activities.map((a) => ({
    heading: a.title,
    fields: present([
      { label: t.fields.category, value: t.enums.activityCategory[a.category] },
      { label: t.fields.status, value: t.enums.activityStatus[a.status] },
      { label: t.fields.dates, value: a.startDate || a.endDate ? t.dateRange(date(a.startDate) ?? "…", date(a.endDate) ?? "…") : null },
    ]),
    paragraphs: a.description ? [a.description] : [],
  }));

  const partnersOf = (g: ReportDocumentData["grantApplications"][number]) => g.partners.map((p) => (p.role && p.role !== "partner" ? `${p.organization.name} (${p.role})` : p.organization.name));

  const applications: Entry[] = data.grantApplications.map((g) => ({
    heading: g.title,
    fields: present([
      { label: t.fields.call, value: g.callName },
      { label: t.fields.programme, value: g.programme },
      { label: t.fields.fundingBody, value: g.fundingBody?.name },
      { label: t.fields.submittedOn, value: date(g.submittedOn) },
      { label: t.fields.score, value: g.score ? t.score(g.score.toString(), g.maxScore?.toString() ?? null) : null },
      { label: t.fields.rank, value: g.rank ? t.rank(g.rank, g.rankOutOf) : null },
      { label: t.fields.status, value: t.enums.grantStatus[g.status] },
      { label: t.fields.decision, value: g.decisionReference || g.decisionDate ? t.decision(g.decisionReference, date(g.decisionDate), g.decisionBody) : null },
      { label: t.fields.inKindSupport, value: g.inKindSupport },
      { label: t.fields.requested, value: money(g.requestedAmount, g.requestedCurrency) },
      { label: t.fields.awarded, value: money(g.awardedAmount, g.awardedCurrency) },
      { label: t.fields.partners, value: partnersOf(g).join(", ") },
    ]),
    paragraphs: g.evaluationNotes ? [g.evaluationNotes] : [],
  }));

  const projects: Entry[] = data.grantApplications
    .filter((g) => g.partners.length > 0)
    .map((g) => ({
      heading: g.title,
      fields: present([
        { label: t.fields.fundingBody, value: g.fundingBody?.name },
        { label: t.fields.status, value: t.enums.grantStatus[g.status] },
      ]),
      paragraphs: [],
      list: { label: t.fields.partners, items: partnersOf(g) },
    }));

  const meetings: Entry[] = data.meetings.map((m) => ({
    heading: m.title,
    fields: present([
      { label: t.fields.date, value: date(m.date) },
      { label: t.fields.venue, value: [m.venueName, m.venueStreet].filter(Boolean).join(", ") },
      { label: t.fields.district, value: m.venueDistrict },
      { label: t.fields.city, value: [m.venuePostalCode, m.venueCity].filter(Boolean).join(" ") },
      { label: t.fields.format, value: t.enums.meetingFormat[m.format] },
      { label: t.fields.participants, value: m._count.participants > 0 ? formatInteger(m._count.participants, language) : null },
    ]),
    paragraphs: m.outcomes ? [m.outcomes] : [],
    ...(m.agenda.length > 0 ? { list: { label: t.fields.agenda, items: m.agenda } } : {}),
  }));

  const partners: Entry[] = data.mediaPartners.map((p) => ({
    heading: p.name,
    fields: present([
      { label: t.fields.kind, value: t.enums.mediaKind[p.kind] },
      { label: t.fields.website, value: p.website },
      { label: t.fields.cooperation, value: t.cooperation(date(p.cooperationSince), date(p.cooperationUntil), p.ongoing) },
    ]),
    paragraphs: [],
  }));
  const publications: Entry[] = data.publications.map((p) => ({
    heading: p.title,
    fields: present([
      { label: t.fields.date, value: date(p.publishedOn) },
      { label: t.fields.mediaPartner, value: p.mediaPartner.name },
      { label: t.fields.url, value: p.url },
    ]),
    paragraphs: p.notes ? [p.notes] : [],
  }));

  const sections: Section[] = [
    { id: "activities", title: t.sections.activities, entries: activities, empty: t.none },
    { id: "grant-applications", title: t.sections.grantApplications, entries: applications, empty: t.none },
    { id: "meetings", title: t.sections.meetings, entries: meetings, empty: t.none },
    { id: "media-partners", title: t.sections.media, entries: partners, empty: t.none },
    { id: "publications", title: t.subsections.publications, entries: publications, empty: t.none },
    { id: "projects", title: t.sections.projects, entries: projects, empty: t.none },
    { id: "figures", title: t.sections.figures, entries: [figuresEntry(figures, language)], empty: t.none },
  ];

  return {
    language,
    title: t.title(year),
    fileName: t.fileName(year),
    header,
    intro: clusterDescriptions,
    coordinatorLine: `${t.coordinator}: ${coordinators}`,
    generatedLine: `${t.generatedOn}: ${generated}`,
    sections,
  };
}

/** The figures the JSON report computes, as label/value pairs. */
function figuresEntry(figures: AnnualReportDto, language: Language): Entry {
  const t = reportTexts(language);
  const n = (value: number) => formatInteger(value, language);
  const totals = (list: MoneyTotalDto[]) => (list.length === 0 ? "—" : list.map((m) => formatMoney(m.amount, m.currency, language)).join(", "));
  const breakdown = <K extends string>(counts: Record<K, number>, labels: Record<K, string>) =>
    (Object.entries(counts) as Array<[K, number]>)
      .filter(([, count]) => count > 0)
      .map(([key, count]) => `${labels[key]}: ${n(count)}`)
      .join(", ");
  const withBreakdown = (total: number, detail: string) => (detail === "" ? n(total) : `${n(total)} (${detail})`);
  return {
    heading: "",
    fields: [
      { label: t.figures.activities, value: withBreakdown(figures.activities.total, breakdown(figures.activities.byCategory, t.enums.activityCategory)) },
      { label: t.figures.meetings, value: withBreakdown(figures.meetings.total, breakdown(figures.meetings.byFormat, t.enums.meetingFormat)) },
      { label: t.figures.participants, value: n(figures.meetings.participants.total) },
      { label: t.figures.participantOrganizations, value: n(figures.meetings.participants.organizations) },
      { label: t.figures.cities, value: figures.meetings.cities.length > 0 ? figures.meetings.cities.join(", ") : "—" },
      { label: t.figures.submitted, value: withBreakdown(figures.grantApplications.submitted, breakdown(figures.grantApplications.byStatus, t.enums.grantStatus)) },
      { label: t.figures.decided, value: n(figures.grantApplications.decided) },
      { label: t.figures.requested, value: totals(figures.grantApplications.requested) },
      { label: t.figures.awarded, value: totals(figures.grantApplications.awarded) },
      { label: t.figures.publications, value: n(figures.media.publications) },
      { label: t.figures.partners, value: n(figures.media.partners) },
      { label: t.figures.joined, value: n(figures.membership.joined) },
      { label: t.figures.left, value: n(figures.membership.left) },
      { label: t.figures.membersAtYearEnd, value: n(figures.membership.membersAtYearEnd) },
    ],
    paragraphs: [],
  };
}
