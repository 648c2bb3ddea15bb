import { createWriteStream, mkdirSync } from "node:fs";
import { copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import type { Transform, Writable } from "node:stream";
import { basename, dirname, isAbsolute, join, relative } from "node:path";
import type { OutputSink } from "../engine/logs.ts";

export interface ResultsFolderOptions {
  /** Applied to every output written here and to the tails reports keep (secret masking, say). */
  transform?: () => Transform;
}

/**
 * The results folder: results.json, the JUnit reports as the runner wrote them, and
 * logs/<service>.log for every service, logs/prenv/ for the outputs of setup steps and
 * the test command. Only what prenv writes there is replaced.
 */
export class ResultsFolder implements OutputSink {
  readonly dir: string;
  readonly transform?: () => Transform;

  constructor(dir: string, options: ResultsFolderOptions = {}) {
    this.dir = dir;
    if (options.transform) this.transform = options.transform;
  }

  async reset(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await Promise.all(["results.json", "junit", "logs"].map((p) => rm(join(this.dir, p), { recursive: true, force: true })));
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
      await copyFile(report, target);
      copied.push(target);
    }
    return copied;
  }

  async writeJson(value: unknown): Promise<string> {
    const path = join(this.dir, "results.json");
    await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
    return path;
  }
}
