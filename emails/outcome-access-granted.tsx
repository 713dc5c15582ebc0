import type { MessageProps } from "../app/domain/message-templates";
import { Paragraph, PracticeEmail, SubHeading } from "./components/practice-email";

export function subject(_props: MessageProps): string {
  return "You can now see your GP record online";
}

export default function OutcomeAccessGranted(props: MessageProps) {
  const { practice, firstName, date } = props;
  return (
    <PracticeEmail practice={practice} preview="Online access to your GP record is now switched on.">
      <Paragraph>Dear {firstName},</Paragraph>
      <Paragraph>We have switched on online access to your GP record. This applies from {date}.</Paragraph>
      <Paragraph>You can now see new entries added to your record from that date onwards.</Paragraph>
      <Paragraph>To see your record, sign in to the NHS App. You can get the app from the App Store or Google Play.</Paragraph>

      <SubHeading>If something looks wrong</SubHeading>
      <Paragraph>
        Please tell the practice if anything in your record looks wrong, or seems to be about someone else.
      </Paragraph>
      <Paragraph>You can also ask the practice to switch off online access at any time.</Paragraph>
    </PracticeEmail>
  );
}
