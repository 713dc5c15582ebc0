import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listAccessStates } from "../../app/services/access-states.server";
import { importPatientList, type ImportInput } from "../../app/services/patient-import.server";
import { addPractice } from "../../app/services/practices.server";
import { runCli } from "../helpers/run-command";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

const FIXTURE = new URL("../fixtures/patients-sample.csv", import.meta.url);
const expected = JSON.parse(readFileSync(new URL("../fixtures/patients-sample.expected.json", import.meta.url), "utf8")) as {
  asOf: string;
  ok: Record<string, { state: string; enhancedReview: boolean; eligible: boolean }>;
  rejected: { row: number; field: string }[];
  warnings: { row: number; field: string }[];
};
const NOW = new Date("2026-02-28T12:00:00Z");
const HEADER = "nhs_number,given_name,family_name,date_of_birth,postcode,email,latest_104,latest_106,latest_103";

// Valid NHS numbers from the 999 test range, for files written here.
const NHS: readonly string[] = ["9434765919", "9434765870", "9990000018", "9990000026", "9990000034", "9990000042", "9990000050", "9990000069", "9990000077", "9990000085"];

describe("importing a patient list", () => {
  let db: TestDatabase;
  let dir: string;
  let ods = 0;
  let practice = "";

  const file = (name: string, content: string | Buffer) => {
    const filePath = path.join(dir, name);
    writeFileSync(filePath, content);
    return filePath;
  };
  const run = (filePath: string, extra: Partial<ImportInput> = {}) =>
    importPatientList({ odsCode: practice, filePath, format: "canonical", actor: { id: null, role: "cli" }, now: NOW, ...extra });
  const patients = () => db.admin`select p.nhs_number, p.given_name, p.family_name, p.email, p.registration, p.updated_at from patients p
    join practices pr on pr.id = p.practice_id where pr.ods_code = ${practice} order by p.nhs_number`;
  const rows = (lines: string[]) => [HEADER, ...lines].join("\r\n") + "\r\n";
  const person = (i: number, extra = "") => `${NHS[i]},Given${i},Family${i},1970-01-0${(i % 9) + 1},LS1 4AP,p${i}@example.org${extra || ",,,"}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(path.join(os.tmpdir(), "portal-import-"));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });
  beforeEach(async () => {
    practice = `T${String(10000 + ++ods)}`;
    await addPractice({ odsCode: practice, name: `Import ${practice}`, clinicalSystem: "emis" });
  });

  it("turns the sample fixture into exactly the expected states, rejections and warnings", async () => {
    const result = await run(FIXTURE.pathname);
    if (!result.ok) throw new Error(result.error);
    expect(result.outcome.rejected.map(({ row, field }) => ({ row, field }))).toEqual(expected.rejected);
    expect(result.outcome.warnings.map(({ row, field }) => ({ row, field }))).toEqual(expected.warnings);
    expect(result.outcome).toMatchObject({ committed: true, inserted: Object.keys(expected.ok).length, updated: 0, deregistered: 0 });
    const states = await listAccessStates(practice, expected.asOf);
    if (!states.ok) throw new Error(states.error);
    expect(Object.fromEntries(states.patients.map(({ nhsNumber, ...rest }) => [nhsNumber, rest]))).toEqual(expected.ok);
  });

  it("prints the documented JSON from the CLI, and changes nothing when the same file comes again", async () => {
    const first = await runCli(["import", "--practice", practice, "--json", FIXTURE.pathname], { DATABASE_URL: db.url });
    expect(first.code).toBe(0);
    const printed = JSON.parse(first.stdout);
    expect(Object.keys(printed)).toEqual(expect.arrayContaining(["inserted", "updated", "unchanged", "deregistered", "rejected", "warnings"]));
    expect(printed.rejected[0]).toEqual({
      row: 12,
      field: "nhs_number",
      message: expect.stringContaining("9991824708"),
      problem: "The NHS number is not valid: its check digit is wrong.",
    });
    expect(printed).toMatchObject({ rejectedTotal: 2, warningsTotal: 1 });
    const before = await patients();
    const again = await runCli(["import", "--practice", practice, "--json", FIXTURE.pathname], { DATABASE_URL: db.url });
    expect(JSON.parse(again.stdout)).toMatchObject({ inserted: 0, updated: 0, unchanged: 18, deregistered: 0 });
    expect(await patients()).toEqual(before);
    const [imports] = await db.admin`select count(*)::int as n, count(distinct file_sha256)::int as hashes from imports`;
    expect(imports).toMatchObject({ hashes: 1 });
    const [audited] = await db.admin`select count(*)::int as n from audit_events where action = 'patients.imported'`;
    expect(audited!.n).toBeGreaterThanOrEqual(2);
  });

  it("updates only the changed patients, including changed codes, and deregisters (keeps) the missing", async () => {
    await run(file("v1.csv", rows([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => person(i)))));
    const second = await run(
      file("v2.csv", rows([
        person(0).replace("p0@example.org", "new@example.org"),
        person(1, ",2024-01-10,,"),
        ...[2, 3, 4, 5, 6, 7, 8].map((i) => person(i)),
      ])),
    );
    expect(second).toMatchObject({ ok: true, outcome: { inserted: 0, updated: 2, unchanged: 7, deregistered: 1 } });
    const after = await patients();
    expect(after.find((p) => p.nhs_number === NHS[9])!.registration).toBe("deregistered");
    expect(after.find((p) => p.nhs_number === NHS[0])!.email).toBe("new@example.org");
    const states = await listAccessStates(practice, "2026-02-28");
    expect(states.ok && states.patients.find((p) => p.nhsNumber === NHS[1])?.state).toBe("enhanced-review");
    expect(states.ok && states.patients.find((p) => p.nhsNumber === NHS[9])?.eligible).toBe(false);
  });

  it("refuses, changing nothing, a file that would deregister more than 20% — unless told to allow it", async () => {
    await run(file("all.csv", rows([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => person(i)))));
    const half = file("half.csv", rows([0, 1, 2, 3, 4].map((i) => person(i))));
    const refused = await run(half);
    expect(refused).toEqual({
      ok: false,
      reason: "shrink",
      error: "This file would mark 5 of the 10 registered patients (50%) as no longer registered, more than 20%: check it is the whole list.",
    });
    const cli = await runCli(["import", "--practice", practice, half], { DATABASE_URL: db.url });
    expect(cli).toMatchObject({ code: 1, stderr: `${refused.ok ? "" : refused.error} To import it anyway, add --allow-shrink.\n` });
    expect((await patients()).every((p) => p.registration === "registered")).toBe(true);
    expect(await run(half, { allowShrink: true })).toMatchObject({ ok: true, outcome: { deregistered: 5 } });
  });

  it("rejects every row sharing an NHS number, and never deregisters a patient whose row was rejected", async () => {
    await run(file("first.csv", rows([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => person(i)))));
    const result = await run(
      file("dups.csv", rows([
        ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => person(i)),
        person(8).replace("Family8", "Twin"),
        person(8),
        person(9).replace("1970-01-01", "2099-01-01"),
      ])),
    );
    if (!result.ok) throw new Error(result.error);
    expect(result.outcome.rejected.map(({ row, field }) => ({ row, field }))).toEqual([
      { row: 10, field: "nhs_number" },
      { row: 11, field: "nhs_number" },
      { row: 12, field: "date_of_birth" },
    ]);
    expect(result.outcome.rejected[0]!.message).toBe("The NHS number is also on row 11, so none of these rows was imported.");
    expect(result.outcome.deregistered).toBe(0);
    expect((await patients()).find((p) => p.nhs_number === NHS[8])!.family_name).toBe("Family8");
  });

  it("reads quoted commas and line breaks, CRLF, and Windows-1252 text from older exports", async () => {
    const quoted = `${HEADER.replace("postcode", "address_line_1,postcode")}\r\n${NHS[0]},"Mary, Ann","O'Brien",1970-01-01,"Flat 2,\r\n1 High Street",LS1 4AP,,,,\r\n`;
    expect(await run(file("quoted.csv", quoted))).toMatchObject({ ok: true, outcome: { inserted: 1, rejected: [] } });
    const [mary] = await db.admin`select given_name, address_line_1 from patients where nhs_number = ${NHS[0]!} and practice_id = (select id from practices where ods_code = ${practice})`;
    expect(mary).toEqual({ given_name: "Mary, Ann", address_line_1: "Flat 2,\r\n1 High Street" });

    const latin1 = Buffer.concat([Buffer.from(`${HEADER}\r\n${NHS[1]},Zo`), Buffer.from([0xeb]), Buffer.from(`,N${String.fromCharCode(250)}ñez,1970-01-01,LS1 4AP,,,,\r\n`, "latin1")]);
    expect(await run(file("cp1252.csv", latin1), { allowShrink: true })).toMatchObject({ ok: true, outcome: { inserted: 1, deregistered: 1 } });
    const [zoe] = await db.admin`select given_name, family_name from patients where nhs_number = ${NHS[1]!} and practice_id = (select id from practices where ods_code = ${practice})`;
    expect(zoe).toEqual({ given_name: "Zoë", family_name: "Núñez" });
  });

  it.each([
    ["an empty file", "", "The patient file is empty."],
    ["a binary file", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), "The patient file is not a CSV text file: it contains binary data."],
    ["a header and no patients", `${HEADER}\r\n`, "The patient file has a header row but no patients."],
    ["a missing required header", "nhs_number,given_name,date_of_birth\r\n9434765919,Ann,1970-01-01\r\n", /family_name/],
    ["a semicolon-delimited file", "nhs_number;given_name;family_name;date_of_birth\r\n9434765919;Ann;Lee;1970-01-01\r\n", "The patient file uses semicolons between values: export it again as comma-separated CSV."],
    ["an unclosed quote", `${HEADER}\r\n${NHS[0]},"Ann,Lee,1970-01-01,,,,,\r\n`, /row 2/],
    ["10 MB in one field", `${HEADER}\r\n${NHS[0]},${"x".repeat(10 * 1024 * 1024)},Lee,1970-01-01,,,,,\r\n`, /^Row 2 of the patient file is longer than 64 KB/],
    ["a row of nothing but commas", `${HEADER}\r\n${person(0)}\r\n${",".repeat(1024 * 1024)}\r\n`, /^Row 3 of the patient file is longer than 64 KB/],
    ["a file with no line breaks", `${HEADER},${"x,".repeat(100_000)}`, /^Row 1 of the patient file is longer than 64 KB/],
    ["a quoted value never closed", `${HEADER}\r\n${person(0)}\r\n${NHS[1]},"${"x\r\n".repeat(50_000)}`, /^Row 3 of the patient file is longer than 64 KB/],
  ])("refuses %s with one sentence, changing nothing", async (_name, content, message) => {
    await run(file("base.csv", rows([person(0)])));
    const before = await patients();
    const [importsBefore] = await db.admin`select count(*)::int as n from imports`;
    const result = await run(file("bad.csv", content));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe("file");
    if (typeof message === "string") expect(result.error).toBe(message);
    else expect(result.error).toMatch(message);
    expect(result.error.split("\n")).toHaveLength(1);
    expect(await patients()).toEqual(before);
    const [importsAfter] = await db.admin`select count(*)::int as n from imports`;
    expect(importsAfter!.n).toBe(importsBefore!.n);
    const [refusal] = await db.admin`select summary->>'reason' as reason from audit_events where action = 'patients.import-refused' order by id desc limit 1`;
    expect(refusal!.reason).toBe(result.error);
  });

  it("numbers rows past a long run of empty lines as before, the empty lines not counted and not making the next row long", async () => {
    const result = await run(file("gaps.csv", `${HEADER}\r\n${person(0)}\r\n${"\r\n".repeat(70_000)}${person(1).replace("1970-01-02", "no date")}\r\n\r\n`));
    expect(result).toMatchObject({ ok: true, outcome: { inserted: 1, rejectedTotal: 1, rejected: [{ row: 3, field: "date_of_birth" }] } });
  });

  it("reads EMIS and SystmOne headers through their presets, and any export through a column map", async () => {
    const emis = `NHS Number,Forename,Surname,Date of Birth,Postcode,Email Address\r\n${NHS[0]},Ann,Lee,17/05/1980,ls14ap,ann@example.org\r\n`;
    expect(await run(file("emis.csv", emis), { format: "emis" })).toMatchObject({ ok: true, outcome: { inserted: 1 } });
    const systmone = `NHS Number,First Names,Surname,Date of Birth,Postcode\r\n${NHS[0]},Ann,Lee,17-May-1980,LS1 4AP\r\n`;
    expect(await run(file("s1.csv", systmone), { format: "systmone" })).toMatchObject({ ok: true, outcome: { unchanged: 0, updated: 1 } });
    const odd = `Patient Id,First,Last,Born\r\n${NHS[0]},Ann,Lee,1980-05-17\r\n`;
    const mapped = await run(file("odd.csv", odd), { columnMap: { "Patient Id": "nhs_number", First: "given_name", Last: "family_name", Born: "date_of_birth" } });
    expect(mapped).toMatchObject({ ok: true });
    const [ann] = await db.admin`select postcode, date_of_birth::text from patients where nhs_number = ${NHS[0]!} and practice_id = (select id from practices where ods_code = ${practice})`;
    expect(ann).toEqual({ postcode: null, date_of_birth: "1980-05-17" });
  });

  it("takes coded history from a long-format codes file, counting other codes and ignoring them", async () => {
    const list = file("list.csv", rows([0, 1, 2].map((i) => person(i))));
    const codes = file(
      "codes.csv",
      [
        "nhs_number,code,recorded_at",
        `${NHS[0]},1364731000000104,2024-01-10 09:30`,
        `${NHS[0]},1364751000000106,2024-01-10 14:00`,
        `${NHS[1]},1290331000000103,05-Oct-2023`,
        `${NHS[2]},123456789,2024-01-01`,
        `9990000093,1364731000000104,2024-01-01`,
      ].join("\n"),
    );
    const result = await run(list, { codesFilePath: codes });
    expect(result).toMatchObject({ ok: true, outcome: { inserted: 3, ignoredCodes: 2 } });
    const states = await listAccessStates(practice, "2026-02-28");
    if (!states.ok) throw new Error(states.error);
    expect(states.patients.map((p) => [p.nhsNumber, p.state])).toEqual(
      expect.arrayContaining([[NHS[0], "review-cleared"], [NHS[1], "declined"], [NHS[2], "default"]]),
    );
  });

  it("with --dry-run reports what would change and changes nothing", async () => {
    const result = await runCli(["import", "--practice", practice, "--dry-run", "--json", FIXTURE.pathname], { DATABASE_URL: db.url });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ inserted: 18, dryRun: true });
    expect(await patients()).toEqual([]);
  });

  it("refuses an unknown practice or a missing file in one sentence with exit code 1", async () => {
    const unknown = await runCli(["import", "--practice", "ZZ999", FIXTURE.pathname], { DATABASE_URL: db.url });
    expect(unknown).toMatchObject({ code: 1, stdout: "", stderr: "There is no practice with ODS code ZZ999.\n" });
    const missing = await runCli(["import", "--practice", practice, "/no/such/file.csv"], { DATABASE_URL: db.url });
    expect(missing).toMatchObject({ code: 1, stderr: "The patient file could not be found or opened.\n" });
  });
});
