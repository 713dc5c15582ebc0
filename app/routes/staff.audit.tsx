import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { Button, Select, Table, TextInput } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { isIsoDay } from "../domain/calendar";
import { AUDIT_PAGE_SIZE, searchAuditTrail } from "../services/audit.server";

export const handle = { title: "Audit trail" };

const day = z.string().refine(isIsoDay).optional().catch(undefined);
// Filters come from the query string; a bad value is ignored, not an error.
const filtersSchema = z.object({
  actorId: z.uuid().optional().catch(undefined),
  action: z.string().max(100).optional().catch(undefined),
  patient: z.string().max(20).optional().catch(undefined),
  from: day,
  to: day,
});

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "view-audit", { writesAudit: true });
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
  const filters = filtersSchema.parse(params);
  const result = await searchAuditTrail(context, filters);
  return {
    viewer: toViewer(context),
    filters,
    events: result.events.map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString() })),
    actions: result.actions,
    staff: result.staff.map((s) => ({ id: s.id, name: s.name })),
    patientNotFound: result.patientNotFound,
    pageSize: AUDIT_PAGE_SIZE,
  };
}

const when = (iso: string) =>
  new Date(iso).toLocaleString("en-GB", { timeZone: "Europe/London", dateStyle: "medium", timeStyle: "medium" });

export default function AuditPage() {
  const { viewer, filters, events, actions, staff, patientNotFound, pageSize } = useLoaderData<typeof loader>();
  return (
    <StaffPage viewer={viewer}>
      <h1>Audit trail</h1>
      <p>Every change and every view of patient details, newest first. Entries cannot be changed or deleted.</p>
      <Form method="get">
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-one-third">
            <Select
              id="actorId"
              name="actorId"
              label="Who"
              options={[{ value: "", label: "Anyone" }, ...staff.map((s) => ({ value: s.id, label: s.name }))]}
              defaultValue={filters.actorId ?? ""}
            />
          </div>
          <div className="nhsuk-grid-column-one-third">
            <Select
              id="action"
              name="action"
              label="What"
              options={[{ value: "", label: "Anything" }, ...actions.map((a) => ({ value: a, label: a }))]}
              defaultValue={filters.action ?? ""}
            />
          </div>
          <div className="nhsuk-grid-column-one-third">
            <TextInput id="patient" name="patient" label="Patient's NHS number" width={10} inputMode="numeric" defaultValue={filters.patient} />
          </div>
        </div>
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-one-third">
            <TextInput id="from" name="from" label="From (YYYY-MM-DD)" width={10} defaultValue={filters.from} />
          </div>
          <div className="nhsuk-grid-column-one-third">
            <TextInput id="to" name="to" label="To (YYYY-MM-DD)" width={10} defaultValue={filters.to} />
          </div>
        </div>
        <Button variant="secondary">Filter</Button>
      </Form>
      {patientNotFound ? <p>No patient at this practice has that NHS number.</p> : null}
      <Table
        caption={events.length === pageSize ? `The latest ${pageSize} matching entries` : `${events.length} matching entries`}
        captionSize="s"
        head={["When", "Who", "Role", "What", "Details"]}
        rows={events.map((e) => [
          when(e.occurredAt),
          e.actorName ?? "—",
          e.actorRole,
          e.action,
          <code key={e.id} className="nhsuk-body-s">
            {Object.keys(e.summary).length > 0 ? JSON.stringify(e.summary) : ""}
          </code>,
        ])}
      />
    </StaffPage>
  );
}
