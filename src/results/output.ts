import { createReadStream, createWriteStream, mkdirSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import type { Transform, Writable } from "node:stream";
import { basename, dirname, isAbsolute, join, relative } from "node:path";
import { pipeline } from "node:stream/promises";
import type { OutputSink } from "../engine/logs.ts";
import { MANIFEST_FILE, type RunManifest } from "../manifest/manifest.ts";
import { Redactor } from "../secrets/redact.ts";

/**
 * The results folder: results.json, the JUnit reports as the runner wrote them, and
 * logs/<service>.log for every service, logs/prenv/ for the outputs of setup steps and
 * the test command. Only what prenv writes there is replaced.
 */
export class ResultsFolder implements OutputSink {
  readonly dir: string;
  /** Secret values never reach a file of the folder, nor the tails reports keep. */
  readonly redactor: Redactor;
  readonly transform: () => Transform;

  constructor(dir: string, redactor: Redactor = new Redactor()) {
    this.dir = dir;
    this.redactor = redactor;
    this.transform = () => redactor.transform();
  }

  async reset(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await Promise.all(["results.json", MANIFEST_FILE, "junit", "logs"].map((p) => rm(join(this.dir, p), { recursive: true, force: true })));
  }

  /** A file of the folder, by its path there ("logs/api.log"), to stream an output into. */
  open(file: string): Writable {
    const path = join(this.dir, file);
    const rel = relative(this.dir, path);
    if (rel.startsWith("..") || isAbsolute(rel)) throw new Error(`prenv: ${file} is outside the results folder`);
    mkdirSync(dirname(path), { recursive: true });
    return createWriteStream(path);
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
