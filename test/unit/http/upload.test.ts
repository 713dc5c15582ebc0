import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { receiveFileUpload } from "../../../app/http/upload.server";

describe("receiveFileUpload", () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), "portal-upload-"));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  const post = (form: FormData) => new Request("http://localhost/staff/import", { method: "POST", body: form });
  const receive = (form: FormData, maxBytes = 1024) => receiveFileUpload(post(form), { field: "patientList", directory, maxBytes });

  it("writes the file to disk under a random name, keeping its own name and the text fields", async () => {
    const form = new FormData();
    form.append("patientList", new File(["nhs_number\r\n9434765919\r\n"], "../../Riverside list.csv", { type: "text/csv" }));
    form.append("format", "emis");
    const received = await receive(form);
    if (!received.ok) throw new Error(received.problem);
    expect(received.file).toMatchObject({ fileName: "Riverside list.csv", size: 24 });
    expect(path.dirname(received.file!.filePath)).toBe(directory);
    expect(path.basename(received.file!.filePath)).toMatch(/^[0-9a-f]{32}\.csv$/);
    expect(readFileSync(received.file!.filePath, "utf8")).toBe("nhs_number\r\n9434765919\r\n");
    expect(received.fields.get("format")).toBe("emis");
    expect(received.fields.has("patientList")).toBe(false);
  });

  it("gives no file when none was chosen, and ignores files in other fields", async () => {
    const form = new FormData();
    form.append("patientList", new File([], ""), "");
    form.append("other", new File(["x"], "other.csv"));
    form.append("format", "canonical");
    const received = await receive(form);
    expect(received).toMatchObject({ ok: true, file: null });
    expect(readdirSync(directory)).toEqual([]);
  });

  it("refuses a file over the limit and leaves nothing on disk", async () => {
    const form = new FormData();
    form.append("patientList", new File(["x".repeat(5000)], "big.csv"));
    expect(await receive(form)).toEqual({ ok: false, problem: "too-large" });
    expect(readdirSync(directory)).toEqual([]);
  });

  it("removes a written file when a later field is too long", async () => {
    const form = new FormData();
    form.append("patientList", new File(["a,b\r\n"], "list.csv"));
    form.append("format", "x".repeat(70 * 1024));
    expect(await receive(form)).toEqual({ ok: false, problem: "too-large" });
    expect(readdirSync(directory)).toEqual([]);
  });

  it("says so when the body is not a multipart form", async () => {
    const request = new Request("http://localhost/staff/import", { method: "POST", body: new URLSearchParams({ format: "emis" }) });
    expect(await receiveFileUpload(request, { field: "patientList", directory, maxBytes: 1024 })).toEqual({ ok: false, problem: "not-multipart" });
  });
});
