import type { MessageProps } from "../app/domain/message-templates";
import { Paragraph, PersonalLink, PracticeEmail } from "./components/practice-email";

// Neutral on purpose (DESIGN §2 "Safeguarding"): it never says why it was sent or that anyone
// thinks anything about the reader. Someone else may read it first.

export function subject(_props: MessageProps): string {
  return "Seeing your GP record online";
}

export default function OptInInvitation(props: MessageProps) {
  const { practice, firstName, linkUrl, linkExpires } = props;
  return (
    <PracticeEmail practice={practice} preview="You can ask to see your GP record online in the NHS App.">
      <Paragraph>Dear {firstName},</Paragraph>
      <Paragraph>You can ask the practice to let you see your GP record online in the NHS App.</Paragraph>
      <Paragraph>
        If you would like this, use your personal link or contact the practice. Someone from the practice may call you
        to talk it through first.
      </Paragraph>
      <PersonalLink href={linkUrl} label="Ask to see your record online" expires={linkExpires} />
      <Paragraph>You do not need to do anything if you do not want this.</Paragraph>
    </PracticeEmail>
  );
}
