import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { FileUpload } from "../components/file-upload";
import { Checkbox } from "../components/form-fields";
import { Button, ErrorSummary, errorList, firstError, TextInput } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { registrationPageContent as content } from "../content/letters";
import { linkageKeyName, MAX_KEY_LENGTH } from "../domain/letters";
import { parseNhsNumber } from "../domain/nhs-number";
import { formError } from "../http/form.server";
import { pdfDownload } from "../http/pdf-download.server";
import { receiveSmallTextUpload } from "../http/upload.server";
import { letterActorOf, prepareRegistrationLetters, readRegistrationCsv, type LetterProblem } from "../services/letters.server";

// Both forms post as plain forms (reloadDocument): a good answer is the PDF
// itself, which the browser saves; a bad one is this page with the problems.

export const handle = { title: content.title };

const MAX_FILE_BYTES = 2 * 1024 * 1024;

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "print-letters");
  return { viewer: toViewer(context), keyName: linkageKeyName(context.practice.clinicalSystem) };
}

const errors = content.errors;

function oneLetterSchema(keyName: string) {
  const key = (missing: string) => z.string().trim().min(1, { error: missing }).max(MAX_KEY_LENGTH, { error: errors.tooLong });
  return z.object({
    nhsNumber: z.string().refine((v) => parseNhsNumber(v).ok, { error: errors.nhsNumber }),
    accountId: key(errors.accountId),
    linkageKey: key(errors.linkageKey(keyName)),
    largePrint: z.literal("yes").optional(),
  });
}

/** Problems with the file name the file field; anything about one patient names the NHS number field. */
function problemsAsErrors(problems: LetterProblem[], batch: boolean) {
  if (batch) return { fieldErrors: { registrationFile: problems.map((p) => p.message) } };
  const fieldErrors: Record<string, string[]> = {};
  for (const p of problems) (fieldErrors[p.field ?? "nhsNumber"] ??= []).push(p.message.replace(/^Row \d+: /, ""));
  return { fieldErrors };
}

export async function action({ request }: ActionFunctionArgs) {
  const context = await requireStaff(request, "print-letters");
  const keyName = linkageKeyName(context.practice.clinicalSystem);
  const actor = letterActorOf(context);
  if ((request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    const received = await receiveSmallTextUpload(request, { field: "registrationFile", maxBytes: MAX_FILE_BYTES });
    if (!received.ok) return formError({ fieldErrors: { registrationFile: [received.problem === "too-large" ? errors.tooLarge : errors.notAForm] } });
    if (received.text === null) return formError({ fieldErrors: { registrationFile: [errors.noFile] } });
    const read = readRegistrationCsv(received.text);
    if (!read.ok) return formError(problemsAsErrors(read.problems, true));
    const prepared = await prepareRegistrationLetters(actor, read.rows, { largePrint: received.fields.get("batchLargePrint") === "yes" });
    return prepared.ok ? pdfDownload(prepared.letters) : formError(problemsAsErrors(prepared.problems, true));
  }
  const form = await request.formData();
  const parsed = oneLetterSchema(keyName).safeParse(Object.fromEntries(form));
  // The keys are never sent back to the page: only the NHS number is kept for the form.
  const keep = new FormData();
  keep.set("nhsNumber", String(form.get("nhsNumber") ?? ""));
  if (!parsed.success) {
    const { formErrors, fieldErrors } = z.flattenError(parsed.error);
    return formError({ formErrors, fieldErrors }, keep);
  }
  const prepared = await prepareRegistrationLetters(actor, [{ row: 2, ...parsed.data }], { largePrint: parsed.data.largePrint === "yes" });
  return prepared.ok ? pdfDownload(prepared.letters) : formError(problemsAsErrors(prepared.problems, false), keep);
}

export default function RegistrationLettersPage() {
  const { viewer, keyName } = useLoaderData<typeof loader>();
  const actionErrors = useActionData<typeof action>();
  const error = (name: string) => firstError(actionErrors?.fieldErrors, name);
  const fileErrors = actionErrors?.fieldErrors.registrationFile ?? [];
  return (
    <StaffPage viewer={viewer}>
      <ErrorSummary
        errors={actionErrors ? errorList(actionErrors.fieldErrors, actionErrors.formErrors, ["nhsNumber", "accountId", "linkageKey", "registrationFile"]) : []}
        focusKey={actionErrors}
      />
      <h1>{content.title}</h1>
      <p>{content.intro(keyName)}</p>
      <h2>{content.oneHeading}</h2>
      <Form method="post" reloadDocument noValidate autoComplete="off">
        <TextInput id="nhsNumber" name="nhsNumber" label={content.nhsNumber} hint={content.nhsNumberHint} width={10} inputMode="numeric" spellCheck={false} defaultValue={actionErrors?.values.nhsNumber} error={error("nhsNumber")} />
        <TextInput id="accountId" name="accountId" label={content.accountId} width={20} spellCheck={false} autoComplete="off" error={error("accountId")} />
        <TextInput id="linkageKey" name="linkageKey" label={content.linkageKey(keyName)} width={30} spellCheck={false} autoComplete="off" error={error("linkageKey")} />
        <Checkbox name="largePrint" label={content.largePrint} />
        <Button>{content.produceOne}</Button>
      </Form>
      <h2>{content.batchHeading}</h2>
      <Form method="post" encType="multipart/form-data" reloadDocument noValidate>
        <FileUpload
          id="registrationFile"
          name="registrationFile"
          label={content.file}
          hint={content.fileHint}
          accept=".csv,text/csv"
          error={fileErrors.length > 0 ? fileErrors.join(" ") : undefined}
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
