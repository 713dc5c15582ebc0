import { Body, Container, Head, Heading, Hr, Html, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";
import { LinkWithAddress, styles } from "./practice-email";

// The layout of the emails the portal sends to staff (never to patients): the same plain,
// image-free look as the patient emails, without a practice's contact footer.

export function StaffEmail({ preview, heading, children }: { preview: string; heading: string; children: ReactNode }) {
  return (
    <Html lang="en-GB">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Heading as="h1" style={styles.practiceName}>
            {heading}
          </Heading>
          {children}
          <Section>
            <Hr style={styles.rule} />
            <Text style={styles.footer}>
              This email was sent by the GP online access portal. It holds no patient information. Please do not reply to it.
            </Text>
          </Section>
        </Container>
      </Body>
    </Html>
  );
}

/** A one-time link: a button, and the address as text for clients that hide buttons. */
export function OneTimeLink({ href, label, expires }: { href: string; label: string; expires: string }) {
  return (
    <LinkWithAddress href={href} label={label}>
      The link works once, until {expires}. It is personal to you: please do not forward it.
    </LinkWithAddress>
  );
}

export { Paragraph, SubHeading } from "./practice-email";
