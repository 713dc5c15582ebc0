import type { MessageProps } from "../app/domain/message-templates";
import { Paragraph, PersonalLink, PracticeEmail, SubHeading } from "./components/practice-email";

export function subject({ date }: MessageProps): string {
  return `Seeing your GP record online: a change from ${date}`;
}

export default function OptOutAnnouncement(props: MessageProps) {
  const { practice, firstName, linkUrl, linkExpires, date } = props;
  return (
    <PracticeEmail practice={practice} preview="A change to how you can see your GP record online, and how to choose.">
      <Paragraph>Dear {firstName},</Paragraph>
      <Paragraph>
        From {date}, patients aged 16 or over will be able to see new entries in their GP record in the NHS App. You
        can also see them in some other health apps.
      </Paragraph>

      <SubHeading>What this means</SubHeading>
      <Paragraph>
        New information will show online as it is added to your record. This includes notes from appointments, test
        results and letters.
      </Paragraph>
      <Paragraph>
        Sometimes a GP or other clinician may decide that some information should not be shown online.
      </Paragraph>
      <Paragraph>You do not need to do anything if you are happy with this.</Paragraph>

      <SubHeading>If you do not want this</SubHeading>
      <Paragraph>
        You can choose not to see your record online. Or you can choose to see only your appointments and
        prescriptions.
      </Paragraph>
      <Paragraph>To tell us, use your personal link or contact the practice.</Paragraph>
      <PersonalLink href={linkUrl} label="Choose what you see online" expires={linkExpires} />
      <Paragraph>You can change your mind at any time.</Paragraph>
    </PracticeEmail>
  );
}
