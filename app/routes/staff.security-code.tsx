import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { z } from "zod";
import { safeReturnTo } from "../auth/guard.server";
import { readSessionToken, sessionCookieHeader } from "../auth/session-cookie.server";
import { Button, ErrorSummary, errorList, firstError, TextInput } from "../components/forms";
import { MainContent } from "../components/page-chrome";
import { staffContent } from "../content/staff";
import { formError, parseForm } from "../http/form.server";
import { pendingSignInStep, verifySecondFactor } from "../services/staff-auth.server";

const content = staffContent.code;

export const handle = { title: content.title };

const codeSchema = z.object({ code: z.string().trim().min(1, { error: content.missing }) });

export async function loader({ request }: LoaderFunctionArgs) {
  const step = await pendingSignInStep(await readSessionToken(request));
  if (step === "scan" || step === "finish") throw redirect("/staff/enrol");
  if (step !== "code") throw redirect("/staff/sign-in");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = await parseForm(request, codeSchema);
  if (!parsed.ok) return parsed.response;
  const result = await verifySecondFactor({
    pendingToken: await readSessionToken(request),
    code: parsed.data.code,
    clientAddress: context.clientAddress,
  });
  if (result.ok) {
    return redirect(safeReturnTo(new URL(request.url).searchParams.get("returnTo")), {
      headers: { "Set-Cookie": await sessionCookieHeader(result.sessionToken) },
    });
  }
  if (result.reason === "expired") throw redirect("/staff/sign-in");
  const message = result.reason === "locked" ? staffContent.signIn.locked : content.invalid;
  return formError({ fieldErrors: { code: [message] } });
}

export default function SecurityCodePage() {
  const errors = useActionData<typeof action>();
  return (
    <MainContent>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <ErrorSummary errors={errors ? errorList(errors.fieldErrors, errors.formErrors, ["code"]) : []} focusKey={errors} />
          <Form method="post" noValidate>
            <TextInput
              id="code"
              name="code"
              label={content.title}
              labelIsPageHeading
              hint={content.hint}
              autoComplete="one-time-code"
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
