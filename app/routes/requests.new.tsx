import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { z } from "zod";
import { Button, ErrorSummary, errorList, firstError, Radios, SummaryList, TextInput, type FieldErrors } from "../components/forms";
import { Checkbox } from "../components/form-fields";
import { SafeContactQuestions } from "../components/safe-contact-questions";
import { MainContent } from "../components/page-chrome";
import { answerRows } from "../content/request-answers";
import { requestErrors, requestsContent as content } from "../content/requests";
import { ukLocalDay } from "../domain/calendar";
import { DETAILS_FIELDS, detailsSchema, isRequestKind, QUESTION_FIELDS, questionAnswersToStore, questionsSchema } from "../domain/request-forms";
import type { RequestKind } from "../domain/request-workflow";
import { getPatientHome } from "../services/patient-home.server";
import { discardSubmission, submitPatientRequest } from "../services/patient-requests.server";

// The online form: your details, the kind's questions, check your answers,
// send. One route; each POST carries every earlier answer in hidden fields and
// everything is validated again, so it works the same with JavaScript off.

export const HONEYPOT = "website";
const STEPS = ["details", "questions", "check"] as const;
type Step = (typeof STEPS)[number];

export interface StepData {
  step: Step;
  values: Record<string, string>;
  formErrors: string[];
  fieldErrors: FieldErrors;
}

async function practiceAndKind(request: Request) {
  const url = new URL(request.url);
  const home = await getPatientHome(url.searchParams.get("practice"));
  if (home.kind !== "practice") return { problem: redirect("/requests") } as const;
  const kind = url.searchParams.get("kind");
  if (!isRequestKind(kind)) {
    return { problem: redirect(`/requests?practice=${encodeURIComponent(home.practice.odsCode)}&error=kind`) } as const;
  }
  return { practice: { odsCode: home.practice.odsCode, name: home.practice.name }, kind } as const;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const found = await practiceAndKind(request);
  if ("problem" in found) throw found.problem;
  return { practice: found.practice, kind: found.kind };
}

export const handle = {
  title: (loaded: { kind: RequestKind }, stepped?: StepData) => {
    switch (stepped?.step ?? "details") {
      case "details":
        return content.details.title;
      case "questions":
        return content.questions[loaded.kind].title;
      case "check":
        return content.check.title;
    }
  },
};

/** The posted fields as strings. PostgreSQL cannot store U+0000, so that one character is dropped. */
export function postedStrings(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form) if (typeof value === "string") values[key] = value.replaceAll(String.fromCharCode(0), "");
  return values;
}

/** Only the fields a journey owns are carried and stored, nothing else that was posted. */
export function pick(values: Record<string, string>, fields: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const field of fields) if (values[field] !== undefined) picked[field] = values[field];
  return picked;
}

export function stepData(step: Step, values: Record<string, string>, error?: z.ZodError) {
  const { formErrors, fieldErrors } = error ? z.flattenError(error) : { formErrors: [], fieldErrors: {} };
  return data<StepData>({ step, values, formErrors, fieldErrors: fieldErrors as FieldErrors }, { status: error ? 400 : 200 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const found = await practiceAndKind(request);
  if ("problem" in found) throw found.problem;
  const { practice, kind } = found;
  const posted = postedStrings(await request.formData());
  if ((posted[HONEYPOT] ?? "") !== "") {
    const { reference } = await discardSubmission();
    return redirect(`/requests/sent?ref=${reference}`);
  }
  const values = pick(posted, [...DETAILS_FIELDS, ...QUESTION_FIELDS[kind]]);
  const now = new Date();
  const details = detailsSchema(requestErrors, ukLocalDay(now)).safeParse(values);
  const questions = questionsSchema(kind, requestErrors).safeParse(values);
  const step = STEPS.find((s) => s === posted.step) ?? "details";
  const intent = posted.intent;

  if (step === "details") return details.success ? stepData("questions", values) : stepData("details", values, details.error);
  if (!details.success) return stepData("details", values, details.error);
  if (step === "questions") return questions.success ? stepData("check", values) : stepData("questions", values, questions.error);
  if (intent === "change-details") return stepData("details", values);
  if (intent === "change-questions" || !questions.success) return stepData("questions", values, questions.error);

  const { reference } = await submitPatientRequest({
    odsCode: practice.odsCode,
    kind,
    claim: { ...details.data },
    answers: { kind, ...questionAnswersToStore(values, questions.data) },
    clientAddress: context.clientAddress,
    now,
  });
  return redirect(`/requests/sent?ref=${reference}`);
}

// ---------------------------------------------------------------------------
// Pieces shared with the personal-link journey (r.$token.tsx)
// ---------------------------------------------------------------------------

/** A trap for robots: people never see it, and anything typed in it means nothing is stored. */
export function Honeypot() {
  return (
    <div className="nhsuk-u-visually-hidden">
      <label htmlFor={HONEYPOT}>{content.honeypot}</label>
      <input id={HONEYPOT} name={HONEYPOT} type="text" tabIndex={-1} autoComplete="off" defaultValue="" />
    </div>
  );
}

export function HiddenFields({ values, except }: { values: Record<string, string>; except: readonly string[] }) {
  return (
    <>
      {Object.entries(values)
        .filter(([name]) => !except.includes(name))
        .map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
    </>
  );
}

/** The NHS date input with the autocomplete tokens a date of birth needs. */
export function DateOfBirthInput({
  legend,
  hint,
  error,
  values,
  legendIsPageHeading,
}: {
  legend: ReactNode;
  hint: ReactNode;
  error?: string;
  values: Record<string, string>;
  legendIsPageHeading?: boolean;
}) {
  const parts = [
    { label: "Day", name: "dateOfBirthDay", id: "dateOfBirth", width: 2, autoComplete: "bday-day" },
    { label: "Month", name: "dateOfBirthMonth", id: "dateOfBirth-month", width: 2, autoComplete: "bday-month" },
    { label: "Year", name: "dateOfBirthYear", id: "dateOfBirth-year", width: 4, autoComplete: "bday-year" },
  ] as const;
  return (
    <div className={`nhsuk-form-group${error ? " nhsuk-form-group--error" : ""}`}>
      <fieldset className="nhsuk-fieldset" role="group" aria-describedby={error ? "dateOfBirth-hint dateOfBirth-error" : "dateOfBirth-hint"}>
        {legendIsPageHeading ? (
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--l">
            <h1 className="nhsuk-fieldset__heading">{legend}</h1>
          </legend>
        ) : (
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
        )}
        <div className="nhsuk-hint" id="dateOfBirth-hint">
          {hint}
        </div>
        {error ? (
          <span className="nhsuk-error-message" id="dateOfBirth-error">
            <span className="nhsuk-u-visually-hidden">Error:</span> {error}
          </span>
        ) : null}
        <div className="nhsuk-date-input">
          {parts.map((part) => (
            <div className="nhsuk-date-input__item" key={part.name}>
              <div className="nhsuk-form-group">
                <label className="nhsuk-label nhsuk-date-input__label" htmlFor={part.id}>
                  {part.label}
                </label>
                <input
                  className={`nhsuk-input nhsuk-date-input__input nhsuk-input--width-${part.width}${error ? " nhsuk-input--error" : ""}`}
                  id={part.id}
                  name={part.name}
                  type="text"
                  inputMode="numeric"
                  autoComplete={part.autoComplete}
                  defaultValue={values[part.name]}
                />
              </div>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

/** The questions for one kind of request. */
export function KindQuestions({ kind, values, fieldErrors }: { kind: RequestKind; values: Record<string, string>; fieldErrors: FieldErrors }) {
  switch (kind) {
    case "opt-out": {
      const q = content.questions["opt-out"];
      return (
        <Radios
          name="optOutScope"
          legend={q.title}
          legendIsPageHeading
          options={q.options}
          defaultValue={values.optOutScope}
          error={firstError(fieldErrors, "optOutScope")}
        />
      );
    }
    case "opt-in": {
      const q = content.questions["opt-in"];
      return (
        <>
          <h1>{q.title}</h1>
          <p>{q.intro}</p>
          {(["declarationUpsetting", "declarationLoginSafe", "declarationTellPractice"] as const).map((name) => (
            <Checkbox key={name} name={name} label={q[name]} defaultChecked={values[name] === "yes"} error={firstError(fieldErrors, name)} />
          ))}
          <SafeContactQuestions values={values} fieldErrors={fieldErrors} />
        </>
      );
    }
    case "withdraw-opt-out": {
      const q = content.questions["withdraw-opt-out"];
      return (
        <>
          <h1>{q.title}</h1>
          <Checkbox name="withdrawConfirm" label={q.withdrawConfirm} defaultChecked={values.withdrawConfirm === "yes"} error={firstError(fieldErrors, "withdrawConfirm")} />
        </>
      );
    }
    default: {
      const unhandled: never = kind;
      throw new Error(`Unhandled request kind: ${String(unhandled)}`);
    }
  }
}

/** Answers as summary-list rows, in the words the form asked and the patient chose (React escapes them). */
function summaryRows(answers: Record<string, string>): { key: ReactNode; value: ReactNode }[] {
  return answerRows(answers).map((row) => ({ key: row.question, value: row.answer }));
}

/** The kind's answers as summary-list rows: what they want to do, then its questions. */
export function kindAnswerRows(kind: RequestKind, values: Record<string, string>): { key: ReactNode; value: ReactNode }[] {
  return summaryRows({ kind, ...pick(values, QUESTION_FIELDS[kind]) });
}

// ---------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------

export function DetailsStep({ values, fieldErrors }: { values: Record<string, string>; fieldErrors: FieldErrors }) {
  const c = content.details;
  return (
    <>
      <h1>{c.title}</h1>
      <p>{c.intro}</p>
      <TextInput id="givenName" name="givenName" label={c.givenName} autoComplete="given-name" spellCheck={false} defaultValue={values.givenName} error={firstError(fieldErrors, "givenName")} />
      <TextInput id="familyName" name="familyName" label={c.familyName} autoComplete="family-name" spellCheck={false} defaultValue={values.familyName} error={firstError(fieldErrors, "familyName")} />
      <DateOfBirthInput legend={c.dateOfBirth} hint={c.dateOfBirthHint} values={values} error={firstError(fieldErrors, "dateOfBirth")} />
      <TextInput id="postcode" name="postcode" label={c.postcode} hint={c.postcodeHint} autoComplete="postal-code" width={10} defaultValue={values.postcode} error={firstError(fieldErrors, "postcode")} />
      <TextInput id="nhsNumber" name="nhsNumber" label={c.nhsNumber} hint={c.nhsNumberHint} inputMode="numeric" width={10} spellCheck={false} defaultValue={values.nhsNumber} error={firstError(fieldErrors, "nhsNumber")} />
      <h2>{c.contactHeading}</h2>
      <p className="nhsuk-hint">{c.contactHint}</p>
      <TextInput id="email" name="email" type="email" label={c.email} autoComplete="email" spellCheck={false} defaultValue={values.email} error={firstError(fieldErrors, "email")} />
      <TextInput id="mobile" name="mobile" type="tel" label={c.mobile} autoComplete="tel" width={20} defaultValue={values.mobile} error={firstError(fieldErrors, "mobile")} />
    </>
  );
}

function detailsRows(values: Record<string, string>) {
  return summaryRows(pick(values, DETAILS_FIELDS));
}

const FIELD_ORDER = ["givenName", "familyName", "dateOfBirth", "postcode", "nhsNumber", "email", "mobile"];

export default function NewRequestPage() {
  const { practice, kind } = useLoaderData<typeof loader>();
  const stepResult = useActionData<typeof action>();
  const { step, values, formErrors, fieldErrors } = stepResult ?? { step: "details" as Step, values: {}, formErrors: [], fieldErrors: {} };
  const actionUrl = `/requests/new?practice=${encodeURIComponent(practice.odsCode)}&kind=${encodeURIComponent(kind)}`;
  const onPage = step === "details" ? DETAILS_FIELDS : step === "questions" ? QUESTION_FIELDS[kind] : [];
  return (
    <MainContent>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <ErrorSummary
            errors={errorList(fieldErrors, formErrors, [...FIELD_ORDER, ...QUESTION_FIELDS[kind]])}
            focusKey={stepResult}
          />
          <Form method="post" action={actionUrl} noValidate key={step}>
            <input type="hidden" name="step" value={step} />
            <HiddenFields values={values} except={onPage} />
            <Honeypot />
            {step === "details" ? <DetailsStep values={values} fieldErrors={fieldErrors} /> : null}
            {step === "questions" ? <KindQuestions kind={kind} values={values} fieldErrors={fieldErrors} /> : null}
            {step === "check" ? (
              <>
                <h1>{content.check.title}</h1>
                <h2>{content.check.detailsHeading}</h2>
                <SummaryList rows={detailsRows(values)} />
                <Button variant="secondary" name="intent" value="change-details">
                  {content.check.changeDetails}
                </Button>
                <h2>{content.check.requestHeading}</h2>
                <SummaryList rows={kindAnswerRows(kind, values)} />
                <Button variant="secondary" name="intent" value="change-questions">
                  {content.check.changeRequest}
                </Button>
                <div>
                  <Button name="intent" value="submit">
                    {content.check.button}
                  </Button>
                </div>
              </>
            ) : (
              <Button>{content.button}</Button>
            )}
          </Form>
        </div>
      </div>
    </MainContent>
  );
}
