import { Composer, LineCounter, Parser, YAMLParseError, isAlias, isMap, isNode, isScalar, isSeq, type Alias, type CST, type Document, type Node } from "yaml";
import { error } from "./errors.ts";
import { positionIn, readDefinitionText } from "./read-file.ts";
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
/** Aliases of aliases (or a recursive one) deeper than this are refused. */
const MAX_ALIAS_DEPTH = 64;
/** Mappings and lists nested deeper than this are refused; compose files nest about 6 deep. */
export const MAX_NESTING = 100;
/**
 * How many values aliases and merge keys may produce in one file, all expansions together.
 * Aliases of aliases multiply ("billion laughs"): nine levels of nine make 387 million
 * values from 400 bytes. Files that share a few blocks among many services produce
 * thousands.
 */
export const MAX_ALIAS_VALUES = 100_000;
/** The tags of YAML's core schema; anything else (!!binary, !!python/object, !reset) is refused. */
const CORE_TAGS = new Set(["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `tag:yaml.org,2002:${t}`));
/** C0 control characters other than tab, line feed and carriage return, and DEL: YAML does not allow them. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export function parseYaml(file: string, text: string): { source?: YamlSource; diagnostics: Diagnostic[] } {
  const control = CONTROL.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0);
    const what = code === 0 ? "a NUL byte (is it a binary file?)" : `the control character U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
    return { diagnostics: [error(`invalid YAML: the file contains ${what}`, { location: positionIn(file, text, control.index), hint: "YAML is text: remove the character, or name the right file" })] };
  }
  const lineCounter = new LineCounter();
  const at = (offset: number): SourceLocation => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  // The parser keeps its own stack, the composer recurses: nesting is checked in between.
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const tooDeep = deepestCollection(tokens);
  if (tooDeep !== undefined) {
    return {
      diagnostics: [error(`invalid YAML: mappings and lists are nested too deeply (more than ${MAX_NESTING} levels)`, { location: at(tooDeep), hint: "a definition nests a few levels; check for unclosed [ or { brackets, or generate flatter data" })],
    };
  }
  // uniqueKeys: the library's check compares each key with all before it (quadratic); convert() uses a set.
  const [doc, second] = new Composer({ merge: false, uniqueKeys: false, prettyErrors: false, version: "1.2" }).compose(tokens, true, text.length);
  if (!doc) return { diagnostics: [] };
  const errors = second ? [...doc.errors, new YAMLParseError([second.range[0], second.range[0]], "MULTIPLE_DOCS", "Source contains multiple documents")] : doc.errors;
  if (errors.length > 0) {
    return {
      diagnostics: errors.map((e) =>
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
  const tables: Tables = { text, values, keys, at, diagnostics, aliasValues: 0 };
  let value: unknown;
  try {
    value = convert(doc, doc.contents, [], 0, undefined, tables);
  } catch (e) {
    if (!(e instanceof AliasBudgetExceeded)) throw e;
    const name = e.alias.source;
    return {
      diagnostics: [
        error(`YAML aliases expand to more than ${MAX_ALIAS_VALUES.toLocaleString("en-US")} values; this expansion of *${name} is where the limit is passed`, {
          ...(e.alias.range ? { location: at(e.alias.range[0]) } : {}),
          hint: "aliases of aliases multiply (a \"billion laughs\" file); share blocks with one level of aliases, or write the values out",
        }),
      ],
    };
  }
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

/** The offset of the first collection nested deeper than MAX_NESTING, walking the syntax tree without recursion. */
function deepestCollection(tokens: readonly CST.Token[]): number | undefined {
  const stack: [CST.Token | null | undefined, number][] = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (!token) continue;
    if (token.type === "document") stack.push([token.value, depth]);
    else if (token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection") {
      if (depth >= MAX_NESTING) return token.offset;
      for (const item of token.items) stack.push([item.key, depth + 1], [item.value, depth + 1]);
    }
  }
  return undefined;
}

/** Thrown out of convert() to stop an expansion at once; parseYaml turns it into a finding. */
class AliasBudgetExceeded extends Error {
  readonly alias: Alias;
  constructor(alias: Alias) {
    super("alias budget exceeded");
    this.alias = alias;
  }
}

interface Tables {
  text: string;
  values: Map<string, SourceLocation>;
  keys: Map<string, SourceLocation>;
  at(offset: number): SourceLocation;
  diagnostics: Diagnostic[];
  /** Values produced so far by expanding aliases and merge keys. */
  aliasValues: number;
}

/**
 * A YAML node as plain values. `expanding` is the outermost alias being expanded, if any:
 * every value produced under it counts against MAX_ALIAS_VALUES.
 */
function convert(doc: Document, node: unknown, path: Path, depth: number, expanding: Alias | undefined, t: Tables): unknown {
  if (node === null || node === undefined) return null;
  const here = () => t.values.get(pathKey(path));
  if (depth > MAX_ALIAS_DEPTH) {
    t.diagnostics.push(error("YAML aliases nest too deeply (a recursive alias?)", { location: here(), hint: "an anchor may not refer to itself, directly or through other anchors" }));
    return null;
  }
  if (path.length > MAX_NESTING) {
    t.diagnostics.push(error(`mappings and lists are nested too deeply (more than ${MAX_NESTING} levels, with aliases expanded)`, { location: here(), hint: "an anchor that contains an alias of itself nests without end; break the loop" }));
    return null;
  }
  if (expanding && ++t.aliasValues > MAX_ALIAS_VALUES) throw new AliasBudgetExceeded(expanding);
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (node.range && !t.values.has(pathKey(path))) t.values.set(pathKey(path), t.at(node.range[0]));
    return convert(doc, target, path, depth + 1, expanding ?? node, t);
  }
  const n = node as Node;
  if (n.range && !t.values.has(pathKey(path))) t.values.set(pathKey(path), t.at(n.range[0]));
  if (n.tag !== undefined && !CORE_TAGS.has(n.tag)) {
    const tag = n.tag.replace(/^tag:yaml\.org,2002:/, "!!");
    t.diagnostics.push(
      error(`the YAML tag ${tag} is not supported`, {
        location: n.range ? t.at(tagStart(t.text, n.range[0])) : here(),
        hint: tag === "!reset" || tag === "!override" ? "prenv does not support Compose's !reset and !override yet; change the base file instead" : "a definition is plain data: remove the tag (quote the value if it must stay a string)",
      }),
    );
    return null;
  }
  if (isScalar(node)) return node.value;
  if (isSeq(node)) return node.items.map((item, i) => convert(doc, item, [...path, i], depth, expanding, t));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const merges: unknown[] = [];
    const seen = new Map<string, Node>();
    for (const pair of node.items) {
      const keyNode = pair.key;
      const key = isScalar(keyNode) ? keyNode.value : keyNode;
      if (key === "<<" && !(isScalar(keyNode) && keyNode.type !== "PLAIN")) {
        merges.push(pair.value);
        continue;
      }
      const keyAt = isNode(keyNode) && keyNode.range ? t.at(keyNode.range[0]) : here();
      const resolvedKey = isAlias(keyNode) ? keyNode.resolve(doc) : keyNode;
      if (!isScalar(resolvedKey)) {
        t.diagnostics.push(error(`a mapping key must be a string, not ${isSeq(resolvedKey) ? "a list" : isMap(resolvedKey) ? "a mapping" : "empty"}`, { location: keyAt, hint: "write a plain name before the colon (quote it if it contains special characters)" }));
        continue;
      }
      const name = String(resolvedKey.value);
      const earlier = seen.get(name);
      if (earlier) {
        const first = earlier.range ? ` (first at line ${t.at(earlier.range[0]).line})` : "";
        t.diagnostics.push(error(`invalid YAML: Map keys must be unique; "${shorten(name)}" appears twice in this mapping${first}`, { location: keyAt, hint: yamlHint("DUPLICATE_KEY", "") }));
        continue;
      }
      seen.set(name, resolvedKey);
      const childPath = [...path, name];
      if (keyAt) t.keys.set(pathKey(childPath), keyAt);
      out[name] = convert(doc, pair.value, childPath, depth, expanding, t);
    }
    // Merge keys (`<<: *base`) fill in what the mapping does not set itself.
    for (const merge of merges) {
      const sources = isSeq(merge) ? merge.items : [merge];
      for (const src of sources) {
        const merged = convert(doc, src, path, depth + 1, expanding, t);
        if (merged === null || typeof merged !== "object" || Array.isArray(merged)) {
          t.diagnostics.push(
            error("a merge key (<<) must refer to a mapping or a list of mappings", {
              location: here(),
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

/** The node's range starts after its tag: back over the blank and the tag to point at the tag. */
function tagStart(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && /[ \t]/.test(text[i - 1]!)) i--;
  while (i > 0 && !/\s/.test(text[i - 1]!)) i--;
  return text[i] === "!" ? i : offset;
}

/** A key or value as it may appear in a message: long ones are cut. */
export function shorten(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
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
    case "KEY_OVER_1024_CHARS":
      return "a key on one line may be at most 1024 characters long; shorten it";
    case "TAB_AS_INDENT":
      return "YAML indentation must use spaces, not tabs";
    case "BLOCK_AS_IMPLICIT_KEY":
      return "a key may be missing its colon, or a value is indented under the wrong key";
    default:
      return "fix the YAML syntax at this position (quote values that contain ': ' or start with special characters)";
  }
}

/** Reads and parses a YAML file; what goes wrong (unreadable file, bad YAML) lands in `diagnostics`. */
export function readYaml(file: string, diagnostics: Diagnostic[], what = "definition file", at?: SourceLocation): YamlSource | undefined {
  const text = readDefinitionText(file, what, diagnostics, at);
  if (text === undefined) return undefined;
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
