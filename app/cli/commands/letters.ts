import { createWriteStream } from "node:fs";
import { readFile, rename, rm } from "node:fs/promises";
import { parseArgs } from "node:util";
import { practiceIdByOdsCode, practiceOfCampaign } from "../../services/campaigns.server";
import {
  prepareCampaignLetters,
  prepareRegistrationLetters,
  readRegistrationCsv,
  type LetterProblem,
  type PreparedResult,
} from "../../services/letters.server";
import { CliError } from "../cli-error";
import { printLine } from "../output";

export const lettersUsage =
  "letters registration --practice CODE FILE -o OUT.pdf [--large-print] | letters campaign --campaign ID -o OUT.pdf [--large-print]";

const options = {
  practice: { type: "string" },
  campaign: { type: "string" },
  output: { type: "string", short: "o" },
  "large-print": { type: "boolean" },
} as const;

function refuse(problems: LetterProblem[]): never {
  throw new CliError(["No letters were produced:", ...problems.map((p) => `  ${p.message}`)].join("\n"));
}

/** Writes the PDF beside OUT first, so a failure never leaves half a batch where the letters should be. */
async function writeTo(path: string, result: PreparedResult): Promise<void> {
  if (!result.ok) refuse(result.problems);
  const partial = `${path}.part`;
  try {
    const { pages } = await result.letters.write(createWriteStream(partial));
    await rename(partial, path);
    printLine(`Wrote ${result.letters.count} letter${result.letters.count === 1 ? "" : "s"} (${pages} page${pages === 1 ? "" : "s"}) to ${path}.`);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** Produces a batch of letters as one PDF; audited as the command line. */
export async function lettersCommand(args: string[]): Promise<void> {
  const [kind, ...rest] = args;
  if (kind !== "registration" && kind !== "campaign") throw new CliError(`letters needs registration or campaign. Usage:\n  ${lettersUsage}`);
  const { values, positionals } = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  if (!values.output) throw new CliError("letters needs -o OUT.pdf: where to write the letters.");
  const largePrint = values["large-print"] ?? false;

  if (kind === "registration") {
    if (!values.practice) throw new CliError("letters registration needs --practice.");
    const [file] = positionals;
    if (!file || positionals.length > 1) throw new CliError(`letters registration needs one CSV file. Usage:\n  ${lettersUsage}`);
    const odsCode = values.practice.toUpperCase();
    const practiceId = await practiceIdByOdsCode(odsCode);
    if (!practiceId) throw new CliError(`There is no practice with ODS code ${odsCode}.`);
    const text = await readFile(file, "utf8").catch(() => {
      throw new CliError(`Could not read ${file}.`);
    });
    const read = readRegistrationCsv(text);
    if (!read.ok) refuse(read.problems);
    await writeTo(values.output, await prepareRegistrationLetters({ practiceId, staffId: null, role: "cli" }, read.rows, { largePrint }));
    return;
  }

  if (!values.campaign) throw new CliError("letters campaign needs --campaign ID.");
  const practiceId = /^[0-9a-f-]{36}$/i.test(values.campaign) ? await practiceOfCampaign(values.campaign) : null;
  if (!practiceId) throw new CliError(`There is no campaign ${values.campaign}.`);
  const prepared = await prepareCampaignLetters({ practiceId, staffId: null, role: "cli" }, values.campaign, { largePrint });
  if (!prepared) throw new CliError(`There is no campaign ${values.campaign}.`);
  await writeTo(values.output, prepared);
}
