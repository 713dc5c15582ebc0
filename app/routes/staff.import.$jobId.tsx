import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { requireStaff } from "../auth/guard.server";
import { Button, ErrorSummary, NotificationBanner, pageTitle, SummaryList, Table, WarningCallout } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { importContent } from "../content/import";
import { importProblemsContent } from "../content/import-problems";
import { rowsNotShown } from "../domain/import-problems";
import { formError } from "../http/form.server";
import { confirmImport, getJob, previewAllowingShrink, type ImportJobView } from "../services/import-jobs.server";

const content = importContent.job;

/** How many rejections, and how many warnings, the page lists; the report has more, and counts the rest. */
const SHOWN_ISSUES = 20;

type LoaderData = Awaited<ReturnType<typeof loader>>;

const isRunning = (phase: ImportJobView["phase"]) => phase === "previewing" || phase === "importing";

export const handle = {
  title: ({ job }: LoaderData) => {
    switch (job.phase) {
      case "previewing":
        return content.previewingTitle;
      case "importing":
        return content.importingTitle;
      case "previewed":
        return content.previewedTitle;
      case "imported":
        return content.importedTitle;
      case "failed":
        return pageTitle(job.failedAt === "preview" ? content.failedPreviewTitle : content.failedImportTitle, true);
    }
  },
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "import-patients");
  const job = getJob(context, params.jobId ?? "");
  if (!job) throw new Response("There is no such import.", { status: 404 });
  const outcome = job.outcome;
  const firstRejected = outcome?.rejected.slice(0, SHOWN_ISSUES) ?? [];
  const firstWarnings = outcome?.warnings.slice(0, SHOWN_ISSUES) ?? [];
  return {
    viewer: toViewer(context),
    autoRefresh: new URL(request.url).searchParams.get("refresh") !== "off",
    job: {
      id: job.id,
      phase: job.phase,
      fileName: job.fileName,
      formatName: importContent.upload.formats[job.format].label,
      progress: job.progress,
      error: job.error,
      failedAt: job.failedAt,
      shrinkRefused: job.shrinkRefused,
      allowShrink: job.allowShrink,
      counts: outcome
        ? {
            inserted: outcome.inserted,
            updated: outcome.updated,
            unchanged: outcome.unchanged,
            deregistered: outcome.deregistered,
            rejected: outcome.rejectedTotal,
            warnings: outcome.warningsTotal,
          }
        : null,
      firstRejected,
      firstWarnings,
      moreRejected: outcome ? rowsNotShown(outcome.rejectedByProblem, firstRejected) : [],
      moreWarnings: outcome ? rowsNotShown(outcome.warningsByProblem, firstWarnings) : [],
      reportIsCut: outcome ? outcome.rejectedTotal > outcome.rejected.length || outcome.warningsTotal > outcome.warnings.length : false,
    },
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const context = await requireStaff(request, "import-patients");
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent !== "confirm" && intent !== "allow-shrink") return formError({ formErrors: ["Choose what to do"] });
  const jobId = params.jobId ?? "";
  const result = intent === "confirm" ? confirmImport(context, jobId) : previewAllowingShrink(context, jobId);
  if (!result.ok) {
    if (result.kind === "not-found") throw new Response("There is no such import.", { status: 404 });
    return formError({ formErrors: [result.error] });
  }
  return redirect(`/staff/import/${jobId}`);
}

type Job = LoaderData["job"];

export default function ImportJobPage() {
  const { viewer, job, autoRefresh } = useLoaderData<typeof loader>();
  useRefreshWhileRunning(isRunning(job.phase));
  const errors = useActionData<typeof action>();
  const problems = [...(errors?.formErrors ?? []), ...(job.phase === "failed" && job.error ? [job.error] : [])];
  return (
    <StaffPage viewer={viewer}>
      <ErrorSummary errors={problems.map((message) => ({ message }))} focusKey={errors} />
      {isRunning(job.phase) ? <Running job={job} autoRefresh={autoRefresh} /> : null}
      {job.phase === "previewed" ? <Previewed job={job} /> : null}
      {job.phase === "imported" ? <Imported job={job} /> : null}
      {job.phase === "failed" ? <Failed job={job} /> : null}
    </StaffPage>
  );
}

function Heading({ job, children }: { job: Job; children: string }) {
  return (
    <h1>
      <span className="nhsuk-caption-l">
        {content.fileLine(job.fileName, job.formatName)}
        <span className="nhsuk-u-visually-hidden"> - </span>
      </span>
      {children}
    </h1>
  );
}

// Progress while the job runs: with JavaScript, the data is fetched again
// every two seconds; without it, the page reloads itself (a meta refresh
// inside <noscript>, which scripts ignore), and the person can stop that
// (WCAG 2.2.1).
function useRefreshWhileRunning(running: boolean) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 2_000);
    return () => clearInterval(timer);
  }, [running, revalidator]);
}

function Running({ job, autoRefresh }: { job: Job; autoRefresh: boolean }) {
  const { rows, bytesRead, totalBytes } = job.progress;
  const percent = totalBytes > 0 ? Math.min(100, Math.floor((bytesRead / totalBytes) * 100)) : 0;
  const allRead = totalBytes > 0 && bytesRead >= totalBytes;
  const previewing = job.phase === "previewing";
  return (
    <>
      <Heading job={job}>{previewing ? content.previewingTitle : content.importingTitle}</Heading>
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="import-progress">
          {content.progressLabel}
        </label>
        <progress
          id="import-progress"
          className="app-progress"
          max={Math.max(totalBytes, 1)}
          value={Math.min(bytesRead, Math.max(totalBytes, 1))}
          aria-describedby="import-progress-text"
        >
          {percent}%
        </progress>
        <p className="nhsuk-body nhsuk-u-margin-top-2" id="import-progress-text">
          {content.progressText(percent, rows)}
        </p>
      </div>
      {allRead ? <p>{previewing ? content.applyingPreview : content.applyingImport}</p> : null}
      {previewing ? <p>{content.previewingNote}</p> : null}
      {autoRefresh ? (
        <noscript>
          <meta httpEquiv="refresh" content="2" />
          <p>
            {content.refreshing} <a href={`/staff/import/${job.id}?refresh=off`}>{content.stopRefreshing}</a>
          </p>
        </noscript>
      ) : (
        <p>
          <a href={`/staff/import/${job.id}?refresh=off`}>{content.checkProgress}</a>
        </p>
      )}
    </>
  );
}

function Counts({ counts }: { counts: NonNullable<Job["counts"]> }) {
  const n = (value: number) => value.toLocaleString("en-GB");
  return (
    <SummaryList
      rows={[
        { key: content.counts.inserted, value: n(counts.inserted) },
        { key: content.counts.updated, value: n(counts.updated) },
        { key: content.counts.unchanged, value: n(counts.unchanged) },
        { key: content.counts.deregistered, value: n(counts.deregistered) },
        { key: content.counts.rejected, value: n(counts.rejected) },
        { key: content.counts.warnings, value: n(counts.warnings) },
      ]}
    />
  );
}

/** The rows of each problem not in the table above it: a file can have millions. */
function MoreRows({ more }: { more: Job["moreRejected"] }) {
  if (more.length === 0) return null;
  return (
    <ul className="nhsuk-list nhsuk-list--bullet">
      {more.map(({ field, problem, more: rows }) => (
        <li key={`${field} ${problem}`}>{importProblemsContent.moreRows(rows, problem, field)}</li>
      ))}
    </ul>
  );
}

function Issues({ job }: { job: Job }) {
  const counts = job.counts!;
  const issueRows = (issues: Job["firstRejected"]) => issues.map((issue) => [String(issue.row), issue.field, issue.message]);
  return (
    <>
      {counts.rejected > 0 ? (
        <>
          <p>{content.rejectedNote}</p>
          <Table caption={content.rejectedCaption(job.firstRejected.length, counts.rejected)} captionSize="s" head={content.issueHead} rows={issueRows(job.firstRejected)} />
          <MoreRows more={job.moreRejected} />
        </>
      ) : null}
      {counts.warnings > 0 ? (
        <>
          <Table caption={content.warningsCaption(job.firstWarnings.length, counts.warnings)} captionSize="s" head={content.issueHead} rows={issueRows(job.firstWarnings)} />
          <MoreRows more={job.moreWarnings} />
        </>
      ) : null}
      {counts.rejected + counts.warnings > 0 ? (
        <p>
          <a href={`/staff/import/${job.id}/report.csv`} download="import-report.csv">
            {job.reportIsCut ? importProblemsContent.cutReport : content.report}
          </a>
        </p>
      ) : null}
    </>
  );
}

function Previewed({ job }: { job: Job }) {
  return (
    <>
      <Heading job={job}>{content.previewedTitle}</Heading>
      <p>{content.previewedIntro}</p>
      <Counts counts={job.counts!} />
      <Issues job={job} />
      <Form method="post">
        <input type="hidden" name="intent" value="confirm" />
        <div className="nhsuk-button-group">
          <Button>{content.confirm}</Button>
          <a className="nhsuk-link" href="/staff/import">
            {content.cancel}
          </a>
        </div>
      </Form>
    </>
  );
}

function Imported({ job }: { job: Job }) {
  const counts = job.counts!;
  return (
    <>
      <NotificationBanner success>
        <p className="nhsuk-notification-banner__heading">{content.importedTitle}</p>
        <p>{content.importedSummary(counts)}</p>
        {counts.rejected + counts.warnings > 0 ? <p>{content.importedIssues(counts.rejected, counts.warnings)}</p> : null}
      </NotificationBanner>
      <Heading job={job}>{content.importedHeading}</Heading>
      <Counts counts={counts} />
      <Issues job={job} />
      <p>
        <a href="/staff/import">{content.importAnother}</a>
      </p>
    </>
  );
}

function Failed({ job }: { job: Job }) {
  return (
    <>
      <Heading job={job}>{job.failedAt === "preview" ? content.failedPreviewTitle : content.failedImportTitle}</Heading>
      <p>{content.nothingChanged}</p>
      {job.shrinkRefused ? (
        <WarningCallout heading={content.shrink.heading}>
          <p>{content.shrink.body}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="allow-shrink" />
            <Button variant="warning">{content.shrink.button}</Button>
          </Form>
        </WarningCallout>
      ) : null}
      <p>
        <a href="/staff/import">{content.uploadAgain}</a>
      </p>
    </>
  );
}
