import type { Language } from "../i18n.ts";
import type { ProblemCode } from "../problem.ts";

/**
 * Problem titles and details in English and Polish. A detail is a function of its parameters in each language;
 * an ApiError carries the key and the parameters (`problemText(key, params)`) and the detail is written in the
 * request's language when the problem is sent. English titles are PROBLEM_TYPES' own (src/lib/problem.ts).
 */

export const PROBLEM_TITLES_PL: Record<ProblemCode, string> = {
  validation_failed: "Żądanie jest niepoprawne",
  malformed_request: "Nie udało się odczytać żądania",
  invalid_cursor: "Kursor stronicowania jest niepoprawny",
  unauthorized: "Wymagane uwierzytelnienie",
  forbidden: "Brak uprawnień",
  not_found: "Nie znaleziono",
  method_not_allowed: "Niedozwolona metoda",
  not_acceptable: "Brak dopuszczalnej reprezentacji",
  conflict: "Konflikt z istniejącym rekordem",
  still_referenced: "Rekord jest nadal wskazywany przez inne rekordy",
  transition_not_allowed: "Ta zmiana statusu jest niedozwolona z bieżącego statusu",
  idempotency_key_in_use: "Żądanie z tym kluczem idempotencji jest jeszcze obsługiwane",
  version_mismatch: "Rekord zmienił się, odkąd go odczytano",
  payload_too_large: "Treść żądania jest za duża",
  unsupported_media_type: "Nieobsługiwany typ treści",
  idempotency_key_reused: "Klucz idempotencji użyto już z innym żądaniem",
  reference_not_found: "Wskazany rekord nie istnieje",
  too_many_rows: "Zbyt wiele rekordów na jeden eksport lub dokument",
  webhook_url_refused: "Docelowy adres webhooka jest odrzucony",
  precondition_required: "Wymagany nagłówek warunku",
  rate_limited: "Zbyt wiele żądań",
  internal_error: "Wewnętrzny błąd serwera",
  database_unavailable: "Baza danych jest niedostępna",
  request_timeout: "Odpowiedź trwała zbyt długo",
  request_incomplete: "Żądanie nie dotarło na czas",
  headers_too_large: "Wiersz żądania lub nagłówki są za duże",
  overloaded: "Usługa jest przeciążona",
  shutting_down: "Usługa jest zamykana",
};

/** Record nouns as services name them ("media partner"), in Polish: the genitive ("nie ma partnera medialnego") and the nominative. */
const NOUNS_PL: Record<string, { genitive: string; nominative: string }> = {
  coordinator: { genitive: "koordynatora", nominative: "koordynator" },
  cluster: { genitive: "klastra", nominative: "klaster" },
  organization: { genitive: "organizacji", nominative: "organizacja" },
  membership: { genitive: "członkostwa", nominative: "członkostwo" },
  activity: { genitive: "działania", nominative: "działanie" },
  meeting: { genitive: "spotkania", nominative: "spotkanie" },
  participant: { genitive: "uczestnika", nominative: "uczestnik" },
  "participant of this meeting": { genitive: "uczestnika tego spotkania", nominative: "uczestnik spotkania" },
  "grant application": { genitive: "wniosku o dofinansowanie", nominative: "wniosek o dofinansowanie" },
  "media partner": { genitive: "partnera medialnego", nominative: "partner medialny" },
  publication: { genitive: "publikacji", nominative: "publikacja" },
  "API key": { genitive: "klucza API", nominative: "klucz API" },
  "calendar feed": { genitive: "kanału kalendarza", nominative: "kanał kalendarza" },
  webhook: { genitive: "webhooka", nominative: "webhook" },
  "webhook delivery": { genitive: "dostarczenia webhooka", nominative: "dostarczenie webhooka" },
};
const genitive = (noun: string) => NOUNS_PL[noun]?.genitive ?? `rekordu „${noun}”`;
const nominative = (noun: string) => NOUNS_PL[noun]?.nominative ?? `rekord „${noun}”`;

/** Why an import file is refused whole (lib/imports/). */
export type ImportFileReason = "mediaType" | "encoding" | "macros" | "notCsv" | "notXlsx" | "formula" | "missingColumns" | "duplicateKeys" | "tooManyRows" | "empty";
type ImportFile = { reason: ImportFileReason; row?: number; column?: string; columns?: string[]; rows?: number[]; limit?: number };
const IMPORT_FILE_EN: Record<ImportFileReason, (p: ImportFile) => string> = {
  mediaType: () => "Send the file as text/csv or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet (Content-Type).",
  encoding: () => "The file must be text in UTF-8 or Windows-1250 (Polish Excel); this one is in neither.",
  macros: () => "The workbook contains macros (vbaProject.bin); save it as a plain .xlsx without them.",
  notCsv: () => "The file is not valid CSV (RFC 4180): check its quotes.",
  notXlsx: () => "The file is not an XLSX workbook.",
  formula: (p) => `Row ${p.row}, column ${p.column} holds a formula; an import takes values only (a text starting with =, +, - or @ needs a leading ').`,
  missingColumns: (p) => `The header row lacks the column${(p.columns?.length ?? 0) > 1 ? "s" : ""} ${(p.columns ?? []).join(", ")}.`,
  duplicateKeys: (p) => `Rows ${(p.rows ?? []).join(", ")} name the same record (the same key); each record may appear once.`,
  tooManyRows: (p) => `An import takes at most ${p.limit} rows; split the file.`,
  empty: () => "The file has no header row.",
};
const IMPORT_FILE_PL: Record<ImportFileReason, (p: ImportFile) => string> = {
  mediaType: () => "Wyślij plik jako text/csv lub application/vnd.openxmlformats-officedocument.spreadsheetml.sheet (Content-Type).",
  encoding: () => "Plik musi być tekstem w UTF-8 lub Windows-1250 (polski Excel); ten nie jest w żadnym z nich.",
  macros: () => "Skoroszyt zawiera makra (vbaProject.bin); zapisz go jako zwykły plik .xlsx bez nich.",
  notCsv: () => "Plik nie jest poprawnym CSV (RFC 4180): sprawdź cudzysłowy.",
  notXlsx: () => "Plik nie jest skoroszytem XLSX.",
  formula: (p) => `Wiersz ${p.row}, kolumna ${p.column} zawiera formułę; import przyjmuje tylko wartości (tekst zaczynający się od =, +, - lub @ poprzedź znakiem ').`,
  missingColumns: (p) => `W wierszu nagłówka brakuje kolumn: ${(p.columns ?? []).join(", ")}.`,
  duplicateKeys: (p) => `Wiersze ${(p.rows ?? []).join(", ")} wskazują ten sam rekord (ten sam klucz); każdy rekord może wystąpić raz.`,
  tooManyRows: (p) => `Import przyjmuje najwyżej ${p.limit} wierszy; podziel plik.`,
  empty: () => "Plik nie ma wiersza nagłówka.",
};

type DocumentBound = { year: number; bound: "entries" | "characters"; found: number; limit: number };
type Reference = { resource: string; field: string; count: number };

/** "a, b or c" ("a, b lub c"). */
const orList = (items: readonly string[], or: string) => (items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} ${or} ${items.at(-1)}`);

const fieldsAre = (count: number) => `${count} ${count === 1 ? "field is" : "fields are"} not valid`;
/** "1 pole jest niepoprawne", "2 pola są niepoprawne", "5 pól jest niepoprawnych" (Polish plural forms). */
function polishFields(count: number): string {
  const tens = count % 100;
  const ones = count % 10;
  if (count === 1) return "1 pole jest niepoprawne";
  if (ones >= 2 && ones <= 4 && (tens < 12 || tens > 14)) return `${count} pola są niepoprawne`;
  return `${count} pól jest niepoprawnych`;
}

const DETAILS_EN = {
  validationFailed: (p: { count: number; listed?: number }) =>
    `${fieldsAre(p.count)}${p.listed !== undefined && p.listed < p.count ? `; the first ${p.listed} are listed` : ""}.`,
  nestedTooDeep: (p: { max: number }) => `The JSON is nested more than ${p.max} levels deep.`,
  notFound: (p: { resource: string; id: string }) => `No ${p.resource} with id ${p.id}.`,
  nothingAt: (p: { method: string; path: string }) => `There is nothing at ${p.method} ${p.path}.`,
  methodNotAllowed: (p: { method: string; path: string; allow: string }) => `${p.method} is not supported on ${p.path}; use ${p.allow}.`,
  notAcceptable: (p: { offered: string; accept: string }) => `This endpoint answers with ${p.offered}; Accept was "${p.accept}".`,
  bodyTooLarge: () => "The request body is larger than this service accepts.",
  unsupportedMediaType: () => "Send JSON: Content-Type application/json (or application/merge-patch+json for PATCH).",
  emptyJsonBody: () => "The body is empty but Content-Type says JSON.",
  invalidJsonBody: () => "The body is not valid JSON.",
  invalidContentLength: () => "Content-Length does not match the body.",
  badUrl: () => "The URL is not valid.",
  paramTooLong: () => "A path segment of the URL is too long.",
  handlerTimeout: () =>
    "The request took longer than this service allows. A write may still have taken effect: read the record before repeating it.",
  internalError: (p: { requestId: string }) => `Something went wrong on our side. Quote request id ${p.requestId} when reporting it.`,
  cursorDamaged: () => "The cursor is not one this service issued. Start again without `cursor`.",
  cursorOtherSort: (p: { sort: string }) => `The cursor belongs to sort=${p.sort}; keep the same sort while paging.`,
  preconditionRequired: () =>
    "This request must carry an If-Match header with the record's current ETag (from a GET), so that a stale copy cannot overwrite newer changes.",
  versionMismatch: (p: { version: number; etag: string }) =>
    `The record is at version ${p.version}; If-Match did not name its current ETag ${p.etag}. Fetch it again, reapply your change and retry.`,
  lostRace: (p: { resource: string }) => `The ${p.resource} changed while this request was being handled. Fetch it again and retry.`,
  stillReferenced: (p: { resource: string; references: Reference[] }) =>
    `This ${p.resource} is still referenced by ${p.references.map((r) => `${r.count} ${r.resource} (${r.field})`).join(", ")}; reassign or delete those first.`,
  referenceNotFound: (p: { noun: string; id: string }) => `No ${p.noun} with id ${p.id}.`,
  referencesMissing: (p: { missing: Array<{ noun: string; id: string }> }) => p.missing.map((m) => `No ${m.noun} with id ${m.id}.`).join(" "),
  duplicateMembership: (p: { clusterId: string }) =>
    `The organization already has a membership in cluster ${p.clusterId}; change that membership instead.`,
  transitionNotAllowed: (p: { from: string; to: string; allowed: string[] }) =>
    p.allowed.length === 0
      ? `A ${p.from} grant application is closed: it cannot move to ${p.to} or to any other status.`
      : `A ${p.from} grant application can move to ${orList(p.allowed, "or")}, not to ${p.to}.`,
  transitionDatedTooEarly: (p: { status: string; date: string }) => `The change cannot be dated before the previous one (${p.status} on ${p.date}).`,
  onlyDraftDeletable: (p: { status: string; canWithdraw: boolean }) =>
    `Only a draft grant application can be deleted; this one is ${p.status}. ` +
    (p.canWithdraw ? "Withdraw it instead (POST …/transitions with to=withdrawn)." : "Its record is kept as it is."),
  exportTooLarge: (p: { matched: number; limit: number }) =>
    `${p.matched} records match; an export holds at most ${p.limit}. Narrow the filters (or \`q\`) and export in parts.`,
  importFileRefused: (p: ImportFile) => IMPORT_FILE_EN[p.reason](p),
  importRejected: (p: { rejected: number; id: string }) =>
    `${p.rejected} row${p.rejected === 1 ? " was" : "s were"} rejected, so nothing was written; GET /v1/imports/${p.id} has the report, and \`errors\` names each row, column and rule.`,
  keyAlreadyRevoked: (p: { at: string }) => `This API key was already revoked at ${p.at}.`,
  calendarFeedNotFound: () => "No calendar feed has this link: it was deleted (revoked), or the link is incomplete. Ask an editor for a new link.",
  webhookUrlRefused: (p: { rule: string }) =>
    `The target URL breaks the rule ${p.rule}: webhooks go only to https URLs of public addresses (no loopback, private, link-local or metadata addresses).`,
  databaseUnavailable: () => "The database is unavailable (down, starting up or shutting down). Retry after the Retry-After delay.",
  databaseBusy: () =>
    "The database is too busy to answer in time (no free connection, or a statement or transaction ran out of time). Retry after the Retry-After delay.",
  databaseConflict: () =>
    "The request collided with concurrent writes (a serialization failure or deadlock) more often than it is retried. Retry after the Retry-After delay.",
  uniqueTaken: (p: { fields: string[] }) =>
    p.fields.length > 0 ? `Another record already has this ${p.fields.join(", ")}.` : "Another record has the same unique value.",
  referencedByOthers: () => "The record is still referenced by other records; remove those references first.",
  referencedRecordMissing: (p: { fields: string[] }) => `A referenced record does not exist${p.fields.length ? ` (${p.fields.join(", ")})` : ""}.`,
  recordGone: () => "The record does not exist (it may just have been deleted).",
  valueNotStorable: () => "A value in the request is outside what can be stored (for example a date before the year 1, or text too long for its field).",
  overloaded: (p: { reason: string }) => `The service is overloaded (${p.reason}); retry after the Retry-After delay.`,
  shuttingDown: () => "This instance is shutting down; send the request again, on a new connection.",
  draining: () => "This instance is shutting down and takes no new work; the load balancer should send requests elsewhere.",
  bodyIncomplete: () => "The request body did not arrive in time; nothing was done. Send it again, faster or smaller.",
  charsetNotUtf8: (p: { charset: string }) => `The body must be JSON in UTF-8; charset=${p.charset} is not supported. Send UTF-8 (charset=utf-8, or none).`,
  bodyNotUtf8: () => "The body is not valid UTF-8: encode text as UTF-8.",
  headersTooLarge: () => "The request line and headers together exceed 16 KB; send a shorter URL or fewer, smaller headers.",
  requestNotReceived: () => "The request was not received in full in time; nothing was done. Send it again.",
  notHttp: () =>
    "The request is not valid HTTP/1.1 (for example a bare CR, LF or NUL in a header, or conflicting Content-Length and Transfer-Encoding).",
  authMissing: () => "The API key is missing: send `Authorization: Bearer <key>`. An admin can create one (POST /v1/api-keys or `npm run keys:create`).",
  authMalformed: () => "The Authorization header is malformed: it must be `Bearer <key>`, with a key of the form `crk_<prefix>_<secret>`.",
  authUnknown: () => "The API key is unknown: no key matches it. Check that it was copied whole.",
  authExpired: () => "The API key has expired; ask an admin for a new one.",
  authRevoked: () => "The API key has been revoked; ask an admin for a new one.",
  forbidden: (p: { method: string; url: string; required: string; role: string }) =>
    `${p.method} ${p.url} needs the ${p.required} role; this API key has the ${p.role} role.`,
  idempotencyKeyInvalid: () => "Idempotency-Key must be 1 to 255 visible ASCII characters.",
  idempotencyKeyExpired: () => "This idempotency key has just expired; retry the request.",
  idempotencyKeyReused: (p: { key: string; method: string; path: string }) =>
    `Idempotency-Key "${p.key}" was first used for a different request (${p.method} ${p.path} with another body). Use a new key for a new request.`,
  idempotencyKeyInUse: () => "The first request with this idempotency key is still being handled; retry in a moment.",
  idempotencyKeyTakenOver: () => "Another retry with this idempotency key has just taken it over; retry in a moment.",
  idempotencyKeyLost: () => "Another attempt with this idempotency key has taken it over; retry to get its answer.",
  rateLimited: (p: { perKey: boolean; limit: number; windowSeconds: number; resetSeconds: number }) =>
    `Too many requests for ${p.perKey ? "this API key" : "requests without a valid API key from this address"}: the limit is ${p.limit} per ${p.windowSeconds} s. Retry in ${p.resetSeconds} s.`,
  databaseNoAnswer: () => "The database does not answer.",
  documentTooLarge: (p: DocumentBound) =>
    p.bound === "entries"
      ? `The ${p.year} report would list ${p.found} records; a document lists at most ${p.limit}. Narrow it with coordinatorId or clusterId, or ask for the JSON report (it has no such bound).`
      : `The records of the ${p.year} report hold ${p.found} characters of text; a document holds at most ${p.limit}. Narrow it with coordinatorId or clusterId, or ask for the JSON report (it has no such bound).`,
};

type Details = typeof DETAILS_EN;
export type DetailKey = keyof Details;

const DETAILS_PL: Details = {
  validationFailed: (p) => `${polishFields(p.count)}${p.listed !== undefined && p.listed < p.count ? `; wymieniono pierwsze ${p.listed}` : ""}.`,
  nestedTooDeep: (p) => `JSON jest zagnieżdżony głębiej niż ${p.max} poziomy.`,
  notFound: (p) => `Nie ma ${genitive(p.resource)} o id ${p.id}.`,
  nothingAt: (p) => `Pod ${p.method} ${p.path} nic nie ma.`,
  methodNotAllowed: (p) => `${p.path} nie obsługuje metody ${p.method}; użyj ${p.allow}.`,
  notAcceptable: (p) => `Ten zasób odpowiada typem ${p.offered}; nagłówek Accept brzmiał „${p.accept}”.`,
  bodyTooLarge: () => "Treść żądania jest większa, niż ta usługa przyjmuje.",
  unsupportedMediaType: () => "Wyślij JSON: Content-Type application/json (lub application/merge-patch+json dla PATCH).",
  emptyJsonBody: () => "Treść jest pusta, choć Content-Type wskazuje JSON.",
  invalidJsonBody: () => "Treść nie jest poprawnym JSON-em.",
  invalidContentLength: () => "Content-Length nie zgadza się z treścią.",
  badUrl: () => "Adres URL jest niepoprawny.",
  paramTooLong: () => "Segment ścieżki w adresie URL jest za długi.",
  handlerTimeout: () =>
    "Żądanie trwało dłużej, niż ta usługa pozwala. Zapis mógł jednak dojść do skutku: odczytaj rekord, zanim powtórzysz żądanie.",
  internalError: (p) => `Wystąpił błąd po naszej stronie. Zgłaszając go, podaj identyfikator żądania ${p.requestId}.`,
  cursorDamaged: () => "Tego kursora nie wydała ta usługa. Zacznij od nowa bez parametru `cursor`.",
  cursorOtherSort: (p) => `Kursor należy do sort=${p.sort}; przy stronicowaniu zachowaj to samo sortowanie.`,
  preconditionRequired: () =>
    "To żądanie musi zawierać nagłówek If-Match z bieżącym ETagiem rekordu (z GET), aby nieaktualna kopia nie nadpisała nowszych zmian.",
  versionMismatch: (p) =>
    `Rekord ma wersję ${p.version}; If-Match nie wskazał jego bieżącego ETagu ${p.etag}. Pobierz go ponownie, nanieś zmianę jeszcze raz i ponów żądanie.`,
  lostRace: (p) => `Rekord (${nominative(p.resource)}) zmienił się w trakcie obsługi tego żądania. Pobierz go ponownie i ponów żądanie.`,
  stillReferenced: (p) =>
    `Na ten rekord (${nominative(p.resource)}) nadal wskazują: ${p.references.map((r) => `${r.resource}: ${r.count} (${r.field})`).join(", ")}; najpierw je przepnij lub usuń.`,
  referenceNotFound: (p) => `Nie ma ${genitive(p.noun)} o id ${p.id}.`,
  referencesMissing: (p) => p.missing.map((m) => `Nie ma ${genitive(m.noun)} o id ${m.id}.`).join(" "),
  duplicateMembership: (p) => `Organizacja jest już członkiem klastra ${p.clusterId}; zmień istniejące członkostwo.`,
  transitionNotAllowed: (p) =>
    p.allowed.length === 0
      ? `Wniosek o statusie ${p.from} jest zamknięty: nie może przejść do statusu ${p.to} ani żadnego innego.`
      : `Wniosek o statusie ${p.from} może przejść do statusu ${orList(p.allowed, "lub")}, nie do ${p.to}.`,
  transitionDatedTooEarly: (p) => `Zmiany nie można datować wcześniej niż poprzednią (${p.status}, ${p.date}).`,
  onlyDraftDeletable: (p) =>
    `Usunąć można tylko wniosek w wersji roboczej (draft); ten ma status ${p.status}. ` +
    (p.canWithdraw ? "Zamiast tego wycofaj go (POST …/transitions z to=withdrawn)." : "Jego zapis pozostaje bez zmian."),
  exportTooLarge: (p) =>
    `Filtrom odpowiada ${p.matched} rekordów; eksport mieści najwyżej ${p.limit}. Zawęź filtry (lub \`q\`) i eksportuj w częściach.`,
  importFileRefused: (p) => IMPORT_FILE_PL[p.reason](p),
  importRejected: (p) =>
    `Odrzucono wiersze: ${p.rejected}, więc nic nie zapisano; raport jest pod GET /v1/imports/${p.id}, a \`errors\` wskazuje każdy wiersz, kolumnę i regułę.`,
  keyAlreadyRevoked: (p) => `Ten klucz API unieważniono już ${p.at}.`,
  calendarFeedNotFound: () => "Żaden kanał kalendarza nie ma tego linku: usunięto go (unieważniono) albo link jest niepełny. Poproś redaktora o nowy link.",
  webhookUrlRefused: (p) =>
    `Docelowy adres narusza regułę ${p.rule}: webhooki trafiają tylko pod adresy https o publicznych adresach IP (bez loopback, prywatnych, link-local i metadanych).`,
  databaseUnavailable: () => "Baza danych jest niedostępna (wyłączona, uruchamia się lub jest zamykana). Ponów po czasie z nagłówka Retry-After.",
  databaseBusy: () =>
    "Baza danych jest zbyt obciążona, by odpowiedzieć na czas (brak wolnego połączenia albo polecenie lub transakcja przekroczyły limit czasu). Ponów po czasie z nagłówka Retry-After.",
  databaseConflict: () =>
    "Żądanie zderzało się z równoczesnymi zapisami (błąd serializacji lub zakleszczenie) częściej, niż jest ponawiane. Ponów po czasie z nagłówka Retry-After.",
  uniqueTaken: (p) => (p.fields.length > 0 ? `Inny rekord ma już tę wartość: ${p.fields.join(", ")}.` : "Inny rekord ma tę samą unikalną wartość."),
  referencedByOthers: () => "Na rekord nadal wskazują inne rekordy; najpierw usuń te odwołania.",
  referencedRecordMissing: (p) => `Wskazany rekord nie istnieje${p.fields.length ? ` (${p.fields.join(", ")})` : ""}.`,
  recordGone: () => "Rekord nie istnieje (być może właśnie go usunięto).",
  valueNotStorable: () => "Wartość w żądaniu wykracza poza to, co można zapisać (np. data sprzed roku 1 albo tekst za długi dla pola).",
  overloaded: (p) => `Usługa jest przeciążona (${p.reason}); ponów po czasie z nagłówka Retry-After.`,
  shuttingDown: () => "Ta instancja jest zamykana; wyślij żądanie ponownie, nowym połączeniem.",
  draining: () => "Ta instancja jest zamykana i nie przyjmuje nowej pracy; load balancer powinien kierować żądania gdzie indziej.",
  bodyIncomplete: () => "Treść żądania nie dotarła na czas; nic nie zrobiono. Wyślij ją ponownie, szybciej lub mniejszą.",
  charsetNotUtf8: (p) => `Treść musi być JSON-em w UTF-8; charset=${p.charset} nie jest obsługiwany. Wyślij UTF-8 (charset=utf-8 lub bez charset).`,
  bodyNotUtf8: () => "Treść nie jest poprawnym UTF-8: zakoduj tekst w UTF-8.",
  headersTooLarge: () => "Wiersz żądania i nagłówki razem przekraczają 16 KB; wyślij krótszy URL albo mniej i mniejszych nagłówków.",
  requestNotReceived: () => "Żądanie nie dotarło w całości na czas; nic nie zrobiono. Wyślij je ponownie.",
  notHttp: () =>
    "Żądanie nie jest poprawnym HTTP/1.1 (np. samotny znak CR, LF lub NUL w nagłówku albo sprzeczne Content-Length i Transfer-Encoding).",
  authMissing: () => "Brak klucza API: wyślij `Authorization: Bearer <klucz>`. Administrator może go utworzyć (POST /v1/api-keys lub `npm run keys:create`).",
  authMalformed: () => "Nagłówek Authorization jest niepoprawny: musi mieć postać `Bearer <klucz>`, z kluczem postaci `crk_<prefiks>_<sekret>`.",
  authUnknown: () => "Nieznany klucz API: żaden klucz do niego nie pasuje. Sprawdź, czy skopiowano go w całości.",
  authExpired: () => "Klucz API wygasł; poproś administratora o nowy.",
  authRevoked: () => "Klucz API został unieważniony; poproś administratora o nowy.",
  forbidden: (p) => `${p.method} ${p.url} wymaga roli ${p.required}; ten klucz API ma rolę ${p.role}.`,
  idempotencyKeyInvalid: () => "Idempotency-Key musi mieć od 1 do 255 widocznych znaków ASCII.",
  idempotencyKeyExpired: () => "Ten klucz idempotencji właśnie wygasł; ponów żądanie.",
  idempotencyKeyReused: (p) =>
    `Idempotency-Key „${p.key}” użyto najpierw z innym żądaniem (${p.method} ${p.path} z inną treścią). Dla nowego żądania użyj nowego klucza.`,
  idempotencyKeyInUse: () => "Pierwsze żądanie z tym kluczem idempotencji jest jeszcze obsługiwane; ponów za chwilę.",
  idempotencyKeyTakenOver: () => "Inne ponowienie z tym kluczem idempotencji właśnie je przejęło; ponów za chwilę.",
  idempotencyKeyLost: () => "Inna próba z tym kluczem idempotencji przejęła je; ponów, aby otrzymać jej odpowiedź.",
  rateLimited: (p) =>
    `Zbyt wiele żądań ${p.perKey ? "z tym kluczem API" : "bez ważnego klucza API z tego adresu"}: limit to ${p.limit} na ${p.windowSeconds} s. Ponów za ${p.resetSeconds} s.`,
  databaseNoAnswer: () => "Baza danych nie odpowiada.",
  documentTooLarge: (p) =>
    p.bound === "entries"
      ? `Raport za ${p.year} r. wymieniałby ${p.found} rekordów; dokument wymienia najwyżej ${p.limit}. Zawęź go parametrem coordinatorId lub clusterId albo pobierz raport JSON (nie ma takiego limitu).`
      : `Rekordy raportu za ${p.year} r. mają ${p.found} znaków tekstu; dokument mieści najwyżej ${p.limit}. Zawęź go parametrem coordinatorId lub clusterId albo pobierz raport JSON (nie ma takiego limitu).`,
};

const DETAILS: Record<Language, Details> = { en: DETAILS_EN, pl: DETAILS_PL };

/** A detail to be written in the request's language: a catalogue key and its parameters. */
export type DetailMessage = { [K in DetailKey]: { key: K; params: Parameters<Details[K]>[0] } }[DetailKey];

export const problemText = <K extends DetailKey>(key: K, ...params: Parameters<Details[K]>): DetailMessage =>
  ({ key, params: params[0] }) as DetailMessage;

export function renderDetail(message: DetailMessage, language: Language): string {
  return (DETAILS[language][message.key] as (params: unknown) => string)(message.params);
}
