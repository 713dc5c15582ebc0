import { z } from "zod";
import { withPractice, withoutPractice } from "../../db/tenancy.server";
import type { Executor } from "../../db/executor.server";
import { actionLabel, actorPhrase, auditContent, describeAuditEvent, type AuditNames } from "../content/audit";
import { isIsoDay, nextDay, startOfUkDay, ukLocalDay, ukWallClock } from "../domain/calendar";
import { toCsv } from "../domain/csv-out";
import { parseNhsNumber, type NhsNumberProblem } from "../domain/nhs-number";
import {
  appendAuditEvent,
  checkAuditChain,
  countAuditTrail,
  listAuditActions,
  listAuditTrail,
  listNhsNumbersOfPatients,
  listReferencesOfRequests,
  MESSAGE_TRAIL_ACTIONS,
  type AuditCursor,
  type AuditFilters,
  type AuditTrailRow,
  type ChainCheck,
} from "../models/audit.server";
import { getPatientIdByNhsNumber } from "../models/patients.server";
import { getPracticeByOdsCode } from "../models/practices.server";
import { listPracticeStaff, type PracticeStaffMember } from "../models/staff.server";
import type { StaffContext } from "./staff-session.server";

export const AUDIT_PAGE_SIZE = 50;
/** The most rows one CSV holds; past it the file says so in its last row. */
export const AUDIT_CSV_LIMIT = 100_000;

/** Where a page starts: the time of an entry to the microsecond, then its key. */
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)~([am][0-9a-f:-]{1,60})$/;

const day = z.string().trim().refine(isIsoDay).optional().catch(undefined);
const cursor = z.string().regex(CURSOR).optional().catch(undefined);
const optional = (value: string | null) => (value === null || value.trim() === "" ? undefined : value);

/**
 * The audit trail's filters, from the query string. A bad "who", "what", date or page is ignored
 * (an old bookmark still shows the trail); the NHS number is kept as typed, to be shown back
 * beside its error if it is not one.
 */
export const auditQuerySchema = z.object({
  actorId: z.uuid().optional().catch(undefined),
  action: z.string().max(100).optional().catch(undefined),
  patient: z.string().trim().max(100).optional().catch(undefined),
  from: day,
  to: day,
  before: cursor,
  after: cursor,
});
export type AuditPageQuery = z.infer<typeof auditQuerySchema>;
export type AuditQuery = Omit<AuditPageQuery, "before" | "after">;

/** Reads the query string's values (null when absent) as the trail's filters. */
export function readAuditQuery(raw: Record<keyof AuditPageQuery, string | null>): AuditPageQuery {
  return auditQuerySchema.parse(Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, optional(value)])));
}

/** One entry of the trail as staff read it. */
export interface AuditEntry {
  /** The audit event's id; null for what the outbox did with a message. */
  id: number | null;
  key: string;
  occurredAt: Date;
  actorName: string | null;
  actorRole: string;
  action: string;
  /** Who did it, in words ("Dr Ann Lee (clinician)", "The patient", "The outbox"). */
  who: string;
  sentence: string;
}

export interface AuditTrailPage {
  events: AuditEntry[];
  /**
   * How many entries match, on every page: counted for a patient's trail only. Counting a whole
   * practice's trail would read all of it on every look.
   */
  total: number | null;
  /** Cursors for the pages either side, or null at either end. */
  newer: string | null;
  older: string | null;
  /** Every action in the practice's trail (and the outbox's, when a patient is chosen), for the "What" filter. */
  actions: string[];
  staff: PracticeStaffMember[];
  /** The patient the trail is filtered by. */
  patient: { nhsNumber: string } | null;
  patientProblem: NhsNumberProblem | null;
  patientNotFound: boolean;
}

type PatientFilter =
  | { kind: "none" }
  | { kind: "invalid"; problem: NhsNumberProblem }
  | { kind: "not-found" }
  | { kind: "found"; patient: { id: string; nhsNumber: string } };

async function findPatient(tx: Executor, practiceId: string, typed: string | undefined): Promise<PatientFilter> {
  if (!typed) return { kind: "none" };
  const nhs = parseNhsNumber(typed);
  if (!nhs.ok) return { kind: "invalid", problem: nhs.reason };
  const id = await getPatientIdByNhsNumber(tx, practiceId, nhs.value);
  return id ? { kind: "found", patient: { id, nhsNumber: nhs.value } } : { kind: "not-found" };
}

function filtersOf(query: AuditQuery, patient: PatientFilter): AuditFilters {
  return {
    actorId: query.actorId,
    action: query.action,
    from: query.from ? startOfUkDay(query.from) : undefined,
    to: query.to ? startOfUkDay(nextDay(query.to)) : undefined,
    patient: patient.kind === "found" ? patient.patient : undefined,
  };
}

const cursorOf = (row: AuditTrailRow) => `${row.at}~${row.key}`;

function parseCursor(value: string | undefined): AuditCursor | undefined {
  const match = value ? CURSOR.exec(value) : null;
  return match ? { at: match[1]!, key: match[2]! } : undefined;
}

/** The filters as typed, for the audit event that records a look at the trail. */
function auditedFilters(query: AuditQuery, patient: PatientFilter): Record<string, unknown> {
  const { actorId, action, patient: typed, from, to } = query;
  return {
    filters: { actorId, action, patient: typed, from, to },
    ...(patient.kind === "found" ? { patientId: patient.patient.id } : {}),
  };
}

/** Looks up the requests, patients and staff the rows name, so each sentence can name them. */
async function namesFor(tx: Executor, practiceId: string, rows: AuditTrailRow[], staff: PracticeStaffMember[]): Promise<AuditNames> {
  const requestIds = new Set<string>();
  const patientIds = new Set<string>();
  for (const row of rows) {
    const requestId = row.subjectType === "request" ? row.subjectId : row.summary.requestId;
    const patientId = row.subjectType === "patient" ? row.subjectId : row.summary.patientId;
    if (typeof requestId === "string" && typeof row.summary.reference !== "string") requestIds.add(requestId);
    if (typeof patientId === "string" && typeof row.summary.nhsNumber !== "string") patientIds.add(patientId);
  }
  const [references, nhsNumbers] = await Promise.all([
    listReferencesOfRequests(tx, practiceId, [...requestIds]),
    listNhsNumbersOfPatients(tx, practiceId, [...patientIds]),
  ]);
  const staffNames = new Map(staff.map((m) => [m.id, m.name]));
  return {
    request: (id) => references.get(id),
    patientNhsNumber: (id) => nhsNumbers.get(id),
    staff: (id) => staffNames.get(id),
  };
}

function toEntry(row: AuditTrailRow, names: AuditNames): AuditEntry {
  return {
    id: row.id,
    key: row.key,
    occurredAt: row.occurredAt,
    actorName: row.actorName,
    actorRole: row.actorRole,
    action: row.action,
    who: actorPhrase(row),
    sentence: describeAuditEvent(row, names),
  };
}

/**
 * The audit trail for managers, a page at a time, newest first, filtered by who, what, when and
 * patient. With a patient, it is everything about them, outbox included. Viewing it is audited too.
 */
export async function searchAuditTrail(context: StaffContext, query: AuditPageQuery, options: { pageSize?: number } = {}): Promise<AuditTrailPage> {
  const pageSize = options.pageSize ?? AUDIT_PAGE_SIZE;
  const practiceId = context.practice.id;
  return withPractice(practiceId, async (tx) => {
    const patient = await findPatient(tx, practiceId, query.patient);
    const [actions, staff] = await Promise.all([listAuditActions(tx, practiceId), listPracticeStaff(tx, practiceId)]);
    let page: Pick<AuditTrailPage, "events" | "total" | "newer" | "older"> = { events: [], total: patient.kind === "none" ? null : 0, newer: null, older: null };
    if (patient.kind === "none" || patient.kind === "found") {
      const filters = filtersOf(query, patient);
      const before = parseCursor(query.before);
      const after = before ? undefined : parseCursor(query.after);
      const [found, total] = await Promise.all([
        listAuditTrail(tx, practiceId, filters, { before, after, limit: pageSize + 1 }),
        filters.patient ? countAuditTrail(tx, practiceId, filters) : null,
      ]);
      const more = found.length > pageSize;
      const rows = after ? found.slice(0, pageSize).reverse() : found.slice(0, pageSize);
      const first = rows[0];
      const last = rows.at(-1);
      const names = await namesFor(tx, practiceId, rows, staff);
      page = {
        events: rows.map((row) => toEntry(row, names)),
        total,
        newer: first && (after ? more : before !== undefined) ? cursorOf(first) : null,
        older: last && (after ? true : more) ? cursorOf(last) : null,
      };
    }
    await appendAuditEvent(tx, {
      practiceId,
      actorId: context.user.id,
      actorRole: context.role,
      action: "audit.viewed",
      summary: auditedFilters(query, patient),
    });
    return {
      ...page,
      actions: patient.kind === "found" ? [...new Set([...actions, ...MESSAGE_TRAIL_ACTIONS])].sort() : actions,
      staff,
      patient: patient.kind === "found" ? { nhsNumber: patient.patient.nhsNumber } : null,
      patientProblem: patient.kind === "invalid" ? patient.problem : null,
      patientNotFound: patient.kind === "not-found",
    };
  });
}

export type AuditCsvResult = { ok: true; csv: string; filename: string; rows: number } | { ok: false; patientProblem: NhsNumberProblem };


/**
 * Every entry the page would show on all its pages, newest first, as a CSV: the same sentences,
 * with who, their role and the kind of event in columns of their own. Audited.
 */
export async function auditTrailCsv(context: StaffContext, query: AuditQuery, now = new Date()): Promise<AuditCsvResult> {
  const practiceId = context.practice.id;
  return withPractice(practiceId, async (tx): Promise<AuditCsvResult> => {
    const patient = await findPatient(tx, practiceId, query.patient);
    if (patient.kind === "invalid") return { ok: false, patientProblem: patient.problem };
    const staff = await listPracticeStaff(tx, practiceId);
    const found = patient.kind === "not-found" ? [] : await listAuditTrail(tx, practiceId, filtersOf(query, patient), { limit: AUDIT_CSV_LIMIT + 1 });
    const rows = found.slice(0, AUDIT_CSV_LIMIT);
    const names = await namesFor(tx, practiceId, rows, staff);
    const records = rows.map((row) => {
      const entry = toEntry(row, names);
      return [ukWallClock(entry.occurredAt), entry.actorName ?? entry.who, entry.actorRole, entry.sentence, actionLabel(entry.action)];
    });
    if (found.length > AUDIT_CSV_LIMIT) records.push(["", "", "", auditContent.csvTruncated(AUDIT_CSV_LIMIT), ""]);
    await appendAuditEvent(tx, {
      practiceId,
      actorId: context.user.id,
      actorRole: context.role,
      action: "audit.downloaded",
      summary: { ...auditedFilters(query, patient), rows: rows.length },
    });
    const about = patient.kind === "found" ? `-${patient.patient.nhsNumber}` : "";
    return {
      ok: true,
      csv: toCsv(auditContent.csvHeader, records),
      filename: `audit-trail-${context.practice.odsCode}${about}-${ukLocalDay(now)}.csv`,
      rows: rows.length,
    };
  });
}

/** `cli audit verify`: recomputes a practice's chain and names the first broken row. */
export async function verifyAuditChain(odsCode: string): Promise<({ ok: true } & ChainCheck) | { ok: false; error: string }> {
  const practice = await withoutPractice((tx) => getPracticeByOdsCode(tx, odsCode));
  if (!practice) return { ok: false, error: `There is no practice with ODS code ${odsCode}.` };
  return { ok: true, ...(await withPractice(practice.id, (tx) => checkAuditChain(tx, practice.id))) };
}
