import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { Button, ErrorSummary, errorList, firstError, NotificationBanner, TextInput } from "../components/forms";
import { RecoveryCodes } from "../components/recovery-codes";
import { StaffPage, toViewer } from "../components/staff-page";
import { staffContent } from "../content/staff";
import { formError, parseForm } from "../http/form.server";
import { changePassword, issueNewRecoveryCodes, type ProofProblem } from "../services/staff-account.server";

export const handle = { title: "Your account" };

// Changing either factor asks for both again (staff-account.server.ts). The
// two forms name their fields apart, so each error links to its own form.
const passwordMissing = { error: "Enter your current password" };
const codeMissing = { error: "Enter the 6-digit code from your authenticator app" };
const passwordSchema = z.object({
  currentPassword: z.string().min(1, passwordMissing),
  code: z.string().trim().min(1, codeMissing),
  newPassword: z.string().min(1, { error: staffContent.passwordProblems["too-short"] }),
  confirmPassword: z.string(),
});
const recoverySchema = z.object({
  recoveryPassword: z.string().min(1, passwordMissing),
  recoveryCode: z.string().trim().min(1, codeMissing),
});

const proofMessages: Record<ProofProblem["field"], string> = {
  currentPassword: "Your current password is not right",
  code: "The code is not right, or was used already: enter the code your authenticator app shows now",
};

function proofError(problem: ProofProblem, fieldNames: Record<ProofProblem["field"], string>) {
  // Too many wrong tries: the account is locked and this session has ended.
  if (problem.problem === "locked") throw redirect("/staff/sign-in?locked");
  return formError({ fieldErrors: { [fieldNames[problem.field]]: [proofMessages[problem.field]] } });
}

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request);
  return { viewer: toViewer(context), email: context.user.email };
}

export async function action({ request, context: { clientAddress } }: ActionFunctionArgs) {
  const context = await requireStaff(request);
  const intent = (await request.clone().formData()).get("intent");
  if (intent === "recovery-codes") {
    const parsed = await parseForm(request, recoverySchema);
    if (!parsed.ok) return parsed.response;
    const proof = { currentPassword: parsed.data.recoveryPassword, code: parsed.data.recoveryCode };
    const result = await issueNewRecoveryCodes(context, proof, { clientAddress });
    if (!result.ok) return proofError(result.proof, { currentPassword: "recoveryPassword", code: "recoveryCode" });
    return { done: "Your new recovery codes are below. The old ones no longer work.", recoveryCodes: result.recoveryCodes };
  }
  const parsed = await parseForm(request, passwordSchema);
  if (!parsed.ok) return parsed.response;
  const result = await changePassword(context, parsed.data, { clientAddress });
  if (!result.ok) {
    if ("proof" in result) return proofError(result.proof, { currentPassword: "currentPassword", code: "code" });
    return formError({ fieldErrors: { [result.field]: [staffContent.passwordProblems[result.problem]] } });
  }
  return { done: "Your password has been changed. You have been signed out everywhere else.", recoveryCodes: null };
}

function CodeInput({ id, error }: { id: string; error: string | undefined }) {
  return (
    <TextInput
      id={id}
      name={id}
      label="Security code"
      hint="The 6-digit code your authenticator app shows now"
      autoComplete="one-time-code"
      inputMode="numeric"
      spellCheck={false}
      width={10}
      error={error}
    />
  );
}

export default function AccountPage() {
  const { viewer, email } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result && "fieldErrors" in result ? result : undefined;
  const done = result && "done" in result ? result : undefined;
  return (
    <StaffPage viewer={viewer}>
      {done ? (
        <NotificationBanner success>
          <p className="nhsuk-notification-banner__heading">{done.done}</p>
          {done.recoveryCodes ? (
            <RecoveryCodes codes={done.recoveryCodes} />
          ) : null}
        </NotificationBanner>
      ) : null}
      <ErrorSummary
        errors={errors ? errorList(errors.fieldErrors, errors.formErrors, ["currentPassword", "code", "newPassword", "confirmPassword", "recoveryPassword", "recoveryCode"]) : []}
        focusKey={errors}
      />
      <h1>Your account</h1>
      <h2>Change your password</h2>
      {/* A new key after each success empties the form: the old password and used code are no use now. */}
      <Form method="post" noValidate key={`password-${done?.done ?? ""}`}>
        <input type="hidden" name="intent" value="password" />
        <input type="hidden" name="username" autoComplete="username" value={email} />
        <TextInput id="currentPassword" name="currentPassword" type="password" label="Current password" autoComplete="current-password" error={firstError(errors?.fieldErrors, "currentPassword")} />
        <CodeInput id="code" error={firstError(errors?.fieldErrors, "code")} />
        <TextInput id="newPassword" name="newPassword" type="password" label="New password" hint={staffContent.setUp.hint} autoComplete="new-password" error={firstError(errors?.fieldErrors, "newPassword")} />
        <TextInput id="confirmPassword" name="confirmPassword" type="password" label="Type your new password again" autoComplete="new-password" error={firstError(errors?.fieldErrors, "confirmPassword")} />
        <Button>Change password</Button>
      </Form>
      <h2>Recovery codes</h2>
      <p>Make a new set if you have used most of yours or think someone else has seen them.</p>
      <Form method="post" noValidate key={`recovery-${done?.recoveryCodes?.[0] ?? ""}`}>
        <input type="hidden" name="intent" value="recovery-codes" />
        <input type="hidden" name="username" autoComplete="username" value={email} />
        <TextInput id="recoveryPassword" name="recoveryPassword" type="password" label="Current password" autoComplete="current-password" error={firstError(errors?.fieldErrors, "recoveryPassword")} />
        <CodeInput id="recoveryCode" error={firstError(errors?.fieldErrors, "recoveryCode")} />
        <Button variant="secondary">Make new recovery codes</Button>
      </Form>
      <h2>Sign out everywhere</h2>
      <p>Ends your sessions on every computer and phone, including this one.</p>
      <Form method="post" action="/staff/sign-out">
        <input type="hidden" name="scope" value="everywhere" />
        <Button variant="warning">Sign out everywhere</Button>
      </Form>
    </StaffPage>
  );
}
