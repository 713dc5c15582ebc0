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

