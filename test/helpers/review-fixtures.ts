import { expect } from "vitest";
import { ukLocalDay } from "../../app/domain/calendar";
import { nhsCheckDigit } from "../../app/domain/nhs-number";
import type { StaffRole } from "../../app/domain/roles";
import type { DecisionDraft } from "../../app/domain/access-decision";
import { replaceCodedEntries, upsertPatients } from "../../app/models/patients.server";
import { insertRequest, insertRequestSubmission } from "../../app/models/requests.server";
import { insertMembership, insertStaffUser } from "../../app/models/staff.server";
import { storeSubmission } from "../../app/services/patient-requests.server";
import { addPractice } from "../../app/services/practices.server";
import { takeReviewStep, type ReviewResult, type ReviewStep } from "../../app/services/request-steps.server";
import type { StaffContext } from "../../app/services/staff-session.server";
import { withPractice } from "../../db/tenancy.server";
import type { TestDatabase } from "./test-database";

// A practice with one member of staff in each role, its patients and their requests, for tests
// that take requests through the review services against a real database. Everything is written
// through the application's own models and services; the test reads back underneath with `admin`.

export type ReviewPractice = StaffContext["practice"] & {
  staff: Record<StaffRole, StaffContext>;
  as(role: StaffRole): StaffContext;
};

const STAFF_NAMES: Record<StaffRole, string> = {
  reception: "Rita Reception",
  clinician: "Dr Clare Clinician",
  manager: "Mo Manager",
};

/**
 * A practice (EMIS, live since 31 October 2023 unless `goLiveDate` says otherwise) with a
 * receptionist, a clinician and a manager.
 */
export async function addReviewPractice(odsCode: string, name: string, { goLiveDate = "2023-10-31" }: { goLiveDate?: string } = {}): Promise<ReviewPractice> {
  const added = await addPractice({ odsCode, name, clinicalSystem: "emis", goLiveDate });
  if (!added.ok) throw new Error(added.error);
  const practice: StaffContext["practice"] = { id: added.practice.id, odsCode, name, clinicalSystem: "emis", goLiveDate };
  const staff = {} as Record<StaffRole, StaffContext>;
  for (const role of Object.keys(STAFF_NAMES) as StaffRole[]) {
    const email = `${role}@${odsCode.toLowerCase()}.example.org`;
    const user = await withPractice(practice.id, async (tx) => {
      const inserted = await insertStaffUser(tx, { email, name: STAFF_NAMES[role] });
      await insertMembership(tx, { staffUserId: inserted.id, practiceId: practice.id, role, acceptedAt: new Date() });
      return inserted;
    });
    staff[role] = { sessionTokenHash: "unused", user: { id: user.id, name: STAFF_NAMES[role], email }, practice, role, memberships: [], developmentMail: false };
  }
  return { ...practice, staff, as: (role) => staff[role] };
}

let nhsSeed = 943_476_000;
/** A valid NHS number not used before in this process. */
export function nextNhsNumber(): string {
  for (;;) {
    const firstNine = String(nhsSeed++);
    const check = nhsCheckDigit(firstNine);
    if (check !== null) return `${firstNine}${check}`;
  }
}

export interface PatientFields {
  givenName?: string;
  familyName?: string;
  dateOfBirth?: string;
  email?: string | null;
  contactIsPrivate?: boolean;
  onlineAccount?: boolean;
  /** The coded history, as a clinical-system import gives it. */
  codes?: { code: "103" | "104" | "106"; on: string }[];
}

export interface AddedPatient {
  id: string;
  nhsNumber: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  /** The fields the patient was added with, so that a later import can send them again. */
  fields: PatientFields;
}

/** The patient's row as a clinical-system import brings it. */
async function importPatientRow(practiceId: string, nhsNumber: string, fields: PatientFields): Promise<Omit<AddedPatient, "fields">> {
  const patient = {
    nhsNumber,
    givenName: fields.givenName ?? "Ada",
    familyName: fields.familyName ?? "Lovelace",
    dateOfBirth: fields.dateOfBirth ?? "1970-01-01",
  };
  const ids = await withPractice(practiceId, (tx) =>
    upsertPatients(tx, [
      {
        practiceId,
        ...patient,
        addressLine1: "1 High Street",
        postcode: "LS1 4AB",
        email: fields.email === undefined ? "ada@example.org" : fields.email,
        contactIsPrivate: fields.contactIsPrivate ?? false,
        onlineAccount: fields.onlineAccount ?? true,
      },
    ]),
  );
  return { id: ids.get(nhsNumber)!, ...patient };
}

export async function addPatient(practiceId: string, fields: PatientFields = {}): Promise<AddedPatient> {
  const added = await importPatientRow(practiceId, nextNhsNumber(), fields);
  if (fields.codes?.length) await recordCodes(practiceId, added.id, fields.codes);
  return { ...added, fields };
}

/**
 * The patient as a later clinical-system import shows them, with `changes` (a corrected date of
 * birth, say); their coded history is left as it was.
 */
export async function reimportPatient(practiceId: string, patient: AddedPatient, changes: Omit<PatientFields, "codes">): Promise<AddedPatient> {
  const fields = { ...patient.fields, ...changes };
  const row = await importPatientRow(practiceId, patient.nhsNumber, fields);
  if (row.id !== patient.id) throw new Error("a re-import made a new patient");
  return { ...row, fields };
}

/** The patient's whole coded history as a later clinical-system import shows it (it replaces what was there). */
export async function recordCodes(practiceId: string, patientId: string, codes: { code: "103" | "104" | "106"; on: string }[]): Promise<void> {
  await withPractice(practiceId, (tx) =>
    replaceCodedEntries(
      tx,
      practiceId,
      [patientId],
      codes.map((c) => ({ practiceId, patientId, code: c.code, recordedOn: c.on, source: "import" as const })),
    ),
  );
}

/**
 * A request from a matched patient, arriving as the online form stores one (storeSubmission): the
 * sticky "had an active 104" is set and "request received" queued exactly as in the app.
 */
export async function receiveRequest(
  practiceId: string,
  patientId: string,
  kind: "opt-out" | "opt-in" | "withdraw-opt-out",
  answers: Record<string, string> = {},
  now = new Date(),
): Promise<{ requestId: string; reference: string; joined: boolean }> {
  return withPractice(practiceId, (tx) =>
    storeSubmission(tx, { practiceId, kind, match: { kind: "full", patientId }, channel: "personal-link", answers, now }),
  );
}

let referenceSeq = 0;
/**
 * A request placed straight in a state (a fixture, not an arrival: no message, no flag but the one
 * given), with one submission holding `answers` as typed.
 */
export async function placeRequest(
  practiceId: string,
  fields: {
    kind: "opt-out" | "opt-in" | "withdraw-opt-out";
    state: "identity-check" | "triage" | "clinician-review" | "counselling";
    patientId: string | null;
    reference?: string;
    answers?: Record<string, string>;
    receivedAt?: Date;
  },
): Promise<string> {
  const reference = fields.reference ?? `RQ-TEST-${String(++referenceSeq).padStart(4, "0")}`;
  return withPractice(practiceId, async (tx) => {
    const requestId = await insertRequest(tx, {
      practiceId,
      reference,
      kind: fields.kind,
      state: fields.state,
      patientId: fields.patientId,
      identityMatch: fields.patientId ? "full" : "none",
      channel: "online-form",
      receivedAt: fields.receivedAt,
    });
    if (!requestId) throw new Error(`reference ${reference} taken`);
    await insertRequestSubmission(tx, {
      practiceId,
      requestId,
      receivedAt: fields.receivedAt,
      answers: {
        answers: fields.answers ?? {},
        channel: "online-form",
        shownReference: reference,
        identity: { match: fields.patientId ? "full" : "none", candidateIds: [], reasons: [] },
      },
    });
    return requestId;
  });
}

/** What a database reader sees of a request and its decisions, messages and audit trail. */
export function requestReader(db: TestDatabase) {
  const reader = {
    async request(requestId: string) {
      const [row] = await db.admin<{ state: string; version: number; had_active_104: boolean }[]>`
        select state, version, had_active_104 from requests where id = ${requestId}`;
      return row!;
    },
    async version(requestId: string) {
      return (await reader.request(requestId)).version;
    },
    decisions(requestId: string) {
      return db.admin<
        {
          id: string;
          outcome: string;
          code_to_enter: string | null;
          access_level: string | null;
          had_active_104: boolean;
          counselled_on: string | null;
          counselling_method: string | null;
          counselling_held_by: string | null;
          reason: string | null;
          outcome_message_id: string | null;
          superseded_at: Date | null;
          superseded_reason: string | null;
          actioned_at: Date | null;
        }[]
      >`
        select id, outcome, code_to_enter, access_level, had_active_104, counselled_on::text, counselling_method, counselling_held_by,
               reason, outcome_message_id, superseded_at, superseded_reason, actioned_at
        from decisions where request_id = ${requestId} order by decided_at, superseded_at nulls last`;
    },
    messages(requestId: string) {
      return db.admin<{ id: string; template_key: string; channel: string; to_address: string | null; status: string }[]>`
        select id, template_key::text, channel::text, to_address, status::text from messages where request_id = ${requestId} order by created_at, id`;
    },
    /** The outcome messages only: what the patient is told of the decision. */
    async outcomeMessages(requestId: string) {
      return (await reader.messages(requestId)).filter((m) => m.template_key.startsWith("outcome-"));
    },
    async auditActions(requestId: string) {
      const rows = await db.admin<{ action: string; actor_role: string }[]>`
        select action, actor_role from audit_events where subject_type = 'request' and subject_id = ${requestId} order by id`;
      return rows.map((r) => `${r.actor_role}:${r.action}`);
    },
    async lastAudit(requestId: string, action: string) {
      const [row] = await db.admin<{ summary: Record<string, unknown> }[]>`
        select summary from audit_events where subject_id = ${requestId} and action = ${action} order by id desc limit 1`;
      return row?.summary ?? null;
    },
  };
  return reader;
}

/** Takes a step at the request's current version, as the page would after loading it. */
export async function stepNow(db: TestDatabase, context: StaffContext, requestId: string, step: ReviewStep, now = new Date()): Promise<ReviewResult> {
  const version = await requestReader(db).version(requestId);
  return takeReviewStep(context, { requestId, version, step }, now);
}

/** As stepNow, and the step must succeed. */
export async function mustStep(db: TestDatabase, context: StaffContext, requestId: string, step: ReviewStep, now = new Date()): Promise<void> {
  expect(await stepNow(db, context, requestId, step, now), `${step.kind} by ${context.role}`).toEqual({ ok: true });
}

/** A decision as the form sends it: nothing but the outcome and how identity was confirmed. */
export function draft(outcome: DecisionDraft["outcome"], extra: Partial<DecisionDraft> = {}): DecisionDraft {
  return { outcome, identityMethod: "record-match", counselling: null, reason: null, otherAccessLevel: null, notes: null, ...extra };
}

/** A full counselling record held on `on`. */
export function counselledOn(on: string, heldBy = "Dr Clare Clinician"): NonNullable<DecisionDraft["counselling"]> {
  return { on, method: "phone", heldBy, note: "Talked through what the record holds and who might see it." };
}

/** The UK day `days` after (or before, when negative) `now`'s. */
export function dayFrom(now: Date, days: number): string {
  return ukLocalDay(new Date(now.getTime() + days * 86_400_000));
}

/** The date of birth of someone who is `years` old exactly on `day` (born on that day of the year). */
export function bornYearsBefore(day: string, years: number): string {
  const [year, month, date] = day.split("-");
  // Born on 29 February: a day that exists in every year is close enough for these tests.
  const safeDate = month === "02" && date === "29" ? "28" : date;
  return `${String(Number(year) - years).padStart(4, "0")}-${month}-${safeDate}`;
}
