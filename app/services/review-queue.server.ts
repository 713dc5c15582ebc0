import { withoutPractice, withPractice } from "../../db/tenancy.server";
import { OPEN_REQUEST_STATES, type RequestKind, type RequestState } from "../domain/request-workflow";
import { getPracticeById } from "../models/practices.server";
import { countOpenRequestsByState, countOverdueActions, listOpenRequests, type QueueFilters } from "../models/review-queue.server";
import type { StaffContext } from "./staff-session.server";

/** The most rows the queue page lists at once; the counts cover every open request. */
export const QUEUE_PAGE_SIZE = 200;

const DAY_MS = 86_400_000;

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
  /**
   * Whole days since a decision that needs a clinical-system step nobody has
   * marked done (nor an import shown), once that is past the practice's
   * action_overdue_days; null otherwise.
   */
  actionOverdueDays: number | null;
}

export interface RequestQueue {
  items: QueueItem[];
  countsByState: Record<(typeof OPEN_REQUEST_STATES)[number], number>;
  total: number;
  targetDays: number;
  /** The practice's number of days for carrying a decision out in the clinical system. */
  actionDays: number;
  /** Open requests, whatever the filters, with such a decision not done after actionDays. */
  overdueActions: number;
}

/** Open requests, oldest first, with how long each has waited against the practice's target. */
export async function openRequestQueue(context: StaffContext, filters: QueueFilters, now = new Date()): Promise<RequestQueue> {
  const practice = await withoutPractice((tx) => getPracticeById(tx, context.practice.id));
  const targetDays = practice?.queueTargetDays ?? 14;
  const actionDays = practice?.actionOverdueDays ?? 7;
  const decidedBefore = new Date(now.getTime() - actionDays * DAY_MS);
  const { rows, counts, overdueActions } = await withPractice(context.practice.id, async (tx) => ({
    rows: await listOpenRequests(tx, context.practice.id, filters, QUEUE_PAGE_SIZE),
    counts: await countOpenRequestsByState(tx, context.practice.id),
    overdueActions: await countOverdueActions(tx, context.practice.id, decidedBefore),
  }));
  const countsByState = Object.fromEntries(OPEN_REQUEST_STATES.map((s) => [s, counts[s] ?? 0])) as RequestQueue["countsByState"];
  return {
    targetDays,
    actionDays,
    overdueActions,
    countsByState,
    total: Object.values(countsByState).reduce((a, b) => a + b, 0),
    items: rows.map((r) => {
      const waitingDays = Math.floor((now.getTime() - r.receivedAt.getTime()) / DAY_MS);
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
        waitingDays,
        overdue: waitingDays > targetDays,
        patient:
          r.patientNhsNumber && r.patientGivenName && r.patientFamilyName
            ? { name: `${r.patientGivenName} ${r.patientFamilyName}`, nhsNumber: r.patientNhsNumber }
            : null,
        actionOverdueDays: actionOverdue ? Math.floor((now.getTime() - decidedAt.getTime()) / DAY_MS) : null,
      };
    }),
  };
}
