import type { PasswordProblem } from "../domain/password-policy";
import { MIN_PASSWORD_LENGTH } from "../domain/password-policy";
import type { StaffRole } from "../domain/roles";

// Every sentence staff read on the sign-in and team pages.

export const roleNames: Record<StaffRole, string> = {
  reception: "Reception",
  clinician: "Clinician",
  manager: "Practice manager",
};

/** How long an emailed invitation or reset link works. */
export const SETUP_LINK_DAYS = 7;

/** A role as a sentence says it: "join as a clinician", "is now reception staff". */
export const roleInSentence: Record<StaffRole, string> = {
  reception: "reception staff",
  clinician: "a clinician",
  manager: "a practice manager",
};

/** Staff emails on the development mail page, by the kind their Message-ID names. */
export const staffMailNames: Record<string, string> = {
  "staff-invitation": "Staff invitation",
  "staff-reset": "Staff sign-in reset",
};

export const staffContent = {
  signIn: {
    title: "Sign in",
    emailLabel: "Email address",
    passwordLabel: "Password",
    button: "Continue",
    invalid: "Enter a correct email address and password",
    locked: "There have been too many attempts to sign in. Wait 15 minutes, then try again",
    signedOut: "You have signed out.",
    lockedSignedOut: "You have been signed out because your password or security code was entered wrongly too many times. Wait 15 minutes, then sign in again",
    timedOut: "You were signed out because you had not done anything for 30 minutes, or you had been signed in for 12 hours.",
    emailMissing: "Enter your email address",
    passwordMissing: "Enter your password",
  },
  code: {
    title: "Enter the code from your authenticator app",
    label: "Security code",
    hint: "The 6-digit code your authenticator app shows now. If you cannot use your app, enter one of your recovery codes.",
    button: "Sign in",
    invalid: "Enter the 6-digit code your app shows now, or an unused recovery code",
    missing: "Enter the security code",
    expired: "Your sign-in took too long. Sign in again.",
  },
  enrol: {
    title: "Set up your authenticator app",
    intro:
      "Staff sign in with a password and a code from an authenticator app on a phone or computer, such as Microsoft Authenticator or Google Authenticator.",
    scan: "Scan this QR code with your authenticator app.",
    manual: "If you cannot scan it, enter this key in the app instead:",
    label: "Code from your app",
    hint: "Enter the 6-digit code the app now shows, to check it is set up.",
    button: "Continue",
    invalid: "Enter the 6-digit code your app shows now",
    recoveryTitle: "Save your recovery codes",
    recoveryIntro:
      "If you lose your phone, you can sign in with one of these codes instead of a code from the app. Each works once. Keep them somewhere safe and private: they are shown only now.",
    recoveryContinue: "I have saved my recovery codes",
    recoveryAlreadyShown: "Your recovery codes were shown once, when you set up your app. Once you are signed in, you can make a new set on your account page.",
  },
  setUp: {
    title: "Choose your password",
    intro: (name: string) => `Welcome, ${name}. Choose a password for the portal.`,
    invitedBy: (practice: string) => `${practice} has invited you to its online access portal.`,
    resetTitle: "Choose a new password",
    resetIntro: (name: string, practice: string) =>
      `Welcome back, ${name}. A practice manager at ${practice} has reset your sign-in. Choose a new password, then set up your authenticator app again.`,
    hint: `At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a good password, like "tomato lantern orbit canal".`,
    passwordLabel: "Password",
    confirmLabel: "Type your password again",
    button: "Continue",
    expiredTitle: "This set-up link has expired or been used",
    expiredBody: "Ask your practice manager to invite you again.",
  },
  invitation: {
    title: (practice: string) => `Join ${practice}`,
    invited: (practice: string, role: string) => `${practice} has invited you to join as ${role}.`,
    signInToAccept: "Sign in to accept.",
    signIn: "Sign in",
    signedInAs: (name: string) => `You are signed in as ${name}.`,
    accept: "Accept the invitation",
    decline: "Decline",
    declineHint: "If you decline, the practice will need to invite you again if you change your mind.",
    someoneElseTitle: "This invitation is for someone else",
    someoneElseBody: "You are signed in as someone else. Sign out, then open the link again.",
    declinedTitle: "You have declined the invitation",
    declinedBody: (practice: string) => `You will not join ${practice}. Nothing else about your account has changed.`,
    joined: (practice: string) => `You have joined ${practice}.`,
  },
  team: {
    invited: (email: string, days: number) => `We have emailed an invitation to ${email}. It is valid for ${days} days.`,
    notEmailed: (email: string) =>
      `We could not email the invitation to ${email}. The invitation stands: invite them again to send a new link.`,
    statusInvited: "Invited",
    statusDisabled: "Disabled",
    statusActive: "Active",
    statusResetPending: "Sign-in reset, not set up again yet",
    resetButton: (name: string) => `Reset sign-in for ${name}`,
    withdrawButton: (name: string) => `Withdraw invitation to ${name}`,
    confirmResetHeading: (name: string) => `Reset ${name}'s sign-in?`,
    confirmResetBody: [
      "Their password, authenticator app and recovery codes will stop working at once, and they will be signed out everywhere, for every practice they work for.",
      "We will email them a link to choose a new password and set up their authenticator app again. You will not see the link.",
    ],
    confirmReset: "Yes, reset their sign-in",
    cancel: "Cancel",
  },
  passwordProblems: {
    "too-short": `Password must be ${MIN_PASSWORD_LENGTH} characters or more`,
    "too-long": "Password must be 256 characters or fewer",
    common: "This password is too common: choose something harder to guess",
    context: "Do not base your password on your name, email address or the practice's name",
    mismatch: "The passwords do not match",
  } satisfies Record<PasswordProblem | "mismatch", string>,
  home: {
    stateNames: {
      default: "Access by default",
      "review-cleared": "Reviewed: access to go ahead",
      "enhanced-review": "Review before access",
      declined: "Declined by patient",
      conflict: "Conflicting codes: check the record",
    },
  },
  nav: {
    home: "Home",
    requests: "Requests",
    patients: "Find a patient",
    team: "Team",
    importPatients: "Import patient list",
    campaigns: "Campaigns",
    letters: "Letters",
    reports: "Reports",
    developmentMail: "Mail sent (development)",
    audit: "Audit trail",
    exports: "At-risk review and exports",
    account: "Your account",
    switchPractice: "Switch practice",
    signOut: "Sign out",
  },
};
