import { correctionContent, counsellingMethodNames, decideContent } from "../../content/request-decision";
import { moveNames, requestPageContent as content, requestStateNames } from "../../content/review-queue";
import { COUNSELLING_METHODS } from "../../domain/access-decision";
import { DateInput } from "../form-fields";
import { Button, Radios, Textarea } from "../forms";
import { DecideForm } from "./decide-form";
import { allMessages } from "../every-problem";
import { StepForm } from "./step-form";
import type { ActionErrors, Review } from "./types";

/**
 * What this member of staff may do with the request now, each refusal said in words: move it on,
 * decide it, mark it done in the clinical system, close it, or reopen it to correct its decision.
 */
export function Actions({ review, isClinician, errors }: { review: Review; isClinician: boolean; errors: ActionErrors }) {
  const { request, moves, decide, markActioned, close, reopen } = review;
  const posted = errors?.values.intent;
  const valuesFor = (intent: string) => (posted === intent ? errors!.values : {});
  const fieldError = (intent: string, name: string) => (posted === intent ? allMessages(errors?.fieldErrors, name) : undefined);
  const refusals = [
    ...moves.flatMap((m) => (m.check.ok ? [] : [content.notAllowed(moveNames[m.to], m.check.reason)])),
    ...(decide?.refusal ? [content.notAllowed(decideContent.heading, decide.refusal)] : []),
    ...(markActioned && !markActioned.ok ? [content.notAllowed(content.markActioned, markActioned.reason)] : []),
    ...(close && !close.ok ? [content.notAllowed(content.close, close.reason)] : []),
    ...(reopen && !reopen.check.ok ? [content.notAllowed(correctionContent.reopenHeading, reopen.check.reason)] : []),
  ];
  const allowedMoves = moves.filter((m) => m.check.ok);
  const canDecide = decide !== null && decide.choices.length > 0;
  const nothing = allowedMoves.length === 0 && !canDecide && !markActioned?.ok && !close?.ok && !reopen?.check.ok;
  return (
    <>
      <h2>{content.actionsHeading}</h2>
      {nothing ? <p>{content.nothingNow}</p> : null}
      {refusals.length > 0 ? (
        <ul>
          {refusals.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : null}
      {allowedMoves.map(({ to }) => (
        <StepForm key={to} intent="move" version={request.version}>
          <input type="hidden" name="to" value={to} />
          {to === "counselling" ? (
            <>
              <DateInput
                id="arrangedOn"
                name="arrangedOn"
                legend={content.arrangedOn}
                hint={content.arrangedOnHint}
                error={fieldError("move", "arrangedOn")}
                values={{ day: valuesFor("move").arrangedOnDay, month: valuesFor("move").arrangedOnMonth, year: valuesFor("move").arrangedOnYear }}
              />
              <Radios
                name="arrangedMethod"
                legend={content.arrangedMethod}
                options={COUNSELLING_METHODS.map((method) => ({ value: method, label: counsellingMethodNames[method] }))}
                defaultValue={valuesFor("move").arrangedMethod}
                error={fieldError("move", "arrangedMethod")}
              />
            </>
          ) : null}
          <Button variant="secondary">{moveNames[to]}</Button>
        </StepForm>
      ))}
      {canDecide ? <DecideForm review={review} decide={decide} isClinician={isClinician} errors={errors} /> : null}
      {markActioned?.ok ? (
        <StepForm intent="mark-actioned" version={request.version}>
          <Button>{content.markActioned}</Button>
        </StepForm>
      ) : null}
      {close?.ok ? (
        <StepForm intent="close" version={request.version}>
          <Button>{content.close}</Button>
        </StepForm>
      ) : null}
      {reopen?.check.ok ? (
        <StepForm intent="reopen" version={request.version}>
          <h3>{correctionContent.reopenHeading}</h3>
          <p>{correctionContent.reopenIntro(requestStateNames[reopen.to].toLowerCase())}</p>
          <Textarea
            id="reopenReason"
            name="reopenReason"
            label={correctionContent.reopenReason}
            defaultValue={valuesFor("reopen").reopenReason}
            error={fieldError("reopen", "reopenReason")}
            rows={3}
          />
          <Button variant="warning">{correctionContent.reopenButton}</Button>
        </StepForm>
      ) : null}
    </>
  );
}
