import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import PDFDocument from "pdfkit";
import { reportTexts } from "../../lib/messages/report.ts";
import type { Entry, Field, ReportDocument } from "./report-document.ts";

/**
 * The annual report as a PDF of A4 pages, drawn with pdfkit: no browser, no network. DejaVu Sans (from the
 * dejavu-fonts-ttf package) is embedded, subset, so every Polish letter shows and is extracted back as text. Each
 * page carries a running header (the coordinator, the date generated) and its number ("Strona 2 z 5").
 */

const fontsDirectory = path.join(path.dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")), "ttf");
let fonts: { regular: Buffer; bold: Buffer } | undefined;
/** Read once, on the first PDF: 1.4 MB that most processes never need. */
const loadFonts = () =>
  (fonts ??= {
    regular: fs.readFileSync(path.join(fontsDirectory, "DejaVuSans.ttf")),
    bold: fs.readFileSync(path.join(fontsDirectory, "DejaVuSans-Bold.ttf")),
  });

/**
 * pdfkit splits a word wider than the line character by character, measuring each prefix again: quadratic, seconds
 * for one 20,000-character word. A zero-width space (a break opportunity that draws nothing) every 40 characters of
 * a long word keeps the layout linear; ordinary text has no such word.
 */
const LONG_WORD = /[^\s\u200b]{40}(?=[^\s\u200b])/g;
const breakable = (text: string) => text.replace(LONG_WORD, "$&\u200b");

const MARGIN = { top: 64, bottom: 56, left: 56, right: 56 };
const COLOR = { text: "#1b1b1b", muted: "#555555", accent: "#2f5d8a", rule: "#bbbbbb" };

export async function renderReportPdf(document: ReportDocument, generatedOn: Date): Promise<Buffer> {
  const { regular, bold } = loadFonts();
  const doc = new PDFDocument({
    size: "A4",
    margins: MARGIN,
    bufferPages: true,
    lang: document.language,
    displayTitle: true,
    info: { Title: document.title, Author: document.coordinatorLine, Creator: "Cluster Records API", CreationDate: generatedOn, ModDate: generatedOn },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });
  doc.registerFont("regular", regular);
  doc.registerFont("bold", bold);
  const width = doc.page.width - MARGIN.left - MARGIN.right;

  const write = (text: string, font: "regular" | "bold", size: number, color = COLOR.text, gap = 2) => {
    doc.font(font).fontSize(size).fillColor(color).text(breakable(text), MARGIN.left, undefined, { width });
    doc.moveDown(gap / size);
  };
  const fieldLines = (items: Field[]) => {
    for (const field of items) {
      doc.font("bold").fontSize(9.5).fillColor(COLOR.muted).text(`${field.label}: `, MARGIN.left, undefined, { width, continued: true });
      doc.font("regular").fillColor(COLOR.text).text(breakable(field.value), { width });
    }
  };
  const entry = (item: Entry) => {
    // Keep a heading with at least a few lines of its entry.
    if (doc.y > doc.page.height - MARGIN.bottom - 80) doc.addPage();
    if (item.heading !== "") write(item.heading, "bold", 11, COLOR.text, 3);
    fieldLines(item.fields);
    if (item.list) {
      doc.font("bold").fontSize(9.5).fillColor(COLOR.muted).text(`${item.list.label}:`, MARGIN.left, undefined, { width });
      doc.font("regular").fillColor(COLOR.text).list(item.list.items.map(breakable), MARGIN.left + 8, undefined, { width: width - 8, bulletRadius: 1.6 });
    }
    for (const paragraph of item.paragraphs) {
      doc.moveDown(0.3);
      write(paragraph, "regular", 9.5);
    }
    doc.moveDown(0.4);
    doc.moveTo(MARGIN.left, doc.y).lineTo(MARGIN.left + width, doc.y).lineWidth(0.5).strokeColor(COLOR.rule).stroke();
    doc.moveDown(0.6);
  };

  write(document.title, "bold", 18, COLOR.text, 8);
  fieldLines(document.header);
  doc.moveDown(0.5);
  for (const text of document.intro) write(text, "regular", 9.5);
  for (const section of document.sections) {
    if (doc.y > doc.page.height - MARGIN.bottom - 100) doc.addPage();
    doc.moveDown(0.6);
    write(section.title, "bold", 14, COLOR.accent, 6);
    if (section.entries.length === 0) write(section.empty, "regular", 9.5, COLOR.muted);
    for (const item of section.entries) entry(item);
  }

  // Running header and page number on every page, written once the page count is known.
  const { start, count } = doc.bufferedPageRange();
  for (let index = start; index < start + count; index++) {
    doc.switchToPage(index);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // text in the margin must not start a new page
    doc.font("regular").fontSize(8).fillColor(COLOR.muted);
    doc.text(document.coordinatorLine, MARGIN.left, 28, { width: width * 0.68, lineBreak: false, ellipsis: true });
    doc.text(document.generatedLine, MARGIN.left + width * 0.7, 28, { width: width * 0.3, align: "right", lineBreak: false });
    doc.moveTo(MARGIN.left, 42).lineTo(MARGIN.left + width, 42).lineWidth(0.5).strokeColor(COLOR.rule).stroke();
    doc.text(reportTexts(document.language).page(index - start + 1, count), MARGIN.left, doc.page.height - 36, { width, align: "center", lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  await finished;
  return Buffer.concat(chunks);
}
