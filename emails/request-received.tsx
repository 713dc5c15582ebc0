import type { MessageProps } from "../app/domain/message-templates";
import { Paragraph, PracticeEmail, SubHeading } from "./components/practice-email";

export function subject({ reference }: MessageProps): string {
  return `We have your request (reference ${reference})`;
}

export default function RequestReceived(props: MessageProps) {
  const { practice, firstName, reference, date } = props;
  return (
    <PracticeEmail practice={practice} preview="We have your request about seeing your GP record online.">
      <Paragraph>Dear {firstName},</Paragraph>
      <Paragraph>We have your request about seeing your GP record online.</Paragraph>
      <Paragraph>
        Reference: <strong>{reference}</strong>
        <br />
        Received: {date}
      </Paragraph>

      <SubHeading>What happens next</SubHeading>
      <Paragraph>Someone at the practice will look at your request.</Paragraph>
      <Paragraph>We may contact you if we need to check anything with you.</Paragraph>
      <Paragraph>We will tell you when it has been done.</Paragraph>

      <SubHeading>If you did not make this request</SubHeading>
      <Paragraph>Please contact the practice and give them the reference above.</Paragraph>
    </PracticeEmail>
  );
}
