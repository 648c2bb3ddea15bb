import { createReadStream, createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { mkdir, readFile, rm, rmdir } from "node:fs/promises";
import type { Transform, Writable } from "node:stream";
import { basename, dirname, isAbsolute, join, relative } from "node:path";
import { pipeline } from "node:stream/promises";
import type { OutputSink } from "../engine/logs.ts";
import { MANIFEST_FILE, type RunManifest } from "../manifest/manifest.ts";
import { Redactor } from "../secrets/redact.ts";

/** Lists what prenv wrote in the folder, so that the next run removes that and only that. */
export const INDEX_FILE = ".prenv-files.json";

/**
 * The results folder: results.json, the run manifest, the JUnit reports as the runner
 * wrote them, logs/<service>.log for every service, logs/prenv/ for the outputs of setup
 * steps and the test command. The folder may be the user's own (`--results-dir .`): only
 * files prenv wrote there, as its index lists them, are ever removed. Every file passes
 * through the redactor: secret values never reach one.
 */
export class ResultsFolder implements OutputSink {
  readonly dir: string;
  readonly redactor: Redactor;
  readonly transform: () => Transform;
  private readonly written = new Set<string>();

  constructor(dir: string, redactor: Redactor = new Redactor()) {
    this.dir = dir;
    this.redactor = redactor;
    this.transform = () => redactor.transform();
  }

  async reset(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const index = join(this.dir, INDEX_FILE);
    const listed = await readFile(index, "utf8").then((t) => JSON.parse(t) as unknown, () => []);
    const files = Array.isArray(listed) ? listed.filter((f): f is string => typeof f === "string" && !isAbsolute(f) && !f.split(/[/\\]/).includes("..")) : [];
    await Promise.all(files.map((f) => rm(join(this.dir, f), { force: true })));
    // Folders prenv made go when they are empty; one holding the user's files stays.
    const folders = [...new Set(files.flatMap((f) => ancestors(f)))].sort((a, b) => b.length - a.length);
    for (const folder of folders) await rmdir(join(this.dir, folder)).catch(() => undefined);
    await rm(index, { force: true });
  }

  /** What this run wrote here, sorted: never the user's own files. */
  files(): string[] {
    return [...this.written].sort().map((f) => join(this.dir, f));
  }

  /** A file of the folder, by its path there ("logs/api.log"), to stream an output into. */
  open(file: string): Writable {
    const path = join(this.dir, file);
    const rel = relative(this.dir, path);
    if (rel.startsWith("..") || isAbsolute(rel)) throw new Error(`prenv: ${file} is outside the results folder`);
    mkdirSync(dirname(path), { recursive: true });
    this.record(path);
    return createWriteStream(path);
  }

  /** Copies reports under junit/, keeping their paths relative to the first of `bases` they are inside. */
  async copyReports(reports: string[], ...bases: string[]): Promise<string[]> {
    const copied: string[] = [];
    const inside = (rel: string) => !rel.startsWith("..") && !isAbsolute(rel);
    for (const report of reports) {
      const rel = bases.map((b) => relative(b, report)).find(inside);
      const target = join(this.dir, "junit", rel ?? basename(report));
      await mkdir(dirname(target), { recursive: true });
      this.record(target);
      // A failed test's message may quote a secret: reports are copied through the redactor.
      await pipeline(createReadStream(report), this.redactor.transform(), createWriteStream(target));
      copied.push(target);
    }
    return copied;
  }

  async writeJson(value: unknown, name = "results.json"): Promise<string> {
    const path = join(this.dir, name);
    this.record(path);
    writeFileSync(path, `${JSON.stringify(this.redactor.redactDeep(value), null, 2)}\n`);
    return path;
  }

  /** The run manifest, beside results.json (it is in the logs artifact with it). */
  writeManifest(manifest: RunManifest): Promise<string> {
    return this.writeJson(manifest, MANIFEST_FILE);
  }

  /** Notes a file as prenv's, in the index, before it is written. */
  private record(path: string): void {
    this.written.add(relative(this.dir, path));
    writeFileSync(join(this.dir, INDEX_FILE), `${JSON.stringify([...this.written].sort(), null, 2)}\n`);
  }
}

/** "junit/a/b.xml" -> ["junit/a", "junit"]. */
function ancestors(file: string): string[] {
  const out: string[] = [];
  for (let d = dirname(file); d !== "." && d !== "/" && d !== ""; d = dirname(d)) out.push(d);
  return out;
}
