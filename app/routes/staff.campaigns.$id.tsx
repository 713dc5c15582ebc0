import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { CampaignPreviews } from "../components/email-preview";
import { Checkbox, DateInput, RadiosWithConditionals } from "../components/form-fields";
import { Button, ErrorSummary, errorList, firstError, InsetText, SummaryList, Table, TextInput } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { campaignsContent, campaignStatusNames, campaignStatusTags, formatUkDateTime } from "../content/campaigns";
import { formatIsoDay, parseIsoDay } from "../domain/calendar";
import { EXCLUSION_LABELS, EXCLUSION_REASONS } from "../domain/campaign-cohort";
import { templateName } from "../domain/message-templates";
import { formatNhsNumber } from "../domain/nhs-number";
import { describeSendingHours, isWithinSendingHours, ukInstant } from "../domain/sending-hours";
import { getEnv } from "../env.server";
import { formError } from "../http/form.server";
import {
  cancelCampaign,
  getCampaignProgress,
  getCampaignResult,
  previewCampaignMessages,
  resendUnknownCampaignMessage,
  sendCampaign,
} from "../services/campaigns.server";

const content = campaignsContent.campaign;
const sendContent = content.send;

type LoaderData = Awaited<ReturnType<typeof loader>>;

export const handle = {
  title: ({ campaign }: LoaderData) => content.titles[campaign.status],
};

const notFound = () => new Response(content.notFound, { status: 404 });

function campaignIdFrom(params: LoaderFunctionArgs["params"]): string {
  const parsed = z.uuid().safeParse(params.id);
  if (!parsed.success) throw notFound();
  return parsed.data;
}

const nhsNumber = (digits: string) => (/^\d{10}$/.test(digits) ? formatNhsNumber(digits) : digits);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "run-campaigns");
  const id = campaignIdFrom(params);
  const practiceId = context.practice.id;
  // The result's lists only once it has finished: while it sends, this page
  // is fetched every second and needs only the counts.
  const found = await getCampaignProgress(practiceId, id);
  if (!found) throw notFound();
  const result = found.campaign.status === "finished" ? await getCampaignResult(practiceId, id) : null;
  const progress = result ?? found;
  const { campaign, counts } = progress;
  const previews = campaign.status === "draft" ? await previewCampaignMessages(practiceId, id) : null;
  const hours = getEnv().mail.sendingHours;
  const excluded = campaign.excluded as Record<string, number | undefined>;
  const patient = (p: { givenName: string; familyName: string; nhsNumber: string }) => ({
    name: `${p.givenName} ${p.familyName}`,
    nhsNumber: nhsNumber(p.nhsNumber),
  });
  const problems = result?.problems ?? [];
  return {
    viewer: toViewer(context),
    autoRefresh: new URL(request.url).searchParams.get("refresh") !== "off",
    campaign: {
      id: campaign.id,
      name: templateName(campaign.templateKey),
      optInInvitation: campaign.templateKey === "opt-in-invitation",
      status: campaign.status,
      created: formatUkDateTime(campaign.createdAt),
      scheduledFor: campaign.scheduledFor ? formatUkDateTime(campaign.scheduledFor) : null,
      started: campaign.startedAt ? formatUkDateTime(campaign.startedAt) : null,
      finished: campaign.finishedAt ? formatUkDateTime(campaign.finishedAt) : null,
      ignoreSendingHours: campaign.ignoreSendingHours,
    },
    exclusions: EXCLUSION_REASONS.map((reason) => ({ label: EXCLUSION_LABELS[reason], count: excluded[reason] ?? 0 })),
    counts: {
      queued: counts.queued,
      sending: counts.sending,
      sent: counts.sent,
      failed: counts.technicalFailure + counts.permanentFailure,
      unknown: counts.unknown,
      letters: counts.letters,
    },
    total: progress.total,
    done: progress.done,
    sendingHours: describeSendingHours(hours),
    outsideSendingHours: !isWithinSendingHours(new Date(), hours),
    previews:
      previews?.map((p) => ({ patientName: p.patientName, toAddress: p.toAddress, subject: p.message.subject, text: p.message.text })) ?? null,
    failures: problems
      .filter((p) => p.status !== "unknown")
      .map((p) => ({ ...patient(p), toAddress: p.toAddress ?? "", status: p.status, reason: p.failureReason ?? "" })),
    unknown: problems
      .filter((p) => p.status === "unknown")
      .map((p) => ({ ...patient(p), messageId: p.messageId, toAddress: p.toAddress ?? "", reason: p.failureReason ?? "" })),
    letters: result?.letters.map(patient) ?? [],
  };
}

const SEND_FIELDS = ["when", "scheduleDate", "scheduleTime", "confirmOptIn", "ignoreSendingHours"];

const TIME_PATTERN = /^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$/;

/** The send form. An opt-in invitation also needs its confirmation ticked. */
function sendSchema(optInInvitation: boolean) {
  return z
    .object({
      // Optional here and required below, so that every other problem is listed with it.
      when: z.enum(["now", "schedule"], { error: sendContent.chooseWhen }).optional(),
      scheduleDay: z.string().trim().default(""),
      scheduleMonth: z.string().trim().default(""),
      scheduleYear: z.string().trim().default(""),
      scheduleTime: z.string().trim().default(""),
      confirmOptIn: z.string().optional(),
      ignoreSendingHours: z.string().optional(),
    })
    .superRefine((form, ctx) => {
      if (form.when === undefined) ctx.addIssue({ code: "custom", path: ["when"], message: sendContent.chooseWhen });
      if (optInInvitation && form.confirmOptIn !== "yes") {
        ctx.addIssue({ code: "custom", path: ["confirmOptIn"], message: sendContent.confirmMissing });
      }
      if (form.when !== "schedule") return;
      if (!form.scheduleDay || !form.scheduleMonth || !form.scheduleYear) {
        ctx.addIssue({ code: "custom", path: ["scheduleDate"], message: sendContent.dateMissing });
      } else if (scheduledDay(form) === null) {
        ctx.addIssue({ code: "custom", path: ["scheduleDate"], message: sendContent.dateInvalid });
      }
      if (!form.scheduleTime) {
        ctx.addIssue({ code: "custom", path: ["scheduleTime"], message: sendContent.timeMissing });
      } else if (!TIME_PATTERN.test(form.scheduleTime)) {
        ctx.addIssue({ code: "custom", path: ["scheduleTime"], message: sendContent.timeInvalid });
      }
    });
}

/** The ISO day typed into the date input, or null when it is not a real date. */
function scheduledDay(form: { scheduleDay: string; scheduleMonth: string; scheduleYear: string }): string | null {
  const parts = [form.scheduleDay, form.scheduleMonth, form.scheduleYear];
  if (!parts.every((p) => /^\d+$/.test(p)) || form.scheduleYear.length !== 4) return null;
  const day = formatIsoDay({ year: Number(form.scheduleYear), month: Number(form.scheduleMonth), day: Number(form.scheduleDay) });
  return parseIsoDay(day) ? day : null;
}

/** The moment a valid scheduled day and time (UK wall clock) stand for. */
function scheduledInstant(form: { scheduleDay: string; scheduleMonth: string; scheduleYear: string; scheduleTime: string }): Date {
  const [, hour, minute] = TIME_PATTERN.exec(form.scheduleTime)!;
  return ukInstant(scheduledDay(form)!, Number(hour) * 60 + Number(minute));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const context = await requireStaff(request, "run-campaigns");
  const campaignId = campaignIdFrom(params);
  const practiceId = context.practice.id;
  const actor = { id: context.user.id, role: context.role };
  const form = await request.formData();
  const found = await getCampaignProgress(practiceId, campaignId);
  if (!found) throw notFound();

  switch (form.get("intent")) {
    case "send": {
      const parsed = sendSchema(found.campaign.templateKey === "opt-in-invitation").safeParse(Object.fromEntries(form));
      if (!parsed.success) {
        const { formErrors, fieldErrors } = z.flattenError(parsed.error);
        return formError({ formErrors, fieldErrors }, form);
      }
      const sent = await sendCampaign({
        practiceId,
        campaignId,
        actor,
        when: parsed.data.when === "schedule" ? scheduledInstant(parsed.data) : "now",
        ignoreSendingHours: parsed.data.ignoreSendingHours === "yes",
        confirmedOptInInvitation: parsed.data.confirmOptIn === "yes",
      });
      if (!sent.ok) return formError({ formErrors: [sent.error] }, form);
      break;
    }
    case "cancel": {
      const cancelled = await cancelCampaign({ practiceId, campaignId, actor });
      if (!cancelled.ok) return formError({ formErrors: [cancelled.error] });
      break;
    }
    case "resend": {
      const messageId = z.uuid().safeParse(form.get("messageId"));
      if (!messageId.success) return formError({ formErrors: [content.chooseAction] });
      const resent = await resendUnknownCampaignMessage({ practiceId, campaignId, messageId: messageId.data, actor });
      if (!resent.ok) return formError({ formErrors: [resent.error] });
      break;
    }
    default:
      return formError({ formErrors: [content.chooseAction] });
  }
  return redirect(`/staff/campaigns/${campaignId}`);
}

type Data = LoaderData;

const isLive = (status: Data["campaign"]["status"]) => status === "sending" || status === "scheduled";

export default function CampaignPage() {
  const data = useLoaderData<typeof loader>();
  const { viewer, campaign } = data;
  const errors = useActionData<typeof action>();
  useRefreshWhileLive(isLive(campaign.status));
  return (
    <StaffPage viewer={viewer}>
      <ErrorSummary errors={errors ? errorList(errors.fieldErrors, errors.formErrors, SEND_FIELDS) : []} focusKey={errors} />
      <h1>
        <span className="nhsuk-caption-l">
          {campaign.name}
          <span className="nhsuk-u-visually-hidden"> - </span>
        </span>
        {content.titles[campaign.status]}
      </h1>
      {campaign.status === "cancelled" ? <p>{content.cancelled}</p> : null}
      {campaign.status !== "draft" && campaign.status !== "cancelled" ? <Progress data={data} /> : null}
      <Summary data={data} />
      {campaign.status === "finished" ? <Result data={data} /> : null}
      {campaign.status === "draft" ? <Draft data={data} errors={errors} /> : null}
      {campaign.status === "draft" || campaign.status === "scheduled" ? <Cancel /> : null}
      <p>
        <a href="/staff/campaigns">{content.back}</a>
      </p>
    </StaffPage>
  );
}

// While it sends (or waits to), the page fetches its data again every
// second; without JavaScript it reloads itself (a meta refresh inside
// <noscript>, which scripts ignore), which the person can stop (WCAG 2.2.1).
function useRefreshWhileLive(live: boolean) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1_000);
    return () => clearInterval(timer);
  }, [live, revalidator]);
}

function Summary({ data }: { data: Data }) {
  const { campaign, counts, total, exclusions } = data;
  const n = (value: number) => value.toLocaleString("en-GB");
  const excluded = exclusions.reduce((sum, e) => sum + e.count, 0);
  const s = content.summary;
  const rows = [
    { key: s.message, value: campaign.name },
    {
      key: s.status,
      value: <strong className={`nhsuk-tag ${campaignStatusTags[campaign.status]}`}>{campaignStatusNames[campaign.status]}</strong>,
    },
    { key: s.created, value: campaign.created },
    ...(campaign.scheduledFor ? [{ key: s.scheduledFor, value: campaign.scheduledFor }] : []),
    ...(campaign.started ? [{ key: s.started, value: campaign.started }] : []),
    ...(campaign.finished ? [{ key: s.finished, value: campaign.finished }] : []),
    { key: s.recipients, value: n(total) },
    { key: s.letters, value: n(counts.letters) },
    { key: s.excluded, value: n(excluded) },
  ];
  return (
    <>
      <SummaryList rows={rows} />
      {campaign.status === "draft" ? (
        <Table caption={content.exclusionsCaption} captionSize="s" head={content.exclusionsHead} rows={exclusions.map((e) => [e.label, n(e.count)])} />
      ) : null}
    </>
  );
}

function Progress({ data }: { data: Data }) {
  const { campaign, counts, total, done, autoRefresh, sendingHours, outsideSendingHours } = data;
  const p = content.progress;
  const n = (value: number) => value.toLocaleString("en-GB");
  const max = Math.max(total, 1);
  const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
  const waitingForHours = campaign.status === "sending" && outsideSendingHours && !campaign.ignoreSendingHours && counts.queued > 0;
  const self = `/staff/campaigns/${campaign.id}`;
  return (
    <>
      <h2>{p.heading}</h2>
      {campaign.status === "scheduled" && campaign.scheduledFor ? <p>{p.scheduled(campaign.scheduledFor)}</p> : null}
      {waitingForHours ? <InsetText><p>{p.waitingForHours(sendingHours)}</p></InsetText> : null}
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="campaign-progress">
          {p.label}
        </label>
        <progress id="campaign-progress" className="app-progress" max={max} value={Math.min(done, max)} aria-describedby="campaign-progress-text">
          {percent}%
        </progress>
        <p className="nhsuk-body nhsuk-u-margin-top-2" id="campaign-progress-text">
          {p.text(counts.sent, total)}
        </p>
      </div>
      <Table
        caption={p.caption}
        captionSize="s"
        head={p.head}
        rows={[
          [p.queued, n(counts.queued)],
          [p.sending, n(counts.sending)],
          [p.sent, n(counts.sent)],
          [p.failed, n(counts.failed)],
          [p.unknown, n(counts.unknown)],
        ]}
      />
      {isLive(campaign.status) ? (
        autoRefresh ? (
          <noscript>
            <meta httpEquiv="refresh" content="2" />
            <p>
              {p.refreshing} <a href={`${self}?refresh=off`}>{p.stopRefreshing}</a>
            </p>
          </noscript>
        ) : (
          <p>
            <a href={`${self}?refresh=off`}>{p.checkProgress}</a>
          </p>
        )
      ) : null}
    </>
  );
}

function Result({ data }: { data: Data }) {
  const { counts, failures, unknown, letters } = data;
  const r = content.result;
  return (
    <>
      {counts.failed === 0 && counts.unknown === 0 ? <p>{r.allSent}</p> : null}
      {counts.failed > 0 ? (
        <>
          <Table
            caption={r.failuresCaption(failures.length, counts.failed)}
            captionSize="m"
            head={r.failuresHead}
            rows={failures.map((f) => [f.name, f.nhsNumber, f.toAddress, r.failureStatus[f.status] ?? f.status, f.reason])}
          />
          <p>{r.failuresNote}</p>
        </>
      ) : null}
      {counts.unknown > 0 ? (
        <>
          <h2>{r.unknownHeading}</h2>
          <p>{r.unknownIntro}</p>
          <Table
            caption={r.unknownCaption(counts.unknown)}
            captionSize="s"
            head={r.unknownHead}
            rows={unknown.map((u) => [
              u.name,
              u.nhsNumber,
              u.toAddress,
              u.reason,
              <Form method="post" key="resend">
                <input type="hidden" name="intent" value="resend" />
                <input type="hidden" name="messageId" value={u.messageId} />
                <button type="submit" className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0">
                  {r.resend}
                  <span className="nhsuk-u-visually-hidden">{r.resendHidden(u.name)}</span>
                </button>
              </Form>,
            ])}
          />
        </>
      ) : null}
      <h2>{r.lettersHeading}</h2>
      {counts.letters === 0 ? (
        <p>{r.noLetters}</p>
      ) : (
        <>
          <p>{r.lettersIntro}</p>
          <p>
            <a href="/staff/letters">{r.lettersLink}</a>
          </p>
          <Table caption={r.lettersCaption(letters.length, counts.letters)} captionSize="s" head={r.lettersHead} rows={letters.map((l) => [l.name, l.nhsNumber])} />
        </>
      )}
    </>
  );
}

type ActionErrors = ReturnType<typeof useActionData<typeof action>>;

function Draft({ data, errors }: { data: Data; errors: ActionErrors }) {
  const { campaign, previews, sendingHours, outsideSendingHours } = data;
  const values = errors?.values ?? {};
  return (
    <>
      <h2>{content.previewsHeading}</h2>
      <CampaignPreviews previews={previews ?? []} intro={content.previewsIntro} htmlSrc={(n) => `/staff/campaigns/${campaign.id}/preview/${n}/email.html`} />

      <h2>{sendContent.heading}</h2>
      <p>{sendContent.sendingHours(sendingHours)}</p>
      {outsideSendingHours ? (
        <InsetText>
          <p>{sendContent.outsideHours(sendingHours)}</p>
        </InsetText>
      ) : null}
      <Form method="post" noValidate>
        <input type="hidden" name="intent" value="send" />
        <RadiosWithConditionals
          name="when"
          legend={sendContent.whenLegend}
          defaultValue={values.when}
          error={firstError(errors?.fieldErrors, "when")}
          options={[
            { value: "now", label: sendContent.now, hint: outsideSendingHours ? sendContent.nowOutsideHoursHint : undefined },
            {
              value: "schedule",
              label: sendContent.schedule,
              hint: sendContent.scheduleHint,
              conditional: (
                <>
                  <DateInput
                    id="scheduleDate"
                    name="schedule"
                    legend={sendContent.dateLegend}
                    hint={sendContent.dateHint}
                    error={firstError(errors?.fieldErrors, "scheduleDate")}
                    values={{ day: values.scheduleDay, month: values.scheduleMonth, year: values.scheduleYear }}
                  />
                  <TextInput
                    id="scheduleTime"
                    name="scheduleTime"
                    label={sendContent.timeLabel}
                    hint={sendContent.timeHint}
                    width={5}
                    error={firstError(errors?.fieldErrors, "scheduleTime")}
                    defaultValue={values.scheduleTime}
                  />
                </>
              ),
            },
          ]}
        />
        {outsideSendingHours ? (
          <Checkbox
            name="ignoreSendingHours"
            label={sendContent.ignoreSendingHours}
            hint={sendContent.ignoreSendingHoursHint}
            defaultChecked={values.ignoreSendingHours === "yes"}
            error={firstError(errors?.fieldErrors, "ignoreSendingHours")}
          />
        ) : null}
        {campaign.optInInvitation ? (
          <Checkbox
            name="confirmOptIn"
            label={sendContent.confirmOptIn}
            defaultChecked={values.confirmOptIn === "yes"}
            error={firstError(errors?.fieldErrors, "confirmOptIn")}
          />
        ) : null}
        <Button>{sendContent.button}</Button>
      </Form>
    </>
  );
}

function Cancel() {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="cancel" />
      <p>{content.cancel.hint}</p>
      <Button variant="secondary">{content.cancel.button}</Button>
    </Form>
  );
}
