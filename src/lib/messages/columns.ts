import type { Language } from "../i18n.ts";

/**
 * Column headers of exported spreadsheets (and of the files imports read), English and Polish. A column's key is
 * stable (`address.city`); only its header follows the language. A column whose header is missing here is a type
 * error where it is declared.
 */
const HEADERS = {
  id: ["Id", "Id"],
  version: ["Version", "Wersja"],
  createdAt: ["Created at", "Utworzono"],
  updatedAt: ["Updated at", "Zmieniono"],
  name: ["Name", "Nazwa"],
  shortName: ["Short name", "Nazwa skrócona"],
  legalForm: ["Legal form", "Forma prawna"],
  kind: ["Kind", "Rodzaj"],
  krs: ["KRS", "KRS"],
  nip: ["NIP", "NIP"],
  regon: ["REGON", "REGON"],
  "address.street": ["Street", "Ulica"],
  "address.postalCode": ["Postal code", "Kod pocztowy"],
  "address.city": ["City", "Miejscowość"],
  "address.country": ["Country", "Kraj"],
  website: ["Website", "Strona internetowa"],
  email: ["E-mail", "E-mail"],
  phone: ["Phone", "Telefon"],
  description: ["Description", "Opis"],
  notes: ["Notes", "Uwagi"],
  mandateBasis: ["Mandate basis", "Podstawa mandatu"],
  mandateDate: ["Mandate date", "Data mandatu"],
  sectors: ["Sectors", "Branże"],
  foundingAgreementDate: ["Founding agreement date", "Data porozumienia klastra"],
  coordinatorId: ["Coordinator id", "Id koordynatora"],
  clusterId: ["Cluster id", "Id klastra"],
  organizationId: ["Organization id", "Id organizacji"],
  activityId: ["Activity id", "Id działania"],
  meetingId: ["Meeting id", "Id spotkania"],
  mediaPartnerId: ["Media partner id", "Id partnera medialnego"],
  grantApplicationId: ["Grant application id", "Id wniosku"],
  applicantId: ["Applicant id", "Id wnioskodawcy"],
  fundingBodyId: ["Funding body id", "Id instytucji finansującej"],
  role: ["Role", "Rola"],
  joinedOn: ["Joined on", "Data przystąpienia"],
  leftOn: ["Left on", "Data wystąpienia"],
  title: ["Title", "Tytuł"],
  year: ["Year", "Rok"],
  category: ["Category", "Kategoria"],
  status: ["Status", "Status"],
  startDate: ["Start date", "Data rozpoczęcia"],
  endDate: ["End date", "Data zakończenia"],
  mediaPartnerIds: ["Media partner ids", "Id partnerów medialnych"],
  meetingIds: ["Meeting ids", "Id spotkań"],
  seriesName: ["Series", "Cykl"],
  sequenceNumber: ["Number in series", "Numer w cyklu"],
  date: ["Date", "Data"],
  startsAt: ["Starts at", "Początek"],
  endsAt: ["Ends at", "Koniec"],
  timeZone: ["Time zone", "Strefa czasowa"],
  format: ["Format", "Forma"],
  "venue.name": ["Venue", "Miejsce"],
  "venue.street": ["Venue street", "Ulica miejsca"],
  "venue.postalCode": ["Venue postal code", "Kod pocztowy miejsca"],
  "venue.city": ["Venue city", "Miejscowość miejsca"],
  "venue.district": ["Venue district", "Dzielnica miejsca"],
  agenda: ["Agenda", "Program"],
  outcomes: ["Outcomes", "Rezultaty"],
  personName: ["Person", "Osoba"],
  helix: ["Helix", "Helisa"],
  callName: ["Call", "Nabór"],
  programme: ["Programme", "Program operacyjny"],
  submittedOn: ["Submitted on", "Data złożenia"],
  requestedAmount: ["Requested amount", "Wnioskowana kwota"],
  awardedAmount: ["Awarded amount", "Przyznana kwota"],
  inKindSupport: ["In-kind support", "Wsparcie rzeczowe"],
  statusChangedOn: ["Status changed on", "Data zmiany statusu"],
  from: ["From status", "Poprzedni status"],
  to: ["To status", "Nowy status"],
  on: ["On", "Dnia"],
  note: ["Note", "Notatka"],
  domain: ["Domain", "Domena"],
  "cooperation.since": ["Cooperation since", "Współpraca od"],
  "cooperation.until": ["Cooperation until", "Współpraca do"],
  "cooperation.ongoing": ["Cooperation ongoing", "Współpraca trwa"],
  "contact.name": ["Contact", "Kontakt"],
  "contact.email": ["Contact e-mail", "E-mail kontaktu"],
  "contact.phone": ["Contact phone", "Telefon kontaktu"],
  url: ["URL", "URL"],
  publishedOn: ["Published on", "Data publikacji"],
  eventTypes: ["Event types", "Typy zdarzeń"],
  enabled: ["Enabled", "Włączony"],
  disabledReason: ["Why disabled", "Powód wyłączenia"],
} as const satisfies Record<string, readonly [en: string, pl: string]>;

export type HeaderKey = keyof typeof HEADERS;

/** Names of the extra sheets of an XLSX export. */
const SHEETS = {
  records: ["Records", "Rekordy"],
  memberships: ["Memberships", "Członkostwa"],
  participants: ["Participants", "Uczestnicy"],
  statusHistory: ["Status history", "Historia statusów"],
  publications: ["Publications", "Publikacje"],
} as const satisfies Record<string, readonly [en: string, pl: string]>;

export type SheetKey = keyof typeof SHEETS;

const index = (language: Language) => (language === "pl" ? 1 : 0);

export const columnHeader = (key: HeaderKey, language: Language): string => HEADERS[key][index(language)];

/** The header of a money column's currency: "Requested amount (currency)" / "Wnioskowana kwota (waluta)". */
export const currencyHeader = (key: HeaderKey, language: Language): string =>
  `${columnHeader(key, language)} (${language === "pl" ? "waluta" : "currency"})`;

export const sheetName = (key: SheetKey, language: Language): string => SHEETS[key][index(language)];

/** Every header a column is known by, in either language (an import reads a file exported in either). */
export const headerNames = (key: HeaderKey): readonly string[] => HEADERS[key];
