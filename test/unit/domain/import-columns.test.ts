import { describe, expect, it } from "vitest";
import {
  CANONICAL_COLUMNS,
  IMPORT_FORMATS,
  PRESETS,
  REQUIRED_COLUMNS,
  looksSemicolonDelimited,
  normaliseHeader,
  resolveColumns,
  type CanonicalColumn,
  type ImportFormat,
} from "../../../app/domain/import-columns";

const ALL_FORMATS: ImportFormat[] = [...IMPORT_FORMATS, "mapped"];

function columnsOf(header: string[], format: ImportFormat, map?: Record<string, string>): (CanonicalColumn | null)[] {
  const resolved = resolveColumns(header, format, map ?? (format === "mapped" ? {} : undefined));
  if (!resolved.ok) throw new Error(`expected the header to resolve, got: ${resolved.error}`);
  return resolved.columns;
}

const USUAL_REQUIRED_HEADERS: Record<"emis" | "systmone", [string, CanonicalColumn][]> = {
  emis: [["NHS Number", "nhs_number"], ["Forename", "given_name"], ["Surname", "family_name"], ["Date of Birth", "date_of_birth"]],
  systmone: [["NHS Number", "nhs_number"], ["First Names", "given_name"], ["Surname", "family_name"], ["Date of Birth", "date_of_birth"]],
};

/** The usual required headers, less any for `column`, then `header` last. */
function withRequired(format: "emis" | "systmone", header: string, column: CanonicalColumn): string[] {
  return [...USUAL_REQUIRED_HEADERS[format].filter(([, feeds]) => feeds !== column).map(([cell]) => cell), header];
}

function errorOf(header: string[], format: ImportFormat, map?: Record<string, string>): string {
  const resolved = resolveColumns(header, format, map);
  if (resolved.ok) throw new Error("expected the header to be refused");
  return resolved.error;
}

describe("the column lists", () => {
  it("requires exactly the identity columns, all canonical", () => {
    expect(REQUIRED_COLUMNS).toEqual(["nhs_number", "given_name", "family_name", "date_of_birth"]);
    expect(CANONICAL_COLUMNS.slice(0, 4)).toEqual([...REQUIRED_COLUMNS]);
    expect(new Set(CANONICAL_COLUMNS).size).toBe(17);
  });

  it("maps every preset header to a canonical column, and every canonical name to itself", () => {
    for (const preset of Object.values(PRESETS)) {
      for (const column of Object.values(preset)) expect(CANONICAL_COLUMNS).toContain(column);
      for (const column of CANONICAL_COLUMNS) expect(preset[column]).toBe(column);
    }
  });
});

describe("normaliseHeader", () => {
  it.each([
    ["NHS Number", "nhs number"],
    ["  NHS   Number ", "nhs number"],
    ["\uFEFFnhs_number", "nhs_number"],
    ["Date\tof\u00a0Birth", "date of birth"],
  ])("%j → %j", (header, normalised) => {
    expect(normaliseHeader(header)).toBe(normalised);
  });
});

describe("resolveColumns: canonical", () => {
  it("takes the canonical header in any order, case and padding, with a BOM on the first cell", () => {
    expect(columnsOf(["\uFEFF Family_Name", "NHS_NUMBER ", "date_of_birth", "Given_Name"], "canonical")).toEqual([
      "family_name",
      "nhs_number",
      "date_of_birth",
      "given_name",
    ]);
  });

  it("takes every canonical column", () => {
    expect(columnsOf([...CANONICAL_COLUMNS], "canonical")).toEqual([...CANONICAL_COLUMNS]);
  });

  it("ignores columns it does not know, and blank headers", () => {
    expect(columnsOf(["nhs_number", "Usual GP", "given_name", "", "family_name", "date_of_birth"], "canonical")).toEqual([
      "nhs_number",
      null,
      "given_name",
      null,
      "family_name",
      "date_of_birth",
    ]);
  });

  it("does not take export headers unless a preset is chosen", () => {
    expect(errorOf(["NHS Number", "Forename", "Surname", "Date of Birth"], "canonical")).toBe(
      'The file has no "nhs_number" column (NHS number).',
    );
  });

  it.each([
    ["nhs_number", "NHS number"],
    ["given_name", "given name"],
    ["family_name", "family name"],
    ["date_of_birth", "date of birth"],
  ] as const)("names a missing %s column", (missing, described) => {
    const header = REQUIRED_COLUMNS.filter((column) => column !== missing);
    expect(errorOf([...header, "email"], "canonical")).toBe(`The file has no "${missing}" column (${described}).`);
  });

  it("refuses an empty header, naming the first required column", () => {
    expect(errorOf([], "canonical")).toBe('The file has no "nhs_number" column (NHS number).');
  });

  it("refuses two headers feeding one column, naming both as written", () => {
    expect(errorOf(["nhs_number", "given_name", "family_name", "Family_Name ", "date_of_birth"], "canonical")).toBe(
      'Both "family_name" and "Family_Name" give the family_name column.',
    );
  });
});

describe("resolveColumns: EMIS Web preset", () => {
  it("maps a typical EMIS export", () => {
    const header = [
      "\uFEFFNHS Number",
      "Surname",
      "Forename",
      "Date of Birth",
      "Address Line 1",
      "Address Line 2",
      "Address Line 3",
      "Address Line 4",
      "Postcode",
      "Email Address",
      "Mobile Telephone",
      "Contact Is Private",
      "Deceased",
      "Online Account",
      "Latest 104",
      "Latest 106",
      "Latest 103",
      "Usual GP",
    ];
    expect(columnsOf(header, "emis")).toEqual([
      "nhs_number",
      "family_name",
      "given_name",
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
      null,
    ]);
  });

  it.each<[string, CanonicalColumn]>([
    ["Given Name", "given_name"],
    ["First Names", "given_name"],
    ["DOB", "date_of_birth"],
    ["Mobile Number", "mobile"],
    ["  date  OF   birth ", "date_of_birth"],
    ["nhs number", "nhs_number"],
  ])("maps %j to %s", (header, column) => {
    expect(columnsOf(withRequired("emis", header, column), "emis").at(-1)).toBe(column);
  });

  it("still takes canonical names", () => {
    expect(columnsOf(["nhs_number", "Surname", "given_name", "DOB", "email"], "emis")).toEqual([
      "nhs_number",
      "family_name",
      "given_name",
      "date_of_birth",
      "email",
    ]);
  });

  it("refuses two headers for the given name", () => {
    expect(errorOf(["NHS Number", "Forename", "Given Name", "Surname", "DOB"], "emis")).toBe(
      'Both "Forename" and "Given Name" give the given_name column.',
    );
  });

  it("refuses an export header alongside the canonical name for the same column", () => {
    expect(errorOf(["NHS Number", "nhs_number", "Forename", "Surname", "DOB"], "emis")).toBe(
      'Both "NHS Number" and "nhs_number" give the nhs_number column.',
    );
  });

  it.each([
    ["nhs_number", "NHS number", "NHS Number"],
    ["given_name", "given name", "Forename"],
    ["family_name", "family name", "Surname"],
    ["date_of_birth", "date of birth", "Date of Birth"],
  ] as const)("names a missing %s column and the header that would supply it", (missing, described, usual) => {
    const header = ["NHS Number", "Forename", "Surname", "Date of Birth"].filter((cell) => cell !== usual);
    expect(errorOf(header, "emis")).toBe(`The file has no "${missing}" column (${described}): expected a header such as "${usual}".`);
  });

  it("does not take SystmOne-only headers", () => {
    // "Email" is not here: it is the canonical name "email" in another case.
    expect(columnsOf(["NHS Number", "Forename", "Surname", "DOB", "Address 1", "Address 4"], "emis").slice(4)).toEqual([null, null]);
  });
});

describe("resolveColumns: SystmOne preset", () => {
  it("maps a typical SystmOne export", () => {
    const header = ["NHS Number", "First Names", "Surname", "Date of Birth", "Address 1", "Address 2", "Address 3", "Address 4", "Postcode", "Email", "Mobile Number", "Deceased"];
    expect(columnsOf(header, "systmone")).toEqual([
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
      "deceased",
    ]);
  });

  it.each<[string, CanonicalColumn]>([
    ["Forename", "given_name"],
    ["Address Line 1", "address_line_1"],
    ["Address Line 4", "address_line_4"],
    ["Email Address", "email"],
    ["Mobile Telephone", "mobile"],
    ["LATEST 104", "latest_104"],
    ["online_account", "online_account"],
  ])("maps %j to %s", (header, column) => {
    expect(columnsOf(withRequired("systmone", header, column), "systmone").at(-1)).toBe(column);
  });

  it("refuses both Address 1 and Address Line 1", () => {
    expect(errorOf(["NHS Number", "First Names", "Surname", "Date of Birth", "Address 1", "Address Line 1"], "systmone")).toBe(
      'Both "Address 1" and "Address Line 1" give the address_line_1 column.',
    );
  });

  it("names the SystmOne header for a missing given name", () => {
    expect(errorOf(["NHS Number", "Surname", "Date of Birth"], "systmone")).toBe(
      'The file has no "given_name" column (given name): expected a header such as "First Names".',
    );
  });

  it("does not take EMIS-only headers", () => {
    expect(errorOf(["NHS Number", "First Names", "Surname", "DOB"], "systmone")).toBe(
      'The file has no "date_of_birth" column (date of birth): expected a header such as "Date of Birth".',
    );
  });
});

describe("resolveColumns: mapped", () => {
  const map = { "Patient ID": "nhs_number", "CHRISTIAN NAME": "given_name", "Last name": "family_name", Born: "date_of_birth", "E-mail": "email" };

  it("maps headers through the column map, case-insensitively, and still takes canonical names", () => {
    expect(columnsOf(["patient id", "Christian Name", " last  NAME ", "born", "e-mail", "mobile", "Other"], "mapped", map)).toEqual([
      "nhs_number",
      "given_name",
      "family_name",
      "date_of_birth",
      "email",
      "mobile",
      null,
    ]);
  });

  it("accepts a target column written in another case", () => {
    expect(columnsOf(["id", "given_name", "family_name", "date_of_birth"], "mapped", { ID: " NHS_Number " })[0]).toBe("nhs_number");
  });

  it("refuses a map naming a column the import does not have", () => {
    expect(errorOf(["a"], "mapped", { a: "nhs_no" })).toBe('The column map sends "a" to "nhs_no", which is not an import column.');
  });

  it("refuses a map giving one header two columns", () => {
    expect(errorOf(["a"], "mapped", { Surname: "family_name", SURNAME: "given_name" })).toBe(
      'The column map gives the header "SURNAME" two different columns.',
    );
  });

  it("refuses a mapped header that collides with a canonical name", () => {
    expect(errorOf(["Patient ID", "nhs_number", "given_name", "family_name", "date_of_birth"], "mapped", map)).toBe(
      'Both "Patient ID" and "nhs_number" give the nhs_number column.',
    );
  });

  it("names a required column the map does not supply", () => {
    expect(errorOf(["Patient ID", "CHRISTIAN NAME", "Last name"], "mapped", map)).toBe(
      'The file has no "date_of_birth" column (date of birth), and the column map names no header for it.',
    );
  });

  it("needs a map", () => {
    expect(errorOf([...REQUIRED_COLUMNS], "mapped")).toBe("The mapped format needs a column map.");
  });

  it("ignores a map under the other formats", () => {
    expect(columnsOf([...REQUIRED_COLUMNS, "Born"], "canonical", { Born: "date_of_birth" }).at(-1)).toBeNull();
  });
});

describe("resolveColumns: every error is one short sentence", () => {
  const long = "x".repeat(10_000);
  it.each<[string, string[], ImportFormat, Record<string, string>]>([
    ["a duplicate with enormous headers", [long, long], "mapped", { [long]: "nhs_number" }],
    ["an unknown map target", ["a"], "mapped", { [long]: long }],
    ...ALL_FORMATS.map((format): [string, string[], ImportFormat, Record<string, string>] => [`a missing column (${format})`, ["x"], format, {}]),
  ])("%s", (_why, header, format, map) => {
    const error = errorOf(header, format, map);
    expect(error).toMatch(/^[A-Z][^\n]*\.$/);
    expect(error.length).toBeLessThanOrEqual(160);
  });
});

describe("looksSemicolonDelimited", () => {
  it.each([
    ["nhs_number;given_name;family_name;date_of_birth", true],
    ['"NHS Number";"Forename";"Surname"', true],
    ['"Surname, Forename";"NHS Number"', true],
    ["nhs_number,given_name,family_name,date_of_birth", false],
    ['nhs_number,"Notes; misc",family_name', false],
    ['"a;b"', false],
    ["nhs_number", false],
    ["", false],
    ["a;b,c", false],
  ])("%j → %s", (line, expected) => {
    expect(looksSemicolonDelimited(line)).toBe(expected);
  });
});
