import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { Button, ErrorSummary, firstError, NotificationBanner, Select, SummaryList, TextInput, type ErrorSummaryItem } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { atRiskContent, exportsContent, filterNames, outcomeButtons, outcomeNames } from "../content/at-risk";
import { AT_RISK_FILTERS, AT_RISK_OUTCOMES, type AtRiskFilter } from "../domain/at-risk-review";
import { formatLongDay, formatLongUkDate } from "../domain/calendar";
import { formatNhsNumber } from "../domain/nhs-number";
import { formError, parseForm } from "../http/form.server";
import { filterAtRiskPatients, reviewAtRiskPatient, viewAtRiskList } from "../services/at-risk-review.server";

export const handle = { title: atRiskContent.title };

const NOTE_MAX = 1000;
// A bulk-104 practice can have most of its list here: a page of forms at a time.
const PAGE_SIZE = 25;

const filterSchema = z.enum(AT_RISK_FILTERS).catch("all");

const reviewSchema = z.object({
  patientId: z.uuid({ error: atRiskContent.notOnList }),
  outcome: z.enum(AT_RISK_OUTCOMES, { error: atRiskContent.outcomeMissing }),
  note: z
    .string()
    .trim()
    .max(NOTE_MAX, { error: atRiskContent.noteTooLong })
    .optional()
    .transform((note) => note || null),
  show: filterSchema.optional(),
  page: z.coerce.number().int().min(1).catch(1).optional(),
});

function listAddress(show: AtRiskFilter, page: number, saved?: string): string {
  const params = new URLSearchParams();
  if (show !== "all") params.set("show", show);
  if (page > 1) params.set("page", String(page));
  if (saved) params.set("saved", saved);
  const query = params.toString();
  return query ? `/staff/at-risk?${query}` : "/staff/at-risk";
}

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "review-at-risk-list");
  const url = new URL(request.url);
  const show = filterSchema.parse(url.searchParams.get("show") ?? "all");
  const list = await viewAtRiskList(context, new Date());
  if (!list.ok) throw new Response("You do not have permission to do this.", { status: 403 });
  const filtered = filterAtRiskPatients(list.patients, show);
  const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
  const page = Math.min(pages, Math.max(1, Math.trunc(Number(url.searchParams.get("page") ?? "1")) || 1));
  const savedId = url.searchParams.get("saved");
  const saved = savedId ? list.patients.find((p) => p.patientId === savedId && p.review) : undefined;
  return {
    viewer: toViewer(context),
    show,
    total: list.patients.length,
    matching: filtered.length,
    page,
    pages,
    patients: filtered.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
    saved: saved?.review ? atRiskContent.saved(`${saved.givenName} ${saved.familyName}`, saved.review.outcome) : null,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const context = await requireStaff(request, "review-at-risk-list");
  const parsed = await parseForm(request, reviewSchema);
  if (!parsed.ok) return parsed.response;
  const { patientId, outcome, note, show, page } = parsed.data;
  const result = await reviewAtRiskPatient(context, { patientId, outcome, note }, new Date());
  if (!result.ok) {
    if (result.kind === "refused") throw new Response("You do not have permission to do this.", { status: 403 });
    return formError({ formErrors: [atRiskContent.notOnList] }, parsed.form);
  }
  return redirect(listAddress(show ?? "all", page ?? 1, patientId));
}

export default function AtRiskReviewPage() {
  const { viewer, show, total, matching, page, pages, patients, saved } = useLoaderData<typeof loader>();
  const errors = useActionData<typeof action>();
  const erroredPatient = errors?.values.patientId;
  const noteError = firstError(errors?.fieldErrors, "note");
  const summary: ErrorSummaryItem[] = errors
    ? [
        ...errors.formErrors.map((message) => ({ message })),
        ...Object.entries(errors.fieldErrors).flatMap(([field, messages]) =>
          messages?.[0] ? [{ fieldId: field === "note" && erroredPatient ? `note-${erroredPatient}` : undefined, message: messages[0] }] : [],
        ),
      ]
    : [];
  return (
    <StaffPage viewer={viewer}>
      <ErrorSummary errors={summary} focusKey={errors} />
      {saved && !errors ? (
        <NotificationBanner success>
          <p className="nhsuk-notification-banner__heading">{saved}</p>
        </NotificationBanner>
      ) : null}
      <h1>{atRiskContent.title}</h1>
      <p>{atRiskContent.intro}</p>
      <p>
        <a href="/staff/at-risk/remediation.csv" download>
          {atRiskContent.remediationLink}
        </a>
      </p>
      <p>
        <a href="/staff/exports">{exportsContent.title}</a>
      </p>
      <Form method="get">
        <Select
          id="show"
          name="show"
          label={atRiskContent.filterLabel}
          options={AT_RISK_FILTERS.map((value) => ({ value, label: filterNames[value] }))}
          defaultValue={show}
        />
        <Button variant="secondary">{atRiskContent.filterButton}</Button>
      </Form>
      <p>{atRiskContent.count(matching, total)}</p>
      {patients.length === 0 ? <p>{atRiskContent.empty}</p> : null}
      {patients.map((patient) => {
        const noteId = `note-${patient.patientId}`;
        const name = `${patient.givenName} ${patient.familyName}`;
        return (
          <section key={patient.patientId} aria-labelledby={`patient-${patient.patientId}`} className="nhsuk-u-margin-bottom-6">
            <h2 id={`patient-${patient.patientId}`} className="nhsuk-heading-m">
              {name}
            </h2>
            <SummaryList
              rows={[
                { key: atRiskContent.nhsNumber, value: formatNhsNumber(patient.nhsNumber) },
                { key: atRiskContent.dateOfBirth, value: formatLongDay(patient.dateOfBirth) },
                { key: atRiskContent.recorded104, value: patient.recorded104On ? formatLongDay(patient.recorded104On) : atRiskContent.recorded104Unknown },
                {
                  key: atRiskContent.currentOutcome,
                  value: patient.review ? (
                    <>
                      <strong>{outcomeNames[patient.review.outcome]}</strong>
                      <span className="nhsuk-u-display-block nhsuk-body-s nhsuk-u-margin-bottom-0">
                        {atRiskContent.reviewedBy(patient.review.reviewedByName, formatLongUkDate(new Date(patient.review.reviewedAt)))}
                      </span>
                      {patient.review.note ? <span className="nhsuk-u-display-block nhsuk-body-s nhsuk-u-margin-bottom-0">{patient.review.note}</span> : null}
                    </>
                  ) : (
                    atRiskContent.notReviewed
                  ),
                },
              ]}
            />
            <Form method="post" aria-label={`Review ${name}`}>
              <input type="hidden" name="patientId" value={patient.patientId} />
              <input type="hidden" name="show" value={show} />
              <input type="hidden" name="page" value={page} />
              <TextInput
                id={noteId}
                name="note"
                label={atRiskContent.noteLabel}
                width={30}
                defaultValue={erroredPatient === patient.patientId ? errors?.values.note : undefined}
                error={erroredPatient === patient.patientId ? noteError : undefined}
              />
              {AT_RISK_OUTCOMES.map((outcome) => (
                <Button key={outcome} variant="secondary" name="outcome" value={outcome}>
                  {outcomeButtons[outcome]}
                  <span className="nhsuk-u-visually-hidden">: {name}</span>
                </Button>
              ))}
            </Form>
          </section>
        );
      })}
      <Pagination show={show} page={page} pages={pages} />
    </StaffPage>
  );
}

/** NHS pagination: previous and next pages of the list, keeping the filter. */
function Pagination({ show, page, pages }: { show: AtRiskFilter; page: number; pages: number }) {
  if (pages <= 1) return null;
  return (
    <nav className="nhsuk-pagination" aria-label={atRiskContent.pagination}>
      <ul className="nhsuk-list nhsuk-pagination__list">
        {page > 1 ? (
          <li className="nhsuk-pagination-item--previous">
            <a className="nhsuk-pagination__link nhsuk-pagination__link--prev" href={listAddress(show, page - 1)} rel="prev">
              <span className="nhsuk-pagination__title">{atRiskContent.previousPage}</span>
              <span className="nhsuk-u-visually-hidden">:</span>
              <span className="nhsuk-pagination__page">{atRiskContent.pageOf(page - 1, pages)}</span>
            </a>
          </li>
        ) : null}
        {page < pages ? (
          <li className="nhsuk-pagination-item--next">
            <a className="nhsuk-pagination__link nhsuk-pagination__link--next" href={listAddress(show, page + 1)} rel="next">
              <span className="nhsuk-pagination__title">{atRiskContent.nextPage}</span>
              <span className="nhsuk-u-visually-hidden">:</span>
              <span className="nhsuk-pagination__page">{atRiskContent.pageOf(page + 1, pages)}</span>
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
