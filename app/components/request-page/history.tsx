import { formatUkDateTime } from "../../content/campaigns";
import { auditActionNames, decisionOutcomeNames, requestPageContent as content } from "../../content/review-queue";
import { DECISION_OUTCOMES, REQUEST_STATE_LABELS, REQUEST_STATES, type DecisionOutcome, type RequestState } from "../../domain/request-workflow";
import { Table } from "../forms";
import type { Review } from "./types";

type RequestEvent = Review["history"][number];

const isOneOf = <T extends string>(list: readonly T[], value: unknown): value is T => typeof value === "string" && (list as readonly string[]).includes(value);

/** What an event did, in plain words: "moved the request to clinician review", "decided the request (Access granted)". */
export function eventWords(event: Pick<RequestEvent, "action" | "summary">): string {
  const { action, summary } = event;
  const what = auditActionNames[action] ?? action.replace(/[.-]/g, " ");
  if (action === "request.moved" && isOneOf<RequestState>(REQUEST_STATES, summary.to)) return `${what} ${content.movedTo(REQUEST_STATE_LABELS[summary.to])}`;
  if (action === "request.decided" && isOneOf<DecisionOutcome>(DECISION_OUTCOMES, summary.outcome)) return `${what} (${decisionOutcomeNames[summary.outcome]})`;
  if ((action === "request.reopened" || action === "request.step-refused") && typeof summary.reason === "string") {
    return `${what}${content.because(summary.reason)}`;
  }
  return what;
}

/** "Sam Patel decided the request (Access granted) at 2 Dec 2026, 10:04." */
export function describeEvent(event: Pick<RequestEvent, "action" | "summary" | "actorName">, when: string): string {
  return content.theirChange(event.actorName ?? content.portal, eventWords(event), when);
}

/** Everything that happened to the request, newest first. */
export function History({ review }: { review: Review }) {
  if (review.history.length === 0) return null;
  return (
    <Table
      caption={content.historyHeading}
      captionSize="m"
      head={content.historyHead}
      rows={review.history.map((event) => [formatUkDateTime(event.occurredAt), event.actorName ?? content.portal, eventWords(event)])}
    />
  );
}
