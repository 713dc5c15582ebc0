import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { DateInput } from "../components/form-fields";
import {
  Button,
  ErrorSummary,
  errorList,
  firstError,
  InsetText,
  NotificationBanner,
  pageTitle,
  Radios,
  Select,
  SummaryList,
  Table,
  TextInput,
  WarningCallout,
} from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { formatUkDateTime } from "../content/campaigns";
import {
  accessLevelNames,
  accessStateNames,
  answerLabels,
  auditActionNames,
  decisionOutcomeNames,
  identityMethodNames,
  moveNames,
  requestChannelNames,
  requestKindNames,
  requestPageContent as content,
  requestStateNames,
} from "../content/review-queue";
import { formatIsoDay, formatLongDay, parseIsoDay } from "../domain/calendar";
import { ACCESS_LEVELS, type AccessLevel } from "../domain/clinical-system-steps";
import { CODE_KEYS, type CodeKey } from "../domain/codes";
import { formatNhsNumber } from "../domain/nhs-number";
import { COMPARED_FIELDS } from "../domain/identity-match";
import { DECISION_OUTCOMES, type DecisionOutcome, type RequestKind } from "../domain/request-workflow";
import { can } from "../domain/permissions";
import { formError } from "../http/form.server";
import { letterActorOf, outcomeLetterProblem } from "../services/letters.server";
import {
  assignRequest,
  getRequestReview,
  IDENTITY_METHODS,
  MOVES,
  takeReviewStep,
  type IdentityMethod,
  type RequestEvent,
  type ReviewStep,
} from "../services/request-review.server";

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
  return {
    viewer: toViewer(context),
    me: context.user.id,
    review,
    entered: entered.success ? entered.data : null,
    canPrintLetters: can(context.role, "print-letters"),
  };
}

const errors = content.errors;

/** A day typed into a date input, or null when it is not a real date. */
function typedDay(day: string, month: string, year: string): string | null {
  if (![day, month, year].every((p) => /^\d+$/.test(p)) || year.length !== 4) return null;
  const iso = formatIsoDay({ year: Number(year), month: Number(month), day: Number(day) });
  return parseIsoDay(iso) ? iso : null;
}

const optionalText = z
  .string()
  .trim()
  .max(2000, errors.notesTooLong)
  .optional()
  .transform((v) => (v ? v : null));

const counsellingFields = {
  counselledOnDay: z.string().trim().default(""),
  counselledOnMonth: z.string().trim().default(""),
  counselledOnYear: z.string().trim().default(""),
  counsellingMethod: optionalText,
};

/** Checks the counselling date when any part of it is given, or when `required`. */
function checkCounselling(
  form: { counselledOnDay: string; counselledOnMonth: string; counselledOnYear: string; counsellingMethod: string | null },
  ctx: z.RefinementCtx,
  required: boolean,
): string | null {
  const typed = form.counselledOnDay || form.counselledOnMonth || form.counselledOnYear;
  if (required && !form.counsellingMethod) {
    ctx.addIssue({ code: "custom", path: ["counsellingMethod"], message: errors.counsellingMethodMissing });
  }
  if (!typed) {
    if (required) ctx.addIssue({ code: "custom", path: ["counselledOn"], message: errors.counsellingDateMissing });
    return null;
  }
  const day = typedDay(form.counselledOnDay, form.counselledOnMonth, form.counselledOnYear);
  if (day === null) ctx.addIssue({ code: "custom", path: ["counselledOn"], message: errors.counsellingDateInvalid });
  return day;
}

// The one schema for the page's forms: which step (intent), the version the form was shown at,
// and that step's fields. The code field is not called "code": formError never echoes such names.
const stepSchema = z.discriminatedUnion("intent", [
  z
    .object({ intent: z.literal("move"), version: z.coerce.number().int(), to: z.enum(MOVES), ...counsellingFields })
    .transform((form, ctx): ReviewStep | typeof z.NEVER => {
      if (form.to !== "counselling") return { kind: "move", to: form.to };
      const on = checkCounselling(form, ctx, true);
      return on && form.counsellingMethod ? { kind: "move", to: form.to, counselling: { on, method: form.counsellingMethod } } : z.NEVER;
    }),
  z
    .object({
      intent: z.literal("decide"),
      version: z.coerce.number().int(),
      outcome: z.enum(DECISION_OUTCOMES, { error: errors.chooseOutcome }),
      toEnter: z.enum([...CODE_KEYS, "none"], { error: errors.chooseCode }),
      accessLevel: z.enum(ACCESS_LEVELS, { error: errors.chooseAccessLevel }),
      identityMethod: z.enum(IDENTITY_METHODS, { error: errors.chooseIdentityMethod }),
      notes: optionalText,
      ...counsellingFields,
    })
    .transform((form, ctx): ReviewStep => {
      const on = checkCounselling(form, ctx, false);
      return {
        kind: "decide",
        decision: {
          outcome: form.outcome,
          codeToEnter: form.toEnter === "none" ? null : form.toEnter,
          accessLevel: form.accessLevel,
          identityMethod: form.identityMethod,
          notes: form.notes,
          counselledOn: on,
          counsellingMethod: form.counsellingMethod,
        },
      };
    }),
  z
    .object({ intent: z.literal("link"), version: z.coerce.number().int(), patientId: z.uuid({ error: errors.choosePatient }) })
    .transform((form): ReviewStep => ({ kind: "link", patientId: form.patientId })),
  z.object({ intent: z.literal("mark-actioned"), version: z.coerce.number().int() }).transform((): ReviewStep => ({ kind: "mark-actioned" })),
  z.object({ intent: z.literal("close"), version: z.coerce.number().int() }).transform((): ReviewStep => ({ kind: "close" })),
]);

const FIELD_ORDER = ["assignTo", "patientId", "to", "counselledOn", "counsellingMethod", "outcome", "toEnter", "accessLevel", "identityMethod", "notes"];

function describeEvent(event: RequestEvent): string {
  const who = event.actorName ?? content.portal;
  const what = auditActionNames[event.action] ?? event.action;
  const to = typeof event.summary.to === "string" && event.action === "request.moved" ? ` to ${event.summary.to}` : "";
  const outcome =
    typeof event.summary.outcome === "string" && event.action === "request.decided"
      ? ` (${decisionOutcomeNames[event.summary.outcome as DecisionOutcome] ?? event.summary.outcome})`
      : "";
  return content.theirChange(who, `${what}${to}${outcome}`, formatUkDateTime(event.occurredAt));
}

const assignSchema = z.object({
  intent: z.literal("assign"),
  assignTo: z.union([z.literal(""), z.uuid()], { error: errors.chooseAssignee }).transform((v) => (v === "" ? null : v)),
});

const INTENTS = ["move", "link", "decide", "mark-actioned", "close", "assign", "outcome-letter"];

export async function action({ request, params }: ActionFunctionArgs) {
  const context = await requireStaff(request, "work-queue");
  const requestId = requestIdFrom(params);
  const form = await request.formData();
  if (form.get("intent") === "outcome-letter") {
    const problem = await outcomeLetterProblem(letterActorOf(context), requestId);
    return formError({ formErrors: [problem ?? content.outcomeLetterAgain] });
  }
  if (form.get("intent") === "assign") {
    const assign = assignSchema.safeParse(Object.fromEntries(form));
    if (!assign.success) return formError(z.flattenError(assign.error), form);
    const assigned = await assignRequest(context, { requestId, assignTo: assign.data.assignTo });
    if (assigned.ok) return redirect(`/staff/requests/${requestId}`);
    if (assigned.kind === "not-found") throw notFound();
    return formError({ formErrors: [assigned.reason] }, form);
  }
  const parsed = stepSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const { formErrors, fieldErrors } = z.flattenError(parsed.error);
    const known = INTENTS.includes(String(form.get("intent")));
    return formError({ formErrors: known ? formErrors : [errors.chooseAction], fieldErrors }, form);
  }
  const version = Number(form.get("version"));
  const result = await takeReviewStep(context, { requestId, version, step: parsed.data });
  if (result.ok) return redirect(`/staff/requests/${requestId}`);
  switch (result.kind) {
    case "not-found":
      throw notFound();
    case "refused":
      return formError({ formErrors: [result.reason] }, form);
    case "conflict":
      return formError({ formErrors: [content.conflict, ...result.theirChanges.map(describeEvent)] }, form);
  }
}

type Review = LoaderData["review"];
type ActionErrors = ReturnType<typeof useActionData<typeof action>>;

export default function RequestPage() {
  const { viewer, me, review, entered, canPrintLetters } = useLoaderData<typeof loader>();
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
        errors={actionErrors ? errorList(actionErrors.fieldErrors, actionErrors.formErrors, FIELD_ORDER) : []}
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
      <Patient review={review} />
      {review.linking ? <Linking review={review} linking={review.linking} /> : null}
      <DecisionSection review={review} />
      {canPrintLetters && review.decision && review.decision.outcome !== "rejected-unverified" && review.patient ? (
        <OutcomeLetter review={review} />
      ) : null}
      <Actions review={review} errors={conflict ? undefined : actionErrors} />
      <Submissions review={review} />
      <History review={review} />
      <p>
        <a href="/staff/requests">{content.back}</a>
      </p>
    </StaffPage>
  );
}

const VALUE_NAMES: Record<string, (value: string) => string> = {
  outcome: (v) => decisionOutcomeNames[v as DecisionOutcome] ?? v,
  toEnter: (v) => (v === "none" ? content.codeNone : v),
  accessLevel: (v) => accessLevelNames[v as AccessLevel] ?? v,
  identityMethod: (v) => identityMethodNames[v as IdentityMethod] ?? v,
  to: (v) => moveNames[v as keyof typeof moveNames] ?? v,
};

/** After a conflict: what this person entered, so nothing of theirs is lost. */
function YourEntry({ values }: { values: Record<string, string> }) {
  const rows = Object.entries(values)
    .filter(([key, value]) => value !== "" && key !== "version" && key !== "intent")
    .map(([key, value]) => ({ key, value: VALUE_NAMES[key]?.(value) ?? value }));
  if (rows.length === 0) return null;
  return (
    <InsetText>
      <h2 className="nhsuk-heading-s">{content.yourEntry}</h2>
      <SummaryList rows={rows} />
    </InsetText>
  );
}

function Patient({ review }: { review: Review }) {
  const { patient } = review;
  if (!patient) {
    return (
      <>
        <h2>{content.patientHeading}</h2>
        <WarningCallout heading={content.identityNotConfirmed} headingLevel={3}>
          <p>{content.identityNotConfirmedBody}</p>
          <p>{content.matchReasons}:</p>
          {review.identityReasons.length > 0 ? (
            <ul>
              {review.identityReasons.map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          ) : (
            <p>{content.noMatchReasons}</p>
          )}
        </WarningCallout>
      </>
    );
  }
  const rows = content.patientRows;
  return (
    <>
      <h2>{content.patientHeading}</h2>
      {patient.enhancedReview && isOptInRequest(review) ? <InsetText>{content.enhancedReviewWarning}</InsetText> : null}
      {review.otherOpenRequests.length > 0 ? (
        <WarningCallout heading={content.otherOpenRequests} headingLevel={3}>
          <ul>
            {review.otherOpenRequests.map((other) => (
              <li key={other.id}>
                <a href={`/staff/requests/${other.id}`}>{other.reference}</a>
              </li>
            ))}
          </ul>
        </WarningCallout>
      ) : null}
      <SummaryList
        rows={[
          { key: rows.name, value: patient.name },
          { key: rows.nhsNumber, value: formatNhsNumber(patient.nhsNumber) },
          { key: rows.dateOfBirth, value: formatLongDay(patient.dateOfBirth) },
          { key: rows.address, value: patient.address.join(", ") },
          { key: rows.email, value: patient.email ?? rows.noEmail },
          { key: rows.onlineAccount, value: patient.onlineAccount ? content.yes : content.no },
          { key: rows.state, value: accessStateNames[patient.state] },
        ]}
      />
    </>
  );
}

/** Who is working on the request: anyone may take it, or give it to a colleague. */
function Assignment({ review, me, errors: assignErrors }: { review: Review; me: string; errors: ActionErrors | undefined }) {
  if (review.request.state === "closed") return null;
  const error = firstError(assignErrors?.fieldErrors, "assignTo") ?? assignErrors?.formErrors[0];
  return (
    <div className="nhsuk-u-margin-bottom-5">
      {review.assignedTo?.id !== me ? (
        <Form method="post" className="nhsuk-u-margin-bottom-3">
          <input type="hidden" name="intent" value="assign" />
          <input type="hidden" name="assignTo" value={me} />
          <Button variant="secondary">{content.assignToMe}</Button>
        </Form>
      ) : null}
      <Form method="post">
        <input type="hidden" name="intent" value="assign" />
        <Select
          id="assignTo"
          name="assignTo"
          label={content.assignLabel}
          defaultValue={review.assignedTo?.id ?? ""}
          error={error}
          options={[{ value: "", label: content.nobody }, ...review.staff.map((m) => ({ value: m.id, label: m.name }))]}
        />
        <Button variant="secondary">{content.assignButton}</Button>
      </Form>
    </div>
  );
}

type Linking = NonNullable<Review["linking"]>;

/** For a request no patient is linked to: what the sender gave, who on the list it might be, and a search. */
function Linking({ review, linking }: { review: Review; linking: Linking }) {
  const { claim } = linking;
  const rows = content.claimRows;
  return (
    <>
      <h2>{content.linkHeading}</h2>
      {claim ? (
        <SummaryList
          rows={[
            { key: rows.name, value: `${claim.givenName} ${claim.familyName}` },
            { key: rows.dateOfBirth, value: formatLongDay(claim.dateOfBirth) },
            { key: rows.postcode, value: claim.postcode || rows.notGiven },
            { key: rows.nhsNumber, value: claim.nhsNumber ? formatNhsNumber(claim.nhsNumber) : rows.notGiven },
          ]}
        />
      ) : null}
      <Form method="get" className="nhsuk-u-margin-bottom-5">
        <TextInput
          id="find"
          name="find"
          type="search"
          label={content.searchLabel}
          hint={content.searchHint}
          spellCheck={false}
          defaultValue={linking.search ?? ""}
          error={linking.problem ? content.searchProblems[linking.problem] : undefined}
        />
        <Button variant="secondary">{content.searchButton}</Button>
      </Form>
      {linking.search === null ? (
        <p>{linking.candidates.length > 0 ? content.closeCandidates : content.noCloseCandidates}</p>
      ) : linking.problem ? null : linking.candidates.length === 0 ? (
        <p>{content.searchNone(linking.search)}</p>
      ) : null}
      {linking.candidates.length > 0 ? (
        <>
          {linking.check.ok ? <InsetText>{content.linkWarning}</InsetText> : <p>{content.notAllowed(content.linkButton, linking.check.reason)}</p>}
          <Table
            caption={linking.search === null ? content.closeCandidates : content.searchResults(linking.candidates.length, linking.more, linking.search)}
            captionSize="s"
            head={content.candidateHead}
            rows={linking.candidates.map((candidate) => [
              <>
                {candidate.name}
                {candidate.standing !== "registered" ? (
                  <>
                    {" "}
                    <strong className="nhsuk-tag nhsuk-tag--grey">{content.standing[candidate.standing]}</strong>
                  </>
                ) : null}
              </>,
              formatNhsNumber(candidate.nhsNumber),
              formatLongDay(candidate.dateOfBirth),
              candidate.postcode ?? "",
              candidate.comparison ? (
                <ul className="nhsuk-list">
                  {COMPARED_FIELDS.map((field) => (
                    <li key={field}>
                      {`${content.comparedNames[field]}: `}
                      {candidate.comparison![field] === "differs" ? <strong>{content.agreement.differs}</strong> : content.agreement[candidate.comparison![field]]}
                    </li>
                  ))}
                </ul>
              ) : (
                ""
              ),
              linking.check.ok && candidate.standing === "registered" ? (
                <StepForm key={candidate.id} intent="link" version={review.request.version}>
                  <input type="hidden" name="patientId" value={candidate.id} />
                  <Button variant="secondary">
                    {content.linkButton}
                    <span className="nhsuk-u-visually-hidden">{content.linkButtonFor(candidate.name)}</span>
                  </Button>
                </StepForm>
              ) : (
                ""
              ),
            ])}
          />
        </>
      ) : null}
    </>
  );
}

function isOptInRequest(review: Review): boolean {
  return review.request.kind === "opt-in";
}

function DecisionSection({ review }: { review: Review }) {
  const { decision, clinicalStep } = review;
  if (!decision) return null;
  const rows = content.decisionRows;
  return (
    <>
      <h2>{content.decisionHeading}</h2>
      <SummaryList
        rows={[
          { key: rows.outcome, value: decisionOutcomeNames[decision.outcome] },
          { key: rows.code, value: decision.codeToEnter ?? content.codeNone },
          { key: rows.accessLevel, value: accessLevelNames[decision.accessLevel] },
          { key: rows.identityMethod, value: identityMethodNames[decision.identityMethod] },
          {
            key: rows.counselling,
            value:
              decision.counselledOn !== null
                ? content.counsellingRecorded(formatLongDay(decision.counselledOn), decision.counsellingMethod ?? "")
                : content.notYet,
          },
          { key: rows.notes, value: decision.notes ?? "" },
          { key: rows.decidedAt, value: formatUkDateTime(decision.decidedAt) },
          { key: rows.actionedAt, value: decision.actionedAt ? formatUkDateTime(decision.actionedAt) : content.notYet },
          { key: rows.patientToldAt, value: decision.patientToldAt ? formatUkDateTime(decision.patientToldAt) : content.notYet },
        ]}
      />
      {clinicalStep ? (
        <>
          <h3>{content.stepHeading}</h3>
          <p>
            <strong>{clinicalStep.summary}</strong>
          </p>
          {clinicalStep.kind === "action" ? (
            <ol>
              {clinicalStep.steps.map((step) => (
                <li key={step}>{step}</li>
              ))}
            </ol>
          ) : null}
        </>
      ) : null}
    </>
  );
}

/** The outcome on paper: for a patient with no email on record, or who asks for a letter. */
function OutcomeLetter({ review }: { review: Review }) {
  return (
    <Form method="post" action={`/staff/requests/${review.request.id}/outcome-letter.pdf`} reloadDocument className="nhsuk-u-margin-bottom-5">
      <input type="hidden" name="intent" value="outcome-letter" />
      <p>{review.patient?.email ? content.outcomeLetterHint : content.outcomeLetterNoEmail}</p>
      <Button variant="secondary">{content.outcomeLetter}</Button>
    </Form>
  );
}

function StepForm({ intent, version, children }: { intent: string; version: number; children: ReactNode }) {
  return (
    <Form method="post" className="nhsuk-u-margin-bottom-5">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="version" value={String(version)} />
      {children}
    </Form>
  );
}

function Actions({ review, errors: actionErrors }: { review: Review; errors: ActionErrors | undefined }) {
  const { request, moves, decide, markActioned, close } = review;
  const values = actionErrors?.values ?? {};
  const posted = values.intent;
  const valuesFor = (intent: string) => (posted === intent ? values : {});
  const fieldError = (intent: string, name: string) => (posted === intent ? firstError(actionErrors?.fieldErrors, name) : undefined);
  const refusals = [
    ...moves.filter((m) => !m.check.ok).map((m) => (m.check.ok ? "" : content.notAllowed(moveNames[m.to], m.check.reason))),
    ...(decide?.refusal ? [content.notAllowed(content.decideHeading, decide.refusal)] : []),
    ...(markActioned && !markActioned.ok ? [content.notAllowed(content.markActioned, markActioned.reason)] : []),
    ...(close && !close.ok ? [content.notAllowed(content.close, close.reason)] : []),
  ];
  const allowedMoves = moves.filter((m) => m.check.ok);
  const canDecide = decide !== null && decide.outcomes.length > 0;
  const nothing = allowedMoves.length === 0 && !canDecide && !markActioned?.ok && !close?.ok;
  return (
    <>
      <h2>{content.actionsHeading}</h2>
      {nothing ? <p>{content.nothingNow}</p> : null}
      {refusals.length > 0 ? (
        <ul>
          {refusals.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : null}
      {allowedMoves.map(({ to }) => (
        <StepForm key={to} intent="move" version={request.version}>
          <input type="hidden" name="to" value={to} />
          {to === "counselling" ? (
            <CounsellingFields
              values={valuesFor("move")}
              dateError={fieldError("move", "counselledOn")}
              methodError={fieldError("move", "counsellingMethod")}
            />
          ) : null}
          <Button variant="secondary">{moveNames[to]}</Button>
        </StepForm>
      ))}
      {canDecide ? (
        <StepForm intent="decide" version={request.version}>
          <h3>{content.decideHeading}</h3>
          <Radios
            name="outcome"
            legend={content.outcomeLegend}
            options={decide.outcomes.map((o) => ({ value: o, label: decisionOutcomeNames[o] }))}
            defaultValue={valuesFor("decide").outcome}
            error={fieldError("decide", "outcome")}
          />
          <Radios
            name="toEnter"
            legend={content.codeLegend}
            options={[...CODE_KEYS.map((c: CodeKey) => ({ value: c, label: c })), { value: "none", label: content.codeNone }]}
            defaultValue={valuesFor("decide").toEnter}
            error={fieldError("decide", "toEnter")}
          />
          <Radios
            name="accessLevel"
            legend={content.accessLevelLegend}
            options={ACCESS_LEVELS.map((l) => ({ value: l, label: accessLevelNames[l] }))}
            defaultValue={valuesFor("decide").accessLevel}
            error={fieldError("decide", "accessLevel")}
          />
          <Radios
            name="identityMethod"
            legend={content.identityMethodLegend}
            options={Object.entries(identityMethodNames).map(([value, label]) => ({ value, label }))}
            defaultValue={valuesFor("decide").identityMethod}
            error={fieldError("decide", "identityMethod")}
          />
          {request.state === "counselling" || review.counselling ? (
            <CounsellingFields
              values={posted === "decide" ? values : counsellingDefaults(review.counselling)}
              dateError={fieldError("decide", "counselledOn")}
              methodError={fieldError("decide", "counsellingMethod")}
            />
          ) : null}
          <TextInput id="notes" name="notes" label={content.notesLabel} defaultValue={valuesFor("decide").notes} error={fieldError("decide", "notes")} />
          <Button>{content.decideButton}</Button>
        </StepForm>
      ) : null}
      {markActioned?.ok ? (
        <StepForm intent="mark-actioned" version={request.version}>
          <Button>{content.markActioned}</Button>
        </StepForm>
      ) : null}
      {close?.ok ? (
        <StepForm intent="close" version={request.version}>
          <Button>{content.close}</Button>
        </StepForm>
      ) : null}
    </>
  );
}

function counsellingDefaults(counselling: Review["counselling"]): Record<string, string> {
  if (!counselling) return {};
  const [year = "", month = "", day = ""] = counselling.on.split("-");
  return {
    counselledOnDay: String(Number(day)),
    counselledOnMonth: String(Number(month)),
    counselledOnYear: year,
    counsellingMethod: counselling.method,
  };
}

function CounsellingFields({
  values,
  dateError,
  methodError,
}: {
  values: Record<string, string>;
  dateError: string | undefined;
  methodError: string | undefined;
}) {
  return (
    <>
      <DateInput
        id="counselledOn"
        name="counselledOn"
        legend={content.counsellingDate}
        error={dateError}
        values={{ day: values.counselledOnDay, month: values.counselledOnMonth, year: values.counselledOnYear }}
      />
      <TextInput
        id="counsellingMethod"
        name="counsellingMethod"
        label={content.counsellingMethod}
        hint={content.counsellingMethodHint}
        defaultValue={values.counsellingMethod}
        error={methodError}
      />
    </>
  );
}

function Submissions({ review }: { review: Review }) {
  return (
    <>
      <h2>{content.submissionsHeading}</h2>
      {review.submissions.map((submission, index) => (
        <div key={`${String(submission.receivedAt)}-${index}`}>
          {/* React escapes every answer: what the sender typed is shown as text, never markup. */}
          <Table
            caption={content.submissionCaption(index + 1, formatUkDateTime(submission.receivedAt))}
            captionSize="s"
            head={content.answerHead}
            rows={[
              ...(submission.takenBy && submission.channel
                ? [[content.takenByLabel, content.takenBy(requestChannelNames[submission.channel] ?? submission.channel, submission.takenBy, submission.enteredBy ?? submission.takenBy)]]
                : []),
              ...inFormOrder(submission.answers).map(([question, answer]) => [answerLabels[question] ?? question, answerShown(question, answer)]),
              ...(submission.shownReference ? [[content.shownReference, submission.shownReference]] : []),
            ]}
          />
        </div>
      ))}
    </>
  );
}

const FORM_ORDER = Object.keys(answerLabels);

/** Answers in the order the form asks them (the database keeps them in an order of its own). */
function inFormOrder(answers: [string, string][]): [string, string][] {
  const rank = (question: string) => (FORM_ORDER.includes(question) ? FORM_ORDER.indexOf(question) : FORM_ORDER.length);
  return [...answers].sort((a, b) => rank(a[0]) - rank(b[0]));
}

/** An answer as entered, except the few stored as codes, which staff read by name. */
function answerShown(question: string, answer: string): string {
  if (question === "identityCheck") return identityMethodNames[answer as IdentityMethod] ?? answer;
  if (question === "kind") return requestKindNames[answer as RequestKind] ?? answer;
  return answer;
}

function History({ review }: { review: Review }) {
  if (review.history.length === 0) return null;
  return (
    <Table
      caption={content.historyHeading}
      captionSize="m"
      head={content.historyHead}
      rows={review.history.map((event) => [
        formatUkDateTime(event.occurredAt),
        event.actorName ?? content.portal,
        auditActionNames[event.action] ?? event.action,
      ])}
    />
  );
}
