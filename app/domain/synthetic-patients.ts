import type { CodeKey } from "./codes";
import { nhsCheckDigit } from "./nhs-number";

// A deterministic synthetic patient list for the demo practice, tests and
// benchmarks. Same options, same list: every run, every machine.

export interface SyntheticCode {
  code: CodeKey;
  recordedOn: string;
  /** ISO instant, or null when only the date is known (as in most exports). */
  recordedAt: string | null;
}

export interface SyntheticPatient {
  nhsNumber: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  addressLine1: string;
  addressLine2: string | null;
  addressLine3: string;
  addressLine4: string | null;
  postcode: string;
  email: string | null;
  mobile: string | null;
  contactIsPrivate: boolean;
  deceased: boolean;
  onlineAccount: boolean;
  codes: SyntheticCode[];
}

export interface SyntheticListOptions {
  /** Varies the list between practices (NHS numbers, names). */
  seed: string;
  count: number;
  /** Most of the list gets a 104 on one date, as over-cautious practices did. */
  bulk104?: boolean;
}

const GIVEN_NAMES = [
  "Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Freya", "Lily", "Zoë", "Siân",
  "Aisha", "Fatima", "Priya", "Chloé", "Niamh", "Margaret", "Joan", "Dorothy", "Ann", "Mary",
  "Oliver", "George", "Noah", "Arthur", "Leo", "Harry", "Muhammad", "Jack", "Dafydd", "Rhys",
  "Tomasz", "Kwame", "Olu", "José", "Wei", "Arjun", "Seán", "Peter", "David", "Ian",
];
const FAMILY_NAMES = [
  "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
  "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
  "Khan", "Patel", "Ahmed", "Begum", "Ali", "Singh", "Kowalski", "Nowak", "O'Brien", "Ffrancon-Davies",
  "Llŷr", "d'Arcy", "Al-Hassan", "Zhang", "Adébáyọ̀", "Núñez", "Murphy", "MacDonald", "Okafor", "Lee",
];
const STREETS = [
  "High Street", "Station Road", "Church Lane", "Park Avenue", "Mill Lane", "Victoria Road",
  "Green Lane", "Manor Close", "The Crescent", "Queen's Walk", "Heol y Bont", "Orchard Way",
];
const TOWN = "Leeds";
const OUTWARD_CODES = ["LS1", "LS2", "LS6", "LS7", "LS8", "LS11", "LS12", "LS17"];

/** One day on which a bulk-104 practice coded most of its list. */
export const BULK_104_DATE = "2023-10-31";

export function syntheticPatients(options: SyntheticListOptions): SyntheticPatient[] {
  const random = mulberry32(hash(options.seed));
  const nhsNumbers = nhsNumberSequence(options.seed);
  const list: SyntheticPatient[] = [];
  for (let i = 0; i < options.count; i++) {
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const givenName = pick(GIVEN_NAMES);
    const familyName = pick(FAMILY_NAMES);
    // Ages spread over 0–99, so about a sixth are under 16.
    const dateOfBirth = dayPlus("1925-01-01", Math.floor(random() * 36_500));
    const hasEmail = random() < 0.65;
    const hasMobile = random() < 0.7;
    const emailName = `${asciiOnly(givenName)}.${asciiOnly(familyName)}${i}`.toLowerCase();
    list.push({
      nhsNumber: nhsNumbers.next().value!,
      givenName,
      familyName,
      dateOfBirth,
      addressLine1: `${1 + Math.floor(random() * 200)} ${pick(STREETS)}`,
      addressLine2: random() < 0.2 ? `Flat ${1 + Math.floor(random() * 20)}` : null,
      addressLine3: TOWN,
      addressLine4: null,
      postcode: `${pick(OUTWARD_CODES)} ${Math.floor(random() * 10)}${pick(POSTCODE_LETTERS)}${pick(POSTCODE_LETTERS)}`,
      email: hasEmail ? `${emailName}@example.org` : null,
      mobile: hasMobile ? `+447700${String(900000 + (i % 100_000)).slice(-6)}` : null,
      contactIsPrivate: random() < 0.6,
      deceased: random() < 0.01,
      onlineAccount: random() < 0.55,
      codes: options.bulk104 ? bulkCodes(random) : typicalCodes(random),
    });
  }
  return list;
}

// Unambiguous inward-code letters, as Royal Mail uses.
const POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ".split("");

function typicalCodes(random: () => number): SyntheticCode[] {
  const roll = random();
  const day = dayPlus("2023-09-01", Math.floor(random() * 700));
  if (roll < 0.03) return [{ code: "104", recordedOn: day, recordedAt: null }];
  if (roll < 0.045) {
    return [
      { code: "104", recordedOn: day, recordedAt: null },
      { code: "106", recordedOn: dayPlus(day, 1 + Math.floor(random() * 60)), recordedAt: null },
    ];
  }
  if (roll < 0.05) {
    return [
      { code: "104", recordedOn: day, recordedAt: null },
      { code: "106", recordedOn: day, recordedAt: null },
    ];
  }
  if (roll < 0.07) return [{ code: "103", recordedOn: day, recordedAt: null }];
  if (roll < 0.08) {
    const at = `${day}T10:${String(Math.floor(random() * 60)).padStart(2, "0")}:00.000Z`;
    return [{ code: "106", recordedOn: day, recordedAt: at }];
  }
  return [];
}

function bulkCodes(random: () => number): SyntheticCode[] {
  const roll = random();
  if (roll < 0.7) return [{ code: "104", recordedOn: BULK_104_DATE, recordedAt: null }];
  return typicalCodes(random);
}

/**
 * Valid NHS numbers from the 999 test range (about 909,000 of them), starting
 * at a seed-chosen point and wrapping round.
 */
function* nhsNumberSequence(seed: string): Generator<string> {
  let body = hash(`nhs:${seed}`) % 1_000_000;
  for (;;) {
    const firstNine = `999${String(body).padStart(6, "0")}`;
    body = (body + 1) % 1_000_000;
    const check = nhsCheckDigit(firstNine);
    if (check !== null) yield `${firstNine}${check}`;
  }
}

function dayPlus(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function asciiOnly(name: string): string {
  return name.normalize("NFD").replace(/[^A-Za-z]/g, "");
}

// Small, fast and well known; quality is ample for a demo list.
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function hash(text: string): number {
  let h = 2_166_136_261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16_777_619);
  }
  return h >>> 0;
}
