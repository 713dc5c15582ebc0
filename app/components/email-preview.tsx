import type { ReactNode } from "react";
import { SummaryList } from "./forms";

// An email as its recipient would get it: who it is to, the subject, the html
// part in a sandboxed frame and the plain text part. The html is served by a
// resource route ending in /email.html, the one path whose CSP allows the
// inline styles email needs (server/app.ts); an empty `sandbox` stops it
// running scripts, submitting forms or reaching the portal's origin.

export function EmailFrame({ src, title }: { src: string; title: string }) {
  return <iframe className="app-email-preview" src={src} title={title} sandbox="" loading="lazy" />;
}

export function PlainTextEmail({ text }: { text: string }) {
  return <pre className="app-email-text">{text}</pre>;
}

export function EmailPreview({
  heading,
  details,
  htmlSrc,
  htmlTitle,
  htmlHeading,
  textHeading,
  text,
}: {
  heading: ReactNode;
  details: { key: ReactNode; value: ReactNode }[];
  htmlSrc: string;
  htmlTitle: string;
  htmlHeading: string;
  textHeading: string;
  text: string;
}) {
  return (
    <section>
      <h3>{heading}</h3>
      <SummaryList rows={details} />
      <h4>{htmlHeading}</h4>
      <EmailFrame src={htmlSrc} title={htmlTitle} />
      <h4>{textHeading}</h4>
      <PlainTextEmail text={text} />
    </section>
  );
}
