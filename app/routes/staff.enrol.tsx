import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { safeReturnTo } from "../auth/guard.server";
import { readSessionToken, sessionCookieHeader } from "../auth/session-cookie.server";
import { Button, ErrorSummary, errorList, firstError, TextInput } from "../components/forms";
import { MainContent } from "../components/page-chrome";
import { staffContent } from "../content/staff";
import { formError, parseForm } from "../http/form.server";
import { confirmTotpEnrolment, startTotpEnrolment } from "../services/staff-auth.server";

const content = staffContent.enrol;

export const handle = { title: content.title };

const enrolSchema = z.object({ code: z.string().trim().regex(/^\d{6}$/, { error: content.invalid }) });

export async function loader({ request }: LoaderFunctionArgs) {
  const enrolment = await startTotpEnrolment(await readSessionToken(request));
  if (!enrolment.ok) throw redirect("/staff/sign-in");
  // The secret in groups of four, as authenticator apps show keys.
  return { qrSvg: enrolment.qrSvg, secret: enrolment.secret.match(/.{1,4}/g)!.join(" ") };
}

export async function action({ request }: ActionFunctionArgs) {
  const parsed = await parseForm(request, enrolSchema);
  if (!parsed.ok) return parsed.response;
  const result = await confirmTotpEnrolment({ pendingToken: await readSessionToken(request), code: parsed.data.code });
  if (!result.ok) {
    if (result.reason === "expired") throw redirect("/staff/sign-in");
    return formError({ fieldErrors: { code: [content.invalid] } });
  }
  const returnTo = safeReturnTo(new URL(request.url).searchParams.get("returnTo"));
  return redirect(`/staff/recovery-codes?returnTo=${encodeURIComponent(returnTo)}`, {
    headers: { "Set-Cookie": await sessionCookieHeader(result.sessionToken) },
  });
}

export default function EnrolPage() {
  const { qrSvg, secret } = useLoaderData<typeof loader>();
  const errors = useActionData<typeof action>();
  return (
    <MainContent>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <ErrorSummary errors={errors ? errorList(errors.fieldErrors, errors.formErrors, ["code"]) : []} focusKey={errors} />
          <h1>{content.title}</h1>
          <p>{content.intro}</p>
          <p>{content.scan}</p>
          {/* Generated on the server from our own otpauth:// URI: no user input. */}
          <div className="app-qr-code" role="img" aria-label="QR code for your authenticator app" dangerouslySetInnerHTML={{ __html: qrSvg }} />
          <p>
            {content.manual} <code data-testid="totp-secret">{secret}</code>
          </p>
          <Form method="post" noValidate>
            <TextInput
              id="code"
              name="code"
              label={content.label}
              hint={content.hint}
              autoComplete="one-time-code"
              inputMode="numeric"
              spellCheck={false}
              width={10}
              error={firstError(errors?.fieldErrors, "code")}
            />
            <Button>{content.button}</Button>
          </Form>
        </div>
      </div>
    </MainContent>
  );
}
