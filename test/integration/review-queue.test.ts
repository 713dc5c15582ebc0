import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addPractice } from "../../app/services/practices.server";
import { openRequestQueue } from "../../app/services/review-queue.server";
import type { StaffContext } from "../../app/services/staff-session.server";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

const NOW = new Date("2026-11-21T12:00:00Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

describe("the review queue", () => {
  let db: TestDatabase;
  let context: StaffContext;
  let otherPracticeId = "";

  async function addRequest(practiceId: string, reference: string, fields: { kind: string; state: string; receivedAt: Date; patientId?: string | null }) {
    await db.admin`
      insert into requests (practice_id, reference, kind, state, patient_id, identity_match, channel, received_at)
      values (${practiceId}, ${reference}, ${fields.kind}, ${fields.state}, ${fields.patientId ?? null},
              ${fields.patientId ? "full" : "none"}, 'online-form', ${fields.receivedAt.toISOString()}::timestamptz)`;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    const a = await addPractice({ odsCode: "Q10001", name: "Queue Lane Surgery", clinicalSystem: "emis" });
    const b = await addPractice({ odsCode: "Q20002", name: "Other Practice", clinicalSystem: "tpp" });
    if (!a.ok || !b.ok) throw new Error("could not add practices");
    otherPracticeId = b.practice.id;
    const [patient] = await db.admin<{ id: string }[]>`
      insert into patients (practice_id, nhs_number, given_name, family_name, date_of_birth)
      values (${a.practice.id}, '9434765919', 'Ada', 'Lovelace', '1970-01-01') returning id`;
    await addRequest(a.practice.id, "RQ-NEWR-0001", { kind: "opt-out", state: "triage", receivedAt: daysAgo(1), patientId: patient!.id });
    await addRequest(a.practice.id, "RQ-OLDE-0002", { kind: "opt-in", state: "identity-check", receivedAt: daysAgo(20) });
    await addRequest(a.practice.id, "RQ-MIDL-0003", { kind: "withdraw-opt-out", state: "triage", receivedAt: daysAgo(5) });
    await addRequest(a.practice.id, "RQ-DONE-0004", { kind: "opt-out", state: "closed", receivedAt: daysAgo(30) });
    await addRequest(b.practice.id, "RQ-BBBB-0005", { kind: "opt-out", state: "triage", receivedAt: daysAgo(40) });
    context = {
      sessionTokenHash: "unused",
      user: { id: "00000000-0000-0000-0000-000000000000", name: "Rita Reception", email: "rita@example.org" },
      practice: { id: a.practice.id, odsCode: "Q10001", name: "Queue Lane Surgery", clinicalSystem: "emis", goLiveDate: null },
      role: "reception",
      memberships: [],
      developmentMail: false,
    };
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("lists this practice's open requests, oldest first, never another practice's or closed ones", async () => {
    const queue = await openRequestQueue(context, {}, NOW);
    expect(queue.items.map((i) => i.reference)).toEqual(["RQ-OLDE-0002", "RQ-MIDL-0003", "RQ-NEWR-0001"]);
    expect(queue.total).toBe(3);
    expect(queue.countsByState).toMatchObject({ triage: 2, "identity-check": 1, decided: 0 });
    expect(JSON.stringify(queue)).not.toContain(otherPracticeId);
  });

  it("shows how long each has waited, marks those past the practice's target, and names only matched patients", async () => {
    const queue = await openRequestQueue(context, {}, NOW);
    const byReference = Object.fromEntries(queue.items.map((i) => [i.reference, i]));
    expect(queue.targetDays).toBe(14);
    expect(byReference["RQ-OLDE-0002"]).toMatchObject({ waitingDays: 20, overdue: true, patient: null });
    expect(byReference["RQ-MIDL-0003"]).toMatchObject({ waitingDays: 5, overdue: false });
    expect(byReference["RQ-NEWR-0001"]!.patient).toEqual({ name: "Ada Lovelace", nhsNumber: "9434765919" });
  });

  it("filters by kind and by state; the counts still cover every open request", async () => {
    expect((await openRequestQueue(context, { kind: "opt-in" }, NOW)).items.map((i) => i.reference)).toEqual(["RQ-OLDE-0002"]);
    const triage = await openRequestQueue(context, { state: "triage" }, NOW);
    expect(triage.items.map((i) => i.reference)).toEqual(["RQ-MIDL-0003", "RQ-NEWR-0001"]);
    expect(triage.total).toBe(3);
  });

  it("lists the queue fifty at a time, oldest first, with the count of all that match", async () => {
    for (let i = 0; i < 60; i++) {
      await addRequest(context.practice.id, `RQ-PAGE-${String(i).padStart(4, "2").replace(/[01]/g, "3")}${i}`, { kind: "opt-in", state: "triage", receivedAt: daysAgo(10 + i / 100) });
    }
    const first = await openRequestQueue(context, { kind: "opt-in" }, NOW);
    const second = await openRequestQueue(context, { kind: "opt-in", page: 2 }, NOW);
    expect(first.matching).toBe(61);
    expect(first.items).toHaveLength(50);
    expect(first.items[0]!.reference).toBe("RQ-OLDE-0002");
    expect(second.firstShown).toBe(51);
    expect(second.items).toHaveLength(11);
    expect(new Set([...first.items, ...second.items].map((i) => i.id)).size).toBe(61);
  });
});
