import { withPractice, withoutPractice } from "../../db/tenancy.server";
import { nextDay, startOfUkDay } from "../domain/calendar";
import { parseNhsNumber } from "../domain/nhs-number";
import { appendAuditEvent, checkAuditChain, listAuditActions, listAuditEvents, type ChainCheck } from "../models/audit.server";
import { getPatientIdByNhsNumber } from "../models/patients.server";
import { getPracticeByOdsCode } from "../models/practices.server";
import { listPracticeStaff } from "../models/staff.server";
import type { StaffContext } from "./staff-session.server";

export const AUDIT_PAGE_SIZE = 200;

export interface AuditQuery {
  actorId?: string;
  action?: string;
  /** An NHS number, in any common spacing. */
  patient?: string;
  /** UK days, inclusive. */
  from?: string;
  to?: string;
}

/** The audit trail for managers, filtered by who, what, when and patient. Viewing it is audited too. */
export async function searchAuditTrail(context: StaffContext, query: AuditQuery) {
  return withPractice(context.practice.id, async (tx) => {
    let subjectId: string | undefined;
    let patientNotFound = false;
    if (query.patient) {
      const nhs = parseNhsNumber(query.patient);
      const patientId = nhs.ok ? await getPatientIdByNhsNumber(tx, context.practice.id, nhs.value) : null;
      if (patientId) subjectId = patientId;
      else patientNotFound = true;
    }
    const events = patientNotFound
      ? []
      : await listAuditEvents(
          tx,
          context.practice.id,
          {
            actorId: query.actorId,
            action: query.action,
            subjectId,
            from: query.from ? startOfUkDay(query.from) : undefined,
            to: query.to ? startOfUkDay(nextDay(query.to)) : undefined,
          },
          AUDIT_PAGE_SIZE,
        );
    const [actions, staff] = await Promise.all([listAuditActions(tx, context.practice.id), listPracticeStaff(tx, context.practice.id)]);
    await appendAuditEvent(tx, {
      practiceId: context.practice.id,
      actorId: context.user.id,
      actorRole: context.role,
      action: "audit.viewed",
      summary: { filters: { ...query } },
    });
    return { events, actions, staff, patientNotFound };
  });
}

/** `cli audit verify`: recomputes a practice's chain and names the first broken row. */
export async function verifyAuditChain(odsCode: string): Promise<({ ok: true } & ChainCheck) | { ok: false; error: string }> {
  const practice = await withoutPractice((tx) => getPracticeByOdsCode(tx, odsCode));
  if (!practice) return { ok: false, error: `There is no practice with ODS code ${odsCode}.` };
  return { ok: true, ...(await withPractice(practice.id, (tx) => checkAuditChain(tx, practice.id))) };
}
