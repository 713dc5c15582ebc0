import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireStaff } from "../auth/guard.server";
import { Button, ErrorSummary, errorList, firstError, pageTitle, Select, Table, Textarea } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { alarmNames, count, percent, reportsContent as content, requestKindLabels } from "../content/reports";
import { staffContent } from "../content/staff";
import { ACCESS_STATES } from "../domain/access-state";
import { formatLongDay, ukLocalDay } from "../domain/calendar";
import { REQUEST_KINDS } from "../domain/request-workflow";
import { problemsResponse } from "../http/form.server";
import { readCommissionerLetterForm } from "../http/report-forms.server";
import { monthlyReport, multiPracticeSummary, reportPeriod } from "../services/reports.server";

type LoaderData = Awaited<ReturnType<typeof loader>>;

export const handle = { title: (data: LoaderData) => pageTitle(content.title, data.problem !== null) };

/** The last twelve months, newest first, as YYYY-MM. */
function recentMonths(now: Date): string[] {
  const [year, month] = ukLocalDay(now).split("-").map(Number) as [number, number];
  return Array.from({ length: 12 }, (_, i) => {
    const m = (month - 1 - i + 120) % 12;
    const y = year - Math.ceil((i - (month - 1)) / 12);
    return `${y}-${String(m + 1).padStart(2, "0")}`;
  });
}

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "view-reports");
  const now = new Date();
  const month = new URL(request.url).searchParams.get("month") ?? ukLocalDay(now).slice(0, 7);
  const result = await monthlyReport(context, month, now);
  return {
    viewer: toViewer(context),
    month,
    months: recentMonths(now),
    report: result.ok ? result.report : null,
    problem: result.ok ? null : result.problem,
    practices: context.memberships.length > 1 ? await multiPracticeSummary(context, now) : [],
  };
}

// The letter form posts to /staff/reports/letter.pdf, which sends the same POST here when
// something is wrong: this says what, and changes nothing.
export async function action({ request }: ActionFunctionArgs) {
  await requireStaff(request, "view-reports");
  const form = await readCommissionerLetterForm(request);
  if (!form.ok) return problemsResponse(form.problems);
  const period = reportPeriod(form.input.month, undefined, new Date());
  return problemsResponse({
    formErrors: [period.ok ? "Nothing is wrong now: produce the letter again." : content.problems[period.problem]],
    fieldErrors: {},
    values: { month: form.input.month, addressee: form.input.addressee.join("\n") },
  });
}

const monthName = (month: string) => new Date(`${month}-15T12:00:00Z`).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });

export default function ReportsPage() {
  const { viewer, month, months, report, problem, practices } = useLoaderData<typeof loader>();
  const actionErrors = useActionData<typeof action>();
  const r = content.rows;
  return (
    <StaffPage viewer={viewer}>
      <ErrorSummary
        errors={
          actionErrors
            ? errorList(actionErrors.fieldErrors, actionErrors.formErrors, ["addressee"])
            : problem
              ? [{ fieldId: "month", message: content.problems[problem] }]
              : []
        }
        focusKey={actionErrors}
      />
      <h1>{content.title}</h1>
      <p>{content.intro}</p>
      <Form method="get" className="nhsuk-u-margin-bottom-5 app-no-print">
        <Select
          id="month"
          name="month"
          label={content.monthLabel}
          defaultValue={months.includes(month) ? month : months[0]}
          error={problem ? content.problems[problem] : undefined}
          options={months.map((m) => ({ value: m, label: monthName(m) }))}
        />
        <Button variant="secondary">{content.show}</Button>
      </Form>
      {report ? (
        <>
          <p className="app-no-print">
            {`${content.download}: `}
            <a href={`/staff/reports.csv?month=${report.month}`} download>
              {content.csv}
            </a>
            {", "}
            <a href={`/staff/reports.json?month=${report.month}`} download>
              {content.json}
            </a>
            {`. ${content.print}`}
          </p>
          <Table
            caption={content.figuresCaption(report.practice.name, monthName(report.month), formatLongDay(report.asOf))}
            captionSize="m"
            head={content.head}
            rows={[
              [r.eligible, count(report.eligible)],
              ...ACCESS_STATES.map((s) => [`… ${staffContent.home.stateNames[s]}`, count(report.byState[s])]),
              [r.enhancedReview, count(report.enhancedReview)],
              [r.enhancedReviewShare, percent(report.enhancedReviewShare)],
              [r.alarm, alarmNames[report.enhancedReviewAlarm]],
              [r.bulk, report.bulkApplied.suspected && report.bulkApplied.day ? r.bulkYes(report.bulkApplied.count, formatLongDay(report.bulkApplied.day)) : r.bulkNone],
              [r.onlineAccounts, count(report.onlineAccounts)],
              [r.withProspective, count(report.onlineAccountsWithProspectiveAccess)],
              [r.prospectiveShare, percent(report.prospectiveAccessShare)],
              ...REQUEST_KINDS.flatMap((kind) => [
                [content.received(requestKindLabels[kind]), count(report.requests[kind].received)],
                [content.decided(requestKindLabels[kind]), count(report.requests[kind].decided)],
                [content.done(requestKindLabels[kind]), count(report.requests[kind].done)],
              ]),
              [r.open, count(report.queue.open)],
              [r.pastTarget, count(report.queue.pastTarget)],
              [r.emailsSent, count(report.campaigns.emailsSent)],
              [r.emailsFailed, count(report.campaigns.emailsFailed)],
              [r.lettersNeeded, count(report.campaigns.lettersNeeded)],
            ]}
          />
          <div className="app-no-print">
            <h2>{content.letterHeading}</h2>
            <p>{content.letterIntro}</p>
            <Form method="post" action="/staff/reports/letter.pdf" reloadDocument noValidate>
              <input type="hidden" name="month" value={report.month} />
              <Textarea
                id="addressee"
                name="addressee"
                label={content.addresseeLabel}
                hint={content.addresseeHint}
                rows={4}
                defaultValue={actionErrors?.values.addressee}
                error={firstError(actionErrors?.fieldErrors, "addressee")}
              />
              <Button>{content.letterButton}</Button>
            </Form>
          </div>
        </>
      ) : null}
      {practices.length > 0 ? (
        <div className="app-no-print">
          <h2>{content.practicesHeading}</h2>
          <Table
            caption={content.practicesCaption}
            captionSize="s"
            head={content.practicesHead}
            rows={practices.map((p) => [
              `${p.name} (${p.odsCode})`,
              count(p.eligible),
              `${percent(p.enhancedReviewShare)} (${alarmNames[p.enhancedReviewAlarm]})`,
              percent(p.prospectiveAccessShare),
              count(p.openRequests),
            ])}
          />
        </div>
      ) : null}
    </StaffPage>
  );
}
