import type { MessageProps } from "../app/domain/message-templates";
import { Paragraph, PracticeEmail } from "./components/practice-email";

// Neutral on purpose (DESIGN §2 "Safeguarding"): no reason is given here, and nothing that hints
// at one. The conversation belongs with the practice, not in an inbox someone else may read.

export function subject(_props: MessageProps): string {
  return "About online access to your GP record";
}

export default function OutcomeAccessNotGranted(props: MessageProps) {
  const { practice, firstName } = props;
  return (
    <PracticeEmail practice={practice} preview="About online access to your GP record.">
      <Paragraph>Dear {firstName},</Paragraph>
      <Paragraph>We have not switched on online access to your GP record for now.</Paragraph>
      <Paragraph>Please contact the practice to talk about it.</Paragraph>
    </PracticeEmail>
  );
}
