import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { Button, ErrorSummary, InsetText, NotificationBanner, Table } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { formatUkDateTime } from "../content/campaigns";
import { lettersPageContent as content } from "../content/letters";
import { templateName } from "../domain/message-templates";
import { formError } from "../http/form.server";
import { campaignLettersProblem, letterActorOf, lettersOverview, markBatchPrinted } from "../services/letters.server";

export const handle = { title: content.title };

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "print-letters");
  const marked = new URL(request.url).searchParams.get("marked");
  return { viewer: toViewer(context), overview: await lettersOverview(context), marked: marked === "yes" ? content.marked : marked === "already" ? content.alreadyMarked : null };
}

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("campaign"), campaignId: z.uuid() }),
  z.object({ intent: z.literal("mark-printed"), batchId: z.uuid() }),
]);

// A campaign's letters post (as a plain form, so the browser saves the PDF) to
// /staff/letters/campaign.pdf, which sends the same POST here when it cannot
// produce them: this says why, and changes nothing.
export async function action({ request }: ActionFunctionArgs) {
  const context = await requireStaff(request, "print-letters");
  const form = await request.formData();
  const parsed = actionSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return formError({ formErrors: [content.chooseAction] });
  if (parsed.data.intent === "mark-printed") {
    const marked = await markBatchPrinted(context, parsed.data.batchId);
    return redirect(`/staff/letters?marked=${marked ? "yes" : "already"}`);
  }
  return formError({ formErrors: [await campaignLettersProblem(letterActorOf(context), parsed.data.campaignId)] });
}

export default function LettersPage() {
  const { viewer, overview, marked } = useLoaderData<typeof loader>();
  const errors = useActionData<typeof action>();
  return (
    <StaffPage viewer={viewer}>
      {marked ? (
        <NotificationBanner success>
          <p className="nhsuk-notification-banner__heading">{marked}</p>
        </NotificationBanner>
      ) : null}
      <ErrorSummary errors={errors ? errors.formErrors.map((message: string) => ({ message })) : []} focusKey={errors} />
      <h1>{content.title}</h1>
      <p>{content.intro}</p>
      <ul className="nhsuk-list">
        <li>
          <a href="/staff/letters/registration">{content.registrationLink}</a>
          <p className="nhsuk-body-s">{content.registrationLinkHint}</p>
        </li>
        <li>
          <a href="/staff/letters/message">{content.messageLink}</a>
          <p className="nhsuk-body-s">{content.messageLinkHint}</p>
        </li>
      </ul>
      <h2>{content.outcomeLettersHeading}</h2>
      <p>{content.outcomeLettersIntro}</p>
      {overview.outcomeLetters.length === 0 ? (
        <p>{content.noOutcomeLetters}</p>
      ) : (
        <Table
          caption={content.outcomeLettersHeading}
          captionSize="s"
          head={content.outcomeLettersHead}
          rows={overview.outcomeLetters.map((letter) => [
            <a key={letter.requestId} href={`/staff/requests/${letter.requestId}`}>
              {letter.reference}
            </a>,
            letter.patientName,
            templateName(letter.templateKey),
            formatUkDateTime(letter.queuedAt),
          ])}
        />
      )}
      <h2>{content.campaignsHeading}</h2>
      <p>{content.campaignsIntro}</p>
      {overview.campaigns.length === 0 ? (
        <p>{content.noCampaignLetters}</p>
      ) : (
        <>
          <InsetText>{content.downloadNote}</InsetText>
          <Table
            caption={content.campaignsHeading}
            captionSize="s"
            head={content.campaignsHead}
            rows={overview.campaigns.map((c) => {
              const name = `${templateName(c.templateKey)}, ${formatUkDateTime(c.createdAt)}`;
              return [
                name,
                c.startedAt ? formatUkDateTime(c.startedAt) : content.notStarted,
                c.letters.toLocaleString("en-GB"),
                <Form key={c.id} method="post" action="/staff/letters/campaign.pdf" reloadDocument>
                  <input type="hidden" name="intent" value="campaign" />
                  <input type="hidden" name="campaignId" value={c.id} />
                  <Button variant="secondary">
                    {content.printCampaign(c.letters)}
                    <span className="nhsuk-u-visually-hidden">{content.printCampaignFor(name)}</span>
                  </Button>
                </Form>,
              ];
            })}
          />
        </>
      )}
      <h2>{content.batchesHeading}</h2>
      {overview.batches.length === 0 ? (
        <p>{content.noBatches}</p>
      ) : (
        <Table
          caption={content.batchesHeading}
          captionSize="s"
          head={content.batchesHead}
          rows={overview.batches.map((b) => {
            const produced = formatUkDateTime(b.producedAt);
            return [
              `${content.batchKind[b.kind]}${b.templateKey ? `: ${templateName(b.templateKey)}` : ""}, ${produced}`,
              b.letterCount.toLocaleString("en-GB"),
              b.producedBy ?? "Command line",
              b.printedAt ? content.printedBy(formatUkDateTime(b.printedAt), b.printedBy) : content.notPrinted,
              b.printedAt ? (
                ""
              ) : (
                <Form key={b.id} method="post">
                  <input type="hidden" name="intent" value="mark-printed" />
                  <input type="hidden" name="batchId" value={b.id} />
                  <Button variant="secondary">
                    {content.markPrinted}
                    <span className="nhsuk-u-visually-hidden">{content.markPrintedFor(produced)}</span>
                  </Button>
                </Form>
              ),
            ];
          })}
        />
      )}
    </StaffPage>
  );
}
