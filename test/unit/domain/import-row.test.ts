import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CODES } from "../../../app/domain/codes";
import { CANONICAL_COLUMNS, resolveColumns, type CanonicalColumn } from "../../../app/domain/import-columns";
import {
  DUPLICATE_NHS_NUMBER,
  duplicateNhsNumberRejection,
  MAX_TEXT_LENGTH,
  parseCodesRow,
  parseFlag,
  validateRow,
  type ImportedPatient,
  type ImportIssue,
  type RowValues,
} from "../../../app/domain/import-row";
import { nhsCheckDigit } from "../../../app/domain/nhs-number";

const TODAY = "2026-02-28";
const ROW = 7;

/** An issue as expected: its problem is its message without the quoted value (these values have no quote marks). */
const issue = (row: number, field: string, message: string): ImportIssue => ({ row, field, message, problem: message.replace(/ "[^"]*"/, "") });

const BASE: RowValues = {
  nhs_number: "9997101901",
  given_name: "Ann",
  family_name: "O'Brien",
  date_of_birth: "1980-05-17",
  address_line_1: "1 High Street",
  address_line_2: "",
  address_line_3: "Leeds",
  address_line_4: "",
  postcode: "LS1 4AP",
  email: "ann@example.org",
  mobile: "07700 900123",
  contact_is_private: "Y",
  deceased: "N",
  online_account: "Y",
  latest_104: "",
  latest_106: "",
  latest_103: "",
};

function accepted(overrides: RowValues, today = TODAY): { patient: ImportedPatient; warnings: ImportIssue[] } {
  const result = validateRow({ ...BASE, ...overrides }, ROW, today);
  if (!result.ok) throw new Error(`expected the row to be accepted, got: ${result.rejection.message}`);
  return result;
}

function rejected(overrides: RowValues, today = TODAY): { rejection: ImportIssue; warnings: ImportIssue[] } {
  const result = validateRow({ ...BASE, ...overrides }, ROW, today);
  if (result.ok) throw new Error("expected the row to be rejected");
  return result;
}

describe("validateRow: an accepted row", () => {
  it("gives the patient with every value normalised and no warnings", () => {
    const { patient, warnings } = accepted({
      nhs_number: " 999-710 1901 ",
      given_name: "  Mary  Ann ",
      family_name: " O'Brien ",
      date_of_birth: "17-may-1980",
      address_line_1: "  Flat 2,  1 High Street ",
      postcode: "ls14ap",
      email: " Ann@Example.ORG ",
      mobile: "+44 (0)7700 900123",
      latest_104: "2023-10-02",
      latest_106: "20/10/2023 14:05",
      latest_103: "01-Sep-2023",
    });
    expect(warnings).toEqual([]);
    expect(patient).toEqual({
      nhsNumber: "9997101901",
      givenName: "Mary  Ann",
      familyName: "O'Brien",
      dateOfBirth: "1980-05-17",
      addressLine1: "Flat 2,  1 High Street",
      addressLine2: null,
      addressLine3: "Leeds",
      addressLine4: null,
      postcode: "LS1 4AP",
      email: "Ann@example.org",
      mobile: "+447700900123",
      contactIsPrivate: true,
      deceased: false,
      onlineAccount: true,
      codes: [
        { code: "104", recordedOn: "2023-10-02", recordedAt: null },
        { code: "106", recordedOn: "2023-10-20", recordedAt: new Date("2023-10-20T13:05:00Z") },
        { code: "103", recordedOn: "2023-09-01", recordedAt: null },
      ],
    });
  });

  it("leaves blank optional values empty or false without a warning, and blank codes out", () => {
    const blanks = Object.fromEntries(CANONICAL_COLUMNS.slice(4).map((column) => [column, "  "]));
    const { patient, warnings } = accepted(blanks);
    expect(warnings).toEqual([]);
    expect(patient).toMatchObject({
      addressLine1: null,
      addressLine2: null,
      addressLine3: null,
      addressLine4: null,
      postcode: null,
      email: null,
      mobile: null,
      contactIsPrivate: false,
      deceased: false,
      onlineAccount: false,
      codes: [],
    });
  });

  it("treats missing optional columns as blank", () => {
    const result = validateRow(
      { nhs_number: "9997101901", given_name: "Ann", family_name: "Lee", date_of_birth: "1980-05-17" },
      ROW,
      TODAY,
    );
    expect(result).toMatchObject({ ok: true, warnings: [], patient: { email: null, deceased: false, codes: [] } });
  });

  it.each([
    ["born today", TODAY],
    ["29 February of a leap year", "29/02/2024"],
    ["exactly 130 years before today", "1896-02-28"],
    ["slash form, one-digit day and month", "5/1/1990"],
  ])("accepts a date of birth %s", (_why, dateOfBirth) => {
    expect(accepted({ date_of_birth: dateOfBirth }).patient.dateOfBirth).toMatch(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/);
  });

  it("accepts a code recorded today, at any time of day", () => {
    expect(accepted({ latest_104: `${TODAY} 23:59` }).patient.codes).toEqual([
      { code: "104", recordedOn: TODAY, recordedAt: new Date(`${TODAY}T23:59:00Z`) },
    ]);
  });

  it("reads a BST code time as UK local time", () => {
    expect(accepted({ latest_103: "2025-07-01T00:30" }).patient.codes).toEqual([
      { code: "103", recordedOn: "2025-07-01", recordedAt: new Date("2025-06-30T23:30:00Z") },
    ]);
  });

  it(`accepts names and address lines of exactly ${MAX_TEXT_LENGTH} characters, counted as characters`, () => {
    const name = "é".repeat(MAX_TEXT_LENGTH);
    const emoji = "👩🏽".repeat(MAX_TEXT_LENGTH / 2);
    const { patient } = accepted({ given_name: name, family_name: emoji, address_line_4: name });
    expect(patient.givenName).toBe(name);
    expect(patient.familyName).toBe(emoji);
    expect(patient.addressLine4).toBe(name);
  });
});

describe("validateRow: flags", () => {
  const YES = ["Y", "y", "Yes", "YES", "yes", "true", "TRUE", "True", "1", " y "];
  const NO = ["N", "n", "No", "NO", "no", "false", "FALSE", "False", "0", "", "  ", " N\t"];

  it.each(YES)("%j is yes", (spelling) => {
    expect(parseFlag(spelling)).toBe(true);
    const { patient, warnings } = accepted({ deceased: spelling, contact_is_private: spelling, online_account: spelling });
    expect(warnings).toEqual([]);
    expect(patient).toMatchObject({ deceased: true, contactIsPrivate: true, onlineAccount: true });
  });

  it.each(NO)("%j is no", (spelling) => {
    expect(parseFlag(spelling)).toBe(false);
    const { patient, warnings } = accepted({ deceased: spelling, contact_is_private: spelling, online_account: spelling });
    expect(warnings).toEqual([]);
    expect(patient).toMatchObject({ deceased: false, contactIsPrivate: false, onlineAccount: false });
  });

  it.each(["X", "2", "-1", "ye", "nope", "T", "F", "Y/N", "yes!", "on", "off"])("%j is unreadable", (spelling) => {
    expect(parseFlag(spelling)).toBeNull();
  });

  it.each(["contact_is_private", "online_account"] as const)("an unreadable %s falls back to N with a warning", (field) => {
    const { patient, warnings } = accepted({ [field]: "maybe" });
    expect(patient[field === "contact_is_private" ? "contactIsPrivate" : "onlineAccount"]).toBe(false);
    expect(warnings).toEqual([issue(ROW, field, `The ${field} value "maybe" is not Y or N, so N was used.`)]);
  });

  it("rejects an unreadable deceased flag", () => {
    expect(rejected({ deceased: "unknown" }).rejection).toEqual({
      row: ROW,
      field: "deceased",
      message: 'The deceased value "unknown" is not Y or N.',
      problem: "The deceased value is not Y or N.",
    });
  });
});

describe("validateRow: rejections", () => {
  const long = "x".repeat(MAX_TEXT_LENGTH + 1);
  it.each<[string, RowValues, CanonicalColumn, string]>([
    ["NHS number missing", { nhs_number: "" }, "nhs_number", "The NHS number is missing."],
    ["NHS number blank", { nhs_number: "   " }, "nhs_number", "The NHS number is missing."],
    ["NHS number absent", { nhs_number: undefined }, "nhs_number", "The NHS number is missing."],
    ["NHS number too short", { nhs_number: "999710190" }, "nhs_number", 'The NHS number "999710190" is not 10 digits.'],
    ["NHS number with letters", { nhs_number: "999710190X" }, "nhs_number", 'The NHS number "999710190X" is not 10 digits.'],
    ["NHS number in a spreadsheet's notation", { nhs_number: "9.9971E+09" }, "nhs_number", 'The NHS number "9.9971E+09" is not 10 digits.'],
    [
      "NHS number failing modulus 11",
      { nhs_number: "9991824708" },
      "nhs_number",
      'The NHS number "9991824708" is not valid: its check digit is wrong.',
    ],
    [
      "NHS number whose check digit would be 10",
      { nhs_number: "0000000060" },
      "nhs_number",
      'The NHS number "0000000060" is not valid: its check digit is wrong.',
    ],
    ["given name missing", { given_name: "" }, "given_name", "The given name is missing."],
    ["given name blank", { given_name: " \t " }, "given_name", "The given name is missing."],
    ["family name missing", { family_name: "" }, "family_name", "The family name is missing."],
    ["family name absent", { family_name: undefined }, "family_name", "The family name is missing."],
    [
      "given name too long",
      { given_name: long },
      "given_name",
      `The given name is longer than ${MAX_TEXT_LENGTH} characters, a sign of a broken export.`,
    ],
    [
      "family name too long",
      { family_name: long },
      "family_name",
      `The family name is longer than ${MAX_TEXT_LENGTH} characters, a sign of a broken export.`,
    ],
    ["date of birth missing", { date_of_birth: "" }, "date_of_birth", "The date of birth is missing."],
    ["date of birth unreadable", { date_of_birth: "17 May 1980" }, "date_of_birth", 'The date of birth "17 May 1980" is not a valid date.'],
    ["date of birth impossible", { date_of_birth: "31/02/1980" }, "date_of_birth", 'The date of birth "31/02/1980" is not a valid date.'],
    ["date of birth 29 Feb of a common year", { date_of_birth: "2023-02-29" }, "date_of_birth", 'The date of birth "2023-02-29" is not a valid date.'],
    ["date of birth tomorrow", { date_of_birth: "2026-03-01" }, "date_of_birth", 'The date of birth "2026-03-01" is in the future.'],
    ["date of birth far ahead", { date_of_birth: "01-Jan-2099" }, "date_of_birth", 'The date of birth "01-Jan-2099" is in the future.'],
    [
      "date of birth a day more than 130 years ago",
      { date_of_birth: "1896-02-27" },
      "date_of_birth",
      'The date of birth "1896-02-27" is more than 130 years ago.',
    ],
    ...([1, 2, 3, 4] as const).map(
      (line): [string, RowValues, CanonicalColumn, string] => [
        `address line ${line} too long`,
        { [`address_line_${line}`]: long },
        `address_line_${line}`,
        `The ${["first", "second", "third", "fourth"][line - 1]} address line is longer than ${MAX_TEXT_LENGTH} characters, a sign of a broken export.`,
      ],
    ),
    ...(["104", "106", "103"] as const).flatMap((code): [string, RowValues, CanonicalColumn, string][] => [
      [`latest_${code} unreadable`, { [`latest_${code}`]: "Oct 2023" }, `latest_${code}`, `The latest_${code} date "Oct 2023" is not a valid date or time.`],
      [`latest_${code} impossible`, { [`latest_${code}`]: "31/09/2023" }, `latest_${code}`, `The latest_${code} date "31/09/2023" is not a valid date or time.`],
      [`latest_${code} bad time`, { [`latest_${code}`]: "2023-10-02 25:00" }, `latest_${code}`, `The latest_${code} date "2023-10-02 25:00" is not a valid date or time.`],
      [`latest_${code} tomorrow`, { [`latest_${code}`]: "2026-03-01" }, `latest_${code}`, `The latest_${code} date "2026-03-01" is in the future.`],
      [`latest_${code} tomorrow, with a time`, { [`latest_${code}`]: "01/03/2026 00:00" }, `latest_${code}`, `The latest_${code} date "01/03/2026 00:00" is in the future.`],
    ]),
  ])("%s", (_why, overrides, field, message) => {
    expect(rejected(overrides).rejection).toEqual(issue(ROW, field, message));
  });

  it("names the first problem in column order", () => {
    const everythingWrong: RowValues = {
      nhs_number: "123",
      given_name: "",
      family_name: "",
      date_of_birth: "2099-01-01",
      address_line_2: "y".repeat(300),
      deceased: "?",
      latest_106: "soon",
      latest_103: "2099-01-01",
    };
    const order: CanonicalColumn[] = ["nhs_number", "given_name", "family_name", "date_of_birth", "address_line_2", "deceased", "latest_106", "latest_103"];
    for (const [index, field] of order.entries()) {
      const fixedEarlier = Object.fromEntries(order.slice(0, index).map((column) => [column, BASE[column]]));
      expect(rejected({ ...everythingWrong, ...fixedEarlier }).rejection.field).toBe(field);
    }
  });

  it("still reports the row's warnings when it is rejected", () => {
    const { rejection, warnings } = rejected({ nhs_number: "", email: "nope", mobile: "12345" });
    expect(rejection.field).toBe("nhs_number");
    expect(warnings.map((warning) => warning.field)).toEqual(["email", "mobile"]);
  });

  it("refuses a today that is not an ISO day", () => {
    expect(() => validateRow(BASE, ROW, "28/02/2026")).toThrow(RangeError);
  });
});

describe("validateRow: warnings", () => {
  it.each<[string, RowValues, CanonicalColumn, Partial<ImportedPatient>, string]>([
    ["postcode not a UK postcode", { postcode: "LS1" }, "postcode", { postcode: null }, 'The postcode "LS1" is not a valid UK postcode and was left out.'],
    ["postcode nonsense", { postcode: "12345" }, "postcode", { postcode: null }, 'The postcode "12345" is not a valid UK postcode and was left out.'],
    ["email without @", { email: "nope" }, "email", { email: null }, 'The email address "nope" is not valid and was left out.'],
    ["email with two @", { email: "a@b@example.org" }, "email", { email: null }, 'The email address "a@b@example.org" is not valid and was left out.'],
    ["email without a domain dot", { email: "ann@example" }, "email", { email: null }, 'The email address "ann@example" is not valid and was left out.'],
    ["mobile a landline", { mobile: "0113 496 0000" }, "mobile", { mobile: null }, 'The mobile number "0113 496 0000" is not a UK mobile number and was left out.'],
    ["mobile too short", { mobile: "07700 9001" }, "mobile", { mobile: null }, 'The mobile number "07700 9001" is not a UK mobile number and was left out.'],
    ["contact_is_private unreadable", { contact_is_private: "private" }, "contact_is_private", { contactIsPrivate: false }, 'The contact_is_private value "private" is not Y or N, so N was used.'],
    ["online_account unreadable", { online_account: "active" }, "online_account", { onlineAccount: false }, 'The online_account value "active" is not Y or N, so N was used.'],
  ])("%s", (_why, overrides, field, dropped, message) => {
    const { patient, warnings } = accepted(overrides);
    expect(warnings).toEqual([issue(ROW, field, message)]);
    expect(patient).toMatchObject(dropped);
    expect(patient.nhsNumber).toBe("9997101901");
  });

  it("gives one warning for each bad optional value, in column order", () => {
    const { warnings } = accepted({ online_account: "?", postcode: "?", mobile: "?", email: "?", contact_is_private: "?" });
    expect(warnings.map((warning) => warning.field)).toEqual(["postcode", "email", "mobile", "contact_is_private", "online_account"]);
  });
});

describe("validateRow: messages", () => {
  it("cuts a long value short", () => {
    const { warnings } = accepted({ email: `${"a".repeat(500)}@example` });
    expect(warnings[0]?.message).toBe(`The email address "${"a".repeat(39)}…" is not valid and was left out.`);
  });

  it("stays one short line whatever is in the file", () => {
    const anyText = fc.string({ unit: "grapheme", maxLength: 400 });
    const column = fc.constantFrom(...CANONICAL_COLUMNS);
    fc.assert(
      fc.property(column, anyText, (field, text) => {
        const result = validateRow({ ...BASE, [field]: text }, ROW, TODAY);
        const issues = [...result.warnings, ...(result.ok ? [] : [result.rejection])];
        for (const issue of issues) {
          expect(issue.field).toBe(field);
          expect(issue.message.length).toBeLessThanOrEqual(120);
          expect(issue.message).toMatch(/^The [^\n]*\.$/);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("validateRow: problems, by which rows are counted", () => {
  it("never take anything from the file, so every row with one problem counts as one", () => {
    // A marker no message contains: whatever follows it, it must not reach a problem.
    const marked = fc.string({ unit: "grapheme", maxLength: 60 }).map((text) => `Qzx${text}`);
    const column = fc.constantFrom(...CANONICAL_COLUMNS);
    fc.assert(
      fc.property(column, marked, marked, (field, one, other) => {
        const problems = (text: string) => {
          const result = validateRow({ ...BASE, [field]: text }, ROW, TODAY);
          return [...result.warnings, ...(result.ok ? [] : [result.rejection])].map((found) => found.problem);
        };
        for (const problem of problems(one)) expect(problem).not.toContain("Qzx");
        expect(problems(one)).toEqual(problems(other));
      }),
      { numRuns: 1000 },
    );
  });

  it("quote a value with $ signs as it is", () => {
    expect(rejected({ nhs_number: "$&$'12" }).rejection).toEqual(issue(ROW, "nhs_number", 'The NHS number "$&$\'12" is not 10 digits.'));
  });
});

describe("validateRow: NHS numbers", () => {
  const validNhsNumber = fc
    .string({ unit: fc.constantFrom(..."0123456789"), minLength: 9, maxLength: 9 })
    .filter((firstNine) => nhsCheckDigit(firstNine) !== null)
    .map((firstNine) => `${firstNine}${nhsCheckDigit(firstNine)}`);

  it("accepts every valid number however it is spaced, and no number with a wrong check digit", () => {
    fc.assert(
      fc.property(validNhsNumber, fc.integer({ min: 1, max: 9 }), (digits, change) => {
        const spaced = `${digits.slice(0, 3)} ${digits.slice(3, 6)}-${digits.slice(6)}`;
        expect(accepted({ nhs_number: spaced }).patient.nhsNumber).toBe(digits);
        const wrongCheck = `${digits.slice(0, 9)}${(Number(digits[9]) + change) % 10}`;
        expect(rejected({ nhs_number: wrongCheck }).rejection.field).toBe("nhs_number");
      }),
    );
  });
});

describe("duplicateNhsNumberRejection", () => {
  const sentence = (others: string) => `The NHS number is also on ${others}, so none of these rows was imported.`;

  it("names the other rows of a number, each row its own others", () => {
    const group = { firstRows: [2, 4, 9], sharing: 3 };
    expect([2, 4, 9].map((row) => duplicateNhsNumberRejection(row, group))).toEqual([
      { row: 2, ...DUPLICATE_NHS_NUMBER, message: sentence("rows 4, 9") },
      { row: 4, ...DUPLICATE_NHS_NUMBER, message: sentence("rows 2, 9") },
      { row: 9, ...DUPLICATE_NHS_NUMBER, message: sentence("rows 2, 4") },
    ]);
  });

  it("names one other row, or the first three and a count", () => {
    expect(duplicateNhsNumberRejection(2, { firstRows: [2, 5], sharing: 2 }).message).toBe(sentence("row 5"));
    const many = { firstRows: [100_000, 100_001, 100_002, 100_003], sharing: 6 };
    expect(duplicateNhsNumberRejection(100_000, many).message).toBe(sentence("rows 100001, 100002, 100003 and 2 more"));
    expect(duplicateNhsNumberRejection(100_002, many).message).toBe(sentence("rows 100000, 100001, 100003 and 2 more"));
    // A row after the first four: the first three are the others named.
    expect(duplicateNhsNumberRejection(100_005, many).message).toBe(sentence("rows 100000, 100001, 100002 and 2 more"));
  });
});

describe("parseCodesRow", () => {
  const ok = { nhs_number: "999 710 1901", recorded_at: "2023-10-02" };

  it.each([
    ["104", CODES["104"].conceptId],
    ["106", CODES["106"].conceptId],
    ["103", ` ${CODES["103"].conceptId} `],
  ] as const)("reads a %s", (code, conceptId) => {
    expect(parseCodesRow({ ...ok, code: conceptId }, 3, TODAY)).toEqual({
      ok: true,
      nhsNumber: "9997101901",
      code,
      recordedOn: "2023-10-02",
      recordedAt: null,
    });
  });

  it("reads a recorded time as UK local time", () => {
    expect(parseCodesRow({ ...ok, code: CODES["104"].conceptId, recorded_at: "02/10/2023 09:15:30" }, 3, TODAY)).toMatchObject({
      ok: true,
      recordedOn: "2023-10-02",
      recordedAt: new Date("2023-10-02T08:15:30Z"),
    });
  });

  it.each([
    ["another concept", "1234567890"],
    ["a concept id one digit off", "1364731000000105"],
    ["the short key, not a concept id", "104"],
  ])("counts %s as another code, whatever else is in the row", (_why, code) => {
    expect(parseCodesRow({ nhs_number: "bad", code, recorded_at: "never" }, 3, TODAY)).toEqual({ ok: false, kind: "other-code" });
  });

  it.each([
    ["code missing", { ...ok, code: " " }, "code", "The code is missing."],
    [
      "code rounded by a spreadsheet",
      { ...ok, code: "1.36473E+15" },
      "code",
      'The code "1.36473E+15" was rounded by a spreadsheet; export the file again.',
    ],
    ["NHS number missing", { code: CODES["104"].conceptId, recorded_at: "2023-10-02" }, "nhs_number", "The NHS number is missing."],
    [
      "NHS number failing modulus 11",
      { ...ok, nhs_number: "9991824708", code: CODES["104"].conceptId },
      "nhs_number",
      'The NHS number "9991824708" is not valid: its check digit is wrong.',
    ],
    ["date missing", { ...ok, code: CODES["106"].conceptId, recorded_at: "" }, "recorded_at", "The recorded_at date is missing."],
    [
      "date unreadable",
      { ...ok, code: CODES["106"].conceptId, recorded_at: "2023-13-01" },
      "recorded_at",
      'The recorded_at date "2023-13-01" is not a valid date or time.',
    ],
    [
      "date in the future",
      { ...ok, code: CODES["103"].conceptId, recorded_at: "2026-03-01T00:00" },
      "recorded_at",
      'The recorded_at date "2026-03-01T00:00" is in the future.',
    ],
  ])("rejects a row with its %s", (_why, values, field, message) => {
    expect(parseCodesRow(values, 3, TODAY)).toEqual({ ok: false, kind: "rejected", rejection: issue(3, field, message) });
  });
});

describe("the patients-sample fixture", () => {
  interface Expected {
    asOf: string;
    ok: Record<string, unknown>;
    rejected: { row: number; field: string }[];
    warnings: { row: number; field: string }[];
  }
  const csv = readFileSync(new URL("../../fixtures/patients-sample.csv", import.meta.url), "utf8");
  const expected = JSON.parse(
    readFileSync(new URL("../../fixtures/patients-sample.expected.json", import.meta.url), "utf8"),
  ) as Expected;

  it("gives exactly the expected rejections and warnings, and imports every expected patient", () => {
    // The fixture has no quoted fields, so lines and commas are enough to read it.
    const [headerLine = "", ...lines] = csv.replace(/^\uFEFF/, "").split(/\r?\n/);
    const resolved = resolveColumns(headerLine.split(","), "canonical");
    if (!resolved.ok) throw new Error(resolved.error);

    const rejections: ImportIssue[] = [];
    const warnings: ImportIssue[] = [];
    const patients: { row: number; patient: ImportedPatient }[] = [];
    for (const [index, line] of lines.entries()) {
      if (line === "") continue;
      const values: RowValues = {};
      for (const [position, cell] of line.split(",").entries()) {
        const column = resolved.columns[position];
        if (column) values[column] = cell;
      }
      const row = index + 2; // the header is row 1
      const result = validateRow(values, row, expected.asOf);
      warnings.push(...result.warnings);
      if (result.ok) patients.push({ row, patient: result.patient });
      else rejections.push(result.rejection);
    }
    const rowsByNumber = new Map<string, number[]>();
    for (const { row, patient } of patients) rowsByNumber.set(patient.nhsNumber, [...(rowsByNumber.get(patient.nhsNumber) ?? []), row]);
    for (const firstRows of rowsByNumber.values()) {
      if (firstRows.length < 2) continue;
      for (const row of firstRows) rejections.push(duplicateNhsNumberRejection(row, { firstRows, sharing: firstRows.length }));
    }

    const key = ({ row, field }: { row: number; field: string }): string => `${row}:${field}`;
    expect(new Set(rejections.map(key))).toEqual(new Set(expected.rejected.map(key)));
    expect(new Set(warnings.map(key))).toEqual(new Set(expected.warnings.map(key)));
    expect(rejections).toHaveLength(expected.rejected.length);
    expect(warnings).toHaveLength(expected.warnings.length);
    expect(patients.map(({ patient }) => patient.nhsNumber).sort()).toEqual(Object.keys(expected.ok).sort());
  });
});
