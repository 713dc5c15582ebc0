import { count } from "drizzle-orm";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAuditEvent, checkAuditChain, listAuditActions, listAuditEvents } from "../../app/models/audit.server";
import { listDecisionEffects } from "../../app/models/decisions.server";
import {
  countPatients,
  getPatientIdByNhsNumber,
  listCodedEntries,
  listPatientsForAccessState,
} from "../../app/models/patients.server";
import type { Practice } from "../../app/models/practices.server";
import { searchAuditTrail } from "../../app/services/audit.server";
import { addPractice } from "../../app/services/practices.server";
import { seedPractice } from "../../app/services/seed.server";
import { changeStaffRole, listStaff, setStaffDisabled } from "../../app/services/staff-admin.server";
import type { StaffContext } from "../../app/services/staff-session.server";
import type { Executor } from "../../db/executor.server";
import { codedEntries, patients } from "../../db/schema";
import { withoutPractice, withPractice } from "../../db/tenancy.server";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

const PATIENTS_EACH = 50;

/** The PostgreSQL error a piece of work fails with, unwrapped from drizzle's DrizzleQueryError. */
async function postgresError(work: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await work;
  } catch (error) {
    return (error instanceof DrizzleQueryError ? error.cause : error) as { code?: string; message: string };
  }
  throw new Error("PostgreSQL accepted what it should have refused.");
}

interface Tenant {
  practice: Practice;
  /** A manager: the person acting, for practice A. */
  manager: { id: string; name: string; email: string };
  /** Someone else on the team. */
  colleague: { id: string; name: string; email: string };
  codedEntries: number;
  nhsNumber: string;
}

describe("tenancy: one practice never sees or changes another's rows", () => {
  let db: TestDatabase;
  let a: Tenant;
  let b: Tenant;
  let contextOfA: StaffContext;

  async function addTenant(odsCode: string, name: string): Promise<Tenant> {
    const added = await addPractice({ odsCode, name, clinicalSystem: "emis" });
    if (!added.ok) throw new Error(added.error);
    const seeded = await seedPractice({ odsCode, patients: PATIENTS_EACH });
    if (!seeded.ok) throw new Error(seeded.error);
    const addStaff = async (email: string, staffName: string, role: "manager" | "reception") => {
      const [user] = await db.admin<{ id: string; name: string; email: string }[]>`
        insert into staff_users (email, name, status) values (${email}, ${staffName}, 'active') returning id, name, email`;
      await db.admin`insert into staff_memberships (staff_user_id, practice_id, role)
                     values (${user!.id}, ${added.practice.id}, ${role})`;
      return user!;
    };
    const manager = await addStaff(`manager@${odsCode.toLowerCase()}.example.nhs.uk`, `${name} Manager`, "manager");
    const colleague = await addStaff(`reception@${odsCode.toLowerCase()}.example.nhs.uk`, `${name} Receptionist`, "reception");
    // A decided request, so that decisions hold rows for this practice too.
    const [patient] = await db.admin<{ id: string; nhs_number: string }[]>`
      select id, nhs_number from patients where practice_id = ${added.practice.id} order by nhs_number limit 1`;
    const [request] = await db.admin<{ id: string }[]>`
      insert into requests (practice_id, reference, kind, state, patient_id, identity_match, channel)
      values (${added.practice.id}, ${`REF-${odsCode}`}, 'opt-in', 'decided', ${patient!.id}, 'full', 'online-form') returning id`;
    await db.admin`
      insert into decisions (practice_id, request_id, patient_id, outcome, code_to_enter, access_level, identity_method, decided_by)
      values (${added.practice.id}, ${request!.id}, ${patient!.id}, 'granted', '106', 'prospective-record', 'photo-id', ${manager.id})`;
    // Audit events of its own, written as the application writes them.
    for (const action of ["test.imported", "test.reviewed", "test.exported"]) {
      await withPractice(added.practice.id, (tx) =>
        appendAuditEvent(tx, {
          practiceId: added.practice.id,
          actorId: manager.id,
          actorRole: "manager",
          action: `${action}.${odsCode}`,
          subjectType: "patient",
          subjectId: patient!.id,
        }),
      );
    }
    return { practice: added.practice, manager, colleague, codedEntries: seeded.codedEntries, nhsNumber: patient!.nhs_number };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await addTenant("A81001", "Aire Valley Surgery");
    b = await addTenant("B82002", "Beck Side Practice");
    contextOfA = {
      sessionTokenHash: "not-used-by-these-services",
      user: a.manager,
      practice: {
        id: a.practice.id,
        odsCode: a.practice.odsCode,
        name: a.practice.name,
        clinicalSystem: a.practice.clinicalSystem,
        goLiveDate: a.practice.goLiveDate,
      },
      role: "manager",
      memberships: [
        { practiceId: a.practice.id, odsCode: a.practice.odsCode, practiceName: a.practice.name, role: "manager", disabled: false },
      ],
      developmentMail: false,
    };
  });
  afterAll(() => db.drop());

  describe("row-level security alone", () => {
    it("shows a practice only its own patients and coded entries, with no filter in the query", async () => {
      const seen = await withPractice(a.practice.id, async (tx) => ({
        patients: await tx.select().from(patients),
        codedEntries: await tx.select().from(codedEntries),
      }));
      expect(seen.patients).toHaveLength(PATIENTS_EACH);
      expect(new Set(seen.patients.map((p) => p.practiceId))).toEqual(new Set([a.practice.id]));
      expect(seen.codedEntries).toHaveLength(a.codedEntries);
      expect(new Set(seen.codedEntries.map((c) => c.practiceId))).toEqual(new Set([a.practice.id]));

      // Both practices really do have rows underneath.
      const [all] = await db.admin<{ patients: number; coded: number }[]>`
        select (select count(*)::int from patients) as patients, (select count(*)::int from coded_entries) as coded`;
      expect(all).toEqual({ patients: 2 * PATIENTS_EACH, coded: a.codedEntries + b.codedEntries });
    });

    it("shows nothing at all to a transaction acting for no practice", async () => {
      // Run on every pooled connection, after each has acted for a practice.
      await Promise.all([1, 2, 3, 4].map(() => withPractice(b.practice.id, (tx) => tx.select({ n: count() }).from(patients))));
      const seen = await Promise.all(
        [1, 2, 3, 4].map(() =>
          withoutPractice(async (tx) => ({
            patients: (await tx.select({ n: count() }).from(patients))[0]!.n,
            codedEntries: (await tx.select({ n: count() }).from(codedEntries))[0]!.n,
          })),
        ),
      );
      expect(seen).toEqual(Array(4).fill({ patients: 0, codedEntries: 0 }));
    });

    it("refuses to write a row for another practice, or to move a row to one", async () => {
      const inserted = await postgresError(
        withPractice(a.practice.id, (tx) =>
          tx.insert(patients).values({
            practiceId: b.practice.id,
            nhsNumber: "9434765919",
            givenName: "Smuggled",
            familyName: "Patient",
            dateOfBirth: "1970-01-01",
          }),
        ),
      );
      expect(inserted.message).toBe('new row violates row-level security policy for table "patients"');

      const moved = await postgresError(
        withPractice(a.practice.id, (tx) => tx.update(patients).set({ practiceId: b.practice.id })),
      );
      expect(moved.message).toBe('new row violates row-level security policy for table "patients"');

      // An unfiltered update or delete touches only the practice's own rows.
      const renamed = await withPractice(a.practice.id, (tx) =>
        tx.update(patients).set({ familyName: "Renamed" }).returning({ id: patients.id }),
      );
      expect(renamed).toHaveLength(PATIENTS_EACH);
      const [counts] = await db.admin<{ renamed_a: number; renamed_b: number; smuggled: number; in_b: number }[]>`
        select count(*) filter (where family_name = 'Renamed' and practice_id = ${a.practice.id})::int as renamed_a,
               count(*) filter (where family_name = 'Renamed' and practice_id = ${b.practice.id})::int as renamed_b,
               count(*) filter (where given_name = 'Smuggled')::int as smuggled,
               count(*) filter (where practice_id = ${b.practice.id})::int as in_b
        from patients`;
      expect(counts).toEqual({ renamed_a: PATIENTS_EACH, renamed_b: 0, smuggled: 0, in_b: PATIENTS_EACH });
    });
  });

  describe("model functions given the wrong practice's id", () => {
    // Every model function that takes a practice id, asked for B's rows.
    const readsOfB = (tx: Executor) =>
      Promise.all([
        listPatientsForAccessState(tx, b.practice.id),
        listCodedEntries(tx, b.practice.id),
        listDecisionEffects(tx, b.practice.id),
        countPatients(tx, b.practice.id),
        getPatientIdByNhsNumber(tx, b.practice.id, b.nhsNumber),
        listAuditEvents(tx, b.practice.id, {}, 1000),
        listAuditActions(tx, b.practice.id),
        checkAuditChain(tx, b.practice.id),
      ]).then(([accessState, coded, decisions, patientCount, patientId, events, actions, chain]) => ({
        accessState: accessState.length,
        coded: coded.length,
        decisions: decisions.length,
        patientCount,
        patientId,
        events: events.length,
        actions,
        chain,
      }));

    it("return B's rows when acting for B", async () => {
      const seen = await withPractice(b.practice.id, readsOfB);
      expect(seen).toEqual({
        accessState: PATIENTS_EACH,
        coded: b.codedEntries,
        decisions: 1,
        patientCount: PATIENTS_EACH,
        patientId: expect.any(String),
        events: 3,
        actions: ["test.exported.B82002", "test.imported.B82002", "test.reviewed.B82002"],
        chain: { rows: 3, firstBroken: null },
      });
    });

    it("return nothing when acting for A, so a model bug passing the wrong id leaks nothing", async () => {
      const seen = await withPractice(a.practice.id, readsOfB);
      expect(seen).toEqual({
        accessState: 0,
        coded: 0,
        decisions: 0,
        patientCount: 0,
        patientId: null,
        events: 0,
        actions: [],
        chain: { rows: 0, firstBroken: null },
      });
    });
  });

  describe("services acting for a manager of A", () => {
    const stateOfB = async () => {
      const [membership] = await db.admin<{ role: string; disabled_at: Date | null }[]>`
        select role, disabled_at from staff_memberships
        where staff_user_id = ${b.manager.id} and practice_id = ${b.practice.id}`;
      const [sessions] = await db.admin<{ n: number }[]>`
        select count(*)::int as n from staff_sessions where staff_user_id = ${b.manager.id}`;
      const [events] = await db.admin<{ n: number }[]>`select count(*)::int as n from audit_events`;
      return { membership, sessions: sessions!.n, auditEvents: events!.n };
    };

    it("lists only A's team", async () => {
      const staff = await listStaff(contextOfA);
      expect(staff.map((s) => s.id).sort()).toEqual([a.manager.id, a.colleague.id].sort());
    });

    it("refuses to change the role of, or disable, someone who works only for B, and changes nothing", async () => {
      await db.admin`insert into staff_sessions (token_hash, staff_user_id, stage, practice_id, expires_at)
                     values ('session-of-b-manager', ${b.manager.id}, 'signed-in', ${b.practice.id}, now() + interval '1 hour')`;
      const before = await stateOfB();
      expect(before).toMatchObject({ membership: { role: "manager", disabled_at: null }, sessions: 1 });

      expect(await changeStaffRole(contextOfA, b.manager.id, "reception")).toEqual({
        ok: false,
        error: "That person does not work for this practice.",
      });
      expect(await setStaffDisabled(contextOfA, b.manager.id, true)).toEqual({
        ok: false,
        error: "That person does not work for this practice.",
      });
      expect(await stateOfB()).toEqual(before);

      // The same calls do work on A's own team, so the refusal above is about B.
      expect(await changeStaffRole(contextOfA, a.colleague.id, "clinician")).toMatchObject({ ok: true });
      const [changed] = await db.admin<{ role: string }[]>`
        select role from staff_memberships where staff_user_id = ${a.colleague.id}`;
      expect(changed!.role).toBe("clinician");
    });

    it("searches only A's audit trail", async () => {
      const idsOfA = (await db.admin<{ id: string }[]>`
        select id from audit_events where practice_id = ${a.practice.id} order by id desc`).map((r) => Number(r.id));
      const [eventsOfB] = await db.admin<{ n: number }[]>`
        select count(*)::int as n from audit_events where practice_id = ${b.practice.id}`;
      expect(eventsOfB!.n).toBeGreaterThan(0);

      const result = await searchAuditTrail(contextOfA, {});
      expect(result.events.map((e) => e.id)).toEqual(idsOfA);
      expect(result.actions.every((action) => !action.includes("B82002"))).toBe(true);
      expect(result.actions).toContain("test.imported.A81001");
      expect(result.staff.map((s) => s.id).sort()).toEqual([a.manager.id, a.colleague.id].sort());

      // Asking about B's patient or B's manager finds nothing either.
      expect(await searchAuditTrail(contextOfA, { patient: b.nhsNumber })).toMatchObject({ events: [], patientNotFound: true });
      expect((await searchAuditTrail(contextOfA, { actorId: b.manager.id })).events).toEqual([]);
    });
  });
});
