import { OneTimeLink, Paragraph, StaffEmail, SubHeading } from "./components/staff-email";

// Sent to a member of staff whose password and authenticator app a practice manager has reset.

export interface StaffSignInResetProps {
  practiceName: string;
  link: string;
  expires: string;
}

export function subject(): string {
  return "Your sign-in to the online access portal has been reset";
}

export default function StaffSignInReset({ practiceName, link, expires }: StaffSignInResetProps) {
  return (
    <StaffEmail preview="Choose a new password and set up your authenticator app again." heading="Your sign-in has been reset">
      <Paragraph>
        A practice manager at {practiceName} has reset your sign-in to the GP online access portal. Your old
        password, authenticator app and recovery codes no longer work, and you have been signed out.
      </Paragraph>
      <Paragraph>Use this link to choose a new password and set up your authenticator app again.</Paragraph>
      <OneTimeLink href={link} label="Set up your sign-in" expires={expires} />
      <Paragraph>You keep your work for every practice: nothing else about your account has changed.</Paragraph>
      <SubHeading>If you were not expecting this</SubHeading>
      <Paragraph>Contact the practice manager at {practiceName}.</Paragraph>
    </StaffEmail>
  );
}
