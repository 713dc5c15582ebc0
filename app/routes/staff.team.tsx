import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { Button, ErrorSummary, errorList, firstError, NotificationBanner, Radios, Select, Table, TextInput, WarningCallout } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { roleNames, SETUP_LINK_DAYS, staffContent } from "../content/staff";
import { STAFF_ROLES } from "../domain/roles";
import { formError, parseForm } from "../http/form.server";
import {
  changeStaffRole,
  inviteSchema,
  inviteStaff,
  listStaff,
  resetSignIn,
  setStaffDisabled,
  withdrawInvitation,
} from "../services/staff-admin.server";

export const handle = { title: "Team" };

const content = staffContent.team;
const roleOptions = STAFF_ROLES.map((role) => ({ value: role, label: roleNames[role] }));

const memberSchema = z.object({ staffUserId: z.uuid({ error: "Choose a member of staff" }) });
const roleChangeSchema = memberSchema.extend({ role: z.enum(STAFF_ROLES, { error: "Select a role" }) });
const resetSchema = memberSchema.extend({ confirm: z.literal("yes").optional() });

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "manage-staff");
  return { viewer: toViewer(context), staff: await listStaff(context), me: context.user.id };
}

export async function action({ request }: ActionFunctionArgs) {
  const context = await requireStaff(request, "manage-staff");
  const intent = (await request.clone().formData()).get("intent");
  if (intent === "invite") {
    const parsed = await parseForm(request, inviteSchema);
    if (!parsed.ok) return parsed.response;
    const result = await inviteStaff(context, parsed.data);
    if (!result.ok) return formError({ fieldErrors: { email: [result.error] } }, parsed.form);
    // The same answer whether or not the address has an account anywhere; the link is never shown here.
    return { done: result.emailed ? content.invited(result.email, SETUP_LINK_DAYS) : content.notEmailed(result.email) };
  }
  if (intent === "change-role") {
    const parsed = await parseForm(request, roleChangeSchema);
    if (!parsed.ok) return parsed.response;
    const result = await changeStaffRole(context, parsed.data.staffUserId, parsed.data.role);
    return result.ok ? { done: result.message } : formError({ formErrors: [result.error] });
  }
  if (intent === "disable" || intent === "enable") {
    const parsed = await parseForm(request, memberSchema);
    if (!parsed.ok) return parsed.response;
    const result = await setStaffDisabled(context, parsed.data.staffUserId, intent === "disable");
    return result.ok ? { done: result.message } : formError({ formErrors: [result.error] });
  }
  if (intent === "withdraw") {
    const parsed = await parseForm(request, memberSchema);
    if (!parsed.ok) return parsed.response;
    const result = await withdrawInvitation(context, parsed.data.staffUserId);
    return result.ok ? { done: result.message } : formError({ formErrors: [result.error] });
  }
  if (intent === "reset-sign-in") {
    const parsed = await parseForm(request, resetSchema);
    if (!parsed.ok) return parsed.response;
    // First the warning, then (confirm=yes) the reset.
    if (parsed.data.confirm !== "yes") {
      const staff = await listStaff(context);
      const member = staff.find((m) => m.id === parsed.data.staffUserId && m.accepted && m.id !== context.user.id);
      if (member) return { confirmReset: { id: member.id, name: member.name } };
    }
    const result = await resetSignIn(context, parsed.data.staffUserId);
    return result.ok ? { done: result.message } : formError({ formErrors: [result.error] });
  }
  return formError({ formErrors: ["Choose what to do"] });
}

function statusOf(member: { status: string; accepted: boolean; disabledHere: boolean }): string {
  if (member.disabledHere || member.status === "disabled") return content.statusDisabled;
  // Until they accept, nothing about their account is this practice's to know.
  if (!member.accepted) return content.statusInvited;
  return member.status === "invited" ? content.statusResetPending : content.statusActive;
}

export default function TeamPage() {
  const { viewer, staff, me } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result && "fieldErrors" in result ? result : undefined;
  const done = result && "done" in result ? result : undefined;
  const confirmReset = result && "confirmReset" in result ? result.confirmReset : undefined;
  return (
    <StaffPage viewer={viewer}>
      {done ? (
        <NotificationBanner success>
          <p className="nhsuk-notification-banner__heading" data-testid="team-message">
            {done.done}
          </p>
        </NotificationBanner>
      ) : null}
      <ErrorSummary errors={errors ? errorList(errors.fieldErrors, errors.formErrors, ["name", "email", "role"]) : []} focusKey={errors} />
      {confirmReset ? (
        <WarningCallout heading={content.confirmResetHeading(confirmReset.name)}>
          {content.confirmResetBody.map((line) => (
            <p key={line}>{line}</p>
          ))}
          <Form method="post">
            <input type="hidden" name="intent" value="reset-sign-in" />
            <input type="hidden" name="staffUserId" value={confirmReset.id} />
            <input type="hidden" name="confirm" value="yes" />
            <Button variant="warning">{content.confirmReset}</Button>
          </Form>
          <p>
            <a href="/staff/team">{content.cancel}</a>
          </p>
        </WarningCallout>
      ) : null}
      <h1>Team</h1>
      <Table
        caption={`Staff at ${viewer.practiceName}`}
        captionSize="s"
        head={["Name", "Email", "Role", "Status", "Change"]}
        rows={staff.map((m) => [
          m.name,
          m.email,
          roleNames[m.role],
          statusOf(m),
          m.id === me ? (
            "You"
          ) : (
            <div key={m.id}>
              <Form method="post">
                <input type="hidden" name="intent" value="change-role" />
                <input type="hidden" name="staffUserId" value={m.id} />
                <Select id={`role-${m.id}`} name="role" label={`Role for ${m.name}`} options={roleOptions} defaultValue={m.role} />
                <Button variant="secondary">Change role</Button>
              </Form>
              {m.accepted ? (
                <>
                  <Form method="post">
                    <input type="hidden" name="intent" value={m.disabledHere ? "enable" : "disable"} />
                    <input type="hidden" name="staffUserId" value={m.id} />
                    <Button variant={m.disabledHere ? "secondary" : "warning"}>{m.disabledHere ? `Enable ${m.name}` : `Disable ${m.name}`}</Button>
                  </Form>
                  {m.disabledHere ? null : (
                    <Form method="post">
                      <input type="hidden" name="intent" value="reset-sign-in" />
                      <input type="hidden" name="staffUserId" value={m.id} />
                      <Button variant="secondary">{content.resetButton(m.name)}</Button>
                    </Form>
                  )}
                </>
              ) : (
                <Form method="post">
                  <input type="hidden" name="intent" value="withdraw" />
                  <input type="hidden" name="staffUserId" value={m.id} />
                  <Button variant="secondary">{content.withdrawButton(m.name)}</Button>
                </Form>
              )}
            </div>
          ),
        ])}
      />
      <h2>Invite someone</h2>
      <p>We will email them a link to join, valid for {SETUP_LINK_DAYS} days. To send a new link, invite them again.</p>
      <Form method="post" noValidate>
        <input type="hidden" name="intent" value="invite" />
        <TextInput id="name" name="name" label="Full name" autoComplete="off" defaultValue={errors?.values.name} error={firstError(errors?.fieldErrors, "name")} />
        <TextInput
          id="email"
          name="email"
          type="email"
          label="Email address"
          hint="Their NHSmail or work address"
          autoComplete="off"
          spellCheck={false}
          defaultValue={errors?.values.email}
          error={firstError(errors?.fieldErrors, "email")}
        />
        <Radios name="role" legend="Role" options={roleOptions} defaultValue={errors?.values.role} error={firstError(errors?.fieldErrors, "role")} />
        <Button>Invite</Button>
      </Form>
    </StaffPage>
  );
}
