import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireStaff } from "../auth/guard.server";
import { SummaryList, Table, WarningCallout } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { TrendChart } from "../components/trend-chart";
import { alarmNames, alarmTags, count, dashboardContent as content, percent, requestKindLabels } from "../content/reports";
import { staffContent } from "../content/staff";
import { ACCESS_STATES } from "../domain/access-state";
import { formatLongDay } from "../domain/calendar";
import { can } from "../domain/permissions";
import { REQUEST_KINDS } from "../domain/request-workflow";
import { dashboardReport } from "../services/reports.server";

export const handle = { title: content.title };

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "view-dashboard");
  return {
    viewer: toViewer(context),
    report: await dashboardReport(context),
    canReviewAtRisk: can(context.role, "review-at-risk-list"),
    canSeeReports: can(context.role, "view-reports"),
  };
}

const shortDate = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", day: "numeric", month: "short", year: "numeric" });

export default function StaffHomePage() {
  const { viewer, report, canReviewAtRisk, canSeeReports } = useLoaderData<typeof loader>();
  const month = new Date(`${report.month}-15T12:00:00Z`).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
  const trend = report.trend.map((t) => ({ ...t, label: shortDate.format(new Date(t.importedAt)) }));
  return (
    <StaffPage viewer={viewer}>
      <h1>{content.title}</h1>
      {report.enhancedReviewAlarm !== "green" ? (
        <WarningCallout heading={report.enhancedReviewAlarm === "red" ? content.redWarningHeading : content.amberWarningHeading} headingLevel={2}>
          <p>{report.enhancedReviewAlarm === "red" ? content.redWarning : content.amberWarning}</p>
          {canReviewAtRisk ? (
            <p>
              <a href="/staff/at-risk">{content.reviewLink}</a>
            </p>
          ) : null}
        </WarningCallout>
      ) : null}
      {report.bulkApplied.suspected && report.bulkApplied.day ? (
        <WarningCallout heading={content.bulkHeading} headingLevel={2}>
          <p>{content.bulk(report.bulkApplied.count, formatLongDay(report.bulkApplied.day))}</p>
        </WarningCallout>
      ) : null}

      <h2>{content.headlineHeading}</h2>
      <SummaryList
        rows={[
          { key: content.eligible, value: `${count(report.eligible)} (${content.eligibleHint.toLowerCase()})` },
          {
            key: content.enhancedReviewShare,
            value: (
              <>
                {`${percent(report.enhancedReviewShare)} (${count(report.enhancedReview)}) `}
                <strong className={`nhsuk-tag ${alarmTags[report.enhancedReviewAlarm]}`}>{alarmNames[report.enhancedReviewAlarm]}</strong>
              </>
            ),
          },
          {
            key: content.prospective,
            value: `${percent(report.prospectiveAccessShare)} of ${count(report.onlineAccounts)} (${content.prospectiveHint(percent(report.prospectiveAccessTarget))})`,
          },
          { key: content.openRequests, value: `${count(report.queue.open)} (${content.openRequestsHint(report.queue.pastTarget)})` },
        ]}
      />

      <h2>{content.countsHeading}</h2>
      <Table
        caption={content.countsCaption(formatLongDay(report.asOf))}
        captionSize="s"
        head={["Access state", "Patients"]}
        rows={[
          ...ACCESS_STATES.map((state) => [staffContent.home.stateNames[state], count(report.byState[state])]),
          [<strong key="t">{content.total}</strong>, <strong key="n">{count(report.eligible)}</strong>],
        ]}
      />

      <h2>{content.requestsHeading}</h2>
      <Table
        caption={content.requestsCaption(month)}
        captionSize="s"
        head={content.requestsHead}
        rows={REQUEST_KINDS.map((kind) => [requestKindLabels[kind], count(report.requests[kind].received), count(report.requests[kind].decided), count(report.requests[kind].done)])}
      />

      <h2>{content.queueHeading}</h2>
      <SummaryList
        rows={[
          { key: content.queueRows.open, value: count(report.queue.open) },
          { key: content.queueRows.pastTarget, value: `${count(report.queue.pastTarget)} (target ${content.days(report.queue.targetDays)})` },
          { key: content.queueRows.oldest, value: content.days(report.queue.oldestWaitingDays) },
          { key: content.queueRows.median, value: content.days(report.queue.medianWaitingDays) },
        ]}
      />

      <h2>{content.campaignsHeading}</h2>
      <SummaryList
        rows={[
          { key: content.campaignRows.campaigns, value: count(report.campaigns.campaigns) },
          { key: content.campaignRows.sent, value: count(report.campaigns.emailsSent) },
          { key: content.campaignRows.failed, value: count(report.campaigns.emailsFailed) },
          { key: content.campaignRows.waiting, value: count(report.campaigns.emailsWaiting) },
          { key: content.campaignRows.letters, value: count(report.campaigns.lettersNeeded) },
        ]}
      />

      <h2>{content.trendHeading}</h2>
      <p>{content.trendIntro}</p>
      {trend.length === 0 ? (
        <p>{content.noTrend}</p>
      ) : (
        <>
          <TrendChart
            title={content.trendShareChart}
            points={trend.map((t) => ({ label: t.label, value: t.enhancedReviewShare }))}
            format={(v) => `${(v * 100).toFixed(0)}%`}
            maxValue={0.5}
          />
          <TrendChart title={content.trendDeclinedChart} points={trend.map((t) => ({ label: t.label, value: t.declined }))} format={(v) => count(Math.round(v))} />
          <Table
            caption={content.trendCaption}
            captionSize="s"
            head={content.trendHead}
            rows={trend.map((t) => [t.label, count(t.eligible), count(t.enhancedReview), percent(t.enhancedReviewShare), count(t.declined)])}
          />
        </>
      )}
      {canSeeReports ? (
        <p>
          <a href="/staff/reports">{content.reportsLink}</a>
        </p>
      ) : null}
    </StaffPage>
  );
}
