import { ACCESS_STATES, type AccessState } from "../domain/access-state";
import { ukLocalDay } from "../domain/calendar";
import { accessStatesOfPractice } from "./access-states.server";
import type { StaffContext } from "./staff-session.server";

export interface StateCounts {
  asOf: string;
  eligible: number;
  byState: Record<AccessState, number>;
}

/** Eligible patients of the acting practice by effective access state, today. */
export async function countPatientsByState(context: StaffContext, now = new Date()): Promise<StateCounts> {
  const asOf = ukLocalDay(now);
  const patients = (await accessStatesOfPractice(context.practice.id, asOf)).filter((p) => p.eligible);
  const byState = Object.fromEntries(ACCESS_STATES.map((s) => [s, 0])) as Record<AccessState, number>;
  for (const p of patients) byState[p.state] += 1;
  return { asOf, eligible: patients.length, byState };
}
