import { getSql } from "../../db/client.server";
import { findPersonalLink } from "../models/outbox.server";
import { hashToken } from "../auth/tokens.server";

// A patient arriving by the personal link in their message (/r/<token>).
// The token itself is never stored, only its hash; an unknown, malformed or
// expired token all look the same to the caller, so a guess learns nothing.

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface PersonalLinkHolder {
  practiceId: string;
  patientId: string;
  messageId: string;
}

export async function resolvePersonalLink(token: string, now = new Date()): Promise<PersonalLinkHolder | null> {
  if (!TOKEN.test(token)) return null;
  const link = await findPersonalLink(getSql(), hashToken(token));
  if (!link || link.expiresAt.getTime() <= now.getTime()) return null;
  return { practiceId: link.practiceId, patientId: link.patientId, messageId: link.messageId };
}
