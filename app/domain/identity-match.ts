// Matching a patient who identifies themselves to a patient on the list
// (DESIGN §2 "Identity"). A request is linked to a patient only on a full
// match: the NHS number, when given, and the date of birth, family name and
// postcode all agree, with exactly one patient on the list. Anything less is
// for staff to check; nothing is ever applied on a partial match.

import { normalisePostcode } from "./postcode";

export interface ClaimedIdentity {
  nhsNumber: string | null;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  postcode: string;
}

export interface ListedPatient {
  id: string;
  nhsNumber: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  postcode: string | null;
}

export type IdentityMatch =
  | { kind: "full"; patientId: string }
  /** Someone on the list agrees on some details: staff see which, and decide. */
  | { kind: "partial"; candidateIds: string[]; reasons: string[] }
  | { kind: "none" };

/**
 * Names compared as people write them differently: case, accents, spaces,
 * hyphens and apostrophes do not count ("O'Brien" = "obrien", "Zoë" = "Zoe").
 */
export function normaliseName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, "");
}

export type Agreement = "agrees" | "differs" | "not-given";
export const COMPARED_FIELDS = ["nhsNumber", "dateOfBirth", "familyName", "postcode"] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

/** Field by field, whether a claim agrees with a patient on the list: what staff check before linking. */
export function compareIdentity(claimed: ClaimedIdentity, patient: ListedPatient): Record<ComparedField, Agreement> {
  const agreesIf = (same: boolean): Agreement => (same ? "agrees" : "differs");
  return {
    nhsNumber: claimed.nhsNumber === null ? "not-given" : agreesIf(claimed.nhsNumber === patient.nhsNumber),
    dateOfBirth: agreesIf(claimed.dateOfBirth === patient.dateOfBirth),
    familyName: agreesIf(normaliseName(claimed.familyName) === normaliseName(patient.familyName)),
    postcode: agreesIf(patient.postcode !== null && normalisePostcode(claimed.postcode) === normalisePostcode(patient.postcode)),
  };
}

function agreement(claimed: ClaimedIdentity, patient: ListedPatient): Record<ComparedField, boolean> {
  const compared = compareIdentity(claimed, patient);
  return Object.fromEntries(COMPARED_FIELDS.map((field) => [field, compared[field] === "agrees"])) as Record<ComparedField, boolean>;
}

const FIELD_LABELS = { nhsNumber: "NHS number", dateOfBirth: "date of birth", familyName: "family name", postcode: "postcode" } as const;

/** `candidates` are the patients sharing the NHS number, or the date of birth, with the claim. */
export function matchIdentity(claimed: ClaimedIdentity, candidates: readonly ListedPatient[]): IdentityMatch {
  const scored = candidates.map((patient) => ({ patient, agrees: agreement(claimed, patient) }));
  const full = scored.filter(
    ({ agrees }) => agrees.dateOfBirth && agrees.familyName && agrees.postcode && (claimed.nhsNumber === null || agrees.nhsNumber),
  );
  if (full.length === 1) return { kind: "full", patientId: full[0]!.patient.id };

  const partial = scored.filter(({ agrees }) => agrees.nhsNumber || (agrees.dateOfBirth && (agrees.familyName || agrees.postcode)));
  if (partial.length === 0) return { kind: "none" };
  const reasons = new Set<string>();
  if (full.length > 1) reasons.add("More than one patient has these details.");
  for (const { agrees } of partial) {
    const differing = (Object.keys(FIELD_LABELS) as (keyof typeof FIELD_LABELS)[]).filter(
      (field) => !agrees[field] && !(field === "nhsNumber" && claimed.nhsNumber === null),
    );
    if (differing.length > 0) reasons.add(`The ${differing.map((f) => FIELD_LABELS[f]).join(", ")} did not match.`);
  }
  return { kind: "partial", candidateIds: partial.map(({ patient }) => patient.id), reasons: [...reasons] };
}
