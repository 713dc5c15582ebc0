import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticPatients } from "../../app/domain/synthetic-patients";
import { setLargePrint, viewPatient } from "../../app/services/patient-record.server";
import { addPractice } from "../../app/services/practices.server";
import { seedPractice } from "../../app/services/seed.server";
import type { StaffContext } from "../../app/services/staff-session.server";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

describe("viewing a patient's details", () => {
  let db: TestDatabase;
  let contextOfA: StaffContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    for (const ods of ["A81001", "B82002"]) {
      await addPractice({ odsCode: ods, name: `Surgery ${ods}`, clinicalSystem: "emis" });
      await seedPractice({ odsCode: ods, patients: 20 });
    }
    const [practice] = await db.admin<{ id: string }[]>`select id from practices where ods_code = 'A81001'`;
    const [user] = await db.admin<{ id: string }[]>`insert into staff_users (email, name, status) values ('r@example.org', 'Rhian', 'active') returning id`;
    contextOfA = {
      sessionTokenHash: "x",
      user: { id: user!.id, name: "Rhian", email: "r@example.org" },
      practice: { id: practice!.id, odsCode: "A81001", name: "Surgery A81001", clinicalSystem: "emis", goLiveDate: null },
      role: "reception",
      memberships: [],
      developmentMail: false,
    };
  });
  afterAll(() => db.drop());

  it("shows the record, formatted NHS number accepted, and audits the look with the patient as subject", async () => {
    const [patient] = syntheticPatients({ seed: "A81001", count: 1 });
    const spaced = `${patient!.nhsNumber.slice(0, 3)} ${patient!.nhsNumber.slice(3, 6)} ${patient!.nhsNumber.slice(6)}`;
    const lookup = await viewPatient(contextOfA, spaced);
    expect(lookup).toMatchObject({ kind: "found", patient: { nhsNumber: patient!.nhsNumber, familyName: patient!.familyName } });
    const events = await db.admin`
      select a.action, a.subject_type, p.nhs_number from audit_events a join patients p on p.id::text = a.subject_id
      where a.action = 'patient.viewed'`;
    expect(events).toEqual([{ action: "patient.viewed", subject_type: "patient", nhs_number: patient!.nhsNumber }]);
  });

  it("finds nobody of another practice, and audits nothing then", async () => {
    const [other] = syntheticPatients({ seed: "B82002", count: 1 });
    expect(await viewPatient(contextOfA, other!.nhsNumber)).toEqual({ kind: "not-found" });
    expect(await viewPatient(contextOfA, "12345")).toEqual({ kind: "invalid" });
    const [count] = await db.admin<{ n: number }[]>`select count(*)::int as n from audit_events where action = 'patient.viewed'`;
    expect(count!.n).toBe(1);
  });

  it("records that a patient's letters go in large print, audited, and only for this practice's patients", async () => {
    const [patient] = syntheticPatients({ seed: "A81001", count: 2 }).slice(1);
    expect(await setLargePrint(contextOfA, patient!.nhsNumber, true)).toBe(true);
    expect(await viewPatient(contextOfA, patient!.nhsNumber)).toMatchObject({ kind: "found", patient: { largePrint: true } });
    const [other] = syntheticPatients({ seed: "B82002", count: 1 });
    expect(await setLargePrint(contextOfA, other!.nhsNumber, true)).toBe(false);
    const [row] = await db.admin<{ large_print: boolean }[]>`select large_print from patients where nhs_number = ${other!.nhsNumber}`;
    expect(row!.large_print).toBe(false);
    const audit = await db.admin`select summary from audit_events where action = 'patient.large-print-set'`;
    expect(audit).toEqual([{ summary: { nhsNumber: patient!.nhsNumber, largePrint: true } }]);
  });
});
