import { and, asc, count, eq, inArray, isNull, lt, lte, ne, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Executor } from "../../db/executor.server";
import { decisions, patients, requests, staffUsers } from "../../db/schema";
import type { StaffSearch } from "../domain/staff-search";
import type { RequestKind, RequestState } from "../domain/request-workflow";
import { OPEN_REQUEST_STATES } from "../domain/request-workflow";
import { normalisedNameSql, typedDateOfBirthSql } from "./name-search.server";

// The staff review queue: open requests, oldest first. Row-level security
// keeps it to the practice the transaction acts for; the practice filter
// says so in the query too.

export interface QueueQuery {
  kind?: RequestKind;
  /** One state; without it, every open state (or, when searching, every state). */
  state?: RequestState;
  /** A member of staff's id, or null for requests nobody has taken. */
  assignedTo?: string | null;
  /** Only requests received at or before this instant. */
  receivedBefore?: Date;
  search?: StaffSearch;
}

const assignee = alias(staffUsers, "assignee");

/** A request's submissions, as typed: `answers->'answers'` holds the form field by field. */
function someSubmission(condition: SQL): SQL {
  return sql`exists (select 1 from request_submissions s where s.request_id = ${requests.id} and s.practice_id = ${requests.practiceId} and ${condition})`;
}

const typed = (field: string) => sql`(s.answers -> 'answers' ->> ${field}::text)`;

function matchesSearch(search: StaffSearch): SQL {
  switch (search.kind) {
    case "nhs-number":
      return or(
        eq(patients.nhsNumber, search.digits),
        someSubmission(sql`regexp_replace(coalesce(${typed("nhsNumber")}, ''), '[^0-9]', '', 'g') = ${search.digits}`),
      )!;
    case "reference":
      // A patient whose second request joined an open one was shown a reference of its own.
      return or(eq(requests.reference, search.reference), someSubmission(sql`s.answers ->> 'shownReference' = ${search.reference}`))!;
    case "name": {
      const patientName = normalisedNameSql(sql`${patients.givenName} || ' ' || ${patients.familyName}`);
      const typedName = normalisedNameSql(sql`coalesce(${typed("givenName")}, '') || ' ' || coalesce(${typed("familyName")}, '')`);
      const onPatient = [...search.words.map((w) => sql`${patientName} like ${`% ${w}%`}`)];
      const onTyped = [...search.words.map((w) => sql`${typedName} like ${`% ${w}%`}`)];
      if (search.dateOfBirth) {
        onPatient.push(eq(patients.dateOfBirth, search.dateOfBirth));
        onTyped.push(sql`${typedDateOfBirthSql(sql`s.answers -> 'answers'`)} = ${search.dateOfBirth}`);
      }
      return or(and(...onPatient), someSubmission(and(...onTyped)!))!;
    }
    default: {
      const unhandled: never = search;
      throw new Error(`Unhandled search: ${JSON.stringify(unhandled)}`);
    }
  }
}

function queueConditions(practiceId: string, query: QueueQuery): SQL {
  const conditions: SQL[] = [eq(requests.practiceId, practiceId)];
  if (query.state) conditions.push(eq(requests.state, query.state));
  else if (!query.search) conditions.push(inArray(requests.state, [...OPEN_REQUEST_STATES]));
  if (query.kind) conditions.push(eq(requests.kind, query.kind));
  if (query.assignedTo === null) conditions.push(isNull(requests.assignedTo));
  else if (query.assignedTo) conditions.push(eq(requests.assignedTo, query.assignedTo));
  if (query.receivedBefore) conditions.push(lte(requests.receivedAt, query.receivedBefore));
  if (query.search) conditions.push(matchesSearch(query.search));
  return and(...conditions)!;
}

export async function listQueueRequests(db: Executor, practiceId: string, query: QueueQuery, limit: number, offset = 0) {
  // The page's requests are chosen first and only then joined to what the page shows of them:
  // joined before the limit, every open request of the practice would be, to show fifty.
  const page = db
    .select({ id: requests.id })
    .from(requests)
    .leftJoin(patients, eq(patients.id, requests.patientId))
    .where(queueConditions(practiceId, query))
    .orderBy(asc(requests.receivedAt), asc(requests.reference))
    .limit(limit)
    .offset(offset)
    .as("page");
  return db
    .select({
      id: requests.id,
      reference: requests.reference,
      kind: requests.kind,
      state: requests.state,
      channel: requests.channel,
      identityMatch: requests.identityMatch,
      receivedAt: requests.receivedAt,
      assignedToName: assignee.name,
      patientGivenName: patients.givenName,
      patientFamilyName: patients.familyName,
      patientNhsNumber: patients.nhsNumber,
      decidedAt: decisions.decidedAt,
      actionedAt: decisions.actionedAt,
      confirmedAt: decisions.confirmedAt,
      needsClinicalSystemStep: decisions.needsClinicalSystemStep,
    })
    .from(page)
    .innerJoin(requests, eq(requests.id, page.id))
    .leftJoin(patients, eq(patients.id, requests.patientId))
    .leftJoin(decisions, and(eq(decisions.requestId, requests.id), isNull(decisions.supersededAt)))
    .leftJoin(assignee, eq(assignee.id, requests.assignedTo))
    .orderBy(asc(requests.receivedAt), asc(requests.reference));
}

/** How many requests the query matches, however many the page lists. */
export async function countQueueRequests(db: Executor, practiceId: string, query: QueueQuery): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(requests)
    .leftJoin(patients, eq(patients.id, requests.patientId))
    .where(queueConditions(practiceId, query));
  return row?.n ?? 0;
}

/** Open requests in each state, whatever the filters. */
export async function countOpenRequestsByState(db: Executor, practiceId: string): Promise<Partial<Record<RequestState, number>>> {
  const rows = await db
    .select({ state: requests.state, n: count() })
    .from(requests)
    .where(and(eq(requests.practiceId, practiceId), ne(requests.state, "closed")))
    .groupBy(requests.state);
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

/**
 * Open requests whose decision needs a step in the clinical system that nobody
 * has marked done, nor a later import shown, and that was decided before `decidedBefore`.
 */
export async function countOverdueActions(db: Executor, practiceId: string, decidedBefore: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(requests)
    .innerJoin(decisions, and(eq(decisions.requestId, requests.id), isNull(decisions.supersededAt)))
    .where(
      and(
        eq(requests.practiceId, practiceId),
        ne(requests.state, "closed"),
        eq(decisions.needsClinicalSystemStep, true),
        isNull(decisions.actionedAt),
        isNull(decisions.confirmedAt),
        lt(decisions.decidedAt, decidedBefore),
      ),
    );
  return row?.n ?? 0;
}
