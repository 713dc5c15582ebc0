import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { Button, ErrorSummary, pageTitle, Select, Table, TextInput } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { queueContent, requestChannelNames, requestKindNames, requestStateNames } from "../content/review-queue";
import { formatNhsNumber } from "../domain/nhs-number";
import { OPEN_REQUEST_STATES, REQUEST_KINDS, REQUEST_STATES } from "../domain/request-workflow";
import { MAX_SEARCH_LENGTH } from "../domain/staff-search";
import { WAITING_FILTERS } from "../domain/review-queue";
import { openRequestQueue } from "../services/review-queue.server";

export const handle = {
  title: ({ queue }: Awaited<ReturnType<typeof loader>>) => pageTitle(queueContent.title, queue.searchProblem !== null),
};

// Unknown filter values are ignored rather than refused: the page is a GET
// form, and an old bookmark should still show the queue.
const filtersSchema = z.object({
  kind: z.enum(REQUEST_KINDS).optional().catch(undefined),
  state: z.enum(REQUEST_STATES).optional().catch(undefined),
  assigned: z.union([z.literal("me"), z.literal("none"), z.uuid()]).optional().catch(undefined),
  waiting: z.enum(WAITING_FILTERS).optional().catch(undefined),
  // Kept whole (even when too long) so the box shows what was typed beside its error.
  q: z.string().trim().max(MAX_SEARCH_LENGTH * 4).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "work-queue", { writesAudit: true });
  const filters = filtersSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { viewer: toViewer(context), filters, queue: await openRequestQueue(context, filters) };
}

const ukDateTime = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });

export default function RequestQueuePage() {
  const { viewer, filters, queue } = useLoaderData<typeof loader>();
  const searchError = queue.searchProblem ? queueContent.searchProblems[queue.searchProblem] : undefined;
  const filtered = Object.values(filters).some((v) => v !== undefined && v !== "");
  return (
    <StaffPage viewer={viewer}>
      <ErrorSummary errors={searchError ? [{ fieldId: "q", message: searchError }] : []} />
      <h1>{queueContent.title}</h1>
      <p>{queueContent.intro(queue.targetDays)}</p>
      <p>
        <a href="/staff/requests/new">{queueContent.enterRequest}</a>
      </p>
      <Table
        caption={queueContent.countsCaption}
        captionSize="s"
        head={OPEN_REQUEST_STATES.map((state) => requestStateNames[state])}
        rows={[OPEN_REQUEST_STATES.map((state) => String(queue.countsByState[state]))]}
      />
      <Form method="get" className="nhsuk-u-margin-bottom-5">
        <TextInput
          id="q"
          name="q"
          type="search"
          label={queueContent.searchLabel}
          hint={queueContent.searchHint}
          spellCheck={false}
          defaultValue={filters.q ?? ""}
          error={searchError}
        />
        <Select
          id="kind"
          name="kind"
          label={queueContent.filterKind}
          defaultValue={filters.kind ?? ""}
          options={[{ value: "", label: queueContent.any }, ...REQUEST_KINDS.map((k) => ({ value: k, label: requestKindNames[k] }))]}
        />
        <Select
          id="state"
          name="state"
          label={queueContent.filterState}
          defaultValue={filters.state ?? ""}
          options={[{ value: "", label: queueContent.anyOpen }, ...REQUEST_STATES.map((s) => ({ value: s, label: requestStateNames[s] }))]}
        />
        <Select
          id="assigned"
          name="assigned"
          label={queueContent.filterAssigned}
          defaultValue={filters.assigned ?? ""}
          options={[
            { value: "", label: queueContent.any },
            { value: "me", label: queueContent.assignedToMe },
            { value: "none", label: queueContent.unassigned },
            ...queue.staff.map((m) => ({ value: m.id, label: m.name })),
          ]}
        />
        <Select
          id="waiting"
          name="waiting"
          label={queueContent.filterWaiting}
          defaultValue={filters.waiting ?? ""}
          options={[
            { value: "", label: queueContent.any },
            ...WAITING_FILTERS.map((w) => ({ value: w, label: queueContent.waitingNames(queue.targetDays)[w] })),
          ]}
        />
        <Button variant="secondary">{queueContent.filterButton}</Button>
        {filtered ? (
          <p>
            <a href="/staff/requests">{queueContent.clearFilters}</a>
          </p>
        ) : null}
      </Form>
      {queue.overdueActions > 0 ? (
        <p>
          <strong>{queueContent.overdueActions(queue.overdueActions, queue.actionDays)}</strong>
        </p>
      ) : null}
      {queue.items.length === 0 ? (
        <p>{queueContent.empty}</p>
      ) : (
        <Table
          caption={queueContent.tableCaption(queue.firstShown, queue.firstShown + queue.items.length - 1, queue.matching)}
          head={queueContent.head}
          rows={queue.items.map((item) => [
            <a key={item.id} href={`/staff/requests/${item.id}`}>
              {item.reference}
            </a>,
            `${requestKindNames[item.kind]} (${requestChannelNames[item.channel] ?? item.channel})`,
            item.patient ? `${item.patient.name}, ${formatNhsNumber(item.patient.nhsNumber)}` : queueContent.identityToCheck,
            item.actionOverdueDays === null ? (
              requestStateNames[item.state]
            ) : (
              <>
                {requestStateNames[item.state]}{" "}
                <strong className="nhsuk-tag nhsuk-tag--red">{queueContent.actionOverdue(item.actionOverdueDays)}</strong>
              </>
            ),
            item.assignedTo ?? queueContent.nobody,
            ukDateTime.format(new Date(item.receivedAt)),
            item.overdue ? (
              <strong className="nhsuk-tag nhsuk-tag--red">{`${queueContent.waiting(item.waitingDays)}: ${queueContent.overdue}`}</strong>
            ) : (
              queueContent.waiting(item.waitingDays)
            ),
          ])}
        />
      )}
      <Pages filters={filters} firstShown={queue.firstShown} shown={queue.items.length} matching={queue.matching} pageSize={queue.pageSize} />
    </StaffPage>
  );
}

/** Previous and next pages of the queue, keeping the search and filters (NHS.UK pagination). */
function Pages({ filters, firstShown, shown, matching, pageSize }: { filters: Record<string, unknown>; firstShown: number; shown: number; matching: number; pageSize: number }) {
  const page = Math.floor((firstShown - 1) / pageSize) + 1;
  const link = (to: number) => {
    const params = new URLSearchParams(
      Object.entries({ ...filters, page: to === 1 ? undefined : String(to) }).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""),
    );
    const query = params.toString();
    return `/staff/requests${query ? `?${query}` : ""}`;
  };
  const hasNewer = page > 1;
  const hasOlder = firstShown - 1 + shown < matching;
  if (!hasNewer && !hasOlder) return null;
  return (
    <nav className="nhsuk-pagination" aria-label="Pages of requests">
      <ul className="nhsuk-list nhsuk-pagination__list">
        {hasNewer ? (
          <li className="nhsuk-pagination-item--previous">
            <a className="nhsuk-pagination__link nhsuk-pagination__link--prev" href={link(page - 1)}>
              <span className="nhsuk-pagination__title">{queueContent.newer}</span>
            </a>
          </li>
        ) : null}
        {hasOlder ? (
          <li className="nhsuk-pagination-item--next">
            <a className="nhsuk-pagination__link nhsuk-pagination__link--next" href={link(page + 1)}>
              <span className="nhsuk-pagination__title">{queueContent.older}</span>
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
