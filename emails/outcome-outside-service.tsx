import type { MessageProps } from "../app/domain/message-templates";
import { Paragraph, PracticeEmail, SubHeading } from "./components/practice-email";

// For a request about someone under 16. Kind and neutral on purpose (DESIGN §2 "Safeguarding"):
// it says only who this service is for and where to go instead, never anything about the person
// or why the practice might handle their access differently.

export function subject(_props: MessageProps): string {
  return "About your request for online access";
}

export default function OutcomeOutsideService(props: MessageProps) {
  const { practice, firstName } = props;
  return (
    <PracticeEmail practice={practice} preview="How to arrange online access with the practice.">
      <Paragraph>Dear {firstName},</Paragraph>
      <Paragraph>Thank you for your request about online access to a GP record.</Paragraph>
      <Paragraph>
        Online access through this service is for patients aged 16 and over, so we have not been able to deal with this
        request here.
      </Paragraph>

      <SubHeading>What you can do</SubHeading>
      <Paragraph>
        Online access for children under 16 is arranged with the practice directly. So is access on someone else's
        behalf, for example by a parent or carer. This is called proxy access.
      </Paragraph>
      <Paragraph>Please contact the practice, who can explain the options and help you arrange it.</Paragraph>
    </PracticeEmail>
  );
}
