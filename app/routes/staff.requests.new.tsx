import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { DateInput } from "../components/form-fields";
import { Button, ErrorSummary, errorList, firstError, InsetText, pageTitle, Radios, Select, SummaryList, Table, Textarea, TextInput } from "../components/forms";
import { SafeContactQuestions } from "../components/safe-contact-questions";
import { StaffPage, toViewer } from "../components/staff-page";
import { dateOfBirthWithAge } from "../content/date-of-birth";
import { newRequestContent as content, requestPageContent } from "../content/review-queue";
import { staffEntryContent } from "../content/staff-request-entry";
import { formatIsoDay, parseIsoDay, ukLocalDay } from "../domain/calendar";
import { formatNhsNumber } from "../domain/nhs-number";
import { safeContactSchema, type SafeContact } from "../domain/request-forms";
import { REQUEST_KINDS, STAFF_CHANNELS, STAFF_IDENTITY_CHECKS } from "../domain/request-workflow";
import { formError } from "../http/form.server";
import { findPatients } from "../services/patient-search.server";
import { listAssignableStaff } from "../services/review-queue.server";
import { enterRequestForPatient, getPatientForStaffRequest } from "../services/staff-requests.server";

// A request staff take on a patient's behalf: find the patient (a GET search,
// audited), then say what they asked for, how it came in and who took it.

type LoaderData = Awaited<ReturnType<typeof loader>>;

export const handle = {
  // A submitted form's errors add "Error: " by themselves (components/document-title.tsx); these are the search's.
  title: (data: LoaderData) => pageTitle(content.title, (data.search !== null && !data.search.ok) || data.patientMissing),
};

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "work-queue", { writesAudit: true });
  const params = new URL(request.url).searchParams;
  const find = params.get("find")?.trim() ?? "";
  const patientId = z.uuid().safeParse(params.get("patient"));
  const now = new Date();
  const patient = patientId.success ? await getPatientForStaffRequest(context, patientId.data, now) : null;
  return {
    viewer: toViewer(context),
    me: context.user.id,
    today: ukLocalDay(now),
    find,
    search: find && !patient ? await findPatients(context, find, "enter-request") : null,
    patient,
    patientMissing: params.has("patient") && !patient,
    staff: patient ? await listAssignableStaff(context) : [],
  };
}

const errors = content.errors;

const entrySchema = z
  .object({
    patientId: z.uuid({ error: errors.patient }),
    kind: z.enum(REQUEST_KINDS, { error: errors.kind }),
    channel: z.enum(STAFF_CHANNELS, { error: errors.channel }),
    takenBy: z.uuid({ error: errors.takenBy }),
    receivedOnDay: z.string().trim().default(""),
    receivedOnMonth: z.string().trim().default(""),
    receivedOnYear: z.string().trim().default(""),
    identityCheck: z.enum(STAFF_IDENTITY_CHECKS, { error: errors.identity }),
    // Asked, in the online form's words, only of a patient asking for access.
    contactWay: z.string().optional(),
    contactPhone: z.string().optional(),
    contactTime: z.string().optional(),
    notes: z
      .string()
      .trim()
      .max(2000, errors.notesTooLong)
      .optional()
      .transform((v) => (v ? v : null)),
  })
  .transform((form, ctx) => {
    const parts = [form.receivedOnDay, form.receivedOnMonth, form.receivedOnYear];
    const day =
      parts.every((p) => /^\d+$/.test(p)) && form.receivedOnYear.length === 4
        ? formatIsoDay({ year: Number(form.receivedOnYear), month: Number(form.receivedOnMonth), day: Number(form.receivedOnDay) })
        : null;
    const dayOk = day !== null && parseIsoDay(day) !== null;
    if (!dayOk) ctx.addIssue({ code: "custom", path: ["receivedOn"], message: errors.receivedOnInvalid });
    // The same checks as the online form's (the number only when the phone is the safe way).
    let safeContact: SafeContact | null = null;
    if (form.kind === "opt-in") {
      const contact = safeContactSchema(staffEntryContent.contactErrors).safeParse(form);
      if (contact.success) safeContact = contact.data;
      else for (const issue of contact.error.issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
    }
    if (!dayOk || (form.kind === "opt-in" && !safeContact)) return z.NEVER;
    return {
      patientId: form.patientId,
      kind: form.kind,
      channel: form.channel,
      takenBy: form.takenBy,
      receivedOn: day,
      identityCheck: form.identityCheck,
      safeContact,
      notes: form.notes,
    };
  });

const FIELD_ORDER = ["patientId", "kind", "channel", "takenBy", "receivedOn", "identityCheck", "contactWay", "contactPhone", "contactTime", "notes"];

export async function action({ request }: ActionFunctionArgs) {
  const context = await requireStaff(request, "work-queue");
  const form = await request.formData();
  const parsed = entrySchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const { formErrors, fieldErrors } = z.flattenError(parsed.error);
    return formError({ formErrors, fieldErrors }, form);
  }
  const result = await enterRequestForPatient(context, parsed.data);
  if (!result.ok) return formError({ fieldErrors: { [result.field]: [result.reason] } }, form);
  return redirect(`/staff/requests/${result.requestId}?entered=${result.joined ? "joined" : "new"}`);
}

export default function NewRequestPage() {
  const { viewer, me, today, find, search, patient, patientMissing, staff } = useLoaderData<typeof loader>();
  const actionErrors = useActionData<typeof action>();
  const searchError = search && !search.ok ? requestPageContent.searchProblems[search.problem] : patientMissing ? content.notFound : undefined;
  return (
    <StaffPage viewer={viewer}>
      <ErrorSummary
        errors={
          actionErrors
            ? errorList(actionErrors.fieldErrors, actionErrors.formErrors, FIELD_ORDER)
            : searchError
              ? [{ fieldId: "find", message: searchError }]
              : []
        }
        focusKey={actionErrors}
      />
      <h1>{content.title}</h1>
      {patient ? (
        <EntryForm patient={patient} staff={staff} me={me} today={today} actionErrors={actionErrors} />
      ) : (
        <>
          <p>{content.intro}</p>
          <Form method="get" className="nhsuk-u-margin-bottom-5">
            <TextInput id="find" name="find" type="search" label={content.findLabel} hint={content.findHint} spellCheck={false} defaultValue={find} error={searchError} />
            <Button variant="secondary">{content.findButton}</Button>
          </Form>
          {search?.ok ? <Results search={search} find={find} today={today} /> : null}
        </>
      )}
    </StaffPage>
  );
}

function Results({ search, find, today }: { search: Extract<NonNullable<LoaderData["search"]>, { ok: true }>; find: string; today: string }) {
  if (search.patients.length === 0) return <p>{requestPageContent.searchNone(find)}</p>;
  return (
    <Table
      caption={requestPageContent.searchResults(search.patients.length, search.more, find)}
      captionSize="s"
      head={content.resultsHead}
      rows={search.patients.map((p) => [
        <>
          {p.name}
          {p.standing !== "registered" ? (
            <>
              {" "}
              <strong className="nhsuk-tag nhsuk-tag--grey">{requestPageContent.standing[p.standing]}</strong>
            </>
          ) : null}
        </>,
        formatNhsNumber(p.nhsNumber),
        dateOfBirthWithAge(p.dateOfBirth, today),
        [p.address, p.postcode].filter(Boolean).join(", "),
        p.standing === "registered" ? (
          <a key={p.id} href={`/staff/requests/new?patient=${p.id}`}>
            {content.choose}
            <span className="nhsuk-u-visually-hidden">{content.chooseFor(p.name)}</span>
          </a>
        ) : (
          ""
        ),
      ])}
    />
  );
}

function EntryForm({
  patient,
  staff,
  me,
  today,
  actionErrors,
}: {
  patient: NonNullable<LoaderData["patient"]>;
  staff: LoaderData["staff"];
  me: string;
  today: string;
  actionErrors: ReturnType<typeof useActionData<typeof action>>;
}) {
  const values = actionErrors?.values ?? {};
  const error = (name: string) => firstError(actionErrors?.fieldErrors, name);
  const [year, month, day] = today.split("-");
  const rows = content.patientRows;
  return (
    <>
      <h2>{content.patientHeading}</h2>
      <SummaryList
        rows={[
          { key: rows.name, value: patient.name },
          { key: rows.nhsNumber, value: formatNhsNumber(patient.nhsNumber) },
          { key: rows.dateOfBirth, value: dateOfBirthWithAge(patient.dateOfBirth, today) },
          { key: rows.address, value: [patient.address, patient.postcode].filter(Boolean).join(", ") },
        ]}
      />
      <p>
        <a href="/staff/requests/new">{content.changePatient}</a>
      </p>
      {error("patientId") ? (
        // The error summary links here.
        <p className="nhsuk-error-message" id="patientId" tabIndex={-1}>
          <span className="nhsuk-u-visually-hidden">Error:</span> {error("patientId")}
        </p>
      ) : patient.outsideProgramme ? (
        <InsetText>
          <p>{patient.outsideProgramme}</p>
        </InsetText>
      ) : null}
      <Form method="post">
        <input type="hidden" name="patientId" value={patient.id} />
        <Radios
          name="kind"
          legend={content.kindLegend}
          options={REQUEST_KINDS.map((k) => ({ value: k, label: content.kindNames[k] }))}
          defaultValue={values.kind}
          error={error("kind")}
        />
        <Radios
          name="channel"
          legend={content.channelLegend}
          options={STAFF_CHANNELS.map((c) => ({ value: c, label: content.channelNames[c] }))}
          defaultValue={values.channel}
          error={error("channel")}
        />
        <Select
          id="takenBy"
          name="takenBy"
          label={content.takenByLabel}
          defaultValue={values.takenBy ?? me}
          error={error("takenBy")}
          options={staff.map((m) => ({ value: m.id, label: m.name }))}
        />
        <DateInput
          id="receivedOn"
          name="receivedOn"
          legend={content.receivedOnLegend}
          hint={content.receivedOnHint}
          error={error("receivedOn")}
          values={{
            day: values.receivedOnDay ?? String(Number(day)),
            month: values.receivedOnMonth ?? String(Number(month)),
            year: values.receivedOnYear ?? year,
          }}
        />
        <Radios
          name="identityCheck"
          legend={content.identityLegend}
          options={STAFF_IDENTITY_CHECKS.map((c) => ({ value: c, label: content.identityCheckNames[c] }))}
          defaultValue={values.identityCheck}
          error={error("identityCheck")}
        />
        <h2>{staffEntryContent.contactHeading}</h2>
        <p>{staffEntryContent.contactIntro}</p>
        <SafeContactQuestions values={values} fieldErrors={actionErrors?.fieldErrors} />
        <Textarea id="notes" name="notes" label={content.notesLabel} hint={content.notesHint} defaultValue={values.notes} error={error("notes")} />
        <Button>{content.submit}</Button>
      </Form>
    </>
  );
}
