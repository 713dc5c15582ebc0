import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { effectiveAccessState, type CodedEntry } from "../../app/domain/access-state";
import { isEligible } from "../../app/domain/eligibility";
import { recordedAtInstant, recordedOnDay } from "../../app/domain/recorded-at";
import { DEMO_PRACTICE, ensureDemoPractice } from "../../app/services/demo-practice.server";
import { addPractice } from "../../app/services/practices.server";
import { runCli } from "../helpers/run-command";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

interface StateRow {
  nhsNumber: string;
  state: string;
  enhancedReview: boolean;
  eligible: boolean;
}

const AS_OF = "2026-02-28";

describe("cli state", () => {
  let db: TestDatabase;
  const env = () => ({ DATABASE_URL: db.url });

  beforeAll(async () => {
    db = await createTestDatabase();
    await ensureDemoPractice(() => {});
  });
  afterAll(() => db.drop());

  it("prints, for the demo practice, exactly what the domain rules compute", async () => {
    const result = await runCli(["state", "--practice", DEMO_PRACTICE.odsCode, "--as-of", AS_OF, "--json"], env());
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as StateRow[];
    expect(printed).toHaveLength(DEMO_PRACTICE.patients);

    // Worked out here straight from the tables, with the domain function.
    const patients = await db.admin<{ id: string; nhs_number: string; date_of_birth: string; deceased: boolean; registration: string }[]>`
      select id, nhs_number, date_of_birth::text, deceased, registration from patients order by nhs_number`;
    const entries = await db.admin<{ patient_id: string; code: "104" | "106" | "103"; recorded_on: string; recorded_at: string | null }[]>`
      select patient_id, code, recorded_on::text, recorded_at from coded_entries`;
    const byPatient = new Map<string, CodedEntry[]>();
    for (const e of entries) {
      const list = byPatient.get(e.patient_id) ?? [];
      list.push({ code: e.code, recordedAt: e.recorded_at ? recordedAtInstant(new Date(e.recorded_at)) : recordedOnDay(e.recorded_on) });
      byPatient.set(e.patient_id, list);
    }
    const expected: StateRow[] = patients.map((p) => ({
      nhsNumber: p.nhs_number,
      ...effectiveAccessState({ entries: byPatient.get(p.id) ?? [] }),
      eligible: isEligible(
        { dateOfBirth: p.date_of_birth, deceased: p.deceased, registered: p.registration === "registered" },
        AS_OF,
      ),
    }));
    expect(printed).toEqual(expected);
    expect(new Set(printed.map((p) => p.state)).size).toBe(5);
  });

  it("gives the sample fixture's expected state, flag and eligibility for every patient", async () => {
    const expected = JSON.parse(readFileSync(new URL("../fixtures/patients-sample.expected.json", import.meta.url), "utf8")) as {
      asOf: string;
      ok: Record<string, { state: string; enhancedReview: boolean; eligible: boolean }>;
    };
    await addPractice({ odsCode: "B82002", name: "Fixture Surgery", clinicalSystem: "tpp" });
    const [practice] = await db.admin<{ id: string }[]>`select id from practices where ods_code = 'B82002'`;
    const lines = readFileSync(new URL("../fixtures/patients-sample.csv", import.meta.url), "utf8")
      .replace(/^\uFEFF/, "")
      .split(/\r?\n/)
      .filter(Boolean);
    const header = lines[0]!.split(",");
    for (const line of lines.slice(1)) {
      const row = Object.fromEntries(line.split(",").map((v, i) => [header[i], v]));
      if (!expected.ok[row.nhs_number!]) continue; // rows the import must reject
      const [patient] = await db.admin<{ id: string }[]>`
        insert into patients (practice_id, nhs_number, given_name, family_name, date_of_birth, deceased)
        values (${practice!.id}, ${row.nhs_number!}, ${row.given_name!}, ${row.family_name!}, ${row.date_of_birth!}, ${row.deceased === "Y"})
        returning id`;
      for (const code of ["104", "106", "103"] as const) {
        const day = row[`latest_${code}`];
        if (day) {
          await db.admin`insert into coded_entries (practice_id, patient_id, code, recorded_on, source)
                       values (${practice!.id}, ${patient!.id}, ${code}, ${day}, 'seed')`;
        }
      }
    }

    const result = await runCli(["state", "--practice", "B82002", "--as-of", expected.asOf, "--json"], env());
    expect(result.code).toBe(0);
    const printed = Object.fromEntries(
      (JSON.parse(result.stdout) as StateRow[]).map(({ nhsNumber, ...rest }) => [nhsNumber, rest]),
    );
    expect(printed).toEqual(expected.ok);
  });

  it("counts a decision no import has shown yet: a 106 to enter lifts a 104, a grant lifts a 103", async () => {
    await addPractice({ odsCode: "C83003", name: "Decision Surgery", clinicalSystem: "emis" });
    const [practice] = await db.admin<{ id: string }[]>`select id from practices where ods_code = 'C83003'`;
    const [staff] = await db.admin<{ id: string }[]>`
      insert into staff_users (email, name, status) values ('clin@example.org', 'Dr Test', 'active') returning id`;
    const addPatient = async (nhsNumber: string, code: "104" | "103") => {
      const [p] = await db.admin<{ id: string }[]>`
        insert into patients (practice_id, nhs_number, given_name, family_name, date_of_birth)
        values (${practice!.id}, ${nhsNumber}, 'Test', 'Patient', '1970-01-01') returning id`;
      await db.admin`insert into coded_entries (practice_id, patient_id, code, recorded_on, source)
                   values (${practice!.id}, ${p!.id}, ${code}, '2024-01-10', 'seed')`;
      return p!.id;
    };
    const decide = async (patientId: string, ref: string, outcome: "granted", code: "106" | null) => {
      const [request] = await db.admin<{ id: string }[]>`
        insert into requests (practice_id, reference, kind, state, patient_id, identity_match, channel)
        values (${practice!.id}, ${ref}, 'opt-in', 'decided', ${patientId}, 'full', 'online-form') returning id`;
      await db.admin`insert into decisions (practice_id, request_id, patient_id, outcome, code_to_enter, access_level, identity_method, decided_by, decided_at)
                   values (${practice!.id}, ${request!.id}, ${patientId}, ${outcome}, ${code}, 'prospective-record', 'photo-id', ${staff!.id}, '2024-03-01T12:00:00Z')`;
    };
    await decide(await addPatient("9434765919", "104"), "REF-1", "granted", "106");
    await decide(await addPatient("9434765870", "103"), "REF-2", "granted", null);

    const result = await runCli(["state", "--practice", "C83003", "--as-of", AS_OF, "--json"], env());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      { nhsNumber: "9434765870", state: "default", enhancedReview: false, eligible: true },
      { nhsNumber: "9434765919", state: "review-cleared", enhancedReview: false, eligible: true },
    ]);
  });

  it("refuses an unknown practice with one sentence on stderr, nothing on stdout, exit 1", async () => {
    const result = await runCli(["state", "--practice", "NOPE1", "--json"], env());
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("There is no practice with ODS code NOPE1.\n");
  });

  it("refuses an impossible --as-of date and an unknown flag the same way", async () => {
    const badDate = await runCli(["state", "--practice", "Y90001", "--as-of", "2026-02-30"], env());
    expect(badDate.code).toBe(1);
    expect(badDate.stderr).toBe('--as-of must be a real date written YYYY-MM-DD, not "2026-02-30".\n');
    const badFlag = await runCli(["state", "--practise", "Y90001"], env());
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr.trim().split("\n")).toHaveLength(1);
    expect(badFlag.stderr).toMatch(/--practise/);
  });

  it("adds a practice, and refuses a duplicate or a bad clinical system", async () => {
    const added = await runCli(["practice", "add", "--ods", "d84004", "--name", "Hill Surgery", "--system", "tpp", "--go-live", "2024-11-01", "--json"], env());
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toEqual({ odsCode: "D84004", name: "Hill Surgery", clinicalSystem: "tpp", goLiveDate: "2024-11-01" });
    const again = await runCli(["practice", "add", "--ods", "D84004", "--name", "Hill Surgery", "--system", "tpp"], env());
    expect(again).toMatchObject({ code: 1, stderr: "A practice with ODS code D84004 already exists.\n" });
    const badSystem = await runCli(["practice", "add", "--ods", "E85005", "--name", "X", "--system", "vision"], env());
    expect(badSystem).toMatchObject({ code: 1, stderr: "Clinical system must be emis or tpp.\n" });
  });
});
