import { inWords, UPLOADS } from "../http/body-limits";
import type { ImportFileFormat } from "../services/patient-import.server";

// Every sentence managers read on the patient-list import pages.

const count = (n: number, one: string, many: string) => `${n.toLocaleString("en-GB")} ${n === 1 ? one : many}`;

// The limit server/app.ts and the upload itself enforce, in the words the page states.
const maxUpload = inWords(UPLOADS.patientList.fileBytes);

export const importContent = {
  upload: {
    title: "Import the patient list",
    intro:
      "Upload the patient list exported from your clinical system. You will see what it would change, and can check the rows it cannot use, before anything is imported.",
    fileLabel: "Patient list (CSV)",
    fileHint: `A CSV file of the whole practice list, up to ${maxUpload}.`,
    formatLegend: "Where is the file from?",
    formats: {
      canonical: {
        label: "Canonical CSV",
        hint: "The portal's own columns: nhs_number, given_name, family_name, date_of_birth, and any of the optional ones",
      },
      emis: { label: "EMIS Web", hint: "A patient search exported from EMIS Web, with its usual column headings" },
      systmone: { label: "SystmOne", hint: "A report exported from TPP SystmOne, with its usual column headings" },
    } satisfies Record<ImportFileFormat, { label: string; hint: string }>,
    button: "Upload and preview",
    noFile: "Select a CSV file",
    emptyFile: "The selected file is empty",
    tooLarge: `The selected file must be smaller than ${maxUpload}`,
    notAForm: "The file could not be received: choose it again and upload it",
    noFormat: "Select where the file is from",
  },
  job: {
    previewingTitle: "Checking the file",
    importingTitle: "Importing the patient list",
    fileLine: (fileName: string, format: string) => `${fileName} (${format})`,
    progressLabel: "How much of the file has been read",
    progressText: (percent: number, rows: number) => `${percent}% read, ${count(rows, "row", "rows")} so far`,
    applyingPreview: "Every row has been read: working out what would change.",
    applyingImport: "Every row has been read: saving the changes.",
    previewingNote: "Nothing is changed while the file is checked.",
    refreshing: "This page updates itself every 2 seconds.",
    stopRefreshing: "Stop updating this page automatically",
    checkProgress: "Check progress",
    previewedTitle: "Check the changes before you import",
    previewedIntro: "Nothing has been changed yet. Importing this file would make these changes:",
    counts: {
      inserted: "New patients",
      updated: "Updated",
      unchanged: "Unchanged",
      deregistered: "No longer registered",
      rejected: "Rows rejected (not imported)",
      warnings: "Warnings",
    },
    rejectedNote: "Rejected rows are left out and everything else is imported. Correct them in the clinical system before the next import.",
    rejectedCaption: (shown: number, total: number) =>
      shown < total ? `The first ${shown} of ${count(total, "rejected row", "rejected rows")}` : count(total, "rejected row", "rejected rows"),
    warningsCaption: (shown: number, total: number) =>
      shown < total ? `The first ${shown} of ${count(total, "warning", "warnings")}` : count(total, "warning", "warnings"),
    issueHead: ["Row", "Column", "Problem"],
    report: "Download the full report of rejected rows and warnings (CSV)",
    confirm: "Confirm and import",
    cancel: "Cancel",
    importedTitle: "Patient list imported",
    importedHeading: "What the import changed",
    importedSummary: (o: { inserted: number; updated: number; unchanged: number; deregistered: number }) =>
      `${count(o.inserted, "new patient", "new patients")}, ${o.updated.toLocaleString("en-GB")} updated, ${o.unchanged.toLocaleString("en-GB")} unchanged, ${o.deregistered.toLocaleString("en-GB")} no longer registered.`,
    importedIssues: (rejected: number, warnings: number) =>
      `${count(rejected, "row was", "rows were")} rejected and there ${warnings === 1 ? "was" : "were"} ${count(warnings, "warning", "warnings")}.`,
    importAnother: "Import another file",
    failedPreviewTitle: "This file cannot be imported",
    failedImportTitle: "The patient list was not imported",
    nothingChanged: "Nothing has been changed.",
    uploadAgain: "Upload a file",
    shrink: {
      heading: "If the list really is this much shorter",
      body: "If you are sure this is the practice's whole list (after a list clean-up, say), you can preview it again allowing it. The patients missing from it will be marked as no longer registered: kept, but never sent messages.",
      button: "Preview again, allowing this",
    },
  },
};
