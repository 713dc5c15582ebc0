import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { Checkbox } from "../components/form-fields";
import { Button, ErrorSummary, errorList, firstError, Radios, TextInput } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { messageLetterPageContent as content } from "../content/letters";
import { CAMPAIGN_TEMPLATE_KEYS, templateName } from "../domain/message-templates";
import { parseNhsNumber } from "../domain/nhs-number";
import { formError } from "../http/form.server";
import { pdfDownload } from "../http/pdf-download.server";
import { letterActorOf, prepareSingleMessageLetter } from "../services/letters.server";

export const handle = { title: content.title };

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "print-letters");
  return { viewer: toViewer(context) };
}

const schema = z.object({
  nhsNumber: z
    .string()
    .transform((v) => parseNhsNumber(v))
    .refine((v) => v.ok, { error: content.errors.nhsNumber })
    .transform((v) => (v.ok ? v.value : "")),
  templateKey: z.enum(CAMPAIGN_TEMPLATE_KEYS, { error: content.errors.template }),
  largePrint: z.literal("yes").optional(),
});

// A plain form post (reloadDocument): the answer is the PDF, which the browser saves.
export async function action({ request }: ActionFunctionArgs) {
  const context = await requireStaff(request, "print-letters");
  const form = await request.formData();
  const parsed = schema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const { formErrors, fieldErrors } = z.flattenError(parsed.error);
    return formError({ formErrors, fieldErrors }, form);
  }
  const prepared = await prepareSingleMessageLetter(letterActorOf(context), {
    nhsNumber: parsed.data.nhsNumber,
    templateKey: parsed.data.templateKey,
    largePrint: parsed.data.largePrint === "yes",
  });
  return prepared.ok ? pdfDownload(prepared.letters) : formError({ fieldErrors: { nhsNumber: prepared.problems.map((p) => p.message) } }, form);
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
      <Form method="post" reloadDocument noValidate>
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
