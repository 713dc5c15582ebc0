// One row of a patient-list import, checked against the rules of issue 4. A wrong identity or
// safety field rejects the row (a wrong row must never become a wrong decision about a patient);
// a bad optional value is dropped, or set to its safe default, with a warning.

import { compareDays, isIsoDay } from "./calendar";
import { CODE_KEYS, codeKeyFromConceptId, type CodeKey } from "./codes";
import { parseEmail, parseUkMobile } from "./contact";
import { isDateOfBirthPlausible, MAX_PLAUSIBLE_AGE } from "./eligibility";
import type { CanonicalColumn } from "./import-columns";
import { parseRecordedAt, parseDay } from "./import-dates";
import { parseNhsNumber } from "./nhs-number";
import { parsePostcode } from "./postcode";

/** A rejection or warning about one row; `row` counts as a spreadsheet does (the header is row 1). */
export interface ImportIssue {
  row: number;
  field: string;
  message: string;
}

export interface ImportedCode {
  code: CodeKey;
  recordedOn: string;
  recordedAt: Date | null;
}

export interface ImportedPatient {
  nhsNumber: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  addressLine1: string | null;
  addressLine2: string | null;
  addressLine3: string | null;
  addressLine4: string | null;
  postcode: string | null;
  email: string | null;
  mobile: string | null;
  contactIsPrivate: boolean;
  deceased: boolean;
  onlineAccount: boolean;
  codes: ImportedCode[];
}

export type RowValues = Partial<Record<CanonicalColumn, string>>;

export type ValidatedRow =
  | { ok: true; patient: ImportedPatient; warnings: ImportIssue[] }
  | { ok: false; rejection: ImportIssue; warnings: ImportIssue[] };

/** Longer than any real name or address line: a sign that an export has run cells together. */
export const MAX_TEXT_LENGTH = 200;

const SHOWN_VALUE_LENGTH = 40;

/** A value quoted in a message: whitespace runs as one space, cut short so a message stays short. */
function shown(value: string): string {
  const flat = value.replace(/\s+/g, " ").trim();
  const characters = [...flat];
  const short = characters.length > SHOWN_VALUE_LENGTH ? `${characters.slice(0, SHOWN_VALUE_LENGTH - 1).join("")}…` : flat;
  return `"${short}"`;
}

const FLAG_VALUES: ReadonlyMap<string, boolean> = new Map([
  ["y", true],
  ["yes", true],
  ["true", true],
  ["1", true],
  ["n", false],
  ["no", false],
  ["false", false],
  ["0", false],
  ["", false],
]);

/** Y/N, Yes/No, true/false or 1/0 in any case; blank is "no". Null when it is none of these. */
export function parseFlag(input: string): boolean | null {
  return FLAG_VALUES.get(input.trim().toLowerCase()) ?? null;
}

const TEXT_FIELDS = {
  given_name: "given name",
  family_name: "family name",
  address_line_1: "first address line",
  address_line_2: "second address line",
  address_line_3: "third address line",
  address_line_4: "fourth address line",
} as const satisfies Partial<Record<CanonicalColumn, string>>;

class Rejected {
  constructor(readonly field: CanonicalColumn, readonly message: string) {}
}

function isOverLong(text: string): boolean {
  // Counted in characters (code points), as PostgreSQL counts a varchar. A string no longer than
  // the limit in UTF-16 units has no more code points than that, so most need no counting.
  return text.length > MAX_TEXT_LENGTH && [...text].length > MAX_TEXT_LENGTH;
}

function checkNhsNumber(raw: string): string {
  const parsed = parseNhsNumber(raw);
  if (parsed.ok) return parsed.value;
  switch (parsed.reason) {
    case "missing":
      throw new Rejected("nhs_number", "The NHS number is missing.");
    case "format":
      throw new Rejected("nhs_number", `The NHS number ${shown(raw)} is not 10 digits.`);
    case "check-digit":
      throw new Rejected("nhs_number", `The NHS number ${shown(raw)} is not valid: its check digit is wrong.`);
  }
}

function requiredText(field: "given_name" | "family_name", raw: string): string {
  const text = raw.trim();
  if (text === "") throw new Rejected(field, `The ${TEXT_FIELDS[field]} is missing.`);
  if (isOverLong(text)) {
    throw new Rejected(field, `The ${TEXT_FIELDS[field]} is longer than ${MAX_TEXT_LENGTH} characters, a sign of a broken export.`);
  }
  return text;
}

function optionalText(field: keyof typeof TEXT_FIELDS, raw: string): string | null {
  const text = raw.trim();
  if (text === "") return null;
  if (isOverLong(text)) {
    throw new Rejected(field, `The ${TEXT_FIELDS[field]} is longer than ${MAX_TEXT_LENGTH} characters, a sign of a broken export.`);
  }
  return text;
}

function checkDateOfBirth(raw: string, today: string): string {
  if (raw.trim() === "") throw new Rejected("date_of_birth", "The date of birth is missing.");
  const day = parseDay(raw);
  if (day === null) throw new Rejected("date_of_birth", `The date of birth ${shown(raw)} is not a valid date.`);
  if (compareDays(day, today) > 0) throw new Rejected("date_of_birth", `The date of birth ${shown(raw)} is in the future.`);
  if (!isDateOfBirthPlausible(day, today)) {
    throw new Rejected("date_of_birth", `The date of birth ${shown(raw)} is more than ${MAX_PLAUSIBLE_AGE} years ago.`);
  }
  return day;
}

function checkCodeDate(field: CanonicalColumn, raw: string, today: string): { day: string; instant: Date | null } {
  const recorded = parseRecordedAt(raw);
  if (recorded === null) throw new Rejected(field, `The ${field} date ${shown(raw)} is not a valid date or time.`);
  if (compareDays(recorded.day, today) > 0) throw new Rejected(field, `The ${field} date ${shown(raw)} is in the future.`);
  return recorded;
}

/** The last day assertToday accepted: an import checks every row against the same one. */
let checkedToday = "";

function assertToday(today: string): void {
  if (today === checkedToday) return;
  if (!isIsoDay(today)) throw new RangeError(`today is not an ISO calendar day: ${JSON.stringify(today)}`);
  checkedToday = today;
}

const cell = (values: RowValues, column: CanonicalColumn): string => values[column] ?? "";

/** An optional flag: Y/N and the like, or N with a warning when it is neither. */
function optionalFlag(values: RowValues, field: "contact_is_private" | "online_account", row: number, warnings: ImportIssue[]): boolean {
  const flag = parseFlag(cell(values, field));
  if (flag !== null) return flag;
  warnings.push({ row, field, message: `The ${field} value ${shown(cell(values, field))} is not Y or N, so N was used.` });
  return false;
}

const CONTACT_FIELDS = {
  postcode: { parse: parsePostcode, problem: (v: string) => `The postcode ${v} is not a valid UK postcode and was left out.` },
  email: { parse: parseEmail, problem: (v: string) => `The email address ${v} is not valid and was left out.` },
  mobile: { parse: parseUkMobile, problem: (v: string) => `The mobile number ${v} is not a UK mobile number and was left out.` },
} as const;

/** An optional contact value: its parsed form, or null (with a warning when one was given but unreadable). */
function optionalContact(values: RowValues, field: keyof typeof CONTACT_FIELDS, row: number, warnings: ImportIssue[]): string | null {
  const raw = cell(values, field);
  if (raw.trim() === "") return null;
  const { parse, problem } = CONTACT_FIELDS[field];
  const parsed = parse(raw);
  if (parsed.ok) return parsed.value;
  warnings.push({ row, field, message: problem(shown(raw)) });
  return null;
}

/**
 * Checks one row of the patient list. The rejection is the first problem in column order;
 * warnings cover every optional value in the row, even when the row is rejected, so that whoever
 * fixes the export sees all of a row's problems at once. A row that shares its NHS number with
 * another row is the caller's to reject (see `duplicateNhsNumberRejections`): it needs the file.
 */
export function validateRow(values: RowValues, row: number, today: string): ValidatedRow {
  assertToday(today);
  const warnings: ImportIssue[] = [];

  // Optional values first, so their warnings are gathered whether or not the row is rejected.
  const postcode = optionalContact(values, "postcode", row, warnings);
  const email = optionalContact(values, "email", row, warnings);
  const mobile = optionalContact(values, "mobile", row, warnings);
  const contactIsPrivate = optionalFlag(values, "contact_is_private", row, warnings);
  const onlineAccount = optionalFlag(values, "online_account", row, warnings);

  try {
    const nhsNumber = checkNhsNumber(cell(values, "nhs_number"));
    const givenName = requiredText("given_name", cell(values, "given_name"));
    const familyName = requiredText("family_name", cell(values, "family_name"));
    const dateOfBirth = checkDateOfBirth(cell(values, "date_of_birth"), today);
    const addressLine1 = optionalText("address_line_1", cell(values, "address_line_1"));
    const addressLine2 = optionalText("address_line_2", cell(values, "address_line_2"));
    const addressLine3 = optionalText("address_line_3", cell(values, "address_line_3"));
    const addressLine4 = optionalText("address_line_4", cell(values, "address_line_4"));
    const deceased = parseFlag(cell(values, "deceased"));
    if (deceased === null) {
      throw new Rejected("deceased", `The deceased value ${shown(cell(values, "deceased"))} is not Y or N.`);
    }
    const codes: ImportedCode[] = [];
    for (const code of CODE_KEYS) {
      const field = `latest_${code}` as const;
      if (cell(values, field).trim() === "") continue;
      const recorded = checkCodeDate(field, cell(values, field), today);
      codes.push({ code, recordedOn: recorded.day, recordedAt: recorded.instant });
    }
    const patient: ImportedPatient = {
      nhsNumber,
      givenName,
      familyName,
      dateOfBirth,
      addressLine1,
      addressLine2,
      addressLine3,
      addressLine4,
      postcode,
      email,
      mobile,
      contactIsPrivate,
      deceased,
      onlineAccount,
      codes,
    };
    return { ok: true, patient, warnings };
  } catch (error) {
    if (!(error instanceof Rejected)) throw error;
    return { ok: false, rejection: { row, field: error.field, message: error.message }, warnings };
  }
}

/**
 * The rejections for rows sharing an NHS number: every such row, the first included, because the
 * file cannot say which of them is the patient. Pass each row whose NHS number was readable.
 */
export function duplicateNhsNumberRejections(rows: readonly { row: number; nhsNumber: string }[]): ImportIssue[] {
  const rowsByNumber = new Map<string, number[]>();
  for (const { row, nhsNumber } of rows) {
    const existing = rowsByNumber.get(nhsNumber);
    if (existing) existing.push(row);
    else rowsByNumber.set(nhsNumber, [row]);
  }
  const rejections: ImportIssue[] = [];
  for (const sharing of rowsByNumber.values()) {
    if (sharing.length < 2) continue;
    for (const row of sharing) {
      const others = sharing.filter((other) => other !== row);
      const listed = others.length > 3 ? `${others.slice(0, 3).join(", ")} and ${others.length - 3} more` : others.join(", ");
      rejections.push({
        row,
        field: "nhs_number",
        message: `The NHS number is also on row${others.length > 1 ? "s" : ""} ${listed}, so none of these rows was imported.`,
      });
    }
  }
  return rejections.sort((a, b) => a.row - b.row);
}

export type CodesRowValues = { nhs_number?: string; code?: string; recorded_at?: string };

export type ParsedCodesRow =
  | { ok: true; nhsNumber: string; code: CodeKey; recordedOn: string; recordedAt: Date | null }
  | { ok: false; kind: "other-code" }
  | { ok: false; kind: "rejected"; rejection: ImportIssue };

// Excel shows a 16-digit concept id as 1.36473E+15 and saves it so, losing the digits for good.
const SPREADSHEET_NUMBER = /^[0-9](?:\.[0-9]+)?E\+?[0-9]+$/i;

/**
 * One row of the long-format codes file (`nhs_number,code,recorded_at`, SNOMED concept ids).
 * Concept ids other than the three access codes are "other-code", for the caller to count and
 * ignore; nothing else in such a row is checked. A missing code, or one a spreadsheet has turned
 * into a rounded number, is rejected: silently ignoring it could hide a 104.
 */
export function parseCodesRow(values: CodesRowValues, row: number, today: string): ParsedCodesRow {
  assertToday(today);
  const reject = (field: string, message: string): ParsedCodesRow => ({
    ok: false,
    kind: "rejected",
    rejection: { row, field, message },
  });
  const rawCode = (values.code ?? "").trim();
  if (rawCode === "") return reject("code", "The code is missing.");
  if (SPREADSHEET_NUMBER.test(rawCode)) {
    return reject("code", `The code ${shown(rawCode)} was rounded by a spreadsheet; export the file again.`);
  }
  const code = codeKeyFromConceptId(rawCode);
  if (code === null) return { ok: false, kind: "other-code" };
  try {
    const nhsNumber = checkNhsNumber(values.nhs_number ?? "");
    const rawRecordedAt = values.recorded_at ?? "";
    if (rawRecordedAt.trim() === "") return reject("recorded_at", "The recorded_at date is missing.");
    const recorded = parseRecordedAt(rawRecordedAt);
    if (recorded === null) return reject("recorded_at", `The recorded_at date ${shown(rawRecordedAt)} is not a valid date or time.`);
    if (compareDays(recorded.day, today) > 0) return reject("recorded_at", `The recorded_at date ${shown(rawRecordedAt)} is in the future.`);
    return { ok: true, nhsNumber, code, recordedOn: recorded.day, recordedAt: recorded.instant };
  } catch (error) {
    if (!(error instanceof Rejected)) throw error;
    return reject(error.field, error.message);
  }
}
