import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireStaff } from "../auth/guard.server";
import { FileUpload } from "../components/file-upload";
import { Checkbox } from "../components/form-fields";
import { allMessages, everyProblem } from "../components/every-problem";
import { Button, ErrorSummary, TextInput } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { registrationPageContent as content } from "../content/letters";
import { linkageKeyName } from "../domain/letters";
import { problemsResponse } from "../http/form.server";
import { problemsOfLetters, readRegistrationForm } from "../http/letter-forms.server";
import { letterActorOf, registrationProblems } from "../services/letters.server";

// Both forms post as plain forms (reloadDocument) to the .pdf route, so the
// browser saves the PDF it answers with.

export const handle = { title: content.title };

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "print-letters");
  return { viewer: toViewer(context), keyName: linkageKeyName(context.practice.clinicalSystem) };
}

// The forms post to /staff/letters/registration.pdf, which answers with the PDF, or sends the
// same POST here when anything is wrong: this shows what, and changes nothing.
export async function action({ request }: ActionFunctionArgs) {
  const context = await requireStaff(request, "print-letters");
  const form = await readRegistrationForm(request, linkageKeyName(context.practice.clinicalSystem));
  if (!form.ok) return problemsResponse(form.problems);
  const problems = await registrationProblems(letterActorOf(context), form.input.rows);
  const values: Record<string, string> = form.input.fromFile ? {} : { nhsNumber: form.input.rows[0]!.nhsNumber };
  if (problems.length > 0) return problemsResponse(problemsOfLetters(problems, form.input.fromFile, values));
  return problemsResponse({ formErrors: [content.errors.tryAgain], fieldErrors: {}, values });
}

const FIELD_ORDER = ["nhsNumber", "accountId", "linkageKey", "registrationFile"];

export default function RegistrationLettersPage() {
  const { viewer, keyName } = useLoaderData<typeof loader>();
  const actionErrors = useActionData<typeof action>();
  // Each problem, not only the first: a batch can be refused for many rows at once.
  const error = (name: string) => allMessages(actionErrors?.fieldErrors, name);
  return (
    <StaffPage viewer={viewer}>
      <ErrorSummary
        errors={actionErrors ? everyProblem(actionErrors.fieldErrors, actionErrors.formErrors, FIELD_ORDER) : []}
        focusKey={actionErrors}
      />
      <h1>{content.title}</h1>
      <p>{content.intro(keyName)}</p>
      <h2>{content.oneHeading}</h2>
      <Form method="post" action="/staff/letters/registration.pdf" reloadDocument noValidate autoComplete="off">
        <TextInput id="nhsNumber" name="nhsNumber" label={content.nhsNumber} hint={content.nhsNumberHint} width={10} inputMode="numeric" spellCheck={false} defaultValue={actionErrors?.values.nhsNumber} error={error("nhsNumber")} />
        <TextInput id="accountId" name="accountId" label={content.accountId} width={20} spellCheck={false} autoComplete="off" error={error("accountId")} />
        <TextInput id="linkageKey" name="linkageKey" label={content.linkageKey(keyName)} width={30} spellCheck={false} autoComplete="off" error={error("linkageKey")} />
        <Checkbox name="largePrint" label={content.largePrint} />
        <Button>{content.produceOne}</Button>
      </Form>
      <h2>{content.batchHeading}</h2>
      <Form method="post" action="/staff/letters/registration.pdf" encType="multipart/form-data" reloadDocument noValidate>
        <FileUpload
          id="registrationFile"
          name="registrationFile"
          label={content.file}
          hint={content.fileHint}
          accept=".csv,text/csv"
          error={error("registrationFile")}
        />
        <Checkbox name="batchLargePrint" label={content.batchLargePrint} />
        <Button>{content.produceBatch}</Button>
      </Form>
      <p>
        <a href="/staff/letters">{content.back}</a>
      </p>
    </StaffPage>
  );
}
