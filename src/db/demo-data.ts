/**
 * The demo dataset: one real page of a cluster coordinator's activity log (the LTPP cluster in Pomerania,
 * 2012–2013), every fact of it as API input. Times of day are not on the page, so meetings carry dates only;
 * nothing here is invented beyond naming what the page describes (titles of log entries, sector words).
 * Records refer to each other by natural keys (`ref`), resolved to ids by src/db/seed.ts.
 */

export const COORDINATOR = {
  name: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o.",
  legalForm: "limited_liability_company",
  address: { city: "Gdańsk", country: "PL" },
  mandateBasis: "Porozumienie Klastra",
} as const;

export const CLUSTER = {
  name: "Klaster LTPP",
  shortName: "LTPP",
  sectors: ["logistyka", "transport", "dystrybucja"],
  description:
    "Klaster LTPP jest innowacyjnym partnerstwem pomorskiego biznesu, nauki i samorządów w branży logistyka, transport, dystrybucja.",
} as const;

export const ORGANIZATIONS = {
  zarzadWojewodztwa: { name: "Zarząd Województwa Pomorskiego", kind: "government", address: { city: "Gdańsk", country: "PL" } },
  urzadMarszalkowski: {
    name: "Urząd Marszałkowski Województwa Pomorskiego w Gdańsku",
    shortName: "Urząd Marszałkowski w Gdańsku",
    kind: "government",
    address: { city: "Gdańsk", country: "PL" },
  },
  wsb: { name: "Wyższa Szkoła Bankowa", shortName: "WSB", kind: "science", legalForm: "university" },
  klastryPolskie: { name: "Związek Pracodawców Klastry Polskie", kind: "ngo", legalForm: "employers_organization" },
  pnt: {
    name: "Park Naukowo-Technologiczny w Gdańsku",
    kind: "science",
    address: { city: "Gdańsk", country: "PL" },
  },
} as const;

export type OrganizationRef = keyof typeof ORGANIZATIONS;

export const MEDIA_PARTNERS = [
  { name: "pracujwlogistyce.pl", website: "https://pracujwlogistyce.pl", kind: "portal" },
  { name: "wiadomości 24.pl", website: "https://wiadomosci24.pl", kind: "portal" },
  { name: "gospodarkamorska.pl", website: "https://gospodarkamorska.pl", kind: "portal" },
].map((partner) => ({
  ...partner,
  cooperation: { ongoing: true },
  notes: "Koordynator Klastra na stałe współpracuje z portalem (promocja w mediach).",
})) as Array<{ name: string; website: string; kind: "portal"; cooperation: { ongoing: true }; notes: string }>;

export type ActivityRef = "mandate" | "strategyCall" | "strategy" | "media" | "mewa";

export const ACTIVITIES: Record<ActivityRef, Record<string, unknown>> = {
  mandate: {
    title: "Powierzenie roli Koordynatora Klastra",
    description:
      "Na mocy Porozumienia Klastra pełnienie roli Koordynatora Klastra powierzono Zarządowi Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o. w Gdańsku.",
    category: "strategy",
    status: "completed",
    year: 2012,
  },
  strategyCall: {
    title: "Wniosek w konkursie „Strategia dla klastra”",
    description:
      "Koordynator Klastra złożył wniosek w ramach konkursu „Strategia dla klastra” organizowanego przez Zarząd Województwa Pomorskiego " +
      "za pośrednictwem Urzędu Marszałkowskiego w Gdańsku. Wniosek zyskał pozytywną ocenę (drugie miejsce, 99,5 pkt.); Klaster jako jedna " +
      "z czterech inicjatyw otrzyma wsparcie w postaci dostarczenia narzędzi na tworzenie strategii.",
    category: "grant_application",
    status: "completed",
    year: 2012,
    startDate: "2012-11-16",
    endDate: "2012-12-20",
  },
  strategy: {
    title: "Prace nad Strategią dla Klastra",
    description: "Rozpoczęto i zakończono prace nad Strategią dla Klastra: trzy spotkania strategiczne w 2013 roku.",
    category: "strategy",
    status: "completed",
    year: 2013,
    startDate: "2013-05-10",
    endDate: "2013-09-20",
  },
  media: {
    title: "Promocja w mediach",
    description: "Koordynator Klastra na stałe współpracuje z portalami pracujwlogistyce.pl, wiadomości 24.pl i gospodarkamorska.pl.",
    category: "media",
    status: "in_progress",
    year: 2013,
  },
  mewa: {
    title: "Wniosek na międzynarodowy projekt MEWA",
    description:
      "Koordynator Klastra we współpracy z Wyższą Szkołą Bankową i Związkiem Pracodawców Klastry Polskie złożył aplikację do Urzędu " +
      "Marszałkowskiego na międzynarodowy projekt dotyczący procesów adaptacyjnych sektora komunikacji miejskiej – MEWA.",
    category: "grant_application",
    status: "completed",
    year: 2013,
  },
};

export const MEETINGS = [
  {
    activity: "strategy",
    meeting: {
      title: "Pierwsze spotkanie strategiczne",
      seriesName: "Spotkanie strategiczne",
      sequenceNumber: 1,
      date: "2013-05-10",
      format: "workshop",
      venue: { name: "Oliwia Gate", city: "Gdańsk", district: "Oliwa" },
      agenda: ["Metodologia tworzenia strategii", "Potencjał Klastra", "Analiza PEST"],
      outcomes:
        "Na spotkaniu, które miało charakter warsztatowy, przedstawiono metodologię tworzenia strategii. Zaprezentowano znaczny potencjał " +
        "Klastra, który można uznać za kluczowy z punktu widzenia gospodarki Pomorza i jego rozwoju. Przeprowadzona została też analiza PEST, " +
        "określająca czynniki warunkujące rozwój branży w regionie.",
    },
  },
  {
    activity: "strategy",
    meeting: {
      title: "Drugie spotkanie strategiczne",
      seriesName: "Spotkanie strategiczne",
      sequenceNumber: 2,
      date: "2013-06-19",
      format: "simulation_workshop",
      venue: { name: "Park Naukowo-Technologiczny w Gdańsku", city: "Gdańsk" },
      agenda: ["Możliwości pozyskiwania funduszy przez Klaster", "Warsztat symulacyjny"],
      outcomes:
        "Zaprezentowane zostały możliwości pozyskiwania funduszy przez Klaster. Warsztat symulacyjny pozwolił zapoznać się z odmiennymi " +
        "punktami widzenia przedstawicieli nauki, biznesu, samorządu, w których role mogliśmy się wcielić.",
    },
  },
  {
    activity: "strategy",
    meeting: {
      title: "Trzecie spotkanie strategiczne",
      seriesName: "Spotkanie strategiczne",
      sequenceNumber: 3,
      date: "2013-09-20",
      format: "working_meeting",
      venue: { name: "Park Naukowo-Technologiczny w Gdańsku", city: "Gdańsk" },
      agenda: ["Pomysły na projekty", "Ostateczne wypracowanie strategii Klastra"],
      outcomes:
        "Spotkanie miało charakter roboczy. Nadrzędnym celem było omówienie pomysłów na projekty i ostateczne wypracowanie strategii Klastra. " +
        "Wypracowaliśmy robocze przedsięwzięcia i propozycje projektów inwestycyjnych istotnych dla rozwoju Klastra, uwzględniając propozycje, " +
        "uwagi i pomysły wszystkich członków Klastra.",
    },
  },
] as const;

export type DemoTransition = { to: string; on?: string; note?: string };

export const GRANT_APPLICATIONS: Array<{
  activity: ActivityRef;
  fundingBody: OrganizationRef;
  partners: Array<{ organization: OrganizationRef; role: string }>;
  application: Record<string, unknown>;
  transitions: DemoTransition[];
}> = [
  {
    activity: "strategyCall",
    fundingBody: "zarzadWojewodztwa",
    partners: [],
    application: {
      title: "Wniosek Klastra LTPP w konkursie „Strategia dla klastra”",
      callName: "Strategia dla klastra",
      inKindSupport: "Dostarczenie narzędzi na tworzenie strategii",
      evaluation: {
        score: "99.5",
        rank: 2,
        notes: "Pozytywna ocena, drugie miejsce; Klaster jako jedna z czterech inicjatyw otrzyma wsparcie.",
      },
      decision: { reference: "Uchwała nr 1486/205/12", date: "2012-12-20", body: "Zarząd Województwa Pomorskiego" },
    },
    transitions: [
      { to: "submitted", on: "2012-11-16", note: "Wniosek złożony za pośrednictwem Urzędu Marszałkowskiego w Gdańsku." },
      { to: "under_evaluation" },
      { to: "approved", on: "2012-12-20", note: "Uchwała nr 1486/205/12 Zarządu Województwa Pomorskiego z dnia 20.12.2012." },
    ],
  },
  {
    activity: "mewa",
    fundingBody: "urzadMarszalkowski",
    partners: [
      { organization: "wsb", role: "partner" },
      { organization: "klastryPolskie", role: "partner" },
    ],
    application: {
      title: "MEWA – międzynarodowy projekt dotyczący procesów adaptacyjnych sektora komunikacji miejskiej",
    },
    transitions: [{ to: "submitted", note: "Aplikacja złożona do Urzędu Marszałkowskiego (2013)." }],
  },
];
