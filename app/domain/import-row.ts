// One row of a patient-list import, checked against the rules of issue 4. A wrong identity or
// safety field rejects the row (a wrong row must never become a wrong decision about a patient);
// a bad optional value is dropped, or set to its safe default, with a warning.

import { compareDays, isIsoDay } from "./calendar";
import { CODE_KEYS, codeKeyFromConceptId, type CodeKey } from "./codes";
import { parseEmail, parseUkMobile } from "./contact";
import { isDateOfBirthPlausible, MAX_PLAUSIBLE_AGE } from "./eligibility";
import type { CanonicalColumn } from "./import-columns";
import { parseRecordedAt, parseDay } from "./import-dates";
import type { ImportIssue } from "./import-problems";
import { parseNhsNumber } from "./nhs-number";
import { parsePostcode } from "./postcode";

export type { ImportIssue } from "./import-problems";

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

type Described = Pick<ImportIssue, "message" | "problem">;

/**
 * A sentence quoting the row's value where `{value}` stands, and the same sentence without it:
 * the problem that rows are counted by.
 */
function quoting(template: string, value: string): Described {
  // A function, so that "$&" and the like in the value are not read as replacement patterns.
  return { message: template.replace("{value}", () => shown(value)), problem: template.replace(" {value}", "") };
}

/** A sentence that quotes no value: the message and the problem are one. */
const plain = (sentence: string): Described => ({ message: sentence, problem: sentence });

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
  constructor(
    readonly field: CanonicalColumn,
    readonly described: Described,
  ) {}
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
      throw new Rejected("nhs_number", plain("The NHS number is missing."));
    case "format":
      throw new Rejected("nhs_number", quoting("The NHS number {value} is not 10 digits.", raw));
    case "check-digit":
      throw new Rejected("nhs_number", quoting("The NHS number {value} is not valid: its check digit is wrong.", raw));
  }
}

const overLong = (field: keyof typeof TEXT_FIELDS) =>
  new Rejected(field, plain(`The ${TEXT_FIELDS[field]} is longer than ${MAX_TEXT_LENGTH} characters, a sign of a broken export.`));

function requiredText(field: "given_name" | "family_name", raw: string): string {
  const text = raw.trim();
  if (text === "") throw new Rejected(field, plain(`The ${TEXT_FIELDS[field]} is missing.`));
  if (isOverLong(text)) throw overLong(field);
  return text;
}

function optionalText(field: keyof typeof TEXT_FIELDS, raw: string): string | null {
  const text = raw.trim();
  if (text === "") return null;
  if (isOverLong(text)) throw overLong(field);
  return text;
}

function checkDateOfBirth(raw: string, today: string): string {
  if (raw.trim() === "") throw new Rejected("date_of_birth", plain("The date of birth is missing."));
  const day = parseDay(raw);
  if (day === null) throw new Rejected("date_of_birth", quoting("The date of birth {value} is not a valid date.", raw));
  if (compareDays(day, today) > 0) throw new Rejected("date_of_birth", quoting("The date of birth {value} is in the future.", raw));
  if (!isDateOfBirthPlausible(day, today)) {
    throw new Rejected("date_of_birth", quoting(`The date of birth {value} is more than ${MAX_PLAUSIBLE_AGE} years ago.`, raw));
  }
  return day;
}

function checkCodeDate(field: CanonicalColumn, raw: string, today: string): { day: string; instant: Date | null } {
  const recorded = parseRecordedAt(raw);
  if (recorded === null) throw new Rejected(field, quoting(`The ${field} date {value} is not a valid date or time.`, raw));
  if (compareDays(recorded.day, today) > 0) throw new Rejected(field, quoting(`The ${field} date {value} is in the future.`, raw));
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
  warnings.push({ row, field, ...quoting(`The ${field} value {value} is not Y or N, so N was used.`, cell(values, field)) });
  return false;
}

const CONTACT_FIELDS = {
  postcode: { parse: parsePostcode, problem: "The postcode {value} is not a valid UK postcode and was left out." },
  email: { parse: parseEmail, problem: "The email address {value} is not valid and was left out." },
  mobile: { parse: parseUkMobile, problem: "The mobile number {value} is not a UK mobile number and was left out." },
} as const;

/** An optional contact value: its parsed form, or null (with a warning when one was given but unreadable). */
function optionalContact(values: RowValues, field: keyof typeof CONTACT_FIELDS, row: number, warnings: ImportIssue[]): string | null {
  const raw = cell(values, field);
  if (raw.trim() === "") return null;
  const { parse, problem } = CONTACT_FIELDS[field];
  const parsed = parse(raw);
  if (parsed.ok) return parsed.value;
  warnings.push({ row, field, ...quoting(problem, raw) });
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
      throw new Rejected("deceased", quoting("The deceased value {value} is not Y or N.", cell(values, "deceased")));
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
    return { ok: false, rejection: { row, field: error.field, ...error.described }, warnings };
  }
}

/** What every row sharing its NHS number with another row is counted as. */
export const DUPLICATE_NHS_NUMBER = {
  field: "nhs_number",
  problem: "The NHS number is on more than one row, so none of these rows was imported.",
} as const;

/**
 * The rejection of a row sharing its NHS number with others: every such row is rejected, the
 * first included, because the file cannot say which of them is the patient. `firstRows` are the
 * lowest rows with the number (four are enough to name three others), `sharing` how many have it.
 */
export function duplicateNhsNumberRejection(row: number, group: { firstRows: readonly number[]; sharing: number }): ImportIssue {
  const others = group.firstRows.filter((other) => other !== row).slice(0, 3);
  const more = group.sharing - 1 - others.length;
  const listed = more > 0 ? `${others.join(", ")} and ${more} more` : others.join(", ");
  return {
    row,
    ...DUPLICATE_NHS_NUMBER,
    message: `The NHS number is also on row${group.sharing > 2 ? "s" : ""} ${listed}, so none of these rows was imported.`,
  };
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
  const reject = (field: string, described: Described): ParsedCodesRow => ({
    ok: false,
    kind: "rejected",
    rejection: { row, field, ...described },
  });
  const rawCode = (values.code ?? "").trim();
  if (rawCode === "") return reject("code", plain("The code is missing."));
  if (SPREADSHEET_NUMBER.test(rawCode)) {
    return reject("code", quoting("The code {value} was rounded by a spreadsheet; export the file again.", rawCode));
  }
  const code = codeKeyFromConceptId(rawCode);
  if (code === null) return { ok: false, kind: "other-code" };
  try {
    const nhsNumber = checkNhsNumber(values.nhs_number ?? "");
    const rawRecordedAt = values.recorded_at ?? "";
    if (rawRecordedAt.trim() === "") return reject("recorded_at", plain("The recorded_at date is missing."));
    const recorded = parseRecordedAt(rawRecordedAt);
    if (recorded === null) return reject("recorded_at", quoting("The recorded_at date {value} is not a valid date or time.", rawRecordedAt));
    if (compareDays(recorded.day, today) > 0) return reject("recorded_at", quoting("The recorded_at date {value} is in the future.", rawRecordedAt));
    return { ok: true, nhsNumber, code, recordedOn: recorded.day, recordedAt: recorded.instant };
  } catch (error) {
    if (!(error instanceof Rejected)) throw error;
    return reject(error.field, error.described);
  }
}
