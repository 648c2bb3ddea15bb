import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative } from "node:path";
import { pipeline } from "node:stream/promises";
import { MANIFEST_FILE, type RunManifest } from "../manifest/manifest.ts";
import { Redactor } from "../secrets/redact.ts";

/**
 * The results folder: results.json, the JUnit reports as the runner wrote them, and
 * logs/<service>.log for every service. Only what prenv writes there is replaced.
 */
export class ResultsFolder {
  readonly dir: string;
  /** Secret values never reach a file of the folder. */
  readonly redactor: Redactor;

  constructor(dir: string, redactor: Redactor = new Redactor()) {
    this.dir = dir;
    this.redactor = redactor;
  }

  async reset(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await Promise.all(["results.json", MANIFEST_FILE, "junit", "logs"].map((p) => rm(join(this.dir, p), { recursive: true, force: true })));
  }

  async writeLogs(logs: Map<string, string>): Promise<void> {
    await mkdir(join(this.dir, "logs"), { recursive: true });
    await Promise.all([...logs].map(([service, text]) => writeFile(join(this.dir, "logs", `${safeName(service)}.log`), this.redactor.redact(text))));
  }

  /** Copies reports under junit/, keeping their paths relative to `base` when inside it. */
  async copyReports(reports: string[], base: string): Promise<string[]> {
    const copied: string[] = [];
    for (const report of reports) {
      const rel = relative(base, report);
      const target = join(this.dir, "junit", rel.startsWith("..") || isAbsolute(rel) ? basename(report) : rel);
      await mkdir(dirname(target), { recursive: true });
      // A failed test's message may quote a secret: reports are copied through the redactor.
      await pipeline(createReadStream(report), this.redactor.transform(), createWriteStream(target));
      copied.push(target);
    }
    return copied;
  }

  async writeJson(value: unknown, name = "results.json"): Promise<string> {
    const path = join(this.dir, name);
    await writeFile(path, `${JSON.stringify(this.redactor.redactDeep(value), null, 2)}\n`);
    return path;
  }

  /** The run manifest, beside results.json (it is in the logs artifact with it). */
  writeManifest(manifest: RunManifest): Promise<string> {
    return this.writeJson(manifest, MANIFEST_FILE);
  }
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, "_");
}
