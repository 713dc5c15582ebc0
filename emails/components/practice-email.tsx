import { Body, Button, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from "@react-email/components";
import type { CSSProperties, ReactNode } from "react";
import type { PracticeContact } from "../../app/domain/message-templates";

// Inline styles only: many email clients drop <style> blocks. Colours are the NHS.UK palette
// (text #212b32 on white is 15:1; link blue #005eb8 on white is 6:1). No images at all: they are
// often blocked, and a message that only makes sense with them fails the people who need it most.

const FONT = "Arial, Helvetica, sans-serif";
const TEXT_COLOUR = "#212b32";
const LINK_COLOUR = "#005eb8";

export const styles = {
  body: { backgroundColor: "#f0f4f5", margin: 0, padding: "16px 0", fontFamily: FONT, color: TEXT_COLOUR },
  container: { backgroundColor: "#ffffff", maxWidth: "600px", margin: "0 auto", padding: "24px" },
  practiceName: { fontFamily: FONT, fontSize: "24px", lineHeight: "32px", fontWeight: 700, color: TEXT_COLOUR, margin: "0 0 24px" },
  heading: { fontFamily: FONT, fontSize: "20px", lineHeight: "28px", fontWeight: 700, color: TEXT_COLOUR, margin: "32px 0 8px" },
  text: { fontFamily: FONT, fontSize: "17px", lineHeight: "26px", color: TEXT_COLOUR, margin: "0 0 16px" },
  link: { color: LINK_COLOUR, textDecoration: "underline", textDecorationLine: "underline", wordBreak: "break-all" },
  button: {
    display: "inline-block",
    backgroundColor: "#007f3b",
    color: "#ffffff",
    fontFamily: FONT,
    fontSize: "17px",
    lineHeight: "24px",
    fontWeight: 700,
    textDecoration: "underline",
    padding: "12px 16px",
    borderRadius: "4px",
    borderBottom: "4px solid #00401e",
  },
  rule: { borderColor: "#d8dde0", margin: "32px 0 16px" },
  footer: { fontFamily: FONT, fontSize: "16px", lineHeight: "24px", color: TEXT_COLOUR, margin: "0 0 16px" },
} satisfies Record<string, CSSProperties>;

/** A link for the practice's website, or null when what was entered is not a web address. */
export function websiteHref(website: string): string | null {
  const trimmed = website.trim();
  if (/^https?:\/\/[^\s]+$/i.test(trimmed)) return trimmed;
  // "www.example-surgery.nhs.uk" as practices usually write it: a host name with no scheme.
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+(\/[^\s]*)?$/i.test(trimmed)) return `https://${trimmed}`;
  return null;
}

function present(value: string | null): value is string {
  return value !== null && value.trim() !== "";
}

function PracticeFooter({ practice }: { practice: PracticeContact }) {
  const addressLines = [...practice.addressLines, practice.postcode].filter(present);
  const website = present(practice.website) ? practice.website : null;
  const href = website === null ? null : websiteHref(website);
  return (
    <Section>
      <Hr style={styles.rule} />
      <Text style={styles.footer}>
        <strong>{practice.name}</strong>
        {addressLines.map((line, index) => (
          <span key={index}>
            <br />
            {line}
          </span>
        ))}
      </Text>
      {present(practice.phone) || present(practice.email) || website !== null ? (
        <Text style={styles.footer}>
          {present(practice.phone) ? (
            <span>
              Phone: {practice.phone}
              <br />
            </span>
          ) : null}
          {present(practice.email) ? (
            <span>
              Email:{" "}
              <Link href={`mailto:${practice.email}`} style={styles.link}>
                {practice.email}
              </Link>
              <br />
            </span>
          ) : null}
          {website !== null ? (
            <span>
              Website:{" "}
              {href === null ? (
                website
              ) : (
                // The address as linked, so plain text shows it once rather than twice.
                <Link href={href} style={styles.link}>
                  {href}
                </Link>
              )}
              <br />
            </span>
          ) : null}
        </Text>
      ) : null}
      <Text style={styles.footer}>
        This message was sent by {practice.name}. If it was not meant for you, please contact the
        practice using the details above and then delete it.
      </Text>
    </Section>
  );
}

export function PracticeEmail({
  practice,
  preview,
  children,
}: {
  practice: PracticeContact;
  /** Shown by mail clients next to the subject. Never per patient: Preview pads to a length. */
  preview: string;
  children: ReactNode;
}) {
  return (
    <Html lang="en-GB">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Heading as="h1" style={styles.practiceName}>
            {practice.name}
          </Heading>
          {children}
          <PracticeFooter practice={practice} />
        </Container>
      </Body>
    </Html>
  );
}

export function Paragraph({ children }: { children: ReactNode }) {
  return <Text style={styles.text}>{children}</Text>;
}

export function SubHeading({ children }: { children: ReactNode }) {
  return (
    <Heading as="h2" style={styles.heading}>
      {children}
    </Heading>
  );
}

/** The patient's personal link: a button, and the address as text for clients that hide buttons. */
export function PersonalLink({ href, label, expires }: { href: string; label: string; expires: string }) {
  return (
    <LinkWithAddress href={href} label={label}>
      This link is personal to you. Please do not share it. It works until {expires}.
    </LinkWithAddress>
  );
}

/** A link as a button, then its address as text for email clients that hide buttons, then a note about it. */
export function LinkWithAddress({ href, label, children }: { href: string; label: string; children: ReactNode }) {
  return (
    <Section>
      <Text style={styles.text}>
        <Button href={href} style={styles.button}>
          {label}
        </Button>
      </Text>
      <Text style={styles.text}>
        Or copy this link into your web browser:
        <br />
        <Link href={href} style={styles.link}>
          {href}
        </Link>
      </Text>
      <Text style={styles.text}>{children}</Text>
    </Section>
  );
}
