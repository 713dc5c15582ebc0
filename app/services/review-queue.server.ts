import { withoutPractice, withPractice } from "../../db/tenancy.server";
import { OPEN_REQUEST_STATES, type RequestKind, type RequestState } from "../domain/request-workflow";
import { getPracticeById } from "../models/practices.server";
import { countOpenRequestsByState, listOpenRequests, type QueueFilters } from "../models/review-queue.server";
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
}

export interface RequestQueue {
  items: QueueItem[];
  countsByState: Record<(typeof OPEN_REQUEST_STATES)[number], number>;
  total: number;
  targetDays: number;
}

/** Open requests, oldest first, with how long each has waited against the practice's target. */
export async function openRequestQueue(context: StaffContext, filters: QueueFilters, now = new Date()): Promise<RequestQueue> {
  const practice = await withoutPractice((tx) => getPracticeById(tx, context.practice.id));
  const targetDays = practice?.queueTargetDays ?? 14;
  const { rows, counts } = await withPractice(context.practice.id, async (tx) => ({
    rows: await listOpenRequests(tx, context.practice.id, filters, QUEUE_PAGE_SIZE),
    counts: await countOpenRequestsByState(tx, context.practice.id),
  }));
  const countsByState = Object.fromEntries(OPEN_REQUEST_STATES.map((s) => [s, counts[s] ?? 0])) as RequestQueue["countsByState"];
  return {
    targetDays,
    countsByState,
    total: Object.values(countsByState).reduce((a, b) => a + b, 0),
    items: rows.map((r) => {
      const waitingDays = Math.floor((now.getTime() - r.receivedAt.getTime()) / DAY_MS);
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
      };
    }),
  };
}
