import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { ErrorSummary, NotificationBanner, pageTitle, SummaryList } from "../components/forms";
import { Actions } from "../components/request-page/actions";
import { Assignment } from "../components/request-page/assignment";
import { decisionDraftFrom, decisionFieldErrors, DECIDE_FIELD_ORDER, typedDay } from "../components/request-page/decide-form-fields";
import { CorrectedDecisions, DecisionInForce, OutcomeLetter } from "../components/request-page/decision-in-force";
import { describeEvent, History } from "../components/request-page/history";
import { Linking } from "../components/request-page/linking";
import { PatientSection } from "../components/request-page/patient-section";
import { everyProblem } from "../components/every-problem";
import { Submissions } from "../components/request-page/submissions";
import { YourEntry } from "../components/request-page/your-entry";
import { StaffPage, toViewer } from "../components/staff-page";
import { formatUkDateTime } from "../content/campaigns";
import { outcomeLetterContent } from "../content/request-decision";
import { requestChannelNames, requestKindNames, requestPageContent as content, requestStateNames } from "../content/review-queue";
import { COUNSELLING_METHODS, MAX_DECISION_TEXT } from "../domain/access-decision";
import { ukLocalDay } from "../domain/calendar";
import { CLINICAL_SYSTEM_NAMES } from "../domain/clinical-system-steps";
import { can } from "../domain/permissions";
import { DECISION_OUTCOMES } from "../domain/request-workflow";
import { formError } from "../http/form.server";
import { letterActorOf, outcomeLetterProblem } from "../services/letters.server";
import { getRequestReview, MOVES } from "../services/request-review.server";
import { assignRequest, takeReviewStep, type ReviewResult, type ReviewStep } from "../services/request-steps.server";

type LoaderData = Awaited<ReturnType<typeof loader>>;

export const handle = {
  title: ({ review }: LoaderData) => pageTitle(content.title(review.request.reference), Boolean(review.linking?.problem)),
};

const notFound = () => new Response(content.notFound, { status: 404 });

function requestIdFrom(params: LoaderFunctionArgs["params"]): string {
  const parsed = z.uuid().safeParse(params.id);
  if (!parsed.success) throw notFound();
  return parsed.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "work-queue", { writesAudit: true });
  const search = new URL(request.url).searchParams;
  const review = await getRequestReview(context, requestIdFrom(params), new Date(), { find: search.get("find") ?? undefined });
  if (!review) throw notFound();
  // Set by /staff/requests/new after staff entered a request on a patient's behalf.
  const entered = z.enum(["new", "joined"]).safeParse(search.get("entered"));
  const viewer = toViewer(context);
  return {
    viewer,
    me: context.user.id,
    review,
    entered: entered.success ? entered.data : null,
    canPrintLetters: can(context.role, "print-letters"),
    isClinician: context.role === "clinician",
    clinicalSystem: CLINICAL_SYSTEM_NAMES[context.practice.clinicalSystem],
    today: ukLocalDay(new Date()),
    // The development mail catcher's page, where an email the portal sent can be read.
    canViewMail: viewer.developmentMail && can(context.role, "view-development-mail"),
  };
}

const errors = content.errors;
const version = z.coerce.number().int();

// One schema for each of the page's forms but the decision's (below): which step (intent), the
// version the form was shown at, and that step's fields.
const stepSchema = z.discriminatedUnion("intent", [
  z
    .object({
      intent: z.literal("move"),
      version,
      to: z.enum(MOVES),
      arrangedOnDay: z.string().trim().default(""),
      arrangedOnMonth: z.string().trim().default(""),
      arrangedOnYear: z.string().trim().default(""),
      arrangedMethod: z.string().default(""),
    })
    .transform((form, ctx): ReviewStep | typeof z.NEVER => {
      if (form.to !== "counselling") return { kind: "move", to: form.to };
      const typed = form.arrangedOnDay || form.arrangedOnMonth || form.arrangedOnYear;
      const on = typedDay(form.arrangedOnDay, form.arrangedOnMonth, form.arrangedOnYear);
      if (on === null) ctx.addIssue({ code: "custom", path: ["arrangedOn"], message: typed ? errors.counsellingDateInvalid : errors.counsellingDateMissing });
      const method = (COUNSELLING_METHODS as readonly string[]).includes(form.arrangedMethod) ? form.arrangedMethod : null;
      if (method === null) ctx.addIssue({ code: "custom", path: ["arrangedMethod"], message: errors.counsellingMethodMissing });
      return on && method ? { kind: "move", to: form.to, counselling: { on, method } } : z.NEVER;
    }),
  z
    .object({ intent: z.literal("link"), version, patientId: z.uuid({ error: errors.choosePatient }) })
    .transform((form): ReviewStep => ({ kind: "link", patientId: form.patientId })),
  z.object({ intent: z.literal("mark-actioned"), version }).transform((): ReviewStep => ({ kind: "mark-actioned" })),
  z.object({ intent: z.literal("close"), version }).transform((): ReviewStep => ({ kind: "close" })),
  z
    .object({
      intent: z.literal("reopen"),
      version,
      reopenReason: z.string().trim().min(1, errors.reopenReason).max(MAX_DECISION_TEXT, errors.reopenReasonTooLong),
    })
    .transform((form): ReviewStep => ({ kind: "reopen", reason: form.reopenReason })),
]);

// The decision's fields that are the same whatever the outcome; the rest are read by outcome
// (decide-form-fields.ts). The domain checks everything else, naming each field.
const decideSchema = z.object({
  intent: z.literal("decide"),
  version,
  outcome: z.enum(DECISION_OUTCOMES, { error: errors.chooseOutcome }),
  notes: z.string().trim().max(MAX_DECISION_TEXT, errors.notesTooLong).default(""),
});

const assignSchema = z.object({
  intent: z.literal("assign"),
  assignTo: z.union([z.literal(""), z.uuid()], { error: errors.chooseAssignee }).transform((v) => (v === "" ? null : v)),
});

const INTENTS = ["move", "link", "decide", "mark-actioned", "close", "reopen", "assign", "outcome-letter"];

/** The page's fields in the order it shows them, for the error summary. */
const FIELD_ORDER = ["assignTo", "patientId", "to", "arrangedOn", "arrangedMethod", ...DECIDE_FIELD_ORDER, "reopenReason"];

export async function action({ request, params }: ActionFunctionArgs) {
  const context = await requireStaff(request, "work-queue");
  const requestId = requestIdFrom(params);
  const form = await request.formData();
  const values = Object.fromEntries([...form].filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  switch (values.intent) {
    case "outcome-letter": {
      // The outcome letter's own route sends its POST back here when something is wrong: say what.
      const problem = await outcomeLetterProblem(letterActorOf(context), requestId);
      return formError({ formErrors: [problem ?? outcomeLetterContent.again] });
    }
    case "assign": {
      const assign = assignSchema.safeParse(values);
      if (!assign.success) return formError(z.flattenError(assign.error), form);
      const assigned = await assignRequest(context, { requestId, assignTo: assign.data.assignTo });
      if (assigned.ok) return redirect(`/staff/requests/${requestId}`);
      if (assigned.kind === "not-found") throw notFound();
      return formError({ formErrors: [assigned.reason] }, form);
    }
    case "decide": {
      const parsed = decideSchema.safeParse(values);
      if (!parsed.success) return formError(z.flattenError(parsed.error), form);
      const { outcome } = parsed.data;
      const { draft, counsellingDateUnreadable } = decisionDraftFrom(outcome, values);
      const result = await takeReviewStep(context, { requestId, version: parsed.data.version, step: { kind: "decide", draft } });
      if (result.ok) return redirect(`/staff/requests/${requestId}`);
      if (result.kind === "invalid") {
        const fieldErrors = decisionFieldErrors(result.problems, outcome, counsellingDateUnreadable ? errors.counsellingDateInvalid : null);
        return formError({ fieldErrors }, form);
      }
      return stepFailed(result, form);
    }
    default: {
      const parsed = stepSchema.safeParse(values);
      if (!parsed.success) {
        const { formErrors, fieldErrors } = z.flattenError(parsed.error);
        return formError({ formErrors: INTENTS.includes(values.intent ?? "") ? formErrors : [errors.chooseAction], fieldErrors }, form);
      }
      const result = await takeReviewStep(context, { requestId, version: Number(values.version), step: parsed.data });
      if (result.ok) return redirect(`/staff/requests/${requestId}`);
      return stepFailed(result, form);
    }
  }
}

function stepFailed(result: Exclude<ReviewResult, { ok: true }>, form: FormData) {
  switch (result.kind) {
    case "not-found":
      throw notFound();
    case "refused":
      return formError({ formErrors: [result.reason] }, form);
    case "invalid":
      return formError({ formErrors: result.problems.map((p) => p.message) }, form);
    case "conflict":
      return formError({ formErrors: [content.conflict, ...result.theirChanges.map((e) => describeEvent(e, formatUkDateTime(e.occurredAt)))] }, form);
  }
}

export default function RequestPage() {
  const { viewer, me, review, entered, canPrintLetters, isClinician, clinicalSystem, canViewMail, today } = useLoaderData<typeof loader>();
  const actionErrors = useActionData<typeof action>();
  const conflict = actionErrors?.formErrors[0] === content.conflict;
  const { request } = review;
  return (
    <StaffPage viewer={viewer}>
      {entered && !actionErrors ? (
        <NotificationBanner success>
          <p className="nhsuk-notification-banner__heading">
            {entered === "joined" ? content.enteredJoined(request.reference) : content.enteredNew(request.reference)}
          </p>
        </NotificationBanner>
      ) : null}
      <ErrorSummary
        errors={actionErrors ? everyProblem(actionErrors.fieldErrors, actionErrors.formErrors, FIELD_ORDER) : []}
        focusKey={actionErrors}
      />
      <h1>
        <span className="nhsuk-caption-l">
          {requestKindNames[request.kind]}
          <span className="nhsuk-u-visually-hidden"> - </span>
        </span>
        {content.title(request.reference)}
      </h1>
      {conflict ? <YourEntry values={actionErrors.values} /> : null}
      <SummaryList
        rows={[
          { key: content.kindLabel, value: `${requestKindNames[request.kind]} (${requestChannelNames[request.channel] ?? request.channel})` },
          { key: content.stateLabel, value: requestStateNames[request.state] },
          { key: content.receivedLabel, value: formatUkDateTime(request.receivedAt) },
          { key: content.assignedLabel, value: review.assignedTo?.name ?? content.nobody },
        ]}
      />
      <Assignment review={review} me={me} errors={actionErrors?.values.intent === "assign" ? actionErrors : undefined} />
      <PatientSection review={review} clinicalSystem={clinicalSystem} today={today} />
      {review.linking ? <Linking review={review} linking={review.linking} /> : null}
      {review.current ? <DecisionInForce review={review} current={review.current} clinicalSystem={clinicalSystem} canViewMail={canViewMail} canPrintLetters={canPrintLetters} /> : null}
      {canPrintLetters && review.current && review.patient ? <OutcomeLetter requestId={request.id} told={review.current.told} /> : null}
      <CorrectedDecisions review={review} />
      <Actions review={review} isClinician={isClinician} errors={conflict ? undefined : actionErrors} />
      <Submissions review={review} />
      <History review={review} />
      <p>
        <a href="/staff/requests">{content.back}</a>
      </p>
    </StaffPage>
  );
}
