import type postgres from "postgres";

// Reconciliation: a decision's code counts in the patient's effective access
// state until an import shows it; from then on the import's own entry does.

/**
 * Marks confirmed by this import every unconfirmed decision of the practice
 * whose patient the file shows with the code the decision asked for, recorded
 * on or after the UK day it was decided. Runs inside the import's transaction,
 * after coded histories are replaced: import_rows (the file's valid rows) is
 * that transaction's staging table, so a patient missing from the file, or
 * whose row was rejected, confirms nothing on an entry an earlier file gave.
 * Returns how many decisions it confirmed.
 */
export async function confirmDecisionsShownByImport(tx: postgres.TransactionSql, practiceId: string, importId: string): Promise<number> {
  const result = await tx`
    update decisions d set confirmed_by_import_id = ${importId}, confirmed_at = now()
    where d.practice_id = ${practiceId}
      and d.confirmed_at is null
      and d.superseded_at is null
      and d.code_to_enter is not null
      and d.patient_id is not null
      and exists (
        select 1 from coded_entries e
        join patients p on p.id = e.patient_id and p.practice_id = ${practiceId}
        join import_rows r on r.nhs_number = p.nhs_number
        where e.practice_id = ${practiceId}
          and e.patient_id = d.patient_id
          and e.code = d.code_to_enter
          and e.recorded_on >= (d.decided_at at time zone 'Europe/London')::date
      )`;
  return result.count;
}
