import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "../auth/guard.server";
import { Button, ErrorSummary, errorList, firstError, NotificationBanner, Radios, Select, Table, TextInput } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { roleNames } from "../content/staff";
import { STAFF_ROLES } from "../domain/roles";
import { formError, parseForm } from "../http/form.server";
import { changeStaffRole, inviteSchema, inviteStaff, listStaff, setStaffDisabled } from "../services/staff-admin.server";

export const handle = { title: "Team" };

const roleOptions = STAFF_ROLES.map((role) => ({ value: role, label: roleNames[role] }));

const memberSchema = z.object({ staffUserId: z.uuid({ error: "Choose a member of staff" }) });
const roleChangeSchema = memberSchema.extend({ role: z.enum(STAFF_ROLES, { error: "Select a role" }) });

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
    return { done: result.kind === "invited" ? `Invited ${result.email}.` : `${result.email} can now sign in to this practice.`, setupLink: result.kind === "invited" ? result.setupLink : null };
  }
  if (intent === "change-role") {
    const parsed = await parseForm(request, roleChangeSchema);
    if (!parsed.ok) return parsed.response;
    const result = await changeStaffRole(context, parsed.data.staffUserId, parsed.data.role);
    return result.ok ? { done: result.message, setupLink: null } : formError({ formErrors: [result.error] });
  }
  if (intent === "disable" || intent === "enable") {
    const parsed = await parseForm(request, memberSchema);
    if (!parsed.ok) return parsed.response;
    const result = await setStaffDisabled(context, parsed.data.staffUserId, intent === "disable");
    return result.ok ? { done: result.message, setupLink: null } : formError({ formErrors: [result.error] });
  }
  return formError({ formErrors: ["Choose what to do"] });
}

function statusOf(member: { status: string; disabledHere: boolean }): string {
  if (member.disabledHere || member.status === "disabled") return "Disabled";
  return member.status === "invited" ? "Invited, not set up yet" : "Active";
}

export default function TeamPage() {
  const { viewer, staff, me } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result && "fieldErrors" in result ? result : undefined;
  const done = result && "done" in result ? result : undefined;
  return (
    <StaffPage viewer={viewer}>
      {done ? (
        <NotificationBanner success>
          <p className="nhsuk-notification-banner__heading">{done.done}</p>
          {done.setupLink ? (
            <p>
              Give them this one-time set-up link, valid for 7 days: <code data-testid="setup-link">{done.setupLink}</code>
            </p>
          ) : null}
        </NotificationBanner>
      ) : null}
      <ErrorSummary errors={errors ? errorList(errors.fieldErrors, errors.formErrors, ["email", "name", "role"]) : []} focusKey={errors} />
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
              <Form method="post">
                <input type="hidden" name="intent" value={m.disabledHere ? "enable" : "disable"} />
                <input type="hidden" name="staffUserId" value={m.id} />
                <Button variant={m.disabledHere ? "secondary" : "warning"}>{m.disabledHere ? `Enable ${m.name}` : `Disable ${m.name}`}</Button>
              </Form>
            </div>
          ),
        ])}
      />
      <h2>Invite someone</h2>
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
