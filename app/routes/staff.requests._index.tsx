import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { Button, Select, Table } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { queueContent, requestChannelNames, requestKindNames, requestStateNames } from "../content/review-queue";
import { formatNhsNumber } from "../domain/nhs-number";
import { OPEN_REQUEST_STATES, REQUEST_KINDS } from "../domain/request-workflow";
import { openRequestQueue } from "../services/review-queue.server";

export const handle = { title: queueContent.title };

// Unknown filter values are ignored rather than refused: the page is a GET
// form, and an old bookmark should still show the queue.
const filtersSchema = z.object({
  kind: z.enum(REQUEST_KINDS).optional().catch(undefined),
  state: z.enum(OPEN_REQUEST_STATES).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "work-queue");
  const filters = filtersSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { viewer: toViewer(context), filters, queue: await openRequestQueue(context, filters) };
}

const ukDateTime = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });

export default function RequestQueuePage() {
  const { viewer, filters, queue } = useLoaderData<typeof loader>();
  return (
    <StaffPage viewer={viewer}>
      <h1>{queueContent.title}</h1>
      <p>{queueContent.intro(queue.targetDays)}</p>
      <Table
        caption={queueContent.countsCaption}
        captionSize="s"
        head={OPEN_REQUEST_STATES.map((state) => requestStateNames[state])}
        rows={[OPEN_REQUEST_STATES.map((state) => String(queue.countsByState[state]))]}
      />
      <Form method="get" className="nhsuk-u-margin-bottom-5">
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
          options={[{ value: "", label: queueContent.any }, ...OPEN_REQUEST_STATES.map((s) => ({ value: s, label: requestStateNames[s] }))]}
        />
        <Button variant="secondary">{queueContent.filterButton}</Button>
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
          caption={queueContent.tableCaption(queue.items.length, filters.kind || filters.state ? queue.items.length : queue.total)}
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
            ukDateTime.format(new Date(item.receivedAt)),
            item.overdue ? (
              <strong className="nhsuk-tag nhsuk-tag--red">{`${queueContent.waiting(item.waitingDays)}: ${queueContent.overdue}`}</strong>
            ) : (
              queueContent.waiting(item.waitingDays)
            ),
          ])}
        />
      )}
    </StaffPage>
  );
}
