import { parseArgs } from "node:util";
import { EXCLUSION_LABELS } from "../../domain/campaign-cohort";
import { templateName } from "../../domain/message-templates";
import {
  createCampaign,
  getCampaignProgress,
  parseCampaignTemplate,
  practiceIdByOdsCode,
  practiceOfCampaign,
  sendCampaign,
} from "../../services/campaigns.server";
import { CliError } from "../cli-error";
import { printJson, printLine } from "../output";

export const campaignUsage = [
  "campaign create --practice CODE --template KEY [--json]",
  "campaign send --id ID [--ignore-sending-hours] [--confirm-opt-in-invitation]",
  "campaign status --id ID [--json]",
].join("\n  ");

const CLI_ACTOR = { id: null, role: "cli" } as const;

export async function campaignCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  switch (action) {
    case "create":
      return create(rest);
    case "send":
      return send(rest);
    case "status":
      return status(rest);
    default:
      throw new CliError(`campaign needs one of create, send or status. Usage:\n  ${campaignUsage}`);
  }
}

async function create(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { practice: { type: "string" }, template: { type: "string" }, json: { type: "boolean", default: false } },
    strict: true,
  });
  if (!values.practice || !values.template) throw new CliError("campaign create needs --practice and --template.");
  const practiceId = await practiceIdByOdsCode(values.practice.toUpperCase());
  if (!practiceId) throw new CliError(`There is no practice with ODS code ${values.practice.toUpperCase()}.`);
  const template = parseCampaignTemplate(values.template);
  if (!template.ok) throw new CliError(template.error);
  const created = await createCampaign({ practiceId, templateKey: template.templateKey, actor: CLI_ACTOR });
  if (values.json) {
    printJson(created);
    return;
  }
  printLine(`Campaign ${created.id} (${templateName(template.templateKey)}): ${created.recipients} by email, ${created.letters} need a letter.`);
  for (const [reason, count] of Object.entries(created.excluded)) {
    if (count > 0) printLine(`  not sent: ${EXCLUSION_LABELS[reason as keyof typeof EXCLUSION_LABELS]}: ${count}`);
  }
  printLine(`Send it with: npm run --silent cli -- campaign send --id ${created.id}`);
}

async function campaignPractice(id: string | undefined, command: string): Promise<{ id: string; practiceId: string }> {
  if (!id) throw new CliError(`campaign ${command} needs --id.`);
  const practiceId = await practiceOfCampaign(id);
  if (!practiceId) throw new CliError(`There is no campaign with id ${id}.`);
  return { id, practiceId };
}

async function send(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      id: { type: "string" },
      "ignore-sending-hours": { type: "boolean", default: false },
      "confirm-opt-in-invitation": { type: "boolean", default: false },
    },
    strict: true,
  });
  const campaign = await campaignPractice(values.id, "send");
  const result = await sendCampaign({
    practiceId: campaign.practiceId,
    campaignId: campaign.id,
    actor: CLI_ACTOR,
    when: "now",
    ignoreSendingHours: values["ignore-sending-hours"],
    confirmedOptInInvitation: values["confirm-opt-in-invitation"],
  });
  if (!result.ok) {
    const flag = { "needs-confirmation": "--confirm-opt-in-invitation", "outside-sending-hours": "--ignore-sending-hours" }[result.reason as string];
    throw new CliError(flag ? `${result.error.replace(/\.$/, "")} (${flag}).` : result.error);
  }
  printLine(`Campaign ${campaign.id} is queued: the worker is sending it.`);
}

async function status(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { id: { type: "string" }, json: { type: "boolean", default: false } }, strict: true });
  const campaign = await campaignPractice(values.id, "status");
  const progress = await getCampaignProgress(campaign.practiceId, campaign.id);
  if (!progress) throw new CliError(`There is no campaign with id ${campaign.id}.`);
  const { counts } = progress;
  const summary = {
    queued: counts.queued,
    sending: counts.sending,
    sent: counts.sent,
    failed: counts.technicalFailure + counts.permanentFailure,
    unknown: counts.unknown,
    letters: counts.letters,
  };
  if (values.json) {
    printJson(summary);
    return;
  }
  printLine(`Campaign ${campaign.id} (${templateName(progress.campaign.templateKey)}): ${progress.campaign.status}.`);
  for (const [name, n] of Object.entries(summary)) printLine(`  ${name.padEnd(8)} ${String(n).padStart(8)}`);
}
