import { inWords, UPLOADS } from "../http/body-limits";

// Every sentence printed on a letter, and what staff read on the letters pages.

export const letterContent = {
  practiceOds: (ods: string) => `ODS code: ${ods}`,
  phone: (phone: string) => `Phone: ${phone}`,
  email: (email: string) => `Email: ${email}`,
  date: (day: string) => `Date: ${day}`,
  dear: (name: string) => `Dear ${name},`,
  footer: (n: number, of: number, page: number) => `Letter ${n.toLocaleString("en-GB")} of ${of.toLocaleString("en-GB")}, page ${page}`,
  linkQr: "Or scan this code with your phone's camera:",
  yoursSincerely: "Yours sincerely,",
  registration: {
    heading: "Your NHS App registration details",
    intro: "Here are the details you need to register for the NHS App without photo ID. They link your NHS App to your record at this practice.",
    detailsCaption: "Your registration details",
    odsCode: "ODS code (practice code)",
    accountId: "Account ID",
    keyNote: (keyName: string) => `Enter each detail exactly as it is shown, including capital letters and any dashes. The ${keyName} is case sensitive.`,
    validity: (issued: string, expires: string) => `Issued on ${issued}. These details stop working on ${expires}. If they have stopped working, contact the practice for a new letter.`,
    keepSafe: "Keep these details safe and do not share them. Anyone who has them could see your GP record.",
    stepsHeading: "How to register",
    steps: (keyName: string) => [
      "Download the NHS App from the App Store or Google Play, or go to www.nhsapp.service.nhs.uk on a computer.",
      "Choose Continue, then set up an NHS login with your email address and mobile phone number.",
      "When you are asked to prove who you are, choose to use the registration details from your GP surgery instead of photo ID.",
      `Enter the ODS code, Account ID and ${keyName} from this letter, with your surname and date of birth. You can then use the NHS App.`,
    ],
    notYou: (phone: string | null) =>
      phone
        ? `If you did not ask for this letter, please contact the practice on ${phone}.`
        : "If you did not ask for this letter, please contact the practice.",
  },
} as const;


// What staff read on the letters pages (/staff/letters…).

export const lettersPageContent = {
  title: "Letters",
  intro: "Letters print as one PDF per batch, one letter to a page, with the address placed for a DL or C5 window envelope. Letters are in large print (16 point) when the patient's record asks for it, or when you choose it.",
  registrationLink: "NHS App registration letters",
  registrationLinkHint: "For patients who cannot prove who they are in the NHS App with photo ID.",
  messageLink: "A message by post for one patient",
  messageLinkHint: "The opt-out announcement or the invitation to ask for access, on paper.",
  outcomeLettersHeading: "Outcome letters to print",
  outcomeLettersIntro:
    "Patients to be told the outcome of their request by post, because no email on record may be used for it. Open each request to print its letter.",
  noOutcomeLetters: "There are no outcome letters waiting.",
  outcomeLettersHead: ["Request", "Patient", "Letter", "Waiting since"],
  campaignsHeading: "Campaign letters",
  campaignsIntro: "Patients in a campaign with no email address need the message by post.",
  campaignsHead: ["Campaign", "Started", "Letters", ""],
  noCampaignLetters: "No campaign has patients who need a letter.",
  printCampaign: (n: number) => `Produce ${n.toLocaleString("en-GB")} letter${n === 1 ? "" : "s"}`,
  printCampaignFor: (name: string) => ` for ${name}`,
  notStarted: "Not started",
  batchesHeading: "Batches produced",
  batchesHead: ["Produced", "Letters", "By", "Printed", ""],
  noBatches: "No letters have been produced yet.",
  batchKind: { registration: "NHS App registration", message: "Message by post" } as Record<"registration" | "message", string>,
  markPrinted: "Mark printed",
  markPrintedFor: (when: string) => ` (batch produced ${when})`,
  printedBy: (when: string, who: string | null) => (who ? `${when} by ${who}` : when),
  notPrinted: "Not yet",
  marked: "Batch marked printed.",
  alreadyMarked: "That batch was already marked printed.",
  chooseAction: "Choose what to do.",
  downloadNote: "The PDF downloads straight away. The batch is recorded when it is produced: mark it printed once it is in the post.",
};

export const registrationPageContent = {
  title: "NHS App registration letters",
  intro: (keyName: string) =>
    `Each letter gives the patient the practice's ODS code, their Account ID and their ${keyName}, from the clinical system. The details stop working 14 days after the letter is issued. Nothing you type or upload here is kept: only that a letter was produced, for whom, by whom and when.`,
  oneHeading: "One patient",
  nhsNumber: "NHS number",
  nhsNumberHint: "For example, 943 476 5919",
  accountId: "Account ID",
  linkageKey: (keyName: string) => keyName,
  largePrint: "Large print (16 point) for this letter",
  produceOne: "Produce the letter",
  batchHeading: "Many patients, from a file",
  file: "CSV file",
  fileHint: "With the columns NHS number, Account ID and Linkage Key (or Passphrase), as exported from the clinical system. Up to 10,000 letters.",
  batchLargePrint: "Large print (16 point) for every letter",
  produceBatch: "Produce the letters",
  back: "Back to letters",
  errors: {
    nhsNumber: "Enter a valid 10-digit NHS number",
    accountId: "Enter the Account ID",
    linkageKey: (keyName: string) => `Enter the ${keyName}`,
    tooLong: "Enter 100 characters or fewer",
    noFile: "Choose a CSV file",
    tooLarge: `The file must be smaller than ${inWords(UPLOADS.registrationKeys.fileBytes)}`,
    notAForm: "The file could not be received: try again",
    tryAgain: "Nothing is wrong now: produce the letters again.",
  },
};

export const messageLetterPageContent = {
  title: "A message by post for one patient",
  intro: "The same words as the email, laid out as a letter, with the patient's own link and a QR code for it. The same rules decide who may get each message as for a campaign.",
  nhsNumber: "NHS number",
  nhsNumberHint: "For example, 943 476 5919",
  templateLegend: "Which message?",
  largePrint: "Large print (16 point)",
  produce: "Produce the letter",
  back: "Back to letters",
  errors: {
    nhsNumber: "Enter a valid 10-digit NHS number",
    template: "Choose which message",
    tryAgain: "Nothing is wrong now: produce the letter again.",
  },
};
