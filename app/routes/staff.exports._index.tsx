import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireStaff } from "../auth/guard.server";
import { StaffPage, toViewer } from "../components/staff-page";
import { exportsContent } from "../content/at-risk";
import { can } from "../domain/permissions";

export const handle = { title: exportsContent.title };

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "export-remediation");
  return { viewer: toViewer(context), mayReview: can(context.role, "review-at-risk-list") };
}

export default function ExportsPage() {
  const { viewer, mayReview } = useLoaderData<typeof loader>();
  return (
    <StaffPage viewer={viewer}>
      <h1>{exportsContent.title}</h1>
      <p>{exportsContent.intro}</p>
      {mayReview ? (
        <p>
          <a href="/staff/at-risk">{exportsContent.reviewLink}</a>
          <span className="nhsuk-u-display-block nhsuk-body-s">{exportsContent.reviewHint}</span>
        </p>
      ) : null}
      <h2>{exportsContent.remediationHeading}</h2>
      <p>{exportsContent.remediationBody}</p>
      <p>
        <a href="/staff/at-risk/remediation.csv" download>
          {exportsContent.download}
          <span className="nhsuk-u-visually-hidden">: {exportsContent.remediationHeading}</span>
        </a>
      </p>
      <h2>{exportsContent.actionsHeading}</h2>
      <p>{exportsContent.actionsBody}</p>
      <p>
        <a href="/staff/exports/actions.csv" download>
          {exportsContent.download}
          <span className="nhsuk-u-visually-hidden">: {exportsContent.actionsHeading}</span>
        </a>
      </p>
    </StaffPage>
  );
}
