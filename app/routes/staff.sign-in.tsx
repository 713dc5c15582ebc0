import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { safeReturnTo } from "../auth/guard.server";
import { readSessionToken, sessionCookieHeader } from "../auth/session-cookie.server";
import { Button, ErrorSummary, errorList, firstError, NotificationBanner, TextInput } from "../components/forms";
import { MainContent } from "../components/page-chrome";
import { staffContent } from "../content/staff";
import { formError, parseForm } from "../http/form.server";
import { signInWithPassword } from "../services/staff-auth.server";
import { lookUpSession } from "../services/staff-session.server";

const content = staffContent.signIn;

export const handle = { title: content.title };

const signInSchema = z.object({
  email: z.string().trim().min(1, { error: content.emailMissing }),
  password: z.string().min(1, { error: content.passwordMissing }),
  returnTo: z.string().optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const lookup = await lookUpSession(await readSessionToken(request));
  const url = new URL(request.url);
  if (lookup.kind !== "signed-out") throw redirect(safeReturnTo(url.searchParams.get("returnTo")));
  return { returnTo: url.searchParams.get("returnTo") ?? "", signedOut: url.searchParams.has("signed-out"), locked: url.searchParams.has("locked") };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = await parseForm(request, signInSchema);
  if (!parsed.ok) return parsed.response;
  const result = await signInWithPassword({ ...parsed.data, clientAddress: context.clientAddress });
  if (!result.ok) {
    return formError({ formErrors: [result.reason === "locked" ? content.locked : content.invalid] }, parsed.form);
  }
  const returnTo = parsed.data.returnTo ? `?returnTo=${encodeURIComponent(safeReturnTo(parsed.data.returnTo))}` : "";
  return redirect(`/staff/${result.next === "code" ? "security-code" : "enrol"}${returnTo}`, {
    headers: { "Set-Cookie": await sessionCookieHeader(result.pendingToken) },
  });
}

export default function SignInPage() {
  const { returnTo, signedOut, locked } = useLoaderData<typeof loader>();
  const errors = useActionData<typeof action>();
  return (
    <MainContent>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          {locked && !errors ? (
            // Sent here by too many wrong tries on the account page, which ended the session.
            <NotificationBanner>
              <p className="nhsuk-notification-banner__heading">{content.lockedSignedOut}</p>
            </NotificationBanner>
          ) : null}
          {signedOut && !errors ? (
            <NotificationBanner success>
              <p className="nhsuk-notification-banner__heading">{content.signedOut}</p>
            </NotificationBanner>
          ) : null}
          <ErrorSummary errors={errors ? errorList(errors.fieldErrors, errors.formErrors, ["email", "password"]) : []} focusKey={errors} />
          <h1>{content.title}</h1>
          <Form method="post" noValidate>
            <input type="hidden" name="returnTo" value={returnTo} />
            <TextInput
              id="email"
              name="email"
              type="email"
              label={content.emailLabel}
              autoComplete="username"
              spellCheck={false}
              defaultValue={errors?.values.email}
              error={firstError(errors?.fieldErrors, "email")}
            />
            <TextInput
              id="password"
              name="password"
              type="password"
              label={content.passwordLabel}
              autoComplete="current-password"
              error={firstError(errors?.fieldErrors, "password")}
            />
            <Button>{content.button}</Button>
          </Form>
        </div>
      </div>
    </MainContent>
  );
}
