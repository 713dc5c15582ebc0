import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { requireStaff } from "../auth/guard.server";
import { Button, ErrorSummary, pageTitle, Radios, Table } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { campaignsContent, campaignStatusNames, campaignStatusTags, formatUkDateTime } from "../content/campaigns";
import { CAMPAIGN_TEMPLATE_KEYS, templateName } from "../domain/message-templates";
import { listPracticeCampaignSummaries } from "../services/campaigns.server";

const content = campaignsContent.list;

type LoaderData = Awaited<ReturnType<typeof loader>>;

export const handle = {
  title: ({ chooseError }: LoaderData) => pageTitle(content.title, chooseError),
};

const templateOptions = CAMPAIGN_TEMPLATE_KEYS.map((key) => ({ value: key, label: templateName(key), hint: content.templateHints[key] }));

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "run-campaigns");
  const campaigns = await listPracticeCampaignSummaries(context.practice.id);
  return {
    viewer: toViewer(context),
    // The plan page sends people back here when no message was chosen.
    chooseError: new URL(request.url).searchParams.get("error") === "choose-template",
    campaigns: campaigns.map((c) => ({
      id: c.id,
      name: templateName(c.templateKey),
      status: c.status,
      created: formatUkDateTime(c.createdAt),
      sent: c.counts.sent,
      failed: c.counts.technicalFailure + c.counts.permanentFailure,
      letters: c.counts.letters,
    })),
  };
}

export default function CampaignsPage() {
  const { viewer, chooseError, campaigns } = useLoaderData<typeof loader>();
  const n = (value: number) => value.toLocaleString("en-GB");
  return (
    <StaffPage viewer={viewer}>
      <ErrorSummary errors={chooseError ? [{ fieldId: "template", message: content.chooseTemplate }] : []} />
      <h1>{content.title}</h1>
      <p>{content.intro}</p>
      <h2>{content.startHeading}</h2>
      <Form method="get" action="/staff/campaigns/new">
        <Radios name="template" legend={content.templateLegend} options={templateOptions} error={chooseError ? content.chooseTemplate : undefined} />
        <Button>{content.start}</Button>
      </Form>
      {campaigns.length === 0 ? (
        <p>{content.none}</p>
      ) : (
        <Table
          caption={content.tableCaption}
          captionSize="m"
          head={content.head}
          rows={campaigns.map((c) => [
            <a href={`/staff/campaigns/${c.id}`} key="link">
              {c.name}
              <span className="nhsuk-u-visually-hidden">{content.linkHidden(c.created)}</span>
            </a>,
            <strong className={`nhsuk-tag ${campaignStatusTags[c.status]}`} key="status">
              {campaignStatusNames[c.status]}
            </strong>,
            c.created,
            n(c.sent),
            n(c.failed),
            n(c.letters),
          ])}
        />
      )}
    </StaffPage>
  );
}
