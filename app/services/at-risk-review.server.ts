import { withPractice } from "../../db/tenancy.server";
import type { AtRiskFilter, AtRiskOutcome } from "../domain/at-risk-review";
import { ukLocalDay } from "../domain/calendar";
import { can } from "../domain/permissions";
import { appendAuditEvent } from "../models/audit.server";
import { getAtRiskReview, listAtRiskReviews, listLatest104Days, upsertAtRiskReview } from "../models/at-risk-review.server";
import { patientsWithAccessStates } from "./access-states.server";
import type { StaffContext } from "./staff-session.server";

export interface AtRiskPatient {
  patientId: string;
  nhsNumber: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  /** The day the latest 104 was recorded; null when only a portal decision asked for it. */
  recorded104On: string | null;
  review: { outcome: AtRiskOutcome; reviewedAt: Date; reviewedByName: string; note: string | null } | null;
}

/**
 * The practice's 104 list: patients in the programme whose effective state
 * is enhanced-review, each with their current review. Sorted by name.
 */
export async function listAtRiskPatients(practiceId: string, now: Date): Promise<AtRiskPatient[]> {
  const everyone = await patientsWithAccessStates(practiceId, ukLocalDay(now));
  const [reviews, recorded104] = await withPractice(practiceId, (tx) =>
    Promise.all([listAtRiskReviews(tx, practiceId), listLatest104Days(tx, practiceId)]),
  );
  const reviewOf = new Map(reviews.map((r) => [r.patientId, r]));
  return everyone
    .filter((p) => p.eligible && p.state === "enhanced-review")
    .map((p) => {
      const review = reviewOf.get(p.id);
      return {
        patientId: p.id,
        nhsNumber: p.nhsNumber,
        givenName: p.givenName,
        familyName: p.familyName,
        dateOfBirth: p.dateOfBirth,
        recorded104On: recorded104.get(p.id) ?? null,
        review: review
          ? { outcome: review.outcome, reviewedAt: review.reviewedAt, reviewedByName: review.reviewedByName, note: review.note }
          : null,
      };
    })
    .sort((a, b) => a.familyName.localeCompare(b.familyName, "en-GB") || a.givenName.localeCompare(b.givenName, "en-GB") || a.nhsNumber.localeCompare(b.nhsNumber));
}

export function filterAtRiskPatients(patients: readonly AtRiskPatient[], filter: AtRiskFilter): AtRiskPatient[] {
  if (filter === "all") return [...patients];
  if (filter === "unreviewed") return patients.filter((p) => p.review === null);
  return patients.filter((p) => p.review?.outcome === filter);
}

/** The whole 104 list for the page; only clinicians may see it. */
export async function viewAtRiskList(context: StaffContext, now: Date) {
  if (!can(context.role, "review-at-risk-list")) return { ok: false as const, kind: "refused" as const };
  return { ok: true as const, patients: await listAtRiskPatients(context.practice.id, now) };
}

export type ReviewResult =
  | { ok: true; patient: { givenName: string; familyName: string }; outcome: AtRiskOutcome }
  | { ok: false; kind: "refused" | "not-on-list" };

/**
 * A clinician's verdict on one patient on the 104 list, replacing any
 * earlier one. Each change is audited in the same transaction.
 */
export async function reviewAtRiskPatient(
  context: StaffContext,
  input: { patientId: string; outcome: AtRiskOutcome; note: string | null },
  now: Date,
): Promise<ReviewResult> {
  if (!can(context.role, "review-at-risk-list")) return { ok: false, kind: "refused" };
  const practiceId = context.practice.id;
  // Only someone the list shows now: a patient whose 104 has since been
  // lifted, or who left the practice, is not reviewed by a stale page.
  const patient = (await listAtRiskPatients(practiceId, now)).find((p) => p.patientId === input.patientId);
  if (!patient) return { ok: false, kind: "not-on-list" };
  await withPractice(practiceId, async (tx) => {
    const previous = await getAtRiskReview(tx, practiceId, input.patientId);
    await upsertAtRiskReview(tx, {
      practiceId,
      patientId: input.patientId,
      outcome: input.outcome,
      reviewedBy: context.user.id,
      reviewedAt: now,
      note: input.note,
    });
    await appendAuditEvent(tx, {
      practiceId,
      actorId: context.user.id,
      actorRole: context.role,
      action: "at-risk.reviewed",
      subjectType: "patient",
      subjectId: input.patientId,
      summary: { outcome: input.outcome, previousOutcome: previous?.outcome ?? null, note: input.note },
    });
  });
  return { ok: true, patient: { givenName: patient.givenName, familyName: patient.familyName }, outcome: input.outcome };
}
