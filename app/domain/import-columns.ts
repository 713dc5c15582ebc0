// Which column of a patient-list export feeds which field of the canonical import (issue 4).

export const CANONICAL_COLUMNS = [
  "nhs_number",
  "given_name",
  "family_name",
  "date_of_birth",
  "address_line_1",
  "address_line_2",
  "address_line_3",
  "address_line_4",
  "postcode",
  "email",
  "mobile",
  "contact_is_private",
  "deceased",
  "online_account",
  "latest_104",
  "latest_106",
  "latest_103",
] as const;
export type CanonicalColumn = (typeof CANONICAL_COLUMNS)[number];

export const REQUIRED_COLUMNS = ["nhs_number", "given_name", "family_name", "date_of_birth"] as const satisfies readonly CanonicalColumn[];
export type RequiredColumn = (typeof REQUIRED_COLUMNS)[number];

export const IMPORT_FORMATS = ["canonical", "emis", "systmone"] as const;
/** "mapped" is the format of any export read through a column map given by the practice. */
export type ImportFormat = (typeof IMPORT_FORMATS)[number] | "mapped";
export type PresetFormat = "emis" | "systmone";

const REQUIRED_COLUMN_NAMES: Record<RequiredColumn, string> = {
  nhs_number: "NHS number",
  given_name: "given name",
  family_name: "family name",
  date_of_birth: "date of birth",
};

/** Every canonical column name is accepted under every format, so a tidied export always works. */
const CANONICAL_NAMES_AS_THEMSELVES = Object.fromEntries(
  CANONICAL_COLUMNS.map((column) => [column, column]),
) as Record<CanonicalColumn, CanonicalColumn>;

const LATEST_CODE_HEADERS: Record<string, CanonicalColumn> = {
  "Latest 104": "latest_104",
  "Latest 106": "latest_106",
  "Latest 103": "latest_103",
};

/**
 * The usual headers of each system's patient-list search export. Keys are written as the systems
 * show them; they are compared trimmed, case-insensitively and with runs of whitespace as one
 * space. The first header listed for a required column is the one named in errors.
 */
export const PRESETS: Record<PresetFormat, Record<string, CanonicalColumn>> = {
  emis: {
    "NHS Number": "nhs_number",
    Forename: "given_name",
    "Given Name": "given_name",
    "First Names": "given_name",
    Surname: "family_name",
    "Date of Birth": "date_of_birth",
    DOB: "date_of_birth",
    "Address Line 1": "address_line_1",
    "Address Line 2": "address_line_2",
    "Address Line 3": "address_line_3",
    "Address Line 4": "address_line_4",
    Postcode: "postcode",
    "Email Address": "email",
    "Mobile Telephone": "mobile",
    "Mobile Number": "mobile",
    "Contact Is Private": "contact_is_private",
    Deceased: "deceased",
    "Online Account": "online_account",
    ...LATEST_CODE_HEADERS,
    ...CANONICAL_NAMES_AS_THEMSELVES,
  },
  systmone: {
    "NHS Number": "nhs_number",
    "First Names": "given_name",
    Forename: "given_name",
    Surname: "family_name",
    "Date of Birth": "date_of_birth",
    "Address 1": "address_line_1",
    "Address 2": "address_line_2",
    "Address 3": "address_line_3",
    "Address 4": "address_line_4",
    "Address Line 1": "address_line_1",
    "Address Line 2": "address_line_2",
    "Address Line 3": "address_line_3",
    "Address Line 4": "address_line_4",
    Postcode: "postcode",
    "Email Address": "email",
    Email: "email",
    "Mobile Number": "mobile",
    "Mobile Telephone": "mobile",
    Deceased: "deceased",
    ...LATEST_CODE_HEADERS,
    ...CANONICAL_NAMES_AS_THEMSELVES,
  },
};

/**
 * A header as compared: trimmed, lower case, inner runs of whitespace as one space. trim() also
 * removes a byte-order mark, which JavaScript counts as whitespace.
 */
export function normaliseHeader(header: string): string {
  return header.trim().replace(/\s+/g, " ").toLowerCase();
}

function isCanonicalColumn(name: string): name is CanonicalColumn {
  return (CANONICAL_COLUMNS as readonly string[]).includes(name);
}

function lookupTable(entries: Record<string, CanonicalColumn>): Map<string, CanonicalColumn> {
  return new Map(Object.entries(entries).map(([header, column]) => [normaliseHeader(header), column]));
}

const CANONICAL_LOOKUP = lookupTable(CANONICAL_NAMES_AS_THEMSELVES);
const PRESET_LOOKUPS: Record<PresetFormat, Map<string, CanonicalColumn>> = {
  emis: lookupTable(PRESETS.emis),
  systmone: lookupTable(PRESETS.systmone),
};

export type ResolvedColumns = { ok: true; columns: (CanonicalColumn | null)[] } | { ok: false; error: string };

function mappedLookup(map: Record<string, string>): { ok: true; lookup: Map<string, CanonicalColumn> } | { ok: false; error: string } {
  const lookup = new Map(CANONICAL_LOOKUP);
  const fromMap = new Map<string, CanonicalColumn>();
  for (const [header, target] of Object.entries(map)) {
    const column = target.trim().toLowerCase();
    if (!isCanonicalColumn(column)) {
      return { ok: false, error: `The column map sends ${quoted(header)} to ${quoted(target)}, which is not an import column.` };
    }
    const key = normaliseHeader(header);
    const earlier = fromMap.get(key);
    if (earlier !== undefined && earlier !== column) {
      return { ok: false, error: `The column map gives the header ${quoted(header)} two different columns.` };
    }
    fromMap.set(key, column);
  }
  for (const [key, column] of fromMap) lookup.set(key, column);
  return { ok: true, lookup };
}

function missingColumnError(column: RequiredColumn, format: ImportFormat): string {
  const named = `The file has no "${column}" column (${REQUIRED_COLUMN_NAMES[column]})`;
  if (format === "emis" || format === "systmone") {
    const usual = Object.entries(PRESETS[format]).find(([header, target]) => target === column && header !== column);
    return usual ? `${named}: expected a header such as "${usual[0]}".` : `${named}.`;
  }
  if (format === "mapped") return `${named}, and the column map names no header for it.`;
  return `${named}.`;
}

/** A header or map entry as quoted in an error: a broken export can put a whole file in one cell. */
function quoted(text: string): string {
  const shown = text.replace(/\s+/g, " ").trim();
  return `"${shown.length > 40 ? `${shown.slice(0, 39)}…` : shown}"`;
}

/**
 * For each header cell, the canonical column it feeds, or null for a column the import ignores.
 * Under "mapped", `map` (header → canonical column name) is consulted first and canonical names
 * are still accepted; it is not used by the other formats. The first problem is returned as one
 * sentence: a bad column map, then two headers feeding one column, then a missing required column.
 */
export function resolveColumns(header: string[], format: ImportFormat, map?: Record<string, string>): ResolvedColumns {
  let lookup: Map<string, CanonicalColumn>;
  if (format === "mapped") {
    if (map === undefined) return { ok: false, error: "The mapped format needs a column map." };
    const mapped = mappedLookup(map);
    if (!mapped.ok) return mapped;
    lookup = mapped.lookup;
  } else {
    lookup = format === "canonical" ? CANONICAL_LOOKUP : PRESET_LOOKUPS[format];
  }

  const columns = header.map((cell) => lookup.get(normaliseHeader(cell)) ?? null);
  const firstHeaderFor = new Map<CanonicalColumn, string>();
  for (const [index, column] of columns.entries()) {
    if (column === null) continue;
    const cell = (header[index] ?? "").trim();
    const earlier = firstHeaderFor.get(column);
    if (earlier !== undefined) return { ok: false, error: `Both ${quoted(earlier)} and ${quoted(cell)} give the ${column} column.` };
    firstHeaderFor.set(column, cell);
  }
  for (const required of REQUIRED_COLUMNS) {
    if (!firstHeaderFor.has(required)) return { ok: false, error: missingColumnError(required, format) };
  }
  return { ok: true, columns };
}

/**
 * True when a header line is split by semicolons rather than commas (a spreadsheet saved in a
 * European locale), so the import can say so instead of reporting one strange column.
 */
export function looksSemicolonDelimited(headerLine: string): boolean {
  let insideQuotes = false;
  let semicolons = 0;
  for (const character of headerLine) {
    if (character === '"') insideQuotes = !insideQuotes;
    else if (!insideQuotes && character === ",") return false;
    else if (!insideQuotes && character === ";") semicolons += 1;
  }
  return semicolons > 0;
}
