import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { sessionCookieHeader } from "../auth/session-cookie.server";
import { Button, ErrorSummary, errorList, firstError, TextInput } from "../components/forms";
import { MainContent } from "../components/page-chrome";
import { staffContent } from "../content/staff";
import { formError, parseForm } from "../http/form.server";
import { completeSetup, lookUpSetupLink } from "../services/staff-setup.server";

const content = staffContent.setUp;

export const handle = {
  title: (data: Awaited<ReturnType<typeof loader>>) => (data.person ? content.title : content.expiredTitle),
};

const setUpSchema = z.object({
  password: z.string().min(1, { error: staffContent.passwordProblems["too-short"] }),
  confirmPassword: z.string(),
});

export async function loader({ params }: LoaderFunctionArgs) {
  return { person: await lookUpSetupLink(params.token ?? "") };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const parsed = await parseForm(request, setUpSchema);
  if (!parsed.ok) return parsed.response;
  const result = await completeSetup({ token: params.token ?? "", ...parsed.data });
  if (result.ok) {
    return redirect("/staff/enrol", { headers: { "Set-Cookie": await sessionCookieHeader(result.pendingToken) } });
  }
  if (result.reason === "expired") throw redirect(new URL(request.url).pathname);
  const field = result.problem === "mismatch" ? "confirmPassword" : "password";
  return formError({ fieldErrors: { [field]: [staffContent.passwordProblems[result.problem]] } });
}

export default function SetUpPage() {
  const { person } = useLoaderData<typeof loader>();
  const errors = useActionData<typeof action>();
  if (!person) {
    return (
      <MainContent>
        <h1>{content.expiredTitle}</h1>
        <p>{content.expiredBody}</p>
      </MainContent>
    );
  }
  return (
    <MainContent>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <ErrorSummary
            errors={errors ? errorList(errors.fieldErrors, errors.formErrors, ["password", "confirmPassword"]) : []}
            focusKey={errors}
          />
          <h1>{content.title}</h1>
          <p>{content.intro(person.name)}</p>
          <Form method="post" noValidate>
            {/* Lets password managers save the password against the right account. */}
            <input type="hidden" name="username" autoComplete="username" value={person.email} />
            <TextInput
              id="password"
              name="password"
              type="password"
              label={content.passwordLabel}
              hint={content.hint}
              autoComplete="new-password"
              error={firstError(errors?.fieldErrors, "password")}
            />
            <TextInput
              id="confirmPassword"
              name="confirmPassword"
              type="password"
              label={content.confirmLabel}
              autoComplete="new-password"
              error={firstError(errors?.fieldErrors, "confirmPassword")}
            />
            <Button>{content.button}</Button>
          </Form>
        </div>
      </div>
    </MainContent>
  );
}
