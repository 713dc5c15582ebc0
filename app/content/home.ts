// The patient home page, in plain English (NHS.UK content style: short
// sentences, "you" and "your", no jargon, no codes).

export const home = {
  title: (practiceName: string) => `Seeing your GP health record online at ${practiceName}`,
  lede: "You can see new entries in your GP health record in the NHS App, the NHS website and some other apps.",
  whatChangesHeading: "What this means for you",
  whatChanges: [
    "When your GP practice adds something new to your record, such as a test result, a letter or a note from an appointment, you will be able to see it online.",
    "This applies to patients aged 16 and over. It only covers entries added from now on, not your older records.",
    "Some results may appear online before a doctor has had the chance to talk to you about them.",
  ],
  choicesHeading: "Your choices",
  choices: [
    {
      heading: "You do not need to do anything",
      body: "If you are happy to see new entries in your record online, you do not need to do anything.",
    },
    {
      heading: "If you do not want to see your record online",
      body: "You can ask your GP practice not to show new entries in your record online. You can still book appointments and order repeat prescriptions online if you want to.",
    },
    {
      heading: "If you cannot see your record online and would like to",
      body: "You can ask your GP practice to give you access. They may want to talk to you first.",
    },
    {
      heading: "If you change your mind",
      body: "You can change your choice at any time by telling your GP practice.",
    },
  ],
  requestLink: "Tell your GP practice what you want online",
  safetyHeading: "If someone might pressure you into showing them your record",
  safety: "Tell your GP practice. You can keep your login details private, and your practice can talk to you about what is best for you.",
  contactHeading: "Contact your GP practice",
  contactPhone: (phone: string) => `Phone ${phone}.`,
  contactAddress: "Or ask at reception.",
  chooserTitle: "Choose your GP practice",
  chooserLede: "This service is used by more than one GP practice. Choose yours to find out about seeing your GP health record online.",
  noPracticesTitle: "This service is not ready yet",
  noPracticesBody: "No GP practice has been set up yet. Please try again later.",
};
