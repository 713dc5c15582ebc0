import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireStaff } from "../auth/guard.server";
import { Checkbox } from "../components/form-fields";
import { Button, ErrorSummary, errorList, firstError, Radios, TextInput } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { messageLetterPageContent as content } from "../content/letters";
import { CAMPAIGN_TEMPLATE_KEYS, templateName } from "../domain/message-templates";
import { problemsResponse } from "../http/form.server";
import { readMessageForm } from "../http/letter-forms.server";
import { letterActorOf, singleMessageProblems } from "../services/letters.server";

export const handle = { title: content.title };

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "print-letters");
  return { viewer: toViewer(context) };
}

// The form posts to /staff/letters/message.pdf, which answers with the PDF, or sends the same
// POST here when anything is wrong: this shows what, and changes nothing.
export async function action({ request }: ActionFunctionArgs) {
  const context = await requireStaff(request, "print-letters");
  const form = await readMessageForm(request);
  if (!form.ok) return problemsResponse(form.problems);
  const values = { nhsNumber: form.input.nhsNumber, templateKey: form.input.templateKey, ...(form.input.largePrint ? { largePrint: "yes" } : {}) };
  const problems = await singleMessageProblems(letterActorOf(context), form.input);
  if (problems.length > 0) return problemsResponse({ formErrors: [], fieldErrors: { nhsNumber: problems.map((p) => p.message) }, values });
  return problemsResponse({ formErrors: [content.errors.tryAgain], fieldErrors: {}, values });
}

export default function MessageLetterPage() {
  const { viewer } = useLoaderData<typeof loader>();
  const actionErrors = useActionData<typeof action>();
  const values = actionErrors?.values ?? {};
  return (
    <StaffPage viewer={viewer}>
      <ErrorSummary errors={actionErrors ? errorList(actionErrors.fieldErrors, actionErrors.formErrors, ["nhsNumber", "templateKey"]) : []} focusKey={actionErrors} />
      <h1>{content.title}</h1>
      <p>{content.intro}</p>
      <Form method="post" action="/staff/letters/message.pdf" reloadDocument noValidate>
        <TextInput
          id="nhsNumber"
          name="nhsNumber"
          label={content.nhsNumber}
          hint={content.nhsNumberHint}
          width={10}
          inputMode="numeric"
          spellCheck={false}
          defaultValue={values.nhsNumber}
          error={firstError(actionErrors?.fieldErrors, "nhsNumber")}
        />
        <Radios
          name="templateKey"
          legend={content.templateLegend}
          options={CAMPAIGN_TEMPLATE_KEYS.map((key) => ({ value: key, label: templateName(key) }))}
          defaultValue={values.templateKey}
          error={firstError(actionErrors?.fieldErrors, "templateKey")}
        />
        <Checkbox name="largePrint" label={content.largePrint} defaultChecked={values.largePrint === "yes"} />
        <Button>{content.produce}</Button>
      </Form>
      <p>
        <a href="/staff/letters">{content.back}</a>
      </p>
    </StaffPage>
  );
}
