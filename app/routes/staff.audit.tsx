import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { requireStaff } from "../auth/guard.server";
import { Button, ErrorSummary, pageTitle, Select, Table, TextInput } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { actionLabel, auditContent, auditTime } from "../content/audit";
import { formatNhsNumber } from "../domain/nhs-number";
import { readAuditQuery, searchAuditTrail } from "../services/audit.server";

export const handle = {
  title: (data: Awaited<ReturnType<typeof loader>>) => pageTitle(auditContent.title, data.patientError !== null),
};

// A GET form, so a patient's trail can be bookmarked. Bad filters are ignored; an NHS number that
// is not one is shown back with its error. Every look is audited by the service.
export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "view-audit", { writesAudit: true });
  const { searchParams } = new URL(request.url);
  const query = readAuditQuery({
    actorId: searchParams.get("actorId"),
    action: searchParams.get("action"),
    patient: searchParams.get("patient"),
    from: searchParams.get("from"),
    to: searchParams.get("to"),
    before: searchParams.get("before"),
    after: searchParams.get("after"),
  });
  const trail = await searchAuditTrail(context, query);
  const filters = { actorId: query.actorId, action: query.action, patient: query.patient, from: query.from, to: query.to };
  return {
    viewer: toViewer(context),
    filters,
    events: trail.events.map((e) => ({ key: e.key, when: auditTime(e.occurredAt), at: e.occurredAt.toISOString(), sentence: e.sentence })),
    total: trail.total,
    newer: trail.newer,
    older: trail.older,
    actions: trail.actions.map((a) => ({ value: a, label: actionLabel(a) })).sort((a, b) => a.label.localeCompare(b.label, "en-GB")),
    staff: trail.staff.map((s) => ({ id: s.id, name: s.name })),
    patient: trail.patient ? formatNhsNumber(trail.patient.nhsNumber) : null,
    patientError: trail.patientProblem ? auditContent.patientProblems[trail.patientProblem] : null,
    patientNotFound: trail.patientNotFound,
  };
}

type Filters = Awaited<ReturnType<typeof loader>>["filters"];

/** The page's address with these filters, and perhaps a page. */
function linkTo(path: string, filters: Filters, page: Record<string, string> = {}): string {
  const params = new URLSearchParams(
    Object.entries({ ...filters, ...page }).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""),
  ).toString();
  return params ? `${path}?${params}` : path;
}

export default function AuditPage() {
  const { viewer, filters, events, total, newer, older, actions, staff, patient, patientError, patientNotFound } = useLoaderData<typeof loader>();
  const filtered = Object.values(filters).some((v) => v !== undefined && v !== "");
  const c = auditContent;
  return (
    <StaffPage viewer={viewer}>
      <ErrorSummary errors={patientError ? [{ fieldId: "patient", message: patientError }] : []} />
      <h1>{c.title}</h1>
      <p>{patient ? c.patientIntro(patient) : c.intro}</p>
      <Form method="get" key={JSON.stringify(filters)} className="nhsuk-u-margin-bottom-5">
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-one-third">
            <TextInput
              id="patient"
              name="patient"
              label={c.patientLabel}
              hint={c.patientHint}
              width={10}
              inputMode="numeric"
              spellCheck={false}
              defaultValue={filters.patient ?? ""}
              error={patientError ?? undefined}
            />
          </div>
          <div className="nhsuk-grid-column-one-third">
            <Select
              id="actorId"
              name="actorId"
              label={c.who}
              options={[{ value: "", label: c.anyone }, ...staff.map((s) => ({ value: s.id, label: s.name }))]}
              defaultValue={filters.actorId ?? ""}
            />
          </div>
          <div className="nhsuk-grid-column-one-third">
            <Select id="action" name="action" label={c.what} options={[{ value: "", label: c.anything }, ...actions]} defaultValue={filters.action ?? ""} />
          </div>
        </div>
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-one-third">
            <TextInput id="from" name="from" label={c.fromLabel} width={10} defaultValue={filters.from ?? ""} />
          </div>
          <div className="nhsuk-grid-column-one-third">
            <TextInput id="to" name="to" label={c.toLabel} width={10} defaultValue={filters.to ?? ""} />
          </div>
        </div>
        <Button variant="secondary">{c.filterButton}</Button>
        {filtered ? (
          <p>
            <a href="/staff/audit">{c.clearFilters}</a>
          </p>
        ) : null}
      </Form>
      {patientNotFound ? <p>{c.patientNotFound}</p> : null}
      {patientError ? null : (
        <>
          {events.length > 0 ? (
            <p>
              <a href={linkTo("/staff/audit.csv", filters)} download>
                {c.download(total)}
              </a>
            </p>
          ) : null}
          <Table
            caption={c.caption(events.length, total, newer !== null || older !== null)}
            captionSize="s"
            head={c.head}
            rows={
              events.length > 0
                ? events.map((e) => [
                    <time key={e.key} dateTime={e.at}>
                      {e.when}
                    </time>,
                    <span key={e.key} className="nhsuk-u-text-break-word">
                      {e.sentence}
                    </span>,
                  ])
                : [[c.empty, ""]]
            }
          />
          <Pages filters={filters} newer={newer} older={older} />
        </>
      )}
    </StaffPage>
  );
}

/** Newer and older pages, keeping the filters (NHS.UK pagination). */
function Pages({ filters, newer, older }: { filters: Filters; newer: string | null; older: string | null }) {
  if (!newer && !older) return null;
  return (
    <nav className="nhsuk-pagination" aria-label={auditContent.pagesLabel}>
      <ul className="nhsuk-list nhsuk-pagination__list">
        {newer ? (
          <li className="nhsuk-pagination-item--previous">
            <a className="nhsuk-pagination__link nhsuk-pagination__link--prev" href={linkTo("/staff/audit", filters, { after: newer })}>
              <span className="nhsuk-pagination__title">{auditContent.newer}</span>
            </a>
          </li>
        ) : null}
        {older ? (
          <li className="nhsuk-pagination-item--next">
            <a className="nhsuk-pagination__link nhsuk-pagination__link--next" href={linkTo("/staff/audit", filters, { before: older })}>
              <span className="nhsuk-pagination__title">{auditContent.older}</span>
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
