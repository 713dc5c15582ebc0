import { sql, type SQL } from "drizzle-orm";

// Names compared in SQL the way normaliseName (app/domain/identity-match.ts)
// compares them in TypeScript: no case, no accents, no apostrophes. Parts
// stay apart, with a leading space, so `like '% smith%'` finds "Smith" at the
// start of any part of "Anne O'Brien-Smith".

const ACCENTED = "àáâãäåāăąèéêëēėęěìíîïīįòóôõöōőùúûüūůűųýÿŷŵçćčñńňśšşźžżďťŕřğ";
// Each accented letter's base letter, worked out the same way normaliseName does.
const PLAIN = [...ACCENTED].map((c) => c.normalize("NFKD").replace(/\p{M}/gu, "")).join("");
if (PLAIN.length !== [...ACCENTED].length) throw new Error("Every accented letter must have a one-letter base");

export function normalisedNameSql(name: SQL): SQL {
  return sql`(' ' || regexp_replace(regexp_replace(translate(lower(${name}), ${ACCENTED}::text, ${PLAIN}::text), '[''’‘\`]', '', 'g'), '[[:space:].,-]+', ' ', 'g'))`;
}

/** A date of birth typed into the three boxes of a form (`jsonb` with dateOfBirthDay, …Month, …Year), as YYYY-MM-DD. */
export function typedDateOfBirthSql(answers: SQL): SQL {
  return sql`(btrim(${answers} ->> 'dateOfBirthYear') || '-' || lpad(btrim(${answers} ->> 'dateOfBirthMonth'), 2, '0') || '-' || lpad(btrim(${answers} ->> 'dateOfBirthDay'), 2, '0'))`;
}
