import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { safeReturnTo } from "../auth/guard.server";
import { readSessionToken, sessionCookieHeader } from "../auth/session-cookie.server";
import { Button, ErrorSummary, errorList, firstError, TextInput } from "../components/forms";
import { MainContent } from "../components/page-chrome";
import { RecoveryCodes } from "../components/recovery-codes";
import { staffContent } from "../content/staff";
import { formError, parseForm } from "../http/form.server";
import { confirmTotpEnrolment, finishEnrolment, pendingSignInStep, startTotpEnrolment } from "../services/staff-auth.server";

const content = staffContent.enrol;

export const handle = { title: content.title };

const confirmSchema = z.object({ code: z.string().trim().regex(/^\d{6}$/, { error: content.invalid }) });

export async function loader({ request }: LoaderFunctionArgs) {
  const token = await readSessionToken(request);
  const stage = await pendingSignInStep(token);
  if (stage === null) throw redirect("/staff/sign-in");
  if (stage === "code") throw redirect("/staff/security-code");
  if (stage === "finish") return { stage, qrSvg: "", secret: "" };
  const enrolment = await startTotpEnrolment(token);
  if (!enrolment.ok) throw redirect("/staff/sign-in");
  // The secret in groups of four, as authenticator apps show keys.
  return { stage, qrSvg: enrolment.qrSvg, secret: enrolment.secret.match(/.{1,4}/g)!.join(" ") };
}

export async function action({ request }: ActionFunctionArgs) {
  const token = await readSessionToken(request);
  const intent = (await request.clone().formData()).get("intent");
  if (intent === "finish") {
    const finished = await finishEnrolment(token);
    if (!finished.ok) throw redirect("/staff/sign-in");
    return redirect(safeReturnTo(new URL(request.url).searchParams.get("returnTo")), {
      headers: { "Set-Cookie": await sessionCookieHeader(finished.sessionToken) },
    });
  }
  const parsed = await parseForm(request, confirmSchema);
  if (!parsed.ok) return parsed.response;
  const result = await confirmTotpEnrolment({ pendingToken: token, code: parsed.data.code });
  if (!result.ok) {
    if (result.reason === "expired") throw redirect("/staff/sign-in");
    return formError({ fieldErrors: { code: [content.invalid] } });
  }
  return { recoveryCodes: result.recoveryCodes };
}

function FinishForm({ label }: { label: string }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="finish" />
      <Button>{label}</Button>
    </Form>
  );
}

export default function EnrolPage() {
  const { stage, qrSvg, secret } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (result && "recoveryCodes" in result) {
    return (
      <MainContent>
        <h1>{content.recoveryTitle}</h1>
        <p>{content.recoveryIntro}</p>
        <RecoveryCodes codes={result.recoveryCodes} />
        <FinishForm label={content.recoveryContinue} />
      </MainContent>
    );
  }
  if (stage === "finish") {
    return (
      <MainContent>
        <h1>{content.recoveryTitle}</h1>
        <p>{content.recoveryAlreadyShown}</p>
        <FinishForm label={content.button} />
      </MainContent>
    );
  }
  const errors = result && "fieldErrors" in result ? result : undefined;
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
            <input type="hidden" name="intent" value="confirm" />
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
