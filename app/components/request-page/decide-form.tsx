import type { ReactNode } from "react";
import { counsellingMethodNames, decideContent as content } from "../../content/request-decision";
import { accessLevelNames, decisionOutcomeNames, identityMethodNames } from "../../content/review-queue";
import { COUNSELLING_METHODS, IDENTITY_METHODS } from "../../domain/access-decision";
import { ConditionalReveal } from "../conditional-reveal";
import { DateInput, RadiosWithConditionals } from "../form-fields";
import { Button, Radios, Textarea, TextInput, type FieldErrors } from "../forms";
import { otherLevelField, otherLevelReasonField, REASON_OUTCOMES, USUAL_LEVEL } from "./decide-form-fields";
import { allMessages } from "../every-problem";
import { StepForm } from "./step-form";
import type { ActionErrors, Review } from "./types";

type Decide = NonNullable<Review["decide"]>;
type Choice = Decide["choices"][number];

interface FieldProps {
  values: Record<string, string>;
  fieldErrors: FieldErrors | undefined;
}

/** Where the counselling record starts: what was posted, else the conversation arranged and who is deciding. */
function startingValues(review: Review, decide: Decide, errors: ActionErrors): Record<string, string> {
  if (errors?.values.intent === "decide") return errors.values;
  const arranged = review.counselling;
  const [year = "", month = "", day = ""] = arranged?.on.split("-") ?? [];
  return {
    counselledOnDay: day ? String(Number(day)) : "",
    counselledOnMonth: month ? String(Number(month)) : "",
    counselledOnYear: year,
    counsellingMethod: arranged && (COUNSELLING_METHODS as readonly string[]).includes(arranged.method) ? arranged.method : "",
    counsellingHeldBy: decide.me,
  };
}

/**
 * The decision, derived from the request: only the outcomes this member of staff may choose now,
 * each with what it means for the clinical system. What an outcome needs (the counselling record,
 * a reason, a different level) is revealed under it; without JavaScript all of it shows, and the
 * server reads only what belongs to the outcome chosen.
 */
export function DecideForm({ review, decide, isClinician, errors }: { review: Review; decide: Decide; isClinician: boolean; errors: ActionErrors }) {
  const values = startingValues(review, decide, errors);
  const fieldErrors = errors?.values.intent === "decide" ? errors.fieldErrors : undefined;
  const counsellingChoice = decide.choices.find((choice) => choice.needsCounselling);
  const conditionalFor = (choice: Choice): ReactNode => {
    const parts = [
      choice === counsellingChoice ? <CounsellingFields key="counselling" values={values} fieldErrors={fieldErrors} /> : null,
      REASON_OUTCOMES.includes(choice.outcome) ? (
        <Textarea
          key="reason"
          id="reason"
          name="reason"
          label={content.reasonLabel}
          hint={content.reasonHint}
          defaultValue={values.reason}
          error={allMessages(fieldErrors, "reason")}
        />
      ) : null,
      isClinician && choice.change.accessLevel !== null && choice.change.otherLevels.length > 0 ? (
        <OtherAccessLevel key="level" choice={choice} values={values} fieldErrors={fieldErrors} />
      ) : null,
    ].filter((part) => part !== null);
    return parts.length > 0 ? <>{parts}</> : undefined;
  };
  return (
    <StepForm intent="decide" version={review.request.version}>
      <h3>{content.heading}</h3>
      {counsellingChoice ? <input type="hidden" name="counsellingFor" value={counsellingChoice.outcome} /> : null}
      <ConditionalReveal>
        <RadiosWithConditionals
          name="outcome"
          legend={content.outcomeLegend}
          hint={content.outcomeHint}
          options={decide.choices.map((choice) => ({
            value: choice.outcome,
            label: decisionOutcomeNames[choice.outcome],
            hint: content.consequence(choice.change),
            conditional: conditionalFor(choice),
          }))}
          defaultValue={values.outcome}
          error={allMessages(fieldErrors, "outcome")}
        />
      </ConditionalReveal>
      <Radios
        name="identityMethod"
        legend={content.identityMethodLegend}
        options={IDENTITY_METHODS.map((method) => ({ value: method, label: identityMethodNames[method] }))}
        defaultValue={values.identityMethod}
        error={allMessages(fieldErrors, "identityMethod")}
      />
      <Textarea id="notes" name="notes" label={content.notesLabel} defaultValue={values.notes} error={allMessages(fieldErrors, "notes")} rows={3} />
      <Button>{content.button}</Button>
    </StepForm>
  );
}

/** The counselling conversation: when, how, who held it and a note. Needed to grant access to a patient who had an active 104. */
function CounsellingFields({ values, fieldErrors }: FieldProps) {
  return (
    <>
      <p>{content.counsellingIntro}</p>
      <DateInput
        id="counselledOn"
        name="counselledOn"
        legend={content.counsellingDate}
        hint={content.counsellingDateHint}
        error={allMessages(fieldErrors, "counselledOn")}
        values={{ day: values.counselledOnDay, month: values.counselledOnMonth, year: values.counselledOnYear }}
      />
      <Radios
        name="counsellingMethod"
        legend={content.counsellingMethod}
        options={COUNSELLING_METHODS.map((method) => ({ value: method, label: counsellingMethodNames[method] }))}
        defaultValue={values.counsellingMethod}
        error={allMessages(fieldErrors, "counsellingMethod")}
      />
      <TextInput
        id="counsellingHeldBy"
        name="counsellingHeldBy"
        label={content.counsellingHeldBy}
        defaultValue={values.counsellingHeldBy}
        error={allMessages(fieldErrors, "counsellingHeldBy")}
      />
      <Textarea
        id="counsellingNote"
        name="counsellingNote"
        label={content.counsellingNote}
        hint={content.counsellingNoteHint}
        defaultValue={values.counsellingNote}
        error={allMessages(fieldErrors, "counsellingNote")}
        rows={3}
      />
    </>
  );
}

/** For a clinician: a level other than the derived one, with the reason, which is audited and shown. */
function OtherAccessLevel({ choice, values, fieldErrors }: FieldProps & { choice: Choice }) {
  const levelField = otherLevelField(choice.outcome);
  const reasonField = otherLevelReasonField(choice.outcome);
  const usual = accessLevelNames[choice.change.accessLevel!];
  const levelError = allMessages(fieldErrors, levelField);
  const reasonError = allMessages(fieldErrors, reasonField);
  const chosen = (values[levelField] ?? "") !== "" && values[levelField] !== USUAL_LEVEL;
  return (
    <details className="nhsuk-details" open={chosen || levelError !== undefined || reasonError !== undefined}>
      <summary className="nhsuk-details__summary">
        <span className="nhsuk-details__summary-text">{content.otherLevelSummary}</span>
      </summary>
      <div className="nhsuk-details__text">
        <p>{content.otherLevelIntro(usual.toLowerCase())}</p>
        <Radios
          name={levelField}
          legend={content.otherLevelLegend}
          options={[
            { value: USUAL_LEVEL, label: content.otherLevelUsual(usual) },
            ...choice.change.otherLevels.map((level) => ({ value: level, label: accessLevelNames[level] })),
          ]}
          defaultValue={values[levelField]}
          error={levelError}
        />
        <Textarea
          id={reasonField}
          name={reasonField}
          label={content.otherLevelReason}
          defaultValue={values[reasonField]}
          error={reasonError}
          rows={3}
        />
      </div>
    </details>
  );
}
