import type { Writable } from "node:stream";
import type postgres from "postgres";

// Bulk import: rows are streamed with COPY into temporary staging tables in
// the import's own transaction, then applied to the practice's list with a
// few set-based statements. Nothing here is visible to anyone else until the
// transaction commits, and all of it vanishes if it does not.

type Tx = postgres.TransactionSql;

export async function createStagingTables(tx: Tx): Promise<void> {
  await tx`
    create temp table import_rows (
      row_number integer not null,
      nhs_number text not null,
      given_name text not null,
      family_name text not null,
      date_of_birth date not null,
      address_line_1 text, address_line_2 text, address_line_3 text, address_line_4 text,
      postcode text, email text, mobile text,
      contact_is_private boolean not null,
      deceased boolean not null,
      online_account boolean not null,
      -- The latest_104/106/103 columns: a day, and an instant when the export gave a time.
      c104_on date, c104_at timestamptz,
      c106_on date, c106_at timestamptz,
      c103_on date, c103_at timestamptz
    ) on commit drop`;
  await tx`
    create temp table import_codes (
      nhs_number text not null,
      code access_code not null,
      recorded_on date not null,
      recorded_at timestamptz
    ) on commit drop`;
  // NHS numbers of rows that were rejected for another reason: the patient
  // is still on the list, so must not be marked as deregistered.
  await tx`create temp table import_seen (nhs_number text primary key) on commit drop`;
  // Patients this import changed, kept here rather than sent back and forth
  // as arrays of ids: a whole list's worth would cost time and memory.
  await tx`create temp table import_updated (patient_id uuid primary key) on commit drop`;
  await tx`create temp table import_recoded (patient_id uuid primary key) on commit drop`;
}

export const STAGING_COLUMNS = [
  "row_number", "nhs_number", "given_name", "family_name", "date_of_birth",
  "address_line_1", "address_line_2", "address_line_3", "address_line_4",
  "postcode", "email", "mobile", "contact_is_private", "deceased", "online_account",
  "c104_on", "c104_at", "c106_on", "c106_at", "c103_on", "c103_at",
] as const;

/** The codes given in the patient file's own latest_* columns. */
export async function stageCodesFromRows(tx: Tx): Promise<void> {
  await tx`
    insert into import_codes (nhs_number, code, recorded_on, recorded_at)
    select nhs_number, '104'::access_code, c104_on, c104_at from import_rows where c104_on is not null
    union all select nhs_number, '106'::access_code, c106_on, c106_at from import_rows where c106_on is not null
    union all select nhs_number, '103'::access_code, c103_on, c103_at from import_rows where c103_on is not null`;
}

/**
 * NHS numbers of rejected rows, comma-separated, a batch at a time: still on the list, so never
 * deregistered by this file.
 */
export async function stageSeenNhsNumbers(tx: Tx, nhsNumbers: string): Promise<void> {
  if (nhsNumbers === "") return;
  await tx`insert into import_seen select unnest(string_to_array(${nhsNumbers}, ',')) on conflict do nothing`;
}

/** A COPY stream into a staging table; write CSV lines (csvLine) to it. */
export async function openStagingCopy(tx: Tx, table: "import_rows" | "import_codes"): Promise<Writable> {
  return tx.unsafe(`copy ${table} from stdin with (format csv)`).writable();
}

/** One CSV line for COPY: null is an empty unquoted field, a string quoted, a number a whole number. */
export function csvLine(values: readonly (string | number | boolean | null)[]): string {
  return `${values.map((v) => (v === null ? "" : typeof v === "string" ? `"${v.replaceAll('"', '""')}"` : typeof v === "number" ? wholeNumber(v) : String(v))).join(",")}\n`;
}

// Not String(n): V8 keeps the strings it makes that way in a cache, long enough to outlive the
// young generation, so the row numbers of a large file filled the old one (about 25 MB a million rows).
const wholeNumber = (n: number) => n.toFixed(0);

/**
 * Indexes and statistics for the planner once everything is staged. The
 * statistics of patients do not yet count the rows this transaction adds, so
 * later statements may probe the staged rows once per patient: the indexes
 * keep that from scanning them whole each time.
 */
export async function indexStaging(tx: Tx): Promise<void> {
  await tx`create index on import_rows (nhs_number)`;
  await tx`create index on import_codes (nhs_number)`;
  await tx`analyze import_rows, import_codes`;
}

export interface DuplicateRows {
  /** How many rows share their NHS number with another row. */
  rows: number;
  /** The first of those rows (up to the limit asked for), each with the lowest four rows of its number and how many share it. */
  first: { row: number; firstRows: number[]; sharing: number }[];
}

/**
 * Rows sharing an NHS number with another row of the file: all of them are rejected, so they are
 * taken out of import_rows and their numbers put in import_seen. Returns how many there were and
 * only the first `limit`: a file of one number on every row must not come back whole.
 */
export async function takeDuplicateRows(tx: Tx, limit: number): Promise<DuplicateRows> {
  const groups = await tx`
    create temp table import_duplicates on commit drop as
    select nhs_number, count(*)::int as sharing, (array_agg(row_number order by row_number))[1:4] as first_rows
    from import_rows group by nhs_number having count(*) > 1`;
  if (groups.count === 0) return { rows: 0, first: [] };
  const [total] = await tx<{ rows: number }[]>`select sum(sharing)::int as rows from import_duplicates`;
  const first = await tx<{ row: number; first_rows: number[]; sharing: number }[]>`
    select r.row_number as row, d.first_rows, d.sharing
    from import_rows r join import_duplicates d on d.nhs_number = r.nhs_number
    order by r.row_number limit ${limit}`;
  await tx`insert into import_seen select nhs_number from import_duplicates on conflict do nothing`;
  await tx`delete from import_rows r using import_duplicates d where r.nhs_number = d.nhs_number`;
  // The planner's figures for import_rows were taken before the delete: a file that was mostly
  // one number would otherwise have it scan the deleted rows again for every patient on the list.
  await tx`analyze import_rows`;
  return { rows: total!.rows, first: first.map((d) => ({ row: d.row, firstRows: d.first_rows, sharing: d.sharing })) };
}

/** Codes for NHS numbers that are not (or no longer) rows of the file. */
export async function dropUnmatchedCodes(tx: Tx): Promise<number> {
  const result = await tx`
    delete from import_codes c where not exists (select 1 from import_rows r where r.nhs_number = c.nhs_number)`;
  return result.count;
}

export async function countStagedRows(tx: Tx): Promise<number> {
  const [row] = await tx<{ n: number }[]>`select count(*)::int as n from import_rows`;
  return row!.n;
}

/** How many registered patients there are, and how many the file leaves out. */
export async function countMissingFromFile(tx: Tx, practiceId: string): Promise<{ registered: number; missing: number }> {
  const [row] = await tx<{ registered: number; missing: number }[]>`
    select count(*)::int as registered,
           count(*) filter (
             where not exists (select 1 from import_rows r where r.nhs_number = p.nhs_number)
               and not exists (select 1 from import_seen s where s.nhs_number = p.nhs_number)
           )::int as missing
    from patients p
    where p.practice_id = ${practiceId} and p.registration = 'registered'`;
  return row!;
}

export async function insertNewPatients(tx: Tx, practiceId: string, importId: string): Promise<number> {
  const result = await tx`
    insert into patients (practice_id, nhs_number, given_name, family_name, date_of_birth,
                          address_line_1, address_line_2, address_line_3, address_line_4,
                          postcode, email, mobile, contact_is_private, deceased, online_account,
                          registration, last_import_id)
    select ${practiceId}, r.nhs_number, r.given_name, r.family_name, r.date_of_birth,
           r.address_line_1, r.address_line_2, r.address_line_3, r.address_line_4,
           r.postcode, r.email, r.mobile, r.contact_is_private, r.deceased, r.online_account,
           'registered', ${importId}
    from import_rows r
    where not exists (select 1 from patients p where p.practice_id = ${practiceId} and p.nhs_number = r.nhs_number)`;
  return result.count;
}

/** Updates patients whose details differ from the file, noting them in import_updated; returns how many. */
export async function updateChangedPatients(tx: Tx, practiceId: string, importId: string): Promise<number> {
  const result = await tx`
    with changed as (
    update patients p set
      given_name = r.given_name, family_name = r.family_name, date_of_birth = r.date_of_birth,
      address_line_1 = r.address_line_1, address_line_2 = r.address_line_2,
      address_line_3 = r.address_line_3, address_line_4 = r.address_line_4,
      postcode = r.postcode, email = r.email, mobile = r.mobile,
      contact_is_private = r.contact_is_private, deceased = r.deceased, online_account = r.online_account,
      registration = 'registered', last_import_id = ${importId}, updated_at = now()
    from import_rows r
    where p.practice_id = ${practiceId} and p.nhs_number = r.nhs_number
      and p.last_import_id is distinct from ${importId}
      and (p.given_name, p.family_name, p.date_of_birth, p.address_line_1, p.address_line_2,
           p.address_line_3, p.address_line_4, p.postcode, p.email, p.mobile,
           p.contact_is_private, p.deceased, p.online_account, p.registration)
          is distinct from
          (r.given_name, r.family_name, r.date_of_birth, r.address_line_1, r.address_line_2,
           r.address_line_3, r.address_line_4, r.postcode, r.email, r.mobile,
           r.contact_is_private, r.deceased, r.online_account, 'registered'::registration_status)
    returning p.id
    )
    insert into import_updated (patient_id) select id from changed`;
  return result.count;
}

/** True for a patient this import inserted: no earlier history to compare or replace. */
const insertedBy = (tx: Tx, importId: string) => tx`(p.last_import_id = ${importId} and p.created_at = now())`;

/**
 * Gives every patient this import inserted the file's codes, and replaces the
 * coded history of every patient already on the list whose codes differ from
 * the file's, noting those in import_recoded; returns how many it replaced.
 */
export async function replaceChangedCodes(tx: Tx, practiceId: string, importId: string): Promise<number> {
  // Signatures are compared only for patients who were on the list before:
  // on a first import that is nobody, and the comparison is most of the work.
  const changed = await tx`
    insert into import_recoded (patient_id)
    with file_patients as (
      select p.id, p.nhs_number from patients p
      join import_rows r on p.practice_id = ${practiceId} and p.nhs_number = r.nhs_number
      where ${insertedBy(tx, importId)} is not true
    ),
    incoming as (
      select c.nhs_number, string_agg(c.code || '|' || c.recorded_on || '|' || coalesce(c.recorded_at::text, ''),
                                      ',' order by c.code, c.recorded_on, c.recorded_at) as signature
      from import_codes c group by c.nhs_number
    ),
    current as (
      select e.patient_id, string_agg(e.code || '|' || e.recorded_on || '|' || coalesce(e.recorded_at::text, ''),
                                      ',' order by e.code, e.recorded_on, e.recorded_at) as signature
      from coded_entries e where e.practice_id = ${practiceId} group by e.patient_id
    )
    select f.id from file_patients f
    left join incoming i on i.nhs_number = f.nhs_number
    left join current c on c.patient_id = f.id
    where i.signature is distinct from c.signature
    on conflict do nothing`;
  if (changed.count > 0) {
    await tx`analyze import_recoded`;
    await tx`
      delete from coded_entries e using import_recoded x
      where e.practice_id = ${practiceId} and e.patient_id = x.patient_id`;
  }
  await tx`
    insert into coded_entries (practice_id, patient_id, code, recorded_on, recorded_at, source, import_id)
    select ${practiceId}, p.id, c.code, c.recorded_on, c.recorded_at, 'import', ${importId}
    from import_codes c join patients p on p.practice_id = ${practiceId} and p.nhs_number = c.nhs_number
    where ${insertedBy(tx, importId)} or exists (select 1 from import_recoded x where x.patient_id = p.id)`;
  return changed.count;
}

/** Patients already on the list that this import changed: new details, or a replaced coded history. */
export async function countUpdatedPatients(tx: Tx): Promise<number> {
  const [row] = await tx<{ n: number }[]>`
    select count(*)::int as n from (
      select patient_id from import_updated
      union
      select patient_id from import_recoded
    ) changed`;
  return row!.n;
}

/** Marks registered patients missing from the file as deregistered (kept, never messaged). */
export async function deregisterMissing(tx: Tx, practiceId: string, importId: string): Promise<number> {
  const result = await tx`
    update patients p set registration = 'deregistered', last_import_id = ${importId}, updated_at = now()
    where p.practice_id = ${practiceId} and p.registration = 'registered'
      and not exists (select 1 from import_rows r where r.nhs_number = p.nhs_number)
      and not exists (select 1 from import_seen s where s.nhs_number = p.nhs_number)`;
  return result.count;
}

export interface ImportRecord {
  practiceId: string;
  importedBy: string | null;
  fileName: string;
  fileSha256: string;
  format: "canonical" | "emis" | "systmone" | "mapped";
}

export async function insertImportRecord(tx: Tx, record: ImportRecord): Promise<string> {
  const [row] = await tx<{ id: string }[]>`
    insert into imports (practice_id, imported_by, file_name, file_sha256, format, status)
    values (${record.practiceId}, ${record.importedBy}, ${record.fileName}, ${record.fileSha256}, ${record.format}, 'committed')
    returning id`;
  return row!.id;
}

export async function completeImportRecord(
  tx: Tx,
  importId: string,
  outcome: {
    inserted: number;
    updated: number;
    unchanged: number;
    deregistered: number;
    /** Only the first rejections and warnings, as the outcome keeps them; the audit event has the totals. */
    rejected: readonly unknown[];
    warnings: readonly unknown[];
  },
): Promise<void> {
  await tx`
    update imports set inserted = ${outcome.inserted}, updated = ${outcome.updated},
      unchanged = ${outcome.unchanged}, deregistered = ${outcome.deregistered},
      rejected = ${JSON.stringify(outcome.rejected)}::jsonb, warnings = ${JSON.stringify(outcome.warnings)}::jsonb,
      committed_at = now()
    where id = ${importId}`;
}
