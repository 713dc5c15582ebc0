import { withPractice } from "../../db/tenancy.server";
import { staffEntryContent } from "../content/staff-request-entry";
import { compareDays, ukLocalDay } from "../domain/calendar";
import { ageOn, PROGRAMME_MIN_AGE } from "../domain/eligibility";
import type { SafeContact } from "../domain/request-forms";
import type { RequestKind, StaffChannel, StaffIdentityCheck } from "../domain/request-workflow";
import { getPatientForReview } from "../models/request-review.server";
import { listPracticeStaff } from "../models/staff.server";
import { storeSubmission } from "./patient-requests.server";
import { canBeAssigned } from "./review-queue.server";
import { toCandidate, whyNotForRequests, type PatientCandidate } from "./patient-search.server";
import type { StaffContext } from "./staff-session.server";

// Requests staff take on a patient's behalf: by phone, on paper or at the
// desk (issue 7). Staff have found the patient on the list and checked who
// they are, so the request goes straight to triage and then follows the
// same workflow as one the patient sent.

/** A paper form can be entered some time after it arrived, but not months later. */
export const MAX_DAYS_SINCE_RECEIVED = 90;

export interface StaffRequestInput {
  patientId: string;
  kind: RequestKind;
  channel: StaffChannel;
  /** The member of staff who took the call, the form or the visit. */
  takenBy: string;
  /** The UK day it came in. */
  receivedOn: string;
  identityCheck: StaffIdentityCheck;
  /** For an opt-in: the safe way to reach the patient (and its number), asked in the online form's words. */
  safeContact?: SafeContact | null;
  /** What the patient asked for or said, in staff's words. */
  notes: string | null;
}

export type StaffRequestResult =
  | { ok: true; requestId: string; reference: string; /** Added to the patient's open request of the kind. */ joined: boolean }
  | { ok: false; field: "patientId" | "takenBy" | "receivedOn"; reason: string };

/**
 * Why a request for this patient cannot be entered here today, because of their age: the
 * sentence for staff, naming the patient, their age and the right route; null when it can.
 */
function outsideProgramme(patient: { givenName: string; familyName: string; dateOfBirth: string }, today: string, context: StaffContext): string | null {
  const age = ageOn(patient.dateOfBirth, today);
  if (age >= PROGRAMME_MIN_AGE) return null;
  return staffEntryContent.underProgrammeAge(`${patient.givenName} ${patient.familyName}`, age, context.practice.clinicalSystem);
}

/**
 * The patient a request is being entered for, or null when not on this practice's list; with,
 * for a child, why nothing can be entered for them here (so staff know before they type).
 */
export async function getPatientForStaffRequest(
  context: StaffContext,
  patientId: string,
  now = new Date(),
): Promise<(PatientCandidate & { outsideProgramme: string | null }) | null> {
  const patient = await withPractice(context.practice.id, (tx) => getPatientForReview(tx, context.practice.id, patientId));
  return patient ? { ...toCandidate(patient), outsideProgramme: outsideProgramme(patient, ukLocalDay(now), context) } : null;
}

/** The instant to record for a request received on `day`: now if today, otherwise midday that day. */
function receivedAtOf(day: string, now: Date): Date {
  return day === ukLocalDay(now) ? now : new Date(`${day}T12:00:00Z`);
}

export async function enterRequestForPatient(context: StaffContext, input: StaffRequestInput, now = new Date()): Promise<StaffRequestResult> {
  const practiceId = context.practice.id;
  const today = ukLocalDay(now);
  if (compareDays(input.receivedOn, today) > 0) return { ok: false, field: "receivedOn", reason: "The date it came in must be today or in the past." };
  const earliest = ukLocalDay(new Date(now.getTime() - MAX_DAYS_SINCE_RECEIVED * 86_400_000));
  if (compareDays(input.receivedOn, earliest) < 0) {
    return { ok: false, field: "receivedOn", reason: `The date it came in must be within the last ${MAX_DAYS_SINCE_RECEIVED} days.` };
  }
  return withPractice(practiceId, async (tx): Promise<StaffRequestResult> => {
    const patient = await getPatientForReview(tx, practiceId, input.patientId);
    if (!patient) return { ok: false, field: "patientId", reason: "That patient is not on this practice's list. Search again." };
    const refusal = whyNotForRequests(patient);
    if (refusal) return { ok: false, field: "patientId", reason: refusal };
    // Under-16s are outside the programme: nothing is recorded, and staff are sent to the clinical
    // system's own process. (The public form takes their requests like any other, so that it
    // never tells anyone who is registered; a decision on such a request is "outside the service".)
    const tooYoung = outsideProgramme(patient, today, context);
    if (tooYoung) return { ok: false, field: "patientId", reason: tooYoung };
    const staff = await listPracticeStaff(tx, practiceId);
    const takenBy = staff.find((m) => m.id === input.takenBy && canBeAssigned(m));
    if (!takenBy) return { ok: false, field: "takenBy", reason: "Choose who took the request: someone who works at this practice." };
    const stored = await storeSubmission(tx, {
      practiceId,
      kind: input.kind,
      match: { kind: "full", patientId: patient.id },
      channel: input.channel,
      answers: {
        identityCheck: input.identityCheck,
        ...(input.kind === "opt-in" && input.safeContact ? input.safeContact : {}),
        ...(input.notes ? { notes: input.notes } : {}),
      },
      now,
      staff: {
        actor: { id: context.user.id, role: context.role },
        takenBy: { id: takenBy.id, name: takenBy.name },
        enteredBy: { id: context.user.id, name: context.user.name },
        receivedAt: receivedAtOf(input.receivedOn, now),
      },
    });
    return { ok: true, requestId: stored.requestId, reference: stored.reference, joined: stored.joined };
  });
}
