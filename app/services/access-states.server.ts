import type { Executor } from "../../db/executor.server";
import { withPractice, withoutPractice } from "../../db/tenancy.server";
import { effectiveAccessState, type AccessHistory, type AccessState, type CodedEntry } from "../domain/access-state";
import type { CodeKey } from "../domain/codes";
import type { DecisionOutcome } from "../domain/request-workflow";
import { isEligible } from "../domain/eligibility";
import { recordedAtInstant, recordedOnDay, type RecordedAt } from "../domain/recorded-at";
import { listDecisionEffects, listDecisionEffectsOfPatient, listDecisionEffectsOfPatientRange } from "../models/decisions.server";
import {
  listCodedEntries,
  listCodedEntriesOfPatient,
  listCodedEntriesOfPatientRange,
  listPatientsForAccessState,
  fetchPatientsForCounting,
  openPatientsForCounting,
} from "../models/patients.server";
import { getPracticeByOdsCode } from "../models/practices.server";

export interface PatientAccessState {
  nhsNumber: string;
  state: AccessState;
  enhancedReview: boolean;
  eligible: boolean;
}

export type AccessStatesResult =
  | { ok: true; patients: PatientAccessState[] }
  | { ok: false; error: string };

/**
 * Every patient's effective access state, worked out from the coded history
 * of the latest import plus the portal's own decisions that no import has
 * shown yet (DESIGN §2). Never stored: always derived.
 */
export async function listAccessStates(odsCode: string, asOf: string): Promise<AccessStatesResult> {
  const practice = await withoutPractice((tx) => getPracticeByOdsCode(tx, odsCode));
  if (!practice) return { ok: false, error: `There is no practice with ODS code ${odsCode}.` };
  return { ok: true, patients: await accessStatesOfPractice(practice.id, asOf) };
}

export async function accessStatesOfPractice(practiceId: string, asOf: string): Promise<PatientAccessState[]> {
  return (await patientsWithAccessStates(practiceId, asOf)).map(({ nhsNumber, state, enhancedReview, eligible }) => ({
    nhsNumber,
    state,
    enhancedReview,
    eligible,
  }));
}

/** Every patient of the practice with their effective access state, for cohorts. */
export async function patientsWithAccessStates(practiceId: string, asOf: string) {
  const [patients, entries, decisions] = await withPractice(practiceId, (tx) =>
    Promise.all([
      listPatientsForAccessState(tx, practiceId),
      listCodedEntries(tx, practiceId),
      listDecisionEffects(tx, practiceId),
    ]),
  );

  const history = buildHistories(entries, decisions);

  return patients.map((p) => {
    const h = history.get(p.id) ?? { entries: [] };
    const { state, enhancedReview } = effectiveAccessState(h);
    const days104 = h.entries.filter((e) => e.code === "104").map((e) => e.recordedAt.day);
    return {
      ...p,
      registered: p.registration === "registered",
      state,
      enhancedReview,
      /** The UK day of the latest 104, when there is one. */
      latest104Day: days104.length === 0 ? null : days104.reduce((a, b) => (b > a ? b : a)),
      eligible: isEligible(
        { dateOfBirth: p.dateOfBirth, deceased: p.deceased, registered: p.registration === "registered" },
        asOf,
      ),
    };
  });
}

/**
 * Visits every patient's eligibility and effective access state a page at a time, so that
 * counting a 100,000-patient list holds one page in memory, not the list. One transaction, so the
 * pages are of one moment of the list.
 */
export async function forEachAccessState(
  practiceId: string,
  asOf: string,
  visit: (patient: { eligible: boolean; state: AccessState; enhancedReview: boolean }) => void,
  pageSize = 10_000,
): Promise<void> {
  await withPractice(practiceId, async (tx) => {
    await openPatientsForCounting(tx, practiceId);
    let afterId: string | null = null;
    for (;;) {
      const patients = await fetchPatientsForCounting(tx, pageSize);
      const lastId = patients.at(-1)?.id;
      if (!lastId) return;
      const [entries, decisions] = await Promise.all([
        listCodedEntriesOfPatientRange(tx, practiceId, afterId, lastId),
        listDecisionEffectsOfPatientRange(tx, practiceId, afterId, lastId),
      ]);
      const history = buildHistories(entries, decisions);
      for (const p of patients) {
        const { state, enhancedReview } = effectiveAccessState(history.get(p.id) ?? { entries: [] });
        visit({ eligible: isEligible({ dateOfBirth: p.dateOfBirth, deceased: p.deceased, registered: p.registration === "registered" }, asOf), state, enhancedReview });
      }
      if (patients.length < pageSize) return;
      afterId = lastId;
    }
  });
}

/** One patient's history as the access-state rules read it, inside the caller's transaction. */
export async function accessHistoryOfPatient(tx: Executor, practiceId: string, patientId: string): Promise<AccessHistory> {
  const [entries, decisions] = await Promise.all([
    listCodedEntriesOfPatient(tx, practiceId, patientId),
    listDecisionEffectsOfPatient(tx, practiceId, patientId),
  ]);
  return buildHistories(entries.map((e) => ({ ...e, patientId })), decisions).get(patientId) ?? { entries: [] };
}

/** One patient's effective access state, inside the caller's transaction. */
export async function accessStateOfPatient(tx: Executor, practiceId: string, patientId: string) {
  return effectiveAccessState(await accessHistoryOfPatient(tx, practiceId, patientId));
}

type EntryRow = { patientId: string; code: CodeKey; recordedOn: string; recordedAt: Date | null };
type DecisionRow = { patientId: string | null; outcome: DecisionOutcome; codeToEnter: CodeKey | null; decidedAt: Date; confirmedAt: Date | null };

/**
 * Each patient's history as the access-state rules read it: the coded
 * entries of the latest import, plus what the portal's decisions add until
 * an import shows them.
 */
export function buildHistories(entries: readonly EntryRow[], decisions: readonly DecisionRow[]): Map<string, AccessHistory> {
  const history = new Map<string, { entries: CodedEntry[]; accessGrants: RecordedAt[] }>();
  const historyOf = (patientId: string) => {
    let h = history.get(patientId);
    if (!h) history.set(patientId, (h = { entries: [], accessGrants: [] }));
    return h;
  };
  for (const entry of entries) {
    historyOf(entry.patientId).entries.push({
      code: entry.code,
      recordedAt: entry.recordedAt ? recordedAtInstant(entry.recordedAt) : recordedOnDay(entry.recordedOn),
    });
  }
  for (const decision of decisions) {
    if (!decision.patientId) continue;
    const h = historyOf(decision.patientId);
    const at = recordedAtInstant(decision.decidedAt);
    // A code the practice was asked to enter counts until an import shows it.
    if (decision.codeToEnter && !decision.confirmedAt) h.entries.push({ code: decision.codeToEnter, recordedAt: at });
    if (decision.outcome === "granted") h.accessGrants.push(at);
  }
  return history;
}
