import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { Button, ErrorSummary, SummaryList, Table, TextInput } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { dateOfBirthWithAge } from "../content/date-of-birth";
import { staffContent } from "../content/staff";
import { ukLocalDay } from "../domain/calendar";
import { formatNhsNumber } from "../domain/nhs-number";
import { can } from "../domain/permissions";
import { setLargePrint, viewPatient } from "../services/patient-record.server";

export const handle = {
  title: (data: Awaited<ReturnType<typeof loader>>) =>
    data.lookup?.kind === "found" ? `${data.lookup.patient.givenName} ${data.lookup.patient.familyName}` : "Find a patient",
};

// A GET form, so the address can be bookmarked; each look that finds
// someone is audited by the service.
export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "view-patient", { writesAudit: true });
  const nhsNumber = new URL(request.url).searchParams.get("nhsNumber")?.trim() ?? "";
  return {
    viewer: toViewer(context),
    nhsNumber,
    today: ukLocalDay(new Date()),
    lookup: nhsNumber ? await viewPatient(context, nhsNumber) : null,
    canSetLargePrint: can(context.role, "print-letters"),
  };
}

const largePrintSchema = z.object({ nhsNumber: z.string(), largePrint: z.enum(["yes", "no"]) });

// Staff who print letters record whether a patient needs them in large print.
export async function action({ request }: ActionFunctionArgs) {
  const context = await requireStaff(request, "print-letters");
  const parsed = largePrintSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success || !(await setLargePrint(context, parsed.data.nhsNumber, parsed.data.largePrint === "yes"))) {
    throw new Response("There is no such patient.", { status: 404 });
  }
  return redirect(`/staff/patients?nhsNumber=${encodeURIComponent(parsed.data.nhsNumber)}`);
}

const longDate = (day: string) =>
  new Date(`${day.slice(0, 10)}T12:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const yesNo = (value: boolean) => (value ? "Yes" : "No");

export default function FindPatientPage() {
  const { viewer, nhsNumber, today, lookup, canSetLargePrint } = useLoaderData<typeof loader>();
  const invalid = lookup?.kind === "invalid";
  return (
    <StaffPage viewer={viewer}>
      {lookup?.kind === "found" ? null : (
        <>
          <ErrorSummary errors={invalid ? [{ fieldId: "nhsNumber", message: "Enter a valid 10-digit NHS number" }] : []} />
          <h1>Find a patient</h1>
        </>
      )}
      <Form method="get">
        <TextInput
          id="nhsNumber"
          name="nhsNumber"
          label="NHS number"
          hint="For example, 999 123 4567"
          width={10}
          inputMode="numeric"
          spellCheck={false}
          defaultValue={nhsNumber}
          error={invalid ? "Enter a valid 10-digit NHS number" : undefined}
        />
        <Button variant="secondary">Find</Button>
      </Form>
      {lookup?.kind === "not-found" ? <p>{`No patient at ${viewer.practiceName} has the NHS number ${nhsNumber}.`}</p> : null}
      {lookup?.kind === "found" ? <PatientDetails patient={lookup.patient} today={today} canSetLargePrint={canSetLargePrint} /> : null}
    </StaffPage>
  );
}

function PatientDetails({
  patient,
  today,
  canSetLargePrint,
}: {
  patient: Extract<Awaited<ReturnType<typeof viewPatient>>, { kind: "found" }>["patient"];
  today: string;
  canSetLargePrint: boolean;
}) {
  return (
    <>
      <h1>
        {patient.givenName} {patient.familyName}
      </h1>
      <SummaryList
        rows={[
          { key: "NHS number", value: formatNhsNumber(patient.nhsNumber) },
          { key: "Date of birth", value: dateOfBirthWithAge(patient.dateOfBirth, today) },
          { key: "Address", value: patient.address.map((line) => <span key={line} className="nhsuk-u-display-block">{line}</span>) },
          { key: "Email", value: patient.email ?? "None" },
          { key: "Mobile", value: patient.mobile ?? "None" },
          { key: "Contact details private to the patient", value: yesNo(patient.contactIsPrivate) },
          { key: "Online account", value: yesNo(patient.onlineAccount) },
          { key: "Letters in large print", value: yesNo(patient.largePrint) },
          { key: "Access state", value: staffContent.home.stateNames[patient.state] },
          { key: "Opt-in needs a clinician", value: yesNo(patient.enhancedReview) },
          { key: "In the programme", value: patient.eligible ? "Yes" : patient.deceased ? "No: deceased" : !patient.registered ? "No: no longer registered" : "No: under 16" },
        ]}
      />
      {canSetLargePrint ? (
        <Form method="post" className="nhsuk-u-margin-bottom-5">
          <input type="hidden" name="nhsNumber" value={patient.nhsNumber} />
          <input type="hidden" name="largePrint" value={patient.largePrint ? "no" : "yes"} />
          <Button variant="secondary">{patient.largePrint ? "Stop printing their letters in large print" : "Print their letters in large print"}</Button>
        </Form>
      ) : null}
      <Table
        caption="Coded history from the latest import"
        captionSize="s"
        head={["Code", "Meaning", "Recorded"]}
        rows={patient.codes.length > 0 ? patient.codes.map((c) => [c.code, c.term, c.recorded.length > 10 ? new Date(c.recorded).toLocaleString("en-GB", { timeZone: "Europe/London" }) : longDate(c.recorded)]) : [["None", "", ""]]}
      />
    </>
  );
}
