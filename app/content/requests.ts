// Patient request pages (issue 6), in plain English. Nothing here may say
// whether someone is registered, matched or thought to be at risk.

import type { RequestFormMessages } from "../domain/request-forms";
import type { RequestKind } from "../domain/request-workflow";

export const requestErrors: RequestFormMessages = {
  kind: "Select what you would like to do",
  givenName: "Enter your first name",
  familyName: "Enter your last name",
  tooLong: "Answer must be 200 characters or fewer",
  dateOfBirthMissing: "Enter your date of birth",
  dateOfBirthInvalid: "Date of birth must be a real date, for example 15 3 1984",
  dateOfBirthFuture: "Date of birth must be in the past",
  postcodeMissing: "Enter your postcode",
  postcodeInvalid: "Enter a real postcode, for example LS1 4AP",
  nhsNumberInvalid: "Enter a valid NHS number, or leave it blank",
  contactMissing: "Enter an email address or a mobile phone number",
  emailInvalid: "Enter an email address in the correct format, like name@example.com",
  mobileInvalid: "Enter a UK mobile phone number, like 07700 900 982",
  optOutScope: "Select what you would like to keep online",
  declarationUpsetting: "Confirm that you understand you may see information you find upsetting",
  declarationLoginSafe: "Confirm that you will keep your login details safe",
  declarationTellPractice: "Confirm that you will tell your GP practice if something is wrong",
  contactWay: "Select a safe way for your GP practice to contact you",
  contactPhoneMissing: "Enter a phone number your GP practice can safely call you on",
  contactPhoneInvalid: "Enter a UK phone number, like 01632 960 001 or 07700 900 982",
  contactTime: "Enter when it is safe to contact you",
  withdrawConfirm: "Confirm that you now want to see your GP health record online",
};

export const KIND_LABELS: Record<RequestKind, string> = {
  "opt-out": "I do not want to see my GP health record online",
  "opt-in": "I cannot see my GP health record online and would like to",
  "withdraw-opt-out": "I asked not to see my record online and have changed my mind",
};

/** The kind question: the start page's and the personal link's, asked in the same words. */
const KIND_QUESTION = "What would you like to do?";

export const requestsContent = {
  start: {
    title: "Tell your GP practice what you want about seeing your record online",
    intro: [
      "You can see new entries in your GP health record in the NHS App, the NHS website and some other apps. This includes test results, letters and notes from appointments.",
      "You can choose not to see your record online, ask for access if you cannot see it, or change your mind if you asked not to see it.",
      "It takes about 5 minutes. Your GP practice will look at your request. Nothing changes until they have.",
    ],
    legend: KIND_QUESTION,
    kinds: [
      { value: "opt-out", label: KIND_LABELS["opt-out"], hint: "You can still book appointments and order repeat prescriptions online if you want to." },
      { value: "opt-in", label: KIND_LABELS["opt-in"], hint: "Your GP practice may want to talk to you first." },
      { value: "withdraw-opt-out", label: KIND_LABELS["withdraw-opt-out"] },
    ],
    button: "Continue",
    choosePractice: "Choose your GP practice",
    noPractice: "This service is not ready yet. Please contact your GP practice.",
  },
  details: {
    title: "Your details",
    intro: "We need these to find your record. Enter them as your GP practice has them.",
    givenName: "First name",
    familyName: "Last name",
    dateOfBirth: "Date of birth",
    dateOfBirthHint: "For example, 15 3 1984",
    postcode: "Postcode",
    postcodeHint: "The postcode of the address your GP practice has for you",
    nhsNumber: "NHS number (optional)",
    nhsNumberHint: "This is a 10 digit number, like 999 123 4567. You can find it on letters from the NHS or in the NHS App.",
    contactHeading: "How can your GP practice contact you?",
    contactHint: "Give at least one. Your practice will only send a confirmation to contact details it already has for you.",
    email: "Email address",
    mobile: "Mobile phone number",
  },
  questions: {
    "opt-out": {
      title: "What would you like to keep online?",
      options: [
        { value: "no-online-access", label: "I do not want any online access to my GP record or services" },
        {
          value: "keep-appointments-and-prescriptions",
          label: "I do not want to see my record, but I want to keep booking appointments and ordering prescriptions online",
        },
      ],
    },
    "opt-in": {
      title: "Before you ask for access",
      intro: "Please read and confirm each of these.",
      declarationUpsetting: "I understand I may see information I find upsetting, or that I did not know",
      declarationLoginSafe: "I will keep my login details safe and not share them with anyone",
      declarationTellPractice: "I will tell my GP practice if something in my record is wrong or is about someone else",
      contactWay: "What is a safe way for your GP practice to contact you?",
      contactWayHint: "Your practice may want to talk to you before giving you access.",
      contactWays: [
        { value: "phone", label: "Phone" },
        { value: "email", label: "Email" },
        { value: "letter", label: "Letter" },
      ],
      contactPhone: "Phone number",
      contactPhoneHint: "A UK landline or mobile number, like 01632 960 001 or 07700 900 982",
      contactTime: "When is it safe to contact you?",
      contactTimeHint: "For example, weekday mornings",
    },
    "withdraw-opt-out": {
      title: "Changing your mind",
      withdrawConfirm: "I now want to see new entries in my GP health record online",
    },
  },
  kindChoice: {
    title: KIND_QUESTION,
  },
  check: {
    title: "Check your answers before sending your request",
    detailsHeading: "Your details",
    requestHeading: "Your request",
    change: "Change",
    changeDetails: "Change your details",
    changeRequest: "Change your request",
    button: "Send request",
    notGiven: "Not given",
  },
  honeypot: "Leave this blank",
  button: "Continue",
  sent: {
    title: "Request sent",
    reference: "Your reference number",
    nextHeading: "What happens next",
    next: [
      "Your GP practice will look at your request. They may contact you to check who you are or to talk about your choice.",
      "If your practice has an email address for you, you may get an email to say your request has been received.",
      "Nothing changes until your practice has looked at your request.",
    ],
    urgent: "If you need medical help, contact your GP practice, call 111 or, in an emergency, call 999.",
  },
  link: {
    title: "Confirm your date of birth",
    hint: "For example, 15 3 1984",
    button: "Continue",
    wrong: "The details you entered do not match. Check them and try again, or contact your GP practice.",
    brokenTitle: "This link does not work any more",
    broken: "The link may have expired or been copied wrongly.",
    stillOnline: "You can still tell your GP practice online.",
    startLink: "Tell your GP practice what you want",
  },
};
