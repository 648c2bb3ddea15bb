import { readFileSync } from "node:fs";
import { LineCounter, parseDocument, isAlias, isMap, isScalar, isSeq, type Document, type Node } from "yaml";
import { error } from "./errors.ts";
import type { Diagnostic, SourceLocation } from "./model.ts";

export type Path = readonly (string | number)[];

/**
 * A YAML file turned into plain values, remembering where each value and each
 * mapping key came from so that later checks can point at file:line:column.
 */
export interface YamlSource {
  file: string;
  value: unknown;
  /** Where the value at `path` starts; falls back to the nearest located ancestor. */
  locate(path: Path): SourceLocation;
  /** Where the key of the entry at `path` starts (the value's place when unknown). */
  locateKey(path: Path): SourceLocation;
}

const pathKey = (path: Path): string => JSON.stringify(path);
const MAX_ALIAS_DEPTH = 64;

export function parseYaml(file: string, text: string): { source?: YamlSource; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: false, uniqueKeys: true, prettyErrors: false, version: "1.2" });
  const at = (offset: number): SourceLocation => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    return {
      diagnostics: doc.errors.map((e) =>
        error(`invalid YAML: ${firstLine(e.message)}`, {
          location: at(errorOffset(text, e.code, e.message, e.pos[0])),
          hint: yamlHint(e.code, e.message),
        }),
      ),
    };
  }
  const values = new Map<string, SourceLocation>();
  const keys = new Map<string, SourceLocation>();
  const diagnostics: Diagnostic[] = [];
  const value = convert(doc, doc.contents, [], 0, { values, keys, at, diagnostics });
  const nearest = (table: Map<string, SourceLocation>, path: Path): SourceLocation => {
    for (let n = path.length; n >= 0; n--) {
      const hit = table.get(pathKey(path.slice(0, n))) ?? values.get(pathKey(path.slice(0, n)));
      if (hit) return hit;
    }
    return { file, line: 1, column: 1 };
  };
  return {
    source: {
      file,
      value: value ?? {},
      locate: (path) => nearest(values, path),
      locateKey: (path) => keys.get(pathKey(path)) ?? nearest(values, path),
    },
    diagnostics,
  };
}

interface Tables {
  values: Map<string, SourceLocation>;
  keys: Map<string, SourceLocation>;
  at(offset: number): SourceLocation;
  diagnostics: Diagnostic[];
}

function convert(doc: Document, node: unknown, path: Path, depth: number, t: Tables): unknown {
  if (node === null || node === undefined) return null;
  if (depth > MAX_ALIAS_DEPTH) {
    t.diagnostics.push(error("YAML aliases nest too deeply (a recursive alias?)", { location: t.values.get(pathKey(path)) }));
    return null;
  }
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (node.range && !t.values.has(pathKey(path))) t.values.set(pathKey(path), t.at(node.range[0]));
    return convert(doc, target, path, depth + 1, t);
  }
  const n = node as Node;
  if (n.range && !t.values.has(pathKey(path))) t.values.set(pathKey(path), t.at(n.range[0]));
  if (isScalar(node)) return node.value;
  if (isSeq(node)) return node.items.map((item, i) => convert(doc, item, [...path, i], depth, t));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const merges: unknown[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key;
      const key = isScalar(keyNode) ? keyNode.value : keyNode;
      if (key === "<<" && !(isScalar(keyNode) && keyNode.type !== "PLAIN")) {
        merges.push(pair.value);
        continue;
      }
      const name = String(key);
      const childPath = [...path, name];
      if (isScalar(keyNode) && keyNode.range) t.keys.set(pathKey(childPath), t.at(keyNode.range[0]));
      out[name] = convert(doc, pair.value, childPath, depth, t);
    }
    // Merge keys (`<<: *base`) fill in what the mapping does not set itself.
    for (const merge of merges) {
      const sources = isSeq(merge) ? merge.items : [merge];
      for (const src of sources) {
        const merged = convert(doc, src, path, depth + 1, t);
        if (merged === null || typeof merged !== "object" || Array.isArray(merged)) {
          t.diagnostics.push(
            error("a merge key (<<) must refer to a mapping or a list of mappings", {
              location: t.values.get(pathKey(path)),
              hint: "write `<<: *anchor` where the anchor names a mapping",
            }),
          );
          continue;
        }
        for (const [k, v] of Object.entries(merged)) if (!(k in out)) out[k] = v;
      }
    }
    return out;
  }
  return null;
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

/**
 * Where to point for a YAML error: the parser reports an unclosed quote at the end of the
 * text and a badly indented key at the start of its line; the opening quote and the key
 * itself are what the author has to look at.
 */
function errorOffset(text: string, code: string, message: string, offset: number): number {
  if (code === "MISSING_CHAR" && /closing "quote/.test(message)) {
    for (let i = Math.min(offset, text.length) - 1; i >= 0; i--) if (text[i] === '"' && text[i - 1] !== "\\") return i;
  }
  if (code === "MISSING_CHAR" && /closing 'quote/.test(message)) {
    for (let i = Math.min(offset, text.length) - 1; i >= 0; i--) {
      if (text[i] !== "'") continue;
      if (text[i - 1] === "'") i--;
      else return i;
    }
  }
  if (code === "BAD_INDENT") {
    let i = offset;
    while (text[i] === " ") i++;
    if (i < text.length && text[i] !== "\n" && (offset === 0 || text[offset - 1] === "\n")) return i;
  }
  return offset;
}

function yamlHint(code: string, message: string): string {
  if (/closing .?quote/.test(message)) return "close the quoted string with the same quote character it starts with";
  switch (code) {
    case "DUPLICATE_KEY":
      return "each key may appear once per mapping; remove or rename the repeated one";
    case "BAD_INDENT":
    case "MISSING_CHAR":
      return "check the indentation: keys of one mapping start in the same column, nested keys further right, with spaces, not tabs";
    case "TAB_AS_INDENT":
      return "YAML indentation must use spaces, not tabs";
    case "BLOCK_AS_IMPLICIT_KEY":
      return "a key may be missing its colon, or a value is indented under the wrong key";
    default:
      return "fix the YAML syntax at this position (quote values that contain ': ' or start with special characters)";
  }
}

/** Reads and parses a YAML file; what goes wrong (unreadable file, bad YAML) lands in `diagnostics`. */
export function readYaml(file: string, diagnostics: Diagnostic[]): YamlSource | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    diagnostics.push(error(`cannot read ${file}: ${(e as Error).message}`, { hint: "check the path and its permissions" }));
    return undefined;
  }
  const parsed = parseYaml(file, text);
  diagnostics.push(...parsed.diagnostics);
  return parsed.source;
}

/** A YAML mapping, as plain values. */
export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The value at `path`, or undefined when the path leads nowhere. */
export function valueAt(value: unknown, path: Path): unknown {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}
