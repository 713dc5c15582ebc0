import type { Executor } from "../../db/executor.server";
import {
  contactRuleFor,
  messageRoute,
  outcomeMessageDue,
  type OptOutScope,
  type RequestMoment,
} from "../domain/access-decision";
import { formatLongDay, formatLongUkDate, startOfUkDay, ukLocalDay } from "../domain/calendar";
import { goLivePhase } from "../domain/clinical-system-steps";
import { setDecisionOutcomeMessage } from "../models/decisions.server";
import {
  getMessageProgress,
  insertOutcomeMessage,
  lastOutcomeMessage,
} from "../models/request-review.server";
import type { DecisionOutcome } from "../domain/request-workflow";
import type { AccessLevel } from "../domain/clinical-system-steps";

// Telling the patient an outcome (DESIGN §2): only once it is true, in the words for that exact
// outcome and scope, and only to contact details the request's rule allows, else by letter.

export interface OutcomeMessageInput {
  practiceId: string;
  /** The practice's go-live day for prospective access, or null when it is live. */
  goLiveDate: string | null;
  requestId: string;
  decision: { id: string; outcome: DecisionOutcome; optOutScope: string | null; accessLevel: AccessLevel | null; hadActive104: boolean };
  patient: { id: string; email: string | null; contactIsPrivate: boolean };
  moment: RequestMoment;
  now: Date;
}

/**
 * Queues the outcome message when this moment is when it is due. Its id and channel, or null. When
 * the patient was already told these very words (a decision corrected to the same outcome), the
 * decision points at that message instead of sending it again.
 */
export async function queueOutcomeMessageIfDue(
  tx: Executor,
  input: OutcomeMessageInput,
): Promise<{ messageId: string; channel: "email" | "letter" } | null> {
  const { practiceId, requestId, decision, patient } = input;
  const told = { outcome: decision.outcome, optOutScope: decision.optOutScope as OptOutScope | null, accessLevel: decision.accessLevel };
  const last = await lastOutcomeMessage(tx, practiceId, requestId);
  const templateKey = outcomeMessageDue(input.moment, told, last?.templateKey ?? null);
  if (templateKey === null) {
    if (last && outcomeMessageDue(input.moment, told, null) === last.templateKey) await setDecisionOutcomeMessage(tx, practiceId, decision.id, last.id);
    return null;
  }
  // Before go-live a grant is true from go-live (the clinical system switches access on then): the
  // email waits until that day and names it.
  const fromGoLive = decision.outcome === "granted" && goLivePhase(input.goLiveDate, ukLocalDay(input.now)) === "before-go-live";
  const route = messageRoute(contactRuleFor({ hadActive104: decision.hadActive104 }), patient);
  const messageId = await insertOutcomeMessage(tx, {
    practiceId,
    patientId: patient.id,
    requestId,
    templateKey: templateKey as Extract<typeof templateKey, `outcome-${string}`>,
    channel: route.channel,
    toAddress: route.channel === "email" ? route.to : null,
    date: fromGoLive ? formatLongDay(input.goLiveDate!) : formatLongUkDate(input.now),
    notBefore: fromGoLive ? startOfUkDay(input.goLiveDate!) : undefined,
  });
  await setDecisionOutcomeMessage(tx, practiceId, decision.id, messageId);
  return { messageId, channel: route.channel };
}

export type PatientTold =
  | { state: "not-yet"; messageId: null }
  | { state: "queued" | "sent" | "failed" | "unknown" | "cancelled"; channel: "email"; messageId: string; at: Date | null; reason: string | null }
  | { state: "needs-letter" | "letter-produced" | "letter-printed" | "cancelled"; channel: "letter"; messageId: string; at: Date | null; reason: null };

/** Where the message telling the patient this decision stands. */
export async function patientToldOf(tx: Executor, practiceId: string, messageId: string | null): Promise<PatientTold> {
  const progress = messageId ? await getMessageProgress(tx, practiceId, messageId) : null;
  if (!progress) return { state: "not-yet", messageId: null };
  if (progress.channel === "letter") {
    const state =
      progress.status === "cancelled"
        ? "cancelled"
        : progress.letterPrintedAt
          ? "letter-printed"
          : progress.letterProducedAt
            ? "letter-produced"
            : "needs-letter";
    return { state, channel: "letter", messageId: progress.id, at: progress.letterPrintedAt ?? progress.letterProducedAt, reason: null };
  }
  const state =
    progress.status === "sent"
      ? "sent"
      : progress.status === "technical-failure" || progress.status === "permanent-failure"
        ? "failed"
        : progress.status === "unknown"
          ? "unknown"
          : progress.status === "cancelled"
            ? "cancelled"
            : "queued";
  return { state, channel: "email", messageId: progress.id, at: progress.sentAt, reason: progress.failureReason };
}
