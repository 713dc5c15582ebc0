import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { CampaignPreviews } from "../components/email-preview";
import { Button, SummaryList, Table } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { campaignsContent } from "../content/campaigns";
import { EXCLUSION_LABELS, EXCLUSION_REASONS } from "../domain/campaign-cohort";
import { CAMPAIGN_TEMPLATE_KEYS, templateName } from "../domain/message-templates";
import { createCampaign, planCampaign } from "../services/campaigns.server";

const content = campaignsContent.plan;

export const handle = { title: content.title };

const templateSchema = z.object({ template: z.enum(CAMPAIGN_TEMPLATE_KEYS) });

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "run-campaigns");
  const parsed = templateSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw redirect("/staff/campaigns?error=choose-template");
  const templateKey = parsed.data.template;
  const plan = await planCampaign(context.practice.id, templateKey);
  return {
    viewer: toViewer(context),
    templateKey,
    name: templateName(templateKey),
    recipients: plan.recipients,
    letters: plan.letters,
    exclusions: EXCLUSION_REASONS.map((reason) => ({ reason, label: EXCLUSION_LABELS[reason], count: plan.excluded[reason] })),
    previews: plan.previews.map((p) => ({
      patientName: p.patientName,
      toAddress: p.toAddress,
      subject: p.message.subject,
      text: p.message.text,
    })),
  };
}

// Creating writes the campaign and all its messages, unsent; the manager
// then chooses when to send it on the campaign's own page.
export async function action({ request }: ActionFunctionArgs) {
  const context = await requireStaff(request, "run-campaigns");
  const parsed = templateSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) throw redirect("/staff/campaigns?error=choose-template");
  const created = await createCampaign({
    practiceId: context.practice.id,
    templateKey: parsed.data.template,
    actor: { id: context.user.id, role: context.role },
  });
  return redirect(`/staff/campaigns/${created.id}`);
}

export default function CampaignPlanPage() {
  const { viewer, templateKey, name, recipients, letters, exclusions, previews } = useLoaderData<typeof loader>();
  const n = (value: number) => value.toLocaleString("en-GB");
  const excluded = exclusions.reduce((sum, e) => sum + e.count, 0);
  return (
    <StaffPage viewer={viewer}>
      <h1>
        <span className="nhsuk-caption-l">
          {name}
          <span className="nhsuk-u-visually-hidden"> - </span>
        </span>
        {content.title}
      </h1>
      <p>{content.intro}</p>
      <SummaryList
        rows={[
          { key: content.counts.recipients, value: n(recipients) },
          { key: content.counts.letters, value: n(letters) },
          { key: content.counts.excluded, value: n(excluded) },
        ]}
      />
      <Table
        caption={content.exclusionsCaption}
        captionSize="s"
        head={content.exclusionsHead}
        rows={exclusions.map((e) => [e.label, n(e.count)])}
      />

      <h2>{content.previewsHeading}</h2>
      <CampaignPreviews
        previews={previews}
        intro={content.previewsIntro}
        htmlSrc={(n) => `/staff/campaigns/new/preview/${n}/email.html?template=${encodeURIComponent(templateKey)}`}
      />

      {recipients + letters > 0 ? (
        <Form method="post" action={`/staff/campaigns/new?template=${encodeURIComponent(templateKey)}`}>
          <input type="hidden" name="template" value={templateKey} />
          <p>{content.createHint}</p>
          <Button>{content.create}</Button>
        </Form>
      ) : (
        <p>{content.nobody}</p>
      )}
      <p>
        <a href="/staff/campaigns">{content.chooseAgain}</a>
      </p>
    </StaffPage>
  );
}
