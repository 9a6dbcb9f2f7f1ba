import type pg from "pg";
import { searchText } from "../src/lib/search-text.ts";

/**
 * The bench's records, written straight into the tables (multi-row INSERT … SELECT FROM unnest, 5,000 rows a
 * statement), not through the API: a million rows load in about a minute. Names, cities and streets are Polish, with
 * their diacritics, drawn from a seeded generator so every run loads the same rows; `search_text` is built by the
 * app's own searchText(), so `q` finds them exactly as it finds records created through the API.
 */

const ADJECTIVES = [
  "Pomorska", "Bałtycka", "Śląska", "Mazowiecka", "Wielkopolska", "Małopolska", "Kujawska", "Podlaska", "Lubuska", "Warmińska",
  "Świętokrzyska", "Żuławska", "Kaszubska", "Opolska", "Łódzka", "Podkarpacka", "Nadwiślańska", "Górnośląska", "Dolnośląska", "Zachodniopomorska",
];
const KINDS = [
  "Chłodnia", "Spółdzielnia", "Przetwórnia", "Stocznia", "Huta", "Tłocznia", "Piekarnia", "Mleczarnia", "Drukarnia", "Odlewnia", "Cukrownia",
  "Gorzelnia", "Wytwórnia", "Garbarnia", "Kuźnia", "Wędzarnia", "Młyn", "Browar", "Hurtownia", "Pracownia", "Fabryka", "Tartak", "Stolarnia",
  "Fundacja", "Agencja Rozwoju",
];
const SURNAMES = [
  "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak", "Dąbrowski",
  "Kozłowski", "Jankowski", "Mazur", "Wojciechowski", "Kwiatkowski", "Krawczyk", "Kaczmarek", "Piotrowski", "Grabowski", "Zając", "Pawłowski",
  "Michalski", "Król", "Wieczorek", "Jabłoński", "Wróbel", "Nowakowski", "Majewski", "Olszewski", "Stępień", "Malinowski", "Jaworski",
  "Adamczyk", "Dudek", "Nowicki", "Pawlak", "Górski", "Witkowski", "Walczak", "Sikora", "Baran", "Rutkowski", "Michalak", "Szewczyk",
  "Ostrowski", "Tomaszewski", "Pietrzak", "Zalewski", "Wróblewski", "Łukasiewicz", "Śliwiński", "Źródłowski", "Żmuda", "Gołębiowski",
];
const SUFFIXES = [" Sp. z o.o.", " S.A.", " sp.j.", " sp.k.", " P.S.A.", "", " i Synowie", " — Spółdzielnia Pracy"];
const CITIES = [
  "Gdańsk", "Łódź", "Kraków", "Wrocław", "Poznań", "Szczecin", "Bydgoszcz", "Lublin", "Białystok", "Katowice", "Gdynia", "Częstochowa",
  "Radom", "Toruń", "Kielce", "Rzeszów", "Gliwice", "Zabrze", "Olsztyn", "Bielsko-Biała", "Bytom", "Zielona Góra", "Rybnik", "Ruda Śląska",
  "Opole", "Tychy", "Gorzów Wielkopolski", "Elbląg", "Płock", "Wałbrzych", "Włocławek", "Tarnów", "Chorzów", "Koszalin", "Kalisz", "Legnica",
  "Grudziądz", "Słupsk", "Jaworzno", "Jastrzębie-Zdrój", "Nowy Sącz", "Jelenia Góra", "Siedlce", "Mysłowice", "Piła", "Piotrków Trybunalski",
  "Ostrów Wielkopolski", "Suwałki", "Gniezno", "Ostrowiec Świętokrzyski", "Siemianowice Śląskie", "Głogów", "Żory", "Zamość", "Łomża", "Ełk",
  "Chełm", "Przemyśl", "Stalowa Wola", "Tczew", "Bełchatów", "Świdnica", "Będzin", "Zgierz", "Racibórz", "Świnoujście", "Żyrardów", "Malbork",
  "Sopot", "Nowy Dwór Gdański", "Kościerzyna", "Żukowo", "Pruszcz Gdański", "Łęczyca", "Końskie", "Ząbki",
];
const STREETS = ["Długa", "Grunwaldzka", "Świętojańska", "Mickiewicza", "Słowackiego", "Kościuszki", "Żeromskiego", "Piłsudskiego", "Łąkowa", "Wiejska", "Źródlana", "Ogarna"];
const TOPICS = ["Szkolenie", "Targi", "Konferencja", "Warsztaty", "Misja gospodarcza", "Spotkanie sieciujące", "Wizyta studyjna", "Webinarium"];
const CATEGORIES = ["strategy", "grant_application", "project", "promotion", "media", "meeting"];
const STATUSES = ["planned", "in_progress", "completed", "cancelled"];

/** mulberry32: a small seeded generator, so every run loads the same rows. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  return { next, pick };
}

const BATCH = 5_000;

async function inBatches(total: number, insert: (from: number, count: number) => Promise<void>) {
  for (let from = 0; from < total; from += BATCH) await insert(from, Math.min(BATCH, total - from));
}

/** `rows` coordinators, as many activities (one each), and a cluster for every tenth coordinator. */
export async function loadRecords(client: pg.Client, rows: number, log: (line: string) => void) {
  const random = generator(14);
  await client.query("TRUNCATE coordinators, clusters, activities, grant_applications, audit_events CASCADE");
  const started = Date.now();
  await inBatches(rows, async (from, count) => {
    const columns: string[][] = [[], [], [], [], [], [], []];
    for (let i = 0; i < count; i++) {
      const surname = random.pick(SURNAMES);
      const name = `${random.pick(ADJECTIVES)} ${random.pick(KINDS)} ${surname}${random.pick(SUFFIXES)}`;
      const shortName = random.next() < 0.3 ? `${surname.slice(0, 3).toUpperCase()}-${from + i}` : "";
      const city = random.pick(CITIES);
      const postalCode = `${String(10 + Math.floor(random.next() * 90))}-${String(100 + Math.floor(random.next() * 900))}`;
      const street = `ul. ${random.pick(STREETS)} ${1 + Math.floor(random.next() * 120)}`;
      const created = new Date(Date.UTC(2012, 0, 1) + Math.floor(random.next() * 14 * 365 * 86_400_000)).toISOString();
      const values = [name, shortName, street, postalCode, city, searchText(name, shortName || null, city), created];
      values.forEach((value, column) => columns[column]!.push(value));
    }
    await client.query(
      `INSERT INTO coordinators (id, name, short_name, street, postal_code, city, country, search_text, created_at, updated_at)
       SELECT gen_random_uuid(), name, NULLIF(short_name, ''), street, postal_code, city, 'PL', search_text, created::timestamptz, created::timestamptz
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
         AS t(name, short_name, street, postal_code, city, search_text, created)`,
      columns,
    );
    if ((from + count) % 100_000 === 0) log(`  ${from + count} coordinators`);
  });

  // One activity per coordinator: a topic, a place and a name, e.g. "Warsztaty: Żuławska Chłodnia — Gdańsk".
  const { rows: ids } = await client.query<{ id: string }>("SELECT id FROM coordinators ORDER BY id");
  await inBatches(rows, async (from, count) => {
    const columns: Array<Array<string | number>> = [[], [], [], [], [], []];
    for (let i = 0; i < count; i++) {
      const title = `${random.pick(TOPICS)}: ${random.pick(ADJECTIVES)} ${random.pick(KINDS)} ${random.pick(SURNAMES)} — ${random.pick(CITIES)}`;
      const description = random.next() < 0.5 ? `Organizator: ${random.pick(KINDS)} ${random.pick(SURNAMES)}, ${random.pick(CITIES)}.` : "";
      const values = [ids[from + i]!.id, title, description, random.pick(CATEGORIES), random.pick(STATUSES), 2012 + Math.floor(random.next() * 15)];
      values.forEach((value, column) => columns[column]!.push(value));
    }
    const texts = columns[1]!.map((title, i) => searchText(String(title), String(columns[2]![i]) || null));
    await client.query(
      `INSERT INTO activities (id, coordinator_id, title, description, category, status, year, search_text, updated_at)
       SELECT gen_random_uuid(), coordinator_id::uuid, title, NULLIF(description, ''), category::activity_category, status::activity_status, year, search_text, now()
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[])
         AS t(coordinator_id, title, description, category, status, year, search_text)`,
      [...columns, texts],
    );
  });

  await client.query(
    `INSERT INTO clusters (id, name, coordinator_id, search_text, updated_at)
     SELECT gen_random_uuid(), 'Klaster ' || name, id, 'klaster ' || search_text, now() FROM coordinators WHERE random() < 0.1`,
  );
  await client.query("ANALYZE");
  log(`loaded ${rows} coordinators and activities in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** `count` draft grant applications for the transition scenario (each is moved on once). */
export async function loadDraftApplications(client: pg.Client, count: number): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO grant_applications (id, title, applicant_id, status, search_text, updated_at)
     SELECT gen_random_uuid(), 'Wniosek ' || n, (SELECT id FROM coordinators LIMIT 1), 'draft', 'wniosek ' || n, now()
     FROM generate_series(1, $1) AS n RETURNING id`,
    [count],
  );
  return rows.map((row) => row.id);
}
