import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button, ErrorSummary, errorList, firstError, Radios, SummaryList, type FieldErrors } from "../components/forms";
import { MainContent } from "../components/page-chrome";
import { requestErrors, requestsContent as content } from "../content/requests";
import { ukLocalDay } from "../domain/calendar";
import { dateOfBirthSchema, isRequestKind, kindSchema, QUESTION_FIELDS, questionAnswersToStore, questionsSchema } from "../domain/request-forms";
import { REQUEST_KINDS } from "../domain/request-workflow";
import { checkPersonalLink, discardSubmission, personalLinkWorks, submitLinkedRequest } from "../services/patient-requests.server";
import { DateOfBirthInput, HiddenFields, Honeypot, HONEYPOT, KindQuestions, kindAnswerRows, pick, postedStrings } from "./requests.new";

// The personal link from a message. Nothing about the patient or the practice
// is shown until the date of birth matches the record; every POST checks the
// token and the date of birth again. A link that does not work looks the same
// whether it is unknown, tampered with or expired.

const STEPS = ["dob", "kind", "questions", "check"] as const;
type Step = (typeof STEPS)[number];
const DOB_FIELDS = ["dateOfBirthDay", "dateOfBirthMonth", "dateOfBirthYear"] as const;

interface LinkStep {
  step: Step | "broken";
  values: Record<string, string>;
  formErrors: string[];
  fieldErrors: FieldErrors;
}

const broken = () => data<LinkStep>({ step: "broken", values: {}, formErrors: [], fieldErrors: {} }, { status: 404 });

function show(step: Step, values: Record<string, string>, error?: z.ZodError | FieldErrors) {
  const flat =
    error instanceof z.ZodError ? z.flattenError(error) : { formErrors: [] as string[], fieldErrors: error ?? {} };
  const hasErrors = error !== undefined;
  return data<LinkStep>({ step, values, formErrors: flat.formErrors, fieldErrors: flat.fieldErrors as FieldErrors }, { status: hasErrors ? 400 : 200 });
}

export async function loader({ params }: LoaderFunctionArgs) {
  const works = await personalLinkWorks(params.token ?? "", new Date());
  return data({ works }, { status: works ? 200 : 404 });
}

export const handle = {
  title: (loaded: { works: boolean }, stepped?: LinkStep) => {
    const step = stepped?.step ?? (loaded.works ? "dob" : "broken");
    const kind = stepped?.values.kind;
    switch (step) {
      case "broken":
        return content.link.brokenTitle;
      case "dob":
        return content.link.title;
      case "kind":
        return content.kindChoice.title;
      case "questions":
        return isRequestKind(kind) ? content.questions[kind].title : content.kindChoice.title;
      case "check":
        return content.check.title;
    }
  },
};

export async function action({ request, params }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const now = new Date();
  const posted = postedStrings(await request.formData());
  if ((posted[HONEYPOT] ?? "") !== "") {
    const { reference } = await discardSubmission();
    return redirect(`/requests/sent?ref=${reference}`);
  }
  const kind = isRequestKind(posted.kind) ? posted.kind : null;
  const values = pick(posted, [...DOB_FIELDS, "kind", ...(kind ? QUESTION_FIELDS[kind] : [])]);
  const dob = dateOfBirthSchema(requestErrors, ukLocalDay(now)).safeParse(values);
  if (!dob.success) {
    return (await personalLinkWorks(token, now)) ? show("dob", pick(values, DOB_FIELDS), dob.error) : broken();
  }
  const wrong = () => show("dob", {}, { dateOfBirth: [content.link.wrong] });
  const step = STEPS.find((s) => s === posted.step) ?? "dob";
  const intent = posted.intent;

  if (step === "check" && intent === "submit" && kind) {
    const questions = questionsSchema(kind, requestErrors).safeParse(values);
    if (questions.success) {
      const result = await submitLinkedRequest({ token, dateOfBirth: dob.data.dateOfBirth, kind, answers: questionAnswersToStore(values, questions.data), now });
      if (result.ok) return redirect(`/requests/sent?ref=${result.reference}`);
      return result.problem === "broken" ? broken() : wrong();
    }
  }

  const check = await checkPersonalLink(token, dob.data.dateOfBirth, now);
  if (check.kind === "broken") return broken();
  if (check.kind === "wrong") return wrong();

  if (step === "dob") return show("kind", values);
  const chosen = kindSchema(requestErrors).safeParse(values);
  if (!chosen.success || !kind) return show("kind", values, chosen.success ? undefined : chosen.error);
  if (step === "kind" || intent === "change-kind") return show(step === "kind" ? "questions" : "kind", values);
  const questions = questionsSchema(kind, requestErrors).safeParse(values);
  if (step === "questions") return questions.success ? show("check", values) : show("questions", values, questions.error);
  return show("questions", values, questions.success ? undefined : questions.error);
}

const kindOptions = content.start.kinds.filter((k) => (REQUEST_KINDS as readonly string[]).includes(k.value));

export default function PersonalLinkPage() {
  const { works } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { step, values, formErrors, fieldErrors } = result ?? { step: works ? ("dob" as const) : ("broken" as const), values: {}, formErrors: [], fieldErrors: {} };
  if (step === "broken") {
    return (
      <MainContent>
        <h1>{content.link.brokenTitle}</h1>
        <p>{content.link.broken}</p>
        <p>
          {content.link.stillOnline} <a href="/requests">{content.link.startLink}</a>
        </p>
      </MainContent>
    );
  }
  const kind = isRequestKind(values.kind) ? values.kind : null;
  const onPage: readonly string[] =
    step === "dob" ? DOB_FIELDS : step === "kind" ? ["kind"] : step === "questions" && kind ? QUESTION_FIELDS[kind] : [];
  return (
    <MainContent>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <ErrorSummary
            errors={errorList(fieldErrors, formErrors, ["dateOfBirth", "kind", ...(kind ? QUESTION_FIELDS[kind] : [])])}
            focusKey={result}
          />
          <Form method="post" noValidate key={step}>
            <input type="hidden" name="step" value={step} />
            <HiddenFields values={values} except={onPage} />
            <Honeypot />
            {step === "dob" ? (
              <DateOfBirthInput
                legend={content.link.title}
                legendIsPageHeading
                hint={content.link.hint}
                values={values}
                error={firstError(fieldErrors, "dateOfBirth")}
              />
            ) : null}
            {step === "kind" ? (
              <Radios
                name="kind"
                legend={content.kindChoice.title}
                legendIsPageHeading
                options={kindOptions}
                defaultValue={values.kind}
                error={firstError(fieldErrors, "kind")}
              />
            ) : null}
            {step === "questions" && kind ? <KindQuestions kind={kind} values={values} fieldErrors={fieldErrors} /> : null}
            {step === "check" && kind ? (
              <>
                <h1>{content.check.title}</h1>
                <SummaryList rows={kindAnswerRows(kind, values)} />
                <Button variant="secondary" name="intent" value="change-kind">
                  {content.check.changeRequest}
                </Button>
                <div>
                  <Button name="intent" value="submit">
                    {content.check.button}
                  </Button>
                </div>
              </>
            ) : (
              <Button>{content.link.button}</Button>
            )}
          </Form>
        </div>
      </div>
    </MainContent>
  );
}
