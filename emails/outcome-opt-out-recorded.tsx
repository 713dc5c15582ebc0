import type { MessageProps } from "../app/domain/message-templates";
import { Paragraph, PracticeEmail } from "./components/practice-email";

export function subject(_props: MessageProps): string {
  return "We have recorded your choice about your GP record online";
}

export default function OutcomeOptOutRecorded(props: MessageProps) {
  const { practice, firstName, date } = props;
  return (
    <PracticeEmail practice={practice} preview="We have recorded that you do not want to see your GP record online.">
      <Paragraph>Dear {firstName},</Paragraph>
      <Paragraph>
        We have recorded that you do not want online access to your GP record. This applies from {date}.
      </Paragraph>
      <Paragraph>This means you will not see your GP health record online, for example in the NHS App.</Paragraph>
      <Paragraph>You can change your mind at any time. Just contact the practice.</Paragraph>
      <Paragraph>If you did not ask for this, please contact the practice.</Paragraph>
    </PracticeEmail>
  );
}
