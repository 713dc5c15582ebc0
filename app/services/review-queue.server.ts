import { withPractice } from "../../db/tenancy.server";
import { receivedBeforeFor, waitingDays, type WaitingFilter } from "../domain/review-queue";
import { parseStaffSearch, type StaffSearchProblem } from "../domain/staff-search";
import { OPEN_REQUEST_STATES, type RequestKind, type RequestState } from "../domain/request-workflow";
import { appendAuditEvent } from "../models/audit.server";
import { getPracticeById } from "../models/practices.server";
import { countOpenRequestsByState, countOverdueActions, countQueueRequests, listQueueRequests, type QueueQuery } from "../models/review-queue.server";
import { listPracticeStaff } from "../models/staff.server";
import type { StaffContext } from "./staff-session.server";

/** The rows the queue page lists at once, oldest first; later pages list the rest. */
export const QUEUE_PAGE_SIZE = 50;

const DAY_MS = 86_400_000;

export interface QueueFilters {
  kind?: RequestKind;
  state?: RequestState;
  /** "me", "none" (nobody has taken it), or a member of staff's id. */
  assigned?: string;
  waiting?: WaitingFilter;
  /** An NHS number, a reference, or a name with perhaps a date of birth. */
  q?: string;
  /** Which page of QUEUE_PAGE_SIZE rows, from 1. */
  page?: number;
}

export interface QueueItem {
  id: string;
  reference: string;
  kind: RequestKind;
  state: RequestState;
  channel: string;
  receivedAt: Date;
  /** Whole days since the request came in. */
  waitingDays: number;
  /** Past the practice's target for a first response. */
  overdue: boolean;
  /** Null until staff have confirmed who the patient is. */
  patient: { name: string; nhsNumber: string } | null;
  assignedTo: string | null;
  /**
   * Whole days since a decision that needs a clinical-system step nobody has
   * marked done (nor an import shown), once that is past the practice's
   * action_overdue_days; null otherwise.
   */
  actionOverdueDays: number | null;
}

export interface RequestQueue {
  items: QueueItem[];
  /** Requests the filters and search match, however many are listed. */
  matching: number;
  /** The position of the first row listed, from 1. */
  firstShown: number;
  pageSize: number;
  countsByState: Record<(typeof OPEN_REQUEST_STATES)[number], number>;
  total: number;
  targetDays: number;
  /** The practice's number of days for carrying a decision out in the clinical system. */
  actionDays: number;
  /** Open requests, whatever the filters, with such a decision not done after actionDays. */
  overdueActions: number;
  /** Who can be chosen in the "assigned to" filter: the practice's staff who can still sign in here. */
  staff: { id: string; name: string }[];
  searchProblem: StaffSearchProblem | null;
}

/** The practice's staff who can sign in here: who a request can be assigned to, or taken by. */
export async function listAssignableStaff(context: StaffContext): Promise<{ id: string; name: string }[]> {
  const staff = await withPractice(context.practice.id, (tx) => listPracticeStaff(tx, context.practice.id));
  return staff.filter(canBeAssigned).map((m) => ({ id: m.id, name: m.name }));
}

export function canBeAssigned(member: { disabledHere: boolean; status: string }): boolean {
  return !member.disabledHere && member.status === "active";
}

/**
 * Open requests, oldest first, with how long each has waited against the practice's target.
 * A search reaches closed requests too (a patient ringing about an answer), and is audited:
 * it looks patients up by NHS number or name.
 */
export async function openRequestQueue(context: StaffContext, filters: QueueFilters, now = new Date()): Promise<RequestQueue> {
  const practiceId = context.practice.id;
  const parsedSearch = filters.q ? parseStaffSearch(filters.q) : null;
  const searchProblem = parsedSearch && !parsedSearch.ok ? parsedSearch.problem : null;
  const offset = ((filters.page ?? 1) - 1) * QUEUE_PAGE_SIZE;

  // One transaction for the whole page: each costs the server more than the queries in it.
  const { rows, matching, counts, overdueActions, staff, targetDays, actionDays, decidedBefore } = await withPractice(practiceId, async (tx) => {
    const practice = await getPracticeById(tx, practiceId);
    const targetDays = practice?.queueTargetDays ?? 14;
    const actionDays = practice?.actionOverdueDays ?? 7;
    const decidedBefore = new Date(now.getTime() - actionDays * DAY_MS);
    const query: QueueQuery = {
      kind: filters.kind,
      state: filters.state,
      assignedTo: filters.assigned === "me" ? context.user.id : filters.assigned === "none" ? null : filters.assigned,
      receivedBefore: filters.waiting ? receivedBeforeFor(filters.waiting, targetDays, now) : undefined,
      search: parsedSearch?.ok ? parsedSearch.search : undefined,
    };
    // Sent together, so the database gets them in one write and answers them in one go.
    const [rows, matching, counts, overdueActions, staff] = await Promise.all([
      searchProblem ? [] : listQueueRequests(tx, practiceId, query, QUEUE_PAGE_SIZE, offset),
      searchProblem ? 0 : countQueueRequests(tx, practiceId, query),
      countOpenRequestsByState(tx, practiceId),
      countOverdueActions(tx, practiceId, decidedBefore),
      listPracticeStaff(tx, practiceId),
    ]);
    const found = { targetDays, actionDays, decidedBefore, rows, matching, counts, overdueActions, staff };
    if (query.search) {
      await appendAuditEvent(tx, {
        practiceId,
        actorId: context.user.id,
        actorRole: context.role,
        action: "requests.searched",
        summary: { search: query.search, found: found.matching },
      });
    }
    return found;
  });
  const countsByState = Object.fromEntries(OPEN_REQUEST_STATES.map((s) => [s, counts[s] ?? 0])) as RequestQueue["countsByState"];
  return {
    targetDays,
    actionDays,
    overdueActions,
    countsByState,
    matching,
    firstShown: offset + 1,
    pageSize: QUEUE_PAGE_SIZE,
    searchProblem,
    staff: staff.filter(canBeAssigned).map((m) => ({ id: m.id, name: m.name })),
    total: Object.values(countsByState).reduce((a, b) => a + b, 0),
    items: rows.map((r) => {
      const waiting = waitingDays(r.receivedAt, now);
      const { decidedAt } = r;
      const actionOverdue =
        decidedAt !== null && r.needsClinicalSystemStep === true && r.actionedAt === null && r.confirmedAt === null && decidedAt < decidedBefore;
      return {
        id: r.id,
        reference: r.reference,
        kind: r.kind,
        state: r.state,
        channel: r.channel,
        receivedAt: r.receivedAt,
        waitingDays: waiting,
        overdue: r.state !== "closed" && waiting > targetDays,
        patient:
          r.patientNhsNumber && r.patientGivenName && r.patientFamilyName
            ? { name: `${r.patientGivenName} ${r.patientFamilyName}`, nhsNumber: r.patientNhsNumber }
            : null,
        assignedTo: r.assignedToName,
        actionOverdueDays: actionOverdue ? Math.floor((now.getTime() - decidedAt.getTime()) / DAY_MS) : null,
      };
    }),
  };
}
