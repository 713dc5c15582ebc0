import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import {
  codeWithLabel,
  correctionContent,
  counsellingMethodNames,
  decisionContent as content,
  formatWhen,
  outcomeLetterContent,
  toldContent,
} from "../../content/request-decision";
import { accessLevelNames, decisionOutcomeNames, identityMethodNames } from "../../content/review-queue";
import type { ClinicalSystemStep } from "../../domain/clinical-system-steps";
import { Button, SummaryList } from "../forms";
import type { CurrentDecision, PatientTold, Review } from "./types";

type Decision = CurrentDecision["decision"];

/** A member of staff's name: from the practice's staff, else from the request's history. */
function staffName(review: Review, id: string | null, action: string, decisionId: string): string | null {
  if (id === null) return null;
  const member = review.staff.find((m) => m.id === id);
  if (member) return member.name;
  return review.history.find((e) => e.action === action && e.summary.decisionId === decisionId)?.actorName ?? null;
}

function counsellingOf(decision: Decision): ReactNode {
  if (decision.counselledOn === null) return content.counsellingNotNeeded;
  const method = counsellingMethodNames[decision.counsellingMethod as keyof typeof counsellingMethodNames] ?? decision.counsellingMethod ?? "";
  return (
    <>
      {content.counselling(decision.counselledOn, method, decision.counsellingHeldBy ?? "")}
      {decision.counsellingNote ? (
        <>
          <br />
          {content.counsellingNote(decision.counsellingNote)}
        </>
      ) : null}
    </>
  );
}

/** The real state of the message that tells the patient this decision, in words, with a link to it. */
function PatientToldValue({
  current,
  clinicalSystem,
  canViewMail,
  canPrintLetters,
}: {
  current: CurrentDecision;
  clinicalSystem: string;
  canViewMail: boolean;
  canPrintLetters: boolean;
}) {
  const { told, decision } = current;
  const when = (at: Date | string | null) => (at ? formatWhen(at) : null);
  switch (told.state) {
    case "not-yet":
      if (decision.outcome === "rejected-unverified") return <>{toldContent.noMessage}</>;
      if (decision.needsClinicalSystemStep && decision.actionedAt === null) return <>{toldContent.notYet(clinicalSystem)}</>;
      return <>{toldContent.notToldAgain}</>;
    case "needs-letter":
      return canPrintLetters ? (
        <>
          {toldContent.needsLetter.canPrint}
          <a href="/staff/letters">{toldContent.needsLetter.link}</a>
        </>
      ) : (
        <>{`${toldContent.needsLetter.cannotPrint}${toldContent.needsLetter.link}`}</>
      );
    case "letter-produced":
      return <>{toldContent.letterProduced(when(told.at))}</>;
    case "letter-printed":
      return <>{toldContent.letterPrinted(when(told.at))}</>;
    case "cancelled":
      return <>{toldContent.withdrawn}</>;
    case "queued":
    case "sent":
    case "failed":
    case "unknown": {
      const words =
        told.state === "queued"
          ? toldContent.queued
          : told.state === "sent"
            ? toldContent.sent(when(told.at))
            : told.state === "failed"
              ? toldContent.failed(told.reason)
              : toldContent.unknown;
      return (
        <>
          {words}
          {canViewMail ? (
            <>
              <br />
              <a href={`/staff/mail/${told.messageId}`}>{toldContent.viewEmail}</a>
            </>
          ) : null}
        </>
      );
    }
    default: {
      const unhandled: never = told;
      throw new Error(`Unhandled message state: ${JSON.stringify(unhandled)}`);
    }
  }
}

/** The decision in force: what was decided and why, what it asks of the clinical system, and whether the patient knows. */
export function DecisionInForce({
  review,
  current,
  clinicalSystem,
  canViewMail,
  canPrintLetters,
}: {
  review: Review;
  current: CurrentDecision;
  clinicalSystem: string;
  canViewMail: boolean;
  canPrintLetters: boolean;
}) {
  const { decision } = current;
  const rows = content.rows;
  const actionedBy = staffName(review, decision.actionedBy, "request.actioned", decision.id);
  return (
    <>
      <h2>{content.heading}</h2>
      <SummaryList
        rows={[
          { key: rows.outcome, value: decisionOutcomeNames[decision.outcome] },
          { key: rows.code, value: decision.codeToEnter ? codeWithLabel(decision.codeToEnter) : content.noCode },
          { key: rows.accessLevel, value: decision.accessLevel ? accessLevelNames[decision.accessLevel] : content.noAccessChange },
          ...(decision.accessLevelReason ? [{ key: rows.accessLevelReason, value: decision.accessLevelReason }] : []),
          { key: rows.why, value: current.why },
          { key: rows.identityMethod, value: identityMethodNames[decision.identityMethod] },
          { key: rows.counselling, value: counsellingOf(decision) },
          ...(decision.reason ? [{ key: rows.reason, value: decision.reason }] : []),
          ...(decision.notes ? [{ key: rows.notes, value: decision.notes }] : []),
          { key: rows.decided, value: content.byWhen(current.decidedByName, formatWhen(decision.decidedAt)) },
          {
            key: rows.actioned,
            value: !decision.needsClinicalSystemStep
              ? content.nothingToDo
              : decision.actionedAt
                ? content.byWhen(actionedBy, formatWhen(decision.actionedAt))
                : content.notYet,
          },
          {
            key: rows.told,
            value: <PatientToldValue current={current} clinicalSystem={clinicalSystem} canViewMail={canViewMail} canPrintLetters={canPrintLetters} />,
          },
        ]}
      />
      {current.clinicalStep ? (
        <>
          <h3>{content.stepHeading}</h3>
          <StepInstructions step={current.clinicalStep} />
        </>
      ) : null}
    </>
  );
}

function StepInstructions({ step }: { step: ClinicalSystemStep | { kind: "nothing-to-do" | "action"; summary: string; steps?: string[] } }) {
  return (
    <>
      <p>
        <strong>{step.summary}</strong>
      </p>
      {step.kind === "action" && step.steps ? (
        <ol>
          {step.steps.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ol>
      ) : null}
    </>
  );
}

/** The outcome on paper, once the patient's outcome is due: by letter, or as well as an email. */
export function OutcomeLetter({ requestId, told }: { requestId: string; told: PatientTold }) {
  if (told.state === "not-yet" || told.state === "cancelled") return null;
  return (
    // The letters service answers this POST with the PDF, or sends it back here saying what is wrong.
    <Form method="post" action={`/staff/requests/${requestId}/outcome-letter.pdf`} reloadDocument className="nhsuk-u-margin-bottom-5">
      <input type="hidden" name="intent" value="outcome-letter" />
      <p>{told.channel === "letter" ? outcomeLetterContent.byLetter : outcomeLetterContent.byEmail}</p>
      <Button variant="secondary">{outcomeLetterContent.button}</Button>
    </Form>
  );
}

/** Decisions corrected by reopening the request: who reopened each and why, and how to undo it. */
export function CorrectedDecisions({ review }: { review: Review }) {
  if (review.corrected.length === 0) return null;
  return (
    <>
      <h2>{correctionContent.heading}</h2>
      {review.corrected.map(({ decision, supersededByName, undo }) => (
        <section key={decision.id} className="nhsuk-u-margin-bottom-6">
          <h3>{correctionContent.caption(decisionOutcomeNames[decision.outcome], formatWhen(decision.decidedAt))}</h3>
          <SummaryList
            rows={[
              { key: correctionContent.what, value: whatItAskedFor(decision) },
              { key: correctionContent.reopenedLabel, value: correctionContent.reopened(supersededByName, decision.supersededAt ? formatWhen(decision.supersededAt) : "") },
              { key: correctionContent.because, value: decision.supersededReason ?? "" },
            ]}
          />
          <h4>{correctionContent.undoHeading}</h4>
          <StepInstructions step={undo} />
        </section>
      ))}
    </>
  );
}

function whatItAskedFor(decision: Decision): string {
  const code = decision.codeToEnter ? codeWithLabel(decision.codeToEnter) : content.noCode;
  const level = decision.accessLevel ? accessLevelNames[decision.accessLevel] : content.noAccessChange;
  return `${code}; ${level}`;
}
