// Every sentence managers read on the development mail pages.

const n = (value: number) => value.toLocaleString("en-GB");
const count = (value: number, one: string, many: string) => `${n(value)} ${value === 1 ? one : many}`;

export const mailContent = {
  list: {
    title: "Mail sent (development)",
    intro:
      "No mail server (SMTP_URL) is set up, so nothing the portal sends leaves this computer: a mail catcher inside the portal keeps every email instead. These are your practice's. No patient has received them.",
    total: (total: number) => `The mail catcher holds ${count(total, "email", "emails")} from your practice.`,
    caption: (shown: number, total: number) =>
      shown < total ? `The newest ${n(shown)} of ${count(total, "email", "emails")}` : `${count(total, "email", "emails")}, newest first`,
    head: ["Received", "To", "Subject", "Template"],
    none: "No email has been sent yet.",
    noSubject: "(no subject)",
    /** After each subject link, so that links with the same subject can be told apart. */
    linkHidden: (to: string, received: string) => `, to ${to}, received ${received}`,
  },
  message: {
    title: "Caught email",
    rows: {
      from: "From",
      to: "To",
      subject: "Subject",
      messageId: "Message-ID",
      received: "Received",
    },
    htmlHeading: "The email",
    htmlTitle: (subject: string) => `The email: ${subject}`,
    noHtml: "This email has no html part.",
    textHeading: "Plain text version",
    noText: "This email has no plain text part.",
    back: "All caught mail",
    notFound: "There is no such email.",
  },
};
