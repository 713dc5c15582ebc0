import { pgEnum } from "drizzle-orm/pg-core";
import { CODE_KEYS } from "../../app/domain/codes";
import { TEMPLATE_KEYS } from "../../app/domain/message-templates";
import { MESSAGE_STATUSES } from "../../app/domain/outbox";
import { STAFF_ROLES } from "../../app/domain/roles";
import {
  DECISION_OUTCOMES,
  REQUEST_CHANNELS,
  REQUEST_KINDS,
  REQUEST_STATES,
} from "../../app/domain/request-workflow";

// Every state the product tracks is a Postgres enum, so a typo can never be
// stored. The values come from app/domain, which owns their meaning.

export const clinicalSystem = pgEnum("clinical_system", ["emis", "tpp"]);
export const staffRole = pgEnum("staff_role", STAFF_ROLES);
export const staffStatus = pgEnum("staff_status", ["invited", "active", "disabled"]);

export const registrationStatus = pgEnum("registration_status", ["registered", "deregistered"]);
export const accessCode = pgEnum("access_code", CODE_KEYS);
export const codedEntrySource = pgEnum("coded_entry_source", ["import", "seed"]);

export const importFormat = pgEnum("import_format", ["canonical", "emis", "systmone", "mapped"]);
export const importStatus = pgEnum("import_status", ["previewed", "committed", "refused"]);

export const requestKind = pgEnum("request_kind", REQUEST_KINDS);
export const requestState = pgEnum("request_state", REQUEST_STATES);
export const requestChannel = pgEnum("request_channel", REQUEST_CHANNELS);
export const identityMatch = pgEnum("identity_match", ["full", "partial", "none"]);

export const decisionOutcome = pgEnum("decision_outcome", DECISION_OUTCOMES);
export const accessLevel = pgEnum("access_level", [
  "none",
  "appointments-and-prescriptions",
  "prospective-record",
]);
export const identityMethod = pgEnum("identity_method", [
  "record-match",
  "photo-id",
  "known-to-staff",
  "nhs-login",
  "vouched",
  "not-verified",
]);

export const templateKey = pgEnum("template_key", TEMPLATE_KEYS);
export const campaignStatus = pgEnum("campaign_status", [
  "draft",
  "scheduled",
  "sending",
  "finished",
  "cancelled",
]);
export const messageChannel = pgEnum("message_channel", ["email", "letter"]);
export const messageStatus = pgEnum("message_status", MESSAGE_STATUSES);

export const letterKind = pgEnum("letter_kind", ["registration", "message"]);
export const letterStatus = pgEnum("letter_status", ["pending", "printed"]);

// What a sign-in has proven so far: only the password; the password and an
// authenticator set up (and proven with a code) in this same sign-in; both factors.
export const sessionStage = pgEnum("session_stage", ["password-verified", "authenticator-enrolled", "signed-in"]);
// A set-up link invites someone to a practice, or lets them set new factors after a manager's reset.
export const setupLinkPurpose = pgEnum("setup_link_purpose", ["invitation", "reset"]);
