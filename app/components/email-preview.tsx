import type { ReactNode } from "react";
import { campaignsContent } from "../content/campaigns";
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

/** A campaign's message as its first few recipients get it; `htmlSrc` gives the nth preview's html (from 1). */
export function CampaignPreviews({
  previews,
  intro,
  htmlSrc,
}: {
  previews: { patientName: string; toAddress: string; subject: string; text: string }[];
  intro: (shown: number) => string;
  htmlSrc: (n: number) => string;
}) {
  const previewContent = campaignsContent.preview;
  if (previews.length === 0) return <p>{campaignsContent.plan.noPreviews}</p>;
  return (
    <>
      <p>{intro(previews.length)}</p>
      {previews.map((p, index) => (
        <EmailPreview
          key={index}
          heading={previewContent.heading(index + 1, p.patientName)}
          details={[
            { key: previewContent.to, value: `${p.patientName} <${p.toAddress}>` },
            { key: previewContent.subject, value: p.subject },
          ]}
          htmlHeading={previewContent.htmlHeading}
          htmlSrc={htmlSrc(index + 1)}
          htmlTitle={previewContent.htmlTitle(p.patientName)}
          textHeading={previewContent.textHeading}
          text={p.text}
        />
      ))}
    </>
  );
}
