import { copyFile, mkdir, readFile, rm, rmdir, writeFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative } from "node:path";

/** Lists what prenv wrote in the folder, so that the next run removes that and only that. */
export const INDEX_FILE = ".prenv-files.json";

/**
 * The results folder: results.json, the JUnit reports as the runner wrote them, and
 * logs/<service>.log for every service. The folder may be the user's own (`--results-dir
 * .`): only files prenv wrote there, as its index lists them, are ever removed.
 */
export class ResultsFolder {
  readonly dir: string;
  private readonly written = new Set<string>();

  constructor(dir: string) {
    this.dir = dir;
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

  /** Notes files as prenv's, in the index, before they are written. */
  private async record(paths: string[]): Promise<void> {
    for (const p of paths) this.written.add(relative(this.dir, p));
    await writeFile(join(this.dir, INDEX_FILE), `${JSON.stringify([...this.written].sort(), null, 2)}\n`);
  }

  async writeLogs(logs: Map<string, string>): Promise<void> {
    await mkdir(join(this.dir, "logs"), { recursive: true });
    const path = (service: string) => join(this.dir, "logs", `${safeName(service)}.log`);
    await this.record([...logs.keys()].map(path));
    await Promise.all([...logs].map(([service, text]) => writeFile(path(service), text)));
  }

  /** Copies reports under junit/, keeping their paths relative to the first of `bases` they are inside. */
  async copyReports(reports: string[], ...bases: string[]): Promise<string[]> {
    const copied: string[] = [];
    const inside = (rel: string) => !rel.startsWith("..") && !isAbsolute(rel);
    for (const report of reports) {
      const rel = bases.map((b) => relative(b, report)).find(inside);
      const target = join(this.dir, "junit", rel ?? basename(report));
      await mkdir(dirname(target), { recursive: true });
      await this.record([target]);
      await copyFile(report, target);
      copied.push(target);
    }
    return copied;
  }

  async writeJson(value: unknown): Promise<string> {
    const path = join(this.dir, "results.json");
    await this.record([path]);
    await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
    return path;
  }
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, "_");
}

/** "junit/a/b.xml" -> ["junit/a", "junit"]. */
function ancestors(file: string): string[] {
  const out: string[] = [];
  for (let d = dirname(file); d !== "." && d !== "/" && d !== ""; d = dirname(d)) out.push(d);
  return out;
}
