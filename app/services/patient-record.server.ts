import { withPractice } from "../../db/tenancy.server";
import { effectiveAccessState, type AccessState } from "../domain/access-state";
import { ukLocalDay } from "../domain/calendar";
import { CODES, type CodeKey } from "../domain/codes";
import { isEligible } from "../domain/eligibility";
import { parseNhsNumber } from "../domain/nhs-number";
import { appendAuditEvent } from "../models/audit.server";
import { listDecisionEffectsOfPatient } from "../models/decisions.server";
import { getPatientByNhsNumber, listCodedEntriesOfPatient, updatePatientLargePrint } from "../models/patients.server";
import { buildHistories } from "./access-states.server";
import type { StaffContext } from "./staff-session.server";
import { addressLines } from "../domain/postal-address";

export interface PatientRecord {
  nhsNumber: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  address: string[];
  email: string | null;
  mobile: string | null;
  contactIsPrivate: boolean;
  deceased: boolean;
  registered: boolean;
  onlineAccount: boolean;
  /** Letters to this patient are printed in large print (a reasonable adjustment staff record). */
  largePrint: boolean;
  state: AccessState;
  enhancedReview: boolean;
  eligible: boolean;
  codes: { code: CodeKey; term: string; recorded: string }[];
}

export type PatientLookup = { kind: "found"; patient: PatientRecord } | { kind: "not-found" } | { kind: "invalid" };

/**
 * A patient's details and effective access state, for staff of their
 * practice. Every look that finds someone is audited, in the same
 * transaction as the read.
 */
export async function viewPatient(context: StaffContext, nhsNumberInput: string, now = new Date()): Promise<PatientLookup> {
  const nhs = parseNhsNumber(nhsNumberInput);
  if (!nhs.ok) return { kind: "invalid" };
  return withPractice(context.practice.id, async (tx) => {
    const patient = await getPatientByNhsNumber(tx, context.practice.id, nhs.value);
    if (!patient) return { kind: "not-found" as const };
    const entries = await listCodedEntriesOfPatient(tx, context.practice.id, patient.id);
    const decisions = await listDecisionEffectsOfPatient(tx, context.practice.id, patient.id);
    await appendAuditEvent(tx, {
      practiceId: context.practice.id,
      actorId: context.user.id,
      actorRole: context.role,
      action: "patient.viewed",
      subjectType: "patient",
      subjectId: patient.id,
      summary: { nhsNumber: patient.nhsNumber },
    });
    const history = buildHistories(entries.map((e) => ({ ...e, patientId: patient.id })), decisions).get(patient.id);
    const access = effectiveAccessState(history ?? { entries: [] });
    return {
      kind: "found" as const,
      patient: {
        nhsNumber: patient.nhsNumber,
        givenName: patient.givenName,
        familyName: patient.familyName,
        dateOfBirth: patient.dateOfBirth,
        address: [...addressLines(patient), ...(patient.postcode ? [patient.postcode] : [])],
        email: patient.email,
        mobile: patient.mobile,
        contactIsPrivate: patient.contactIsPrivate,
        deceased: patient.deceased,
        registered: patient.registration === "registered",
        onlineAccount: patient.onlineAccount,
        largePrint: patient.largePrint,
        ...access,
        eligible: isEligible(
          { dateOfBirth: patient.dateOfBirth, deceased: patient.deceased, registered: patient.registration === "registered" },
          ukLocalDay(now),
        ),
        codes: entries.map((e) => ({
          code: e.code,
          term: CODES[e.code].term,
          recorded: e.recordedAt ? e.recordedAt.toISOString() : e.recordedOn,
        })),
      },
    };
  });
}

/**
 * Records whether letters to the patient are printed in large print. The import never changes it:
 * it is the practice's note of a reasonable adjustment. Audited.
 */
export async function setLargePrint(context: StaffContext, nhsNumberInput: string, largePrint: boolean): Promise<boolean> {
  const nhs = parseNhsNumber(nhsNumberInput);
  if (!nhs.ok) return false;
  return withPractice(context.practice.id, async (tx) => {
    const patient = await getPatientByNhsNumber(tx, context.practice.id, nhs.value);
    if (!patient) return false;
    await updatePatientLargePrint(tx, context.practice.id, patient.id, largePrint);
    await appendAuditEvent(tx, {
      practiceId: context.practice.id,
      actorId: context.user.id,
      actorRole: context.role,
      action: "patient.large-print-set",
      subjectType: "patient",
      subjectId: patient.id,
      summary: { nhsNumber: patient.nhsNumber, largePrint },
    });
    return true;
  });
}
