import type { Executor } from "../../db/executor.server";
import { withPractice } from "../../db/tenancy.server";
import { parseStaffSearch, type StaffSearchProblem } from "../domain/staff-search";
import { appendAuditEvent } from "../models/audit.server";
import { searchPatients, type FoundPatient } from "../models/patients.server";
import type { StaffContext } from "./staff-session.server";

// Staff finding a patient on the list to link a request to, or to enter a
// request for. Every search is audited: it looks people up by name.

export const PATIENT_SEARCH_LIMIT = 20;

export type PatientStanding = "registered" | "deregistered" | "deceased";

export interface PatientCandidate {
  id: string;
  name: string;
  givenName: string;
  familyName: string;
  nhsNumber: string;
  dateOfBirth: string;
  postcode: string | null;
  address: string | null;
  /** Only a registered, living patient can have a request linked or entered. */
  standing: PatientStanding;
}

export type PatientSearchProblem = StaffSearchProblem | "reference";

export type PatientSearchResult =
  | { ok: true; patients: PatientCandidate[]; /** More matched than are listed. */ more: boolean }
  | { ok: false; problem: PatientSearchProblem };

export function toCandidate(patient: FoundPatient): PatientCandidate {
  return {
    id: patient.id,
    name: `${patient.givenName} ${patient.familyName}`,
    givenName: patient.givenName,
    familyName: patient.familyName,
    nhsNumber: patient.nhsNumber,
    dateOfBirth: patient.dateOfBirth,
    postcode: patient.postcode,
    address: patient.addressLine1,
    standing: patient.deceased ? "deceased" : patient.registration === "registered" ? "registered" : "deregistered",
  };
}

/** Why a request cannot be linked to, or entered for, this patient; null when it can. */
export function whyNotForRequests(patient: { givenName: string; familyName: string; deceased: boolean; registration: string }): string | null {
  const name = `${patient.givenName} ${patient.familyName}`;
  if (patient.deceased) return `${name} is recorded as deceased: a request cannot be linked to them.`;
  if (patient.registration !== "registered") return `${name} is no longer registered at the practice: a request cannot be linked to them.`;
  return null;
}

/** Searches inside the caller's transaction; `about` says why, for the audit trail. */
export async function searchPatientsAudited(
  tx: Executor,
  context: StaffContext,
  text: string,
  about: { requestId?: string; purpose: "link-request" | "enter-request" },
): Promise<PatientSearchResult> {
  const parsed = parseStaffSearch(text);
  if (!parsed.ok) return parsed;
  if (parsed.search.kind === "reference") return { ok: false, problem: "reference" };
  const practiceId = context.practice.id;
  const rows = await searchPatients(tx, practiceId, parsed.search, PATIENT_SEARCH_LIMIT + 1);
  await appendAuditEvent(tx, {
    practiceId,
    actorId: context.user.id,
    actorRole: context.role,
    action: "patients.searched",
    subjectType: about.requestId ? "request" : undefined,
    subjectId: about.requestId,
    summary: { search: parsed.search, purpose: about.purpose, found: Math.min(rows.length, PATIENT_SEARCH_LIMIT), more: rows.length > PATIENT_SEARCH_LIMIT },
  });
  return { ok: true, patients: rows.slice(0, PATIENT_SEARCH_LIMIT).map(toCandidate), more: rows.length > PATIENT_SEARCH_LIMIT };
}

export async function findPatients(context: StaffContext, text: string, purpose: "link-request" | "enter-request"): Promise<PatientSearchResult> {
  return withPractice(context.practice.id, (tx) => searchPatientsAudited(tx, context, text, { purpose }));
}
