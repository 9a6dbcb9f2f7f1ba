/**
 * Languages of the API: English is the default for JSON and problems, Polish for documents (reports). The language
 * of a request is `lang=pl|en` in the query, else the best of Accept-Language (RFC 9110 §12.5.4, q-values honoured),
 * else the default of what is answered. Texts themselves live in typed catalogues (src/lib/messages/), one object
 * per language with the same shape, so a text missing in one language is a type error.
 */

export const LANGUAGES = ["en", "pl"] as const;
export type Language = (typeof LANGUAGES)[number];

export const isLanguage = (value: unknown): value is Language => typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);

/** Longest Accept-Language header looked at; browsers send a few dozen characters. */
const ACCEPT_LANGUAGE_MAX_LENGTH = 1000;

/**
 * The best of `offered` for an Accept-Language value, or undefined when it names none of them. `pl-PL` and `pl`
 * both mean Polish; `*` takes the first offered; q=0 refuses. Of equal q, the one listed first wins.
 */
export function preferredLanguage(header: string | undefined, offered: readonly Language[] = LANGUAGES): Language | undefined {
  if (!header || header.length > ACCEPT_LANGUAGE_MAX_LENGTH) return undefined;
  let best: { language: Language; q: number } | undefined;
  for (const part of header.split(",")) {
    const [range = "", ...parameters] = part.split(";").map((piece) => piece.trim().toLowerCase());
    const qParameter = parameters.find((parameter) => parameter.startsWith("q="));
    const q = qParameter === undefined ? 1 : Number(qParameter.slice(2));
    if (!(q > 0 && q <= 1)) continue;
    const primary = range.split("-")[0];
    const language = range === "*" ? offered[0] : offered.find((candidate) => candidate === primary);
    if (language && (!best || q > best.q)) best = { language, q };
  }
  return best?.language;
}

/** The language of a request: a valid `lang` query value first, then Accept-Language, then `fallback`. */
export function requestLanguage(
  request: { headers: Record<string, string | string[] | undefined>; url: string; query?: unknown },
  fallback: Language = "en",
): Language {
  const fromQuery = langQueryValue(request);
  if (isLanguage(fromQuery)) return fromQuery;
  const header = request.headers["accept-language"];
  return preferredLanguage(Array.isArray(header) ? header.join(",") : header) ?? fallback;
}

/**
 * The raw `lang` value sent in the query, read from the URL so that it is known even for errors raised before the
 * query is parsed (or after a plugin took `lang` out of the parsed query).
 */
export function langQueryValue(request: { url: string }): string | undefined {
  const query = request.url.indexOf("?");
  if (query === -1 || !request.url.includes("lang=", query)) return undefined;
  try {
    return new URLSearchParams(request.url.slice(query + 1)).get("lang") ?? undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Formats. Exact: amounts and scores are decimal strings and never pass through binary floating point.

const NBSP = "\u00a0";

const MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** A calendar date (a DATE column, read as UTC midnight): `16.11.2012` in Polish, `16 November 2012` in English. */
export function formatDate(date: Date, language: Language): string {
  const day = date.getUTCDate();
  const month = date.getUTCMonth();
  const year = String(date.getUTCFullYear()).padStart(4, "0");
  if (language === "pl") return `${String(day).padStart(2, "0")}.${String(month + 1).padStart(2, "0")}.${year}`;
  return `${day} ${MONTHS_EN[month]} ${year}`;
}

/** Today's date in Warsaw, where the reports are read, as a DATE-like value (UTC midnight). */
export function warsawToday(now: Date = new Date()): Date {
  const [year, month, day] = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Warsaw", year: "numeric", month: "2-digit", day: "2-digit" })
    .format(now)
    .split("-")
    .map(Number);
  return new Date(Date.UTC(year!, month! - 1, day!));
}

/** Groups the digits of a whole number in threes with `separator`. */
const group = (digits: string, separator: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);

/**
 * A decimal string (`"1234.5"`, `"99.50"`) the way the language writes numbers: `1 234,5` / `1,234.5`. Polish groups
 * every number of four or more digits with a (non-breaking) space, as the issue's `1 234,50 zł` does.
 */
export function formatDecimal(value: string, language: Language, options: { minimumFractionDigits?: number } = {}): string {
  const negative = value.startsWith("-");
  const [whole = "0", rawFraction = ""] = (negative ? value.slice(1) : value).split(".");
  let fraction = rawFraction.replace(/0+$/, "");
  if (options.minimumFractionDigits !== undefined) fraction = fraction.padEnd(options.minimumFractionDigits, "0");
  const integer = group(whole.replace(/^0+(?=\d)/, ""), language === "pl" ? NBSP : ",");
  const text = fraction === "" ? integer : `${integer}${language === "pl" ? "," : "."}${fraction}`;
  return negative ? `-${text}` : text;
}

/** An amount of money: `1 234,50 zł` (PLN in Polish), `1 234,50 EUR`; `PLN 1,234.50` in English. */
export function formatMoney(amount: string, currency: string, language: Language): string {
  const number = formatDecimal(amount, language, { minimumFractionDigits: 2 });
  if (language === "pl") return `${number}${NBSP}${currency === "PLN" ? "zł" : currency}`;
  return `${currency}${NBSP}${number}`;
}

/** A whole number: `10 000` / `10,000`. */
export const formatInteger = (value: number, language: Language) => formatDecimal(String(value), language);

/** An ordinal place: `2.` in Polish (`2. miejsce`), `2nd` in English. */
export function formatOrdinal(value: number, language: Language): string {
  if (language === "pl") return `${value}.`;
  const tens = value % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[value % 10] ?? "th";
  return `${value}${suffix}`;
}
