import type { MessageProps } from "../app/domain/message-templates";
import { Paragraph, PracticeEmail, SubHeading } from "./components/practice-email";

// For a patient who opted out of seeing their record but asked to keep booking appointments and
// ordering repeat prescriptions online: the record is switched off, those services are not.

export function subject(_props: MessageProps): string {
  return "We have recorded your choice: appointments and prescriptions stay online";
}

export default function OutcomeOptOutKeepAppointments(props: MessageProps) {
  const { practice, firstName, date } = props;
  return (
    <PracticeEmail
      practice={practice}
      preview="You can still book appointments and order repeat prescriptions online, but you will not see your GP health record online."
    >
      <Paragraph>Dear {firstName},</Paragraph>
      <Paragraph>
        We have recorded that you want to keep booking appointments and ordering repeat prescriptions online, but do not
        want to see your GP health record online. This applies from {date}.
      </Paragraph>

      <SubHeading>What this means for you</SubHeading>
      <Paragraph>You can still book GP appointments and order repeat prescriptions online, for example in the NHS App.</Paragraph>
      <Paragraph>You will not see your GP health record online.</Paragraph>

      <SubHeading>If you change your mind</SubHeading>
      <Paragraph>
        You can change your mind at any time. Just contact the practice if you would like to see your GP health record
        online.
      </Paragraph>
      <Paragraph>If you did not ask for this, please contact the practice.</Paragraph>
    </PracticeEmail>
  );
}
