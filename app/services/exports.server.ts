import { withPractice, withoutPractice } from "../../db/tenancy.server";
import { ukLocalDay } from "../domain/calendar";
import { CODES } from "../domain/codes";
import { toCsv } from "../domain/csv-out";
import { can } from "../domain/permissions";
import { appendAuditEvent } from "../models/audit.server";
import { listPendingClinicalSystemActions } from "../models/clinical-system-actions.server";
import { getPracticeByOdsCode } from "../models/practices.server";
import { listAtRiskPatients } from "./at-risk-review.server";
import type { StaffContext } from "./staff-session.server";

// The CSV files staff take to the clinical system (DESIGN §4, "CSV out").
// Every cell goes through toCsv, which escapes formula characters.

export const EXPORT_KINDS = ["remediation", "actions"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export const REMEDIATION_HEADER = ["nhs_number", "family_name", "given_name", "date_of_birth", "code", "code_date"] as const;
export const ACTIONS_HEADER = ["reference", "nhs_number", "family_name", "given_name", "outcome", "code_to_enter", "decided_at"] as const;

export interface ExportActor {
  id: string | null;
  /** A staff role, or "cli". */
  role: string;
}

export type ExportResult = { ok: true; csv: string; rows: number; filename: string } | { ok: false; kind: "refused" };

/**
 * The patients a clinician marked "not at risk" who still have an active
 * 104: each needs a 106 entered today to lift it.
 */
async function remediationRows(practiceId: string, now: Date): Promise<string[][]> {
  const today = ukLocalDay(now);
  const patients = await listAtRiskPatients(practiceId, now);
  return patients
    .filter((p) => p.review?.outcome === "not-at-risk")
    .sort((a, b) => a.nhsNumber.localeCompare(b.nhsNumber))
    .map((p) => [p.nhsNumber, p.familyName, p.givenName, p.dateOfBirth, CODES["106"].conceptId, today]);
}

async function actionRows(practiceId: string): Promise<string[][]> {
  const rows = await withPractice(practiceId, (tx) => listPendingClinicalSystemActions(tx, practiceId));
  return rows.map((r) => [
    r.reference,
    r.nhsNumber ?? "",
    r.familyName ?? "",
    r.givenName ?? "",
    r.outcome,
    r.codeToEnter ? CODES[r.codeToEnter].conceptId : "",
    r.decidedAt.toISOString(),
  ]);
}

/** Builds one export and audits it; the audit records who took which file and how many rows. */
export async function buildExport(practiceId: string, kind: ExportKind, actor: ExportActor, now: Date): Promise<{ csv: string; rows: number; filename: string }> {
  const rows = kind === "remediation" ? await remediationRows(practiceId, now) : await actionRows(practiceId);
  const header = kind === "remediation" ? REMEDIATION_HEADER : ACTIONS_HEADER;
  await withPractice(practiceId, (tx) =>
    appendAuditEvent(tx, {
      practiceId,
      actorId: actor.id,
      actorRole: actor.role,
      action: kind === "remediation" ? "export.remediation" : "export.actions",
      summary: { rows: rows.length },
    }),
  );
  return { csv: toCsv(header, rows), rows: rows.length, filename: `${kind === "remediation" ? "106-remediation" : "clinical-system-actions"}-${ukLocalDay(now)}.csv` };
}

/** For staff on the web: clinicians and managers only. */
export async function exportForStaff(context: StaffContext, kind: ExportKind, now: Date): Promise<ExportResult> {
  if (!can(context.role, "export-remediation")) return { ok: false, kind: "refused" };
  return { ok: true, ...(await buildExport(context.practice.id, kind, { id: context.user.id, role: context.role }, now)) };
}

/** For the command line, by ODS code; null when there is no such practice. */
export async function exportForPracticeCode(odsCode: string, kind: ExportKind, now: Date): Promise<{ csv: string; rows: number } | null> {
  const practice = await withoutPractice((tx) => getPracticeByOdsCode(tx, odsCode));
  if (!practice) return null;
  return buildExport(practice.id, kind, { id: null, role: "cli" }, now);
}
