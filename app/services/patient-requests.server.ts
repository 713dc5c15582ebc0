import { createHash, randomBytes } from "node:crypto";
import { getDb } from "../../db/client.server";
import { withPractice } from "../../db/tenancy.server";
import type { Executor } from "../../db/executor.server";
import { hashToken } from "../auth/tokens.server";
import { formatLongUkDate } from "../domain/calendar";
import { matchIdentity, normaliseName, type ClaimedIdentity, type IdentityMatch } from "../domain/identity-match";
import { referenceFromBytes } from "../domain/request-forms";
import type { RequestChannel, RequestKind } from "../domain/request-workflow";
import { afterEvent, clientAddressGroup, isLocked, type ThrottleRule } from "../domain/sign-in-throttle";
import { appendAuditEvent } from "../models/audit.server";
import { getThrottleForUpdate, saveThrottle } from "../models/auth-throttle.server";
import { getPracticeByOdsCode } from "../models/practices.server";
import {
  findOpenRequest,
  getPatientForRequest,
  insertRequest,
  insertRequestReceivedMessage,
  insertRequestSubmission,
  listIdentityCandidates,
  markRequestHadActive104,
} from "../models/requests.server";
import { contactRuleFor, messageRoute } from "../domain/access-decision";
import { patientAt104 } from "./request-facts.server";
import { resolvePersonalLink } from "./personal-links.server";

// Patients' requests (issue 6, DESIGN §2 "Identity"). Whatever happens here
// — matched, unmatched, throttled, a honeypot — the patient gets the same
// answer: a reference in the same format, after the same minimum time.

/** Every submitting action takes at least this long, so timing says nothing about a match. */
export const MINIMUM_ANSWER_MS = 400;

/** Failed (not fully matched) identity attempts: 5 an hour per identity. */
export const IDENTITY_RULE: ThrottleRule = { windowMinutes: 60, lockAfter: 5, lockMinutes: 60 };
/** Every submission from one client address: generous, against floods. */
export const ADDRESS_RULE: ThrottleRule = { windowMinutes: 60, lockAfter: 30, lockMinutes: 60 };
/** Wrong dates of birth on one personal link. */
export const LINK_RULE: ThrottleRule = { windowMinutes: 60, lockAfter: 5, lockMinutes: 60 };

/** What request_submissions.answers holds: the verbatim form, and (for staff) how the identity was matched. */
export interface StoredSubmission {
  /** Exactly as typed, field by field. */
  answers: Record<string, string>;
  channel: RequestChannel;
  /** For a request staff took on the patient's behalf: who took it, and who typed it in. */
  takenBy?: { id: string; name: string };
  enteredBy?: { id: string; name: string };
  /** The reference the patient was shown for this submission. */
  shownReference: string;
  identity: { match: IdentityMatch["kind"]; candidateIds: string[]; reasons: string[] };
}

export type OnlineClaim = ClaimedIdentity & { email: string | null; mobile: string | null };

export interface OnlineRequestInput {
  odsCode: string;
  kind: RequestKind;
  /** Normalised details, for matching. */
  claim: OnlineClaim;
  /** Every field as typed. */
  answers: Record<string, string>;
  clientAddress: string;
  now: Date;
}

export function newReference(): string {
  return referenceFromBytes(randomBytes(8));
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export function identityThrottleKey(familyName: string, dateOfBirth: string): string {
  return `identity:${sha256(`${normaliseName(familyName)}|${dateOfBirth}`)}`;
}

async function answerNoSoonerThan<T>(startedAt: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    const wait = MINIMUM_ANSWER_MS - (Date.now() - startedAt);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** A honeypot was filled: the same answer as everyone, and nothing stored. */
export async function discardSubmission(): Promise<{ reference: string }> {
  return answerNoSoonerThan(Date.now(), async () => ({ reference: newReference() }));
}

/** Counts one more event for a key; true when the key was already locked (then nothing is counted). */
async function countAgainst(tx: Executor, key: string, rule: ThrottleRule, now: Date): Promise<boolean> {
  const state = await getThrottleForUpdate(tx, key);
  if (isLocked(state, now)) return true;
  await saveThrottle(tx, key, afterEvent(state, now, rule));
  return false;
}

export interface StoreInput {
  practiceId: string;
  kind: RequestKind;
  match: IdentityMatch;
  channel: RequestChannel;
  answers: Record<string, string>;
  now: Date;
  /** Staff entering a request on the patient's behalf; absent when the patient sent it. */
  staff?: { actor: { id: string; role: string }; takenBy: { id: string; name: string }; enteredBy: { id: string; name: string }; receivedAt: Date };
}

/**
 * Stores a submission: joins the matched patient's open request of the kind, or opens a new one.
 * The request's id and reference, the reference shown to whoever sent it, and whether it joined.
 */
export async function storeSubmission(
  tx: Executor,
  input: StoreInput,
): Promise<{ requestId: string; reference: string; shownReference: string; joined: boolean }> {
  const { practiceId, kind, match, now, staff } = input;
  const patientId = match.kind === "full" ? match.patientId : null;
  // Decided once, when it arrives (and set again whenever a 104 is seen later): DESIGN §2. A request
  // staff enter with an earlier received day counts a 104 the patient had since that day.
  const [open, at104] = patientId
    ? await Promise.all([findOpenRequest(tx, practiceId, patientId, kind), patientAt104(tx, practiceId, patientId, staff?.receivedAt ?? now)])
    : [null, null];
  const activeNow = at104?.had104 ?? false;
  let requestId: string;
  let reference: string;
  let joined = false;
  if (open) {
    ({ id: requestId, reference } = open);
    joined = true;
    if (activeNow) await markRequestHadActive104(tx, practiceId, requestId);
  } else {
    let inserted: string | null = null;
    do {
      reference = newReference();
      inserted = await insertRequest(tx, {
        practiceId,
        reference,
        kind,
        state: patientId ? "triage" : "identity-check",
        patientId,
        identityMatch: match.kind,
        channel: input.channel,
        enteredBy: staff?.takenBy.id,
        receivedAt: staff?.receivedAt,
        hadActive104: activeNow,
      });
    } while (inserted === null);
    requestId = inserted;
  }
  // Joining by the online form shows a new reference: the existing one would
  // tell whoever typed the details that this patient is registered.
  const shownReference = joined && input.channel === "online-form" ? newReference() : reference;
  const stored: StoredSubmission = {
    answers: input.answers,
    channel: input.channel,
    ...(staff ? { takenBy: staff.takenBy, enteredBy: staff.enteredBy } : {}),
    shownReference,
    identity:
      match.kind === "partial"
        ? { match: "partial", candidateIds: match.candidateIds, reasons: match.reasons }
        : { match: match.kind, candidateIds: [], reasons: [] },
  };
  await insertRequestSubmission(tx, { practiceId, requestId, answers: stored as unknown as Record<string, unknown>, receivedAt: staff?.receivedAt });
  if (patientId && !joined) {
    await queueRequestReceived(tx, { practiceId, patientId, requestId, reference, hadActive104: activeNow, now });
  }
  await appendAuditEvent(tx, {
    practiceId,
    actorId: staff?.actor.id ?? null,
    actorRole: staff?.actor.role ?? "patient",
    action: "request.received",
    subjectType: "request",
    subjectId: requestId,
    summary: {
      reference,
      shownReference,
      kind,
      match: match.kind,
      channel: input.channel,
      joined,
      ...(staff ? { takenBy: staff.takenBy.id, receivedAt: staff.receivedAt.toISOString() } : {}),
    },
  });
  return { requestId, reference, shownReference, joined };
}

/**
 * The "request received" email, to the address on record when the request's contact rule allows
 * it (DESIGN §2 "Safeguarding"). A receipt is not worth a letter: without an email it is not sent,
 * and the outcome, which is, follows by letter.
 */
export async function queueRequestReceived(
  tx: Executor,
  request: { practiceId: string; patientId: string; requestId: string; reference: string; hadActive104: boolean; now: Date },
): Promise<void> {
  const patient = await getPatientForRequest(tx, request.practiceId, request.patientId);
  const route = patient ? messageRoute(contactRuleFor({ hadActive104: request.hadActive104 }), patient) : null;
  if (route?.channel !== "email") return;
  const toAddress = route.to;
  await insertRequestReceivedMessage(tx, {
    practiceId: request.practiceId,
    patientId: request.patientId,
    requestId: request.requestId,
    toAddress,
    reference: request.reference,
    date: formatLongUkDate(request.now),
  });
}

async function refuse(tx: Executor, practiceId: string, kind: RequestKind, reason: "identity" | "address"): Promise<string> {
  const reference = newReference();
  await appendAuditEvent(tx, {
    practiceId,
    actorId: null,
    actorRole: "patient",
    action: "request.refused-throttled",
    summary: { reference, kind, reason },
  });
  return reference;
}

/**
 * A request from someone who identified themselves with the online form.
 * Always answers with a reference, whether or not anything was stored.
 */
export async function submitPatientRequest(input: OnlineRequestInput): Promise<{ reference: string }> {
  return answerNoSoonerThan(Date.now(), async () => {
    const practice = await getPracticeByOdsCode(getDb(), input.odsCode);
    if (!practice) return { reference: newReference() };
    const reference = await withPractice(practice.id, async (tx) => {
      if (await countAgainst(tx, `request-address:${clientAddressGroup(input.clientAddress)}`, ADDRESS_RULE, input.now)) {
        return refuse(tx, practice.id, input.kind, "address");
      }
      const identityKey = identityThrottleKey(input.claim.familyName, input.claim.dateOfBirth);
      const identityState = await getThrottleForUpdate(tx, identityKey);
      const candidates = await listIdentityCandidates(tx, practice.id, input.claim);
      const match = matchIdentity(input.claim, candidates);
      if (match.kind !== "full") {
        // A full match is never refused: that would lose a real patient's request to whoever locked them out.
        if (isLocked(identityState, input.now)) return refuse(tx, practice.id, input.kind, "identity");
        await saveThrottle(tx, identityKey, afterEvent(identityState, input.now, IDENTITY_RULE));
      }
      const stored = await storeSubmission(tx, { practiceId: practice.id, kind: input.kind, match, channel: "online-form", answers: input.answers, now: input.now });
      return stored.shownReference;
    });
    return { reference };
  });
}

export type LinkCheck = { kind: "ok"; practiceId: string; patientId: string } | { kind: "wrong" } | { kind: "broken" };

/** Whether a personal link still works. Unknown, malformed and expired are all "broken". */
export async function personalLinkWorks(token: string, now: Date): Promise<boolean> {
  return (await resolvePersonalLink(token, now)) !== null;
}

/**
 * Checks a personal link and the date of birth given with it. Five wrong
 * dates in an hour lock the link for an hour: then even the right date is "wrong".
 */
export async function checkPersonalLink(token: string, dateOfBirth: string, now: Date): Promise<LinkCheck> {
  const link = await resolvePersonalLink(token, now);
  if (!link) return { kind: "broken" };
  return withPractice(link.practiceId, async (tx) => {
    const key = `personal-link:${hashToken(token)}`;
    const state = await getThrottleForUpdate(tx, key);
    if (isLocked(state, now)) return { kind: "wrong" } as const;
    const patient = await getPatientForRequest(tx, link.practiceId, link.patientId);
    if (patient && patient.dateOfBirth === dateOfBirth) return { kind: "ok", practiceId: link.practiceId, patientId: link.patientId } as const;
    await saveThrottle(tx, key, afterEvent(state, now, LINK_RULE));
    return { kind: "wrong" } as const;
  });
}

/** A request by personal link: the token and date of birth are checked again before anything is stored. */
export async function submitLinkedRequest(input: {
  token: string;
  dateOfBirth: string;
  kind: RequestKind;
  answers: Record<string, string>;
  now: Date;
}): Promise<{ ok: true; reference: string } | { ok: false; problem: "wrong" | "broken" }> {
  return answerNoSoonerThan(Date.now(), async () => {
    const check = await checkPersonalLink(input.token, input.dateOfBirth, input.now);
    if (check.kind !== "ok") return { ok: false, problem: check.kind } as const;
    const { shownReference: reference } = await withPractice(check.practiceId, (tx) =>
      storeSubmission(tx, {
        practiceId: check.practiceId,
        kind: input.kind,
        match: { kind: "full", patientId: check.patientId },
        channel: "personal-link",
        answers: input.answers,
        now: input.now,
      }),
    );
    return { ok: true, reference } as const;
  });
}
