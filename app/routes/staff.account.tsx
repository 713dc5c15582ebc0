import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { Button, ErrorSummary, errorList, firstError, NotificationBanner, TextInput } from "../components/forms";
import { RecoveryCodes } from "../components/recovery-codes";
import { StaffPage, toViewer } from "../components/staff-page";
import { staffContent } from "../content/staff";
import { formError, parseForm } from "../http/form.server";
import { changePassword, issueNewRecoveryCodes } from "../services/staff-auth.server";

export const handle = { title: "Your account" };

const passwordSchema = z.object({
  currentPassword: z.string().min(1, { error: "Enter your current password" }),
  newPassword: z.string().min(1, { error: staffContent.passwordProblems["too-short"] }),
  confirmPassword: z.string(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request);
  return { viewer: toViewer(context), email: context.user.email };
}

export async function action({ request }: ActionFunctionArgs) {
  const context = await requireStaff(request);
  const intent = (await request.clone().formData()).get("intent");
  if (intent === "recovery-codes") {
    return { done: "Your new recovery codes are below. The old ones no longer work.", recoveryCodes: await issueNewRecoveryCodes(context) };
  }
  const parsed = await parseForm(request, passwordSchema);
  if (!parsed.ok) return parsed.response;
  const result = await changePassword(context, parsed.data);
  if (!result.ok) {
    const message = result.problem === "wrong" ? "Your current password is not right" : staffContent.passwordProblems[result.problem];
    return formError({ fieldErrors: { [result.field]: [message] } });
  }
  return { done: "Your password has been changed. You have been signed out everywhere else.", recoveryCodes: null };
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
        errors={errors ? errorList(errors.fieldErrors, errors.formErrors, ["currentPassword", "newPassword", "confirmPassword"]) : []}
        focusKey={errors}
      />
      <h1>Your account</h1>
      <h2>Change your password</h2>
      <Form method="post" noValidate>
        <input type="hidden" name="intent" value="password" />
        <input type="hidden" name="username" autoComplete="username" value={email} />
        <TextInput id="currentPassword" name="currentPassword" type="password" label="Current password" autoComplete="current-password" error={firstError(errors?.fieldErrors, "currentPassword")} />
        <TextInput id="newPassword" name="newPassword" type="password" label="New password" hint={staffContent.setUp.hint} autoComplete="new-password" error={firstError(errors?.fieldErrors, "newPassword")} />
        <TextInput id="confirmPassword" name="confirmPassword" type="password" label="Type your new password again" autoComplete="new-password" error={firstError(errors?.fieldErrors, "confirmPassword")} />
        <Button>Change password</Button>
      </Form>
      <h2>Recovery codes</h2>
      <p>Make a new set if you have used most of yours or think someone else has seen them.</p>
      <Form method="post">
        <input type="hidden" name="intent" value="recovery-codes" />
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
