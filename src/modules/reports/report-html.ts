import { createHash } from "node:crypto";
import { escapeHtml, isolatedText } from "../../lib/html.ts";
import type { Entry, Field, ReportDocument, Section } from "./report-document.ts";

/**
 * The annual report as one self-contained, printable HTML page: inline CSS (with a print stylesheet), no scripts,
 * no external assets. Every stored text is escaped and isolated for bidirectional text (src/lib/html.ts).
 */

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 "DejaVu Sans", "Segoe UI", Roboto, Arial, sans-serif; color: #1b1b1b; background: #f4f4f1; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem 3rem; background: #fff; overflow-wrap: anywhere; }
h1 { font-size: 1.8rem; line-height: 1.25; margin: 0 0 1rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 0.75rem; padding-bottom: 0.25rem; border-bottom: 2px solid #2f5d8a; color: #2f5d8a; }
h3 { font-size: 1.05rem; margin: 0 0 0.4rem; }
h4 { font-size: 0.95rem; margin: 0.6rem 0 0.2rem; }
.header { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0 0 1rem; }
.header dt { font-weight: bold; }
.header dd { margin: 0; }
ol.entries { list-style: none; margin: 0; padding: 0; }
ol.entries > li { margin: 0 0 1rem; padding: 0.75rem 1rem; border: 1px solid #d7d7d0; border-radius: 4px; break-inside: avoid; }
dl.fields { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: 0.15rem 1rem; margin: 0.25rem 0; }
dl.fields dt { color: #555; }
dl.fields dd { margin: 0; }
p { margin: 0.4rem 0; }
ul { margin: 0.2rem 0 0.4rem; padding-left: 1.4rem; }
.empty { color: #555; font-style: italic; }
@media print {
  @page { size: A4; margin: 18mm 16mm; }
  body { background: #fff; font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  ol.entries > li { border: none; border-top: 1px solid #999; border-radius: 0; padding: 0.4rem 0; }
}
`;

/** CSP hash of the inline stylesheet: the page may use exactly this style and nothing else. */
export const REPORT_HTML_POLICY =
  `default-src 'none'; style-src 'sha256-${createHash("sha256").update(CSS, "utf8").digest("base64")}'; ` +
  "img-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const fields = (items: Field[], className: string) =>
  items.length === 0
    ? ""
    : `<dl class="${className}">${items.map((field) => `<dt>${escapeHtml(field.label)}</dt><dd>${isolatedText(field.value)}</dd>`).join("")}</dl>`;

function entry(item: Entry): string {
  const heading = item.heading === "" ? "" : `<h3>${isolatedText(item.heading)}</h3>`;
  const paragraphs = item.paragraphs.map((text) => `<p dir="auto">${escapeHtml(text)}</p>`).join("");
  const list = item.list
    ? `<h4>${escapeHtml(item.list.label)}</h4><ul>${item.list.items.map((text) => `<li>${isolatedText(text)}</li>`).join("")}</ul>`
    : "";
  return `<li><article>${heading}${fields(item.fields, "fields")}${list}${paragraphs}</article></li>`;
}

function section(item: Section): string {
  const body =
    item.entries.length === 0 ? `<p class="empty">${escapeHtml(item.empty)}</p>` : `<ol class="entries">${item.entries.map(entry).join("")}</ol>`;
  return `<section id="${escapeHtml(item.id)}"><h2>${escapeHtml(item.title)}</h2>${body}</section>`;
}

export function renderReportHtml(document: ReportDocument): string {
  return [
    "<!DOCTYPE html>",
    `<html lang="${document.language}">`,
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(document.title)}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    "<main>",
    `<header><h1>${escapeHtml(document.title)}</h1>${fields(document.header, "header")}`,
    document.intro.map((text) => `<p dir="auto">${escapeHtml(text)}</p>`).join(""),
    "</header>",
    ...document.sections.map(section),
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
