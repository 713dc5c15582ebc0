import { OneTimeLink, Paragraph, StaffEmail, SubHeading } from "./components/staff-email";

// Sent to someone a practice has invited to its staff pages. The same words whether or not the
// address already has an account: the link itself asks for a new password or for a sign-in.

export interface StaffInvitationProps {
  practiceName: string;
  /** "a clinician", "reception staff", "a practice manager". */
  roleName: string;
  link: string;
  expires: string;
}

export function subject({ practiceName }: Pick<StaffInvitationProps, "practiceName">): string {
  return `You have been invited to ${practiceName}'s online access portal`;
}

export default function StaffInvitation({ practiceName, roleName, link, expires }: StaffInvitationProps) {
  return (
    <StaffEmail preview={`${practiceName} has invited you to its online access portal.`} heading={practiceName}>
      <Paragraph>
        {practiceName} has invited you to work in its GP online access portal as {roleName}.
      </Paragraph>
      <OneTimeLink href={link} label="Open your invitation" expires={expires} />
      <SubHeading>What happens next</SubHeading>
      <Paragraph>
        If you are new to the portal, you will choose a password and set up an authenticator app on your phone
        or computer.
      </Paragraph>
      <Paragraph>If you already use the portal for another practice, you will sign in and then accept or decline the invitation.</Paragraph>
      <SubHeading>If you were not expecting this</SubHeading>
      <Paragraph>
        You can ignore this email: nothing changes unless you use the link. You may want to tell {practiceName}.
      </Paragraph>
    </StaffEmail>
  );
}
