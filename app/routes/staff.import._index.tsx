import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { FileUpload } from "../components/file-upload";
import { Button, ErrorSummary, errorList, firstError, Radios } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { importContent } from "../content/import";
import { UPLOADS } from "../http/body-limits";
import { formError } from "../http/form.server";
import { discardUpload, receiveFileUpload } from "../http/upload.server";
import { IMPORT_FORMATS } from "../domain/import-columns";
import { importUploadDirectory, startPreview } from "../services/import-jobs.server";

const content = importContent.upload;

export const handle = { title: content.title };

const uploadSchema = z.object({
  patientList: z
    .object({ filePath: z.string(), fileName: z.string(), size: z.number() }, { error: content.noFile })
    .refine((file) => file.size > 0, { error: content.emptyFile }),
  format: z.enum(IMPORT_FORMATS, { error: content.noFormat }),
});

const formatOptions = Object.entries(content.formats).map(([value, { label, hint }]) => ({ value, label, hint }));

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "import-patients");
  return { viewer: toViewer(context) };
}

// The file streams to disk as it arrives; nothing is imported until the
// manager has seen the preview and confirmed it.
export async function action({ request }: ActionFunctionArgs) {
  const context = await requireStaff(request, "import-patients");
  const received = await receiveFileUpload(request, {
    field: "patientList",
    directory: importUploadDirectory(),
    maxBytes: UPLOADS.patientList.fileBytes,
  });
  if (!received.ok) {
    return formError({ fieldErrors: { patientList: [received.problem === "too-large" ? content.tooLarge : content.notAForm] } });
  }
  const parsed = uploadSchema.safeParse({ ...Object.fromEntries(received.fields), patientList: received.file });
  if (!parsed.success) {
    await discardUpload(received.file);
    const { formErrors, fieldErrors } = z.flattenError(parsed.error);
    return formError({ formErrors, fieldErrors }, received.fields);
  }
  const jobId = await startPreview({ context, upload: parsed.data.patientList, format: parsed.data.format });
  return redirect(`/staff/import/${jobId}`);
}

export default function ImportUploadPage() {
  const { viewer } = useLoaderData<typeof loader>();
  const errors = useActionData<typeof action>();
  return (
    <StaffPage viewer={viewer}>
      <ErrorSummary errors={errors ? errorList(errors.fieldErrors, errors.formErrors, ["patientList", "format"]) : []} focusKey={errors} />
      <h1>{content.title}</h1>
      <p>{content.intro}</p>
      {/* Posted by the browser itself, not fetched: a file over the limit is refused (413) before
          it is read, and only a page of its own can show that answer. */}
      <Form method="post" encType="multipart/form-data" reloadDocument noValidate>
        <FileUpload
          id="patientList"
          name="patientList"
          label={content.fileLabel}
          hint={content.fileHint}
          accept=".csv,text/csv"
          error={firstError(errors?.fieldErrors, "patientList")}
        />
        <Radios
          name="format"
          legend={content.formatLegend}
          options={formatOptions}
          defaultValue={errors?.values.format}
          error={firstError(errors?.fieldErrors, "format")}
        />
        <Button>{content.button}</Button>
      </Form>
    </StaffPage>
  );
}
