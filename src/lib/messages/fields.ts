import type { Language } from "../i18n.ts";

/**
 * Field messages (`errors[].message` of a problem). They are written once, in English, where the rule is (a schema,
 * a service); this phrasebook gives each its Polish sentence. zod's own messages ("Invalid option: expected one of
 * …") never reach a client: `issueMessage` turns a zod issue into one of our English sentences first, so both
 * languages name the allowed values, limits and formats. A message the phrasebook does not know is sent as it is.
 */

type ZodIssueLike = { keyword: string; message?: string; params?: Record<string, unknown> };

/** zod's built-in English messages all start like this; ours start with a lower-case verb ("must …", "is …"). */
const ZOD_DEFAULT = /^(Invalid|Too (big|small)|Unrecognized key|Expected)/;

const TYPE_NAMES: Record<string, string> = {
  string: "must be text",
  number: "must be a number",
  int: "must be a whole number",
  bigint: "must be a whole number",
  boolean: "must be true or false",
  object: "must be an object",
  array: "must be a list (array)",
  date: "must be a date",
  null: "must be null",
};

const FORMATS: Record<string, string> = {
  uuid: "must be a UUID",
  guid: "must be a UUID",
  date: "must be a date in the form YYYY-MM-DD",
  datetime: "must be an RFC 3339 date-time with offset",
  email: "must be an e-mail address",
  url: "must be an http(s) URL such as https://example.pl",
  regex: "is not in the expected format",
};

const listOf = (values: unknown[]) => values.map((value) => (typeof value === "string" ? value : JSON.stringify(value))).join(", ");

/** Our English sentence for a zod issue, keeping the schema's own message when it gave one. */
export function issueMessage(issue: ZodIssueLike): string {
  const message = issue.message ?? "";
  if (message !== "" && !ZOD_DEFAULT.test(message)) return message;
  const p = issue.params ?? {};
  const bound = (key: "maximum" | "minimum") => String(p[key]);
  switch (issue.keyword) {
    case "invalid_type":
      return TYPE_NAMES[String(p.expected)] ?? "has the wrong type";
    case "invalid_value": {
      const values = Array.isArray(p.values) ? p.values : [];
      return values.length === 1 ? `must be ${listOf(values)}` : `must be one of: ${listOf(values)}`;
    }
    case "too_big":
      if (p.origin === "string") return `must be at most ${bound("maximum")} characters`;
      if (p.origin === "array" || p.origin === "set") return `must list at most ${bound("maximum")} items`;
      return p.inclusive === false ? `must be less than ${bound("maximum")}` : `must be at most ${bound("maximum")}`;
    case "too_small":
      if (p.origin === "string") return Number(p.minimum) === 1 ? "must not be empty" : `must be at least ${bound("minimum")} characters`;
      if (p.origin === "array" || p.origin === "set") return `must list at least ${bound("minimum")} items`;
      return p.inclusive === false ? `must be greater than ${bound("minimum")}` : `must be at least ${bound("minimum")}`;
    case "invalid_format":
      return FORMATS[String(p.format)] ?? "is not in the expected format";
    case "not_multiple_of":
      return `must be a multiple of ${String(p.divisor)}`;
    case "invalid_union":
      return "does not match any of the allowed forms";
    case "invalid_key":
      return "has a key that is not valid";
    case "invalid_element":
      return "has an element that is not valid";
    default:
      return "is not valid";
  }
}

type Phrase = [RegExp, (...groups: string[]) => string];

/**
 * Polish for each English field message: exact sentences first, then the ones with numbers, names and lists. Every
 * pattern gets the `s` flag below: a value echoed in a message (an unknown include, a sort field) may hold a line
 * break, which `.` must match too.
 */
const PHRASES: Phrase[] = [
  [/^is required$/, () => "jest wymagane"],
  [/^is not valid$/, () => "jest niepoprawne"],
  [/^must not be empty$/, () => "nie może być puste"],
  [/^must be text$/, () => "musi być tekstem"],
  [/^must be a number$/, () => "musi być liczbą"],
  [/^must be a whole number$/, () => "musi być liczbą całkowitą"],
  [/^must be true or false$/, () => "musi mieć wartość true albo false"],
  [/^must be an object$/, () => "musi być obiektem"],
  [/^must be a list \(array\)$/, () => "musi być listą (tablicą)"],
  [/^must be a date$/, () => "musi być datą"],
  [/^must be null$/, () => "musi mieć wartość null"],
  [/^has the wrong type$/, () => "ma niewłaściwy typ"],
  [/^must be a UUID$/, () => "musi być identyfikatorem UUID"],
  [/^must be a date in the form YYYY-MM-DD$/, () => "musi być datą w postaci RRRR-MM-DD"],
  [/^must be an RFC 3339 date-time with offset$/, () => "musi być datą i godziną RFC 3339 ze strefą (przesunięciem)"],
  [/^must be an RFC 3339 date-time with offset \(at most (\d+) characters\)$/, (n) => `musi być datą i godziną RFC 3339 ze strefą (najwyżej ${n} znaków)`],
  [/^must be an e-mail address$/, () => "musi być adresem e-mail"],
  [/^must be an http\(s\) URL such as (\S+)$/, (url) => `musi być adresem http(s), np. ${url}`],
  [/^is not in the expected format$/, () => "ma niewłaściwy format"],
  [/^does not match any of the allowed forms$/, () => "nie pasuje do żadnej z dozwolonych postaci"],
  [/^has a key that is not valid$/, () => "ma niepoprawny klucz"],
  [/^has an element that is not valid$/, () => "ma niepoprawny element"],
  [/^must be one of: (.*)$/, (values) => `musi być jedną z wartości: ${values}`],
  [/^must be at most (\d+) characters$/, (n) => `może mieć najwyżej ${n} znaków`],
  [/^must be at least (\d+) characters$/, (n) => `musi mieć co najmniej ${n} znaków`],
  [/^must list at most (\d+) (items|sectors|partners|media partners|agenda items)$/, (n, what) => `może wymieniać najwyżej ${n} ${LIST_ITEMS_PL[what]}`],
  [/^must list at least (\d+) items$/, (n) => `musi wymieniać co najmniej ${n} elementów`],
  [/^must be at most (-?[\d.]+)$/, (n) => `może wynosić najwyżej ${n}`],
  [/^must be at least (-?[\d.]+)$/, (n) => `musi wynosić co najmniej ${n}`],
  [/^must be less than (-?[\d.]+)$/, (n) => `musi być mniejsze niż ${n}`],
  [/^must be greater than (-?[\d.]+)$/, (n) => `musi być większe niż ${n}`],
  [/^must be a multiple of (.+)$/, (n) => `musi być wielokrotnością ${n}`],
  [/^must be ("[^"]*"|\S+)$/, (value) => `musi mieć wartość ${value}`],
  [/^must be a year such as (\d+)$/, (year) => `musi być rokiem, np. ${year}`],
  [/^must be a year from (\d+) to (\d+)$/, (from, to) => `musi być rokiem od ${from} do ${to}`],
  [/^must be a whole number from (\d+) to (\d+)$/, (from, to) => `musi być liczbą całkowitą od ${from} do ${to}`],
  [/^must be a whole number of at least (\d+)$/, (n) => `musi być liczbą całkowitą nie mniejszą niż ${n}`],
  [/^must not contain the NUL character \(U\+0000\)$/, () => "nie może zawierać znaku NUL (U+0000)"],
  [/^is nested more than (\d+) levels deep$/, (n) => `jest zagnieżdżone głębiej niż ${n} poziomy`],
  [/^is not a known query parameter here$/, () => "nie jest tu znanym parametrem zapytania"],
  [/^is not a known field \(unknown fields are rejected\)$/, () => "nie jest znanym polem (nieznane pola są odrzucane)"],
  [/^"(.*)" is not a sortable field here; use (.*) \(prefix - for descending\), each once$/, (part, fields) =>
    `„${part}” nie jest tu polem sortowania; użyj ${fields} (z prefiksem - dla porządku malejącego), każdego raz`],
  [/^cannot include (.*); choose from (.*)$/, (names, allowed) => `nie można dołączyć ${names}; wybierz spośród ${allowed}`],
  [/^is not a valid cursor$/, () => "nie jest poprawnym kursorem"],
  [/^was issued for a different sort order$/, () => "wydano go dla innego sortowania"],
  [/^must be 1 to 255 visible ASCII characters$/, () => "musi mieć od 1 do 255 widocznych znaków ASCII"],
  [/^is already used by another record$/, () => "jest już użyte przez inny rekord"],
  [/^refers to a record that does not exist$/, () => "wskazuje rekord, który nie istnieje"],
  [/^refers to an? (.+) that does not exist$/, (noun) => `wskazuje nieistniejący rekord (${NOUNS_PL[noun] ?? noun})`],
  [/^must be a valid (NIP|REGON|KRS) \((.*)\)$/, (name, rule) => `musi być poprawnym numerem ${name} (${RULES_PL[rule] ?? rule})`],
  [/^must be a Polish postal code NN-NNN, e\.g\. (\S+)$/, (code) => `musi być polskim kodem pocztowym NN-NNN, np. ${code}`],
  [/^must be a calendar feed token \(crf_ and (\d+) characters\)$/, (n) => `musi być tokenem kanału kalendarza (crf_ i ${n} znaki)`],
  [/^must be an ISO 3166-1 alpha-2 country code such as (\w+)$/, (code) => `musi być dwuliterowym kodem kraju ISO 3166-1, np. ${code}`],
  [/^must be an ISO 4217 currency code such as (\w+) or (\w+)$/, (a, b) => `musi być kodem waluty ISO 4217, np. ${a} lub ${b}`],
  [/^must be a phone number such as (.+)$/, (phone) => `musi być numerem telefonu, np. ${phone}`],
  [/^must be a non-negative decimal with at most (\d+) decimal places, e\.g\. (.+)$/, (n, example) =>
    `musi być nieujemną liczbą dziesiętną o najwyżej ${n} miejscach po przecinku, np. ${example}`],
  [/^must be a non-negative decimal with at most (\d+) digits before and (\d+) after the point, e\.g\. (.+)$/, (a, b, example) =>
    `musi być nieujemną liczbą dziesiętną o najwyżej ${a} cyfrach przed i ${b} po przecinku, np. ${example}`],
  [/^must be an IANA time zone name such as (\S+)$/, (zone) => `musi być nazwą strefy czasowej IANA, np. ${zone}`],
  [/^must be a domain name such as (\S+)$/, (domain) => `musi być nazwą domeny, np. ${domain}`],
  [/^must be a position returned as `nextCursor`( \(a whole number\))?$/, (whole) =>
    `musi być pozycją zwróconą jako \`nextCursor\`${whole ? " (liczbą całkowitą)" : ""}`],
  [/^must be reader, editor or admin$/, () => "musi mieć wartość reader, editor albo admin"],
  [/^must use https$/, () => "musi używać https"],
  [/^must name a host that resolves \((.+) does not\)$/, (host) => `musi wskazywać host, którego nazwa się rozwiązuje (${host} się nie rozwiązuje)`],
  [/^must resolve to public addresses only \((\S+) is an? (\w+) address\)$/, (address, range) =>
    `musi wskazywać wyłącznie adresy publiczne (${address} to adres typu ${range})`],
  [/^must be an event type such as (\S+), or \*$/, (example) => `musi być typem zdarzenia, np. ${example}, albo *`],
  [/^must be in the future$/, () => "musi być w przyszłości"],
  [/^must not repeat a sector$/, () => "nie może powtarzać sektora"],
  [/^repeats a media partner already listed$/, () => "powtarza partnera medialnego, który już jest na liście"],
  [/^repeats partner (.+); list each organization once$/, (partner) => `powtarza partnera ${partner}; wymień każdą organizację raz`],
  [/^must not be before (\w+)$/, (field) => `nie może być wcześniej niż ${field}`],
  [/^must not be before (.+), the date of the previous status change$/, (date) => `nie może być wcześniej niż ${date}, data poprzedniej zmiany statusu`],
  [/^must not exceed (\w+) \((.+)\)$/, (field, value) => `nie może przekraczać ${field} (${value})`],
  [/^must be after startsAt$/, () => "musi być później niż startsAt"],
  [/^requires startsAt$/, () => "wymaga startsAt"],
  [/^is required when startDate is not given$/, () => "jest wymagane, gdy nie podano startDate"],
  [/^is required unless startsAt is given$/, () => "jest wymagane, chyba że podano startsAt"],
  [/^give organizationId, personName or both$/, () => "podaj organizationId, personName albo oba"],
  [/^the organization already has a membership in this cluster$/, () => "organizacja jest już członkiem tego klastra"],
  [/^must be empty while the cooperation is ongoing; set ongoing to false to record an end date$/, () =>
    "musi być puste, dopóki współpraca trwa; ustaw ongoing na false, aby zapisać datę końca"],
  [/^must lie between the years of startDate and endDate \((.+)\)$/, (range) => `musi leżeć między latami startDate i endDate (${range})`],
  [/^must fall between 0001-01-01 and 9999-12-31 in (\S+)$/, (zone) => `musi przypadać między 0001-01-01 a 9999-12-31 w strefie ${zone}`],
  [/^must be the date of startsAt in (\S+) \((.+)\)$/, (zone, local) => `musi być datą startsAt w strefie ${zone} (${local})`],
  [/^is not valid UTF-8 once percent-decoded$/, () => "po zdekodowaniu procentowym nie jest poprawnym UTF-8"],
  [/^gives the year (\d+), outside (\d+)–(\d+): send `year` \(from \d+ to \d+\) with it$/, (year, min, max) =>
    `daje rok ${year}, spoza zakresu ${min}–${max}: wyślij razem z nią \`year\` (od ${min} do ${max})`],
  [/^lists an empty field \(two commas in a row, or one at either end\); use (.+)$/, (fields) =>
    `zawiera puste pole (dwa przecinki z rzędu albo przecinek na początku lub końcu); użyj ${fields}`],
  // Import rows (lib/messages/imports.ts).
  [/^needs a key: (.+)$/, (keys) => `wymaga klucza: ${keys}`],
  [/^names no existing record$/, () => "nie wskazuje istniejącego rekordu"],
  [/^matches more than one record$/, () => "pasuje do więcej niż jednego rekordu"],
  [/^another record already has this value$/, () => "inny rekord ma już tę wartość"],
];

const POLISH: Phrase[] = PHRASES.map(([pattern, polish]) => [new RegExp(pattern.source, `${pattern.flags}s`), polish]);

const LIST_ITEMS_PL: Record<string, string> = {
  items: "elementów",
  sectors: "sektorów",
  partners: "partnerów",
  "media partners": "partnerów medialnych",
  "agenda items": "punktów programu",
};

const NOUNS_PL: Record<string, string> = {
  coordinator: "koordynator",
  cluster: "klaster",
  organization: "organizacja",
  activity: "działanie",
  meeting: "spotkanie",
  "media partner": "partner medialny",
  "grant application": "wniosek o dofinansowanie",
};

const RULES_PL: Record<string, string> = {
  "10 digits with a correct check digit": "10 cyfr z poprawną cyfrą kontrolną",
  "9 or 14 digits with a correct check digit": "9 lub 14 cyfr z poprawną cyfrą kontrolną",
  "10 digits": "10 cyfr",
};

/** The message in `language`: English as written, Polish from the phrasebook (unknown sentences stay as they are). */
export function fieldMessage(message: string, language: Language): string {
  if (language === "en") return message;
  for (const [pattern, polish] of POLISH) {
    const found = pattern.exec(message);
    if (found) return polish(...found.slice(1).map((group) => group ?? ""));
  }
  return message;
}

/** Whether the phrasebook has a Polish sentence for `message` (tests check every message they meet). */
export const hasPolish = (message: string) => POLISH.some(([pattern]) => pattern.test(message));
