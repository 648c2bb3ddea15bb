/**
 * Reads one JUnit XML report into the normalized model, whatever tool wrote it: Jest
 * (jest-junit), Vitest, pytest (xunit1 and xunit2), gotestsum, go-junit-report, Maven
 * Surefire (with its rerun and flaky elements), and the many tools that follow them.
 *
 * Safety: DTDs are refused outright (no `<!DOCTYPE>`/`<!ENTITY>`, so no entity expansion
 * and no external entities), the XML parser expands no entity at all (this module decodes
 * the five predefined ones and character references itself), and nothing in a report is
 * ever evaluated. Work on stack traces is bounded (lines scanned and their length).
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { ReportProblem, TestCaseResult, TestStatus } from "./model.ts";

export interface ParsedReport {
  cases: TestCaseResult[];
  /** Anything that makes the report unusable or suspicious; a report with problems is never green. */
  problems: ReportProblem[];
  /** What the report says the run took: the root's time, else its suites', else its cases' (ms). */
  durationMs: number;
}

/** Parses one report's text. `report` names it in cases and messages. Never throws. */
export function parseJUnit(xml: string, report: string): ParsedReport {
  const problems: ReportProblem[] = [];
  const fail = (message: string, at?: { line: number; column?: number }): ParsedReport => {
    const where = at ? `:${at.line}${at.column ? `:${at.column}` : ""}` : "";
    problems.push({ report, message: `${report}${where}: ${message}`, ...(at ? { line: at.line } : {}), ...(at?.column ? { column: at.column } : {}) });
    return { cases: [], problems, durationMs: 0 };
  };

  const text = xml.startsWith("\uFEFF") ? xml.slice(1) : xml;
  if (text.trim() === "") {
    return fail("the report is empty: the test runner wrote no results, or was stopped before it could (check the runner's output)");
  }

  const dtd = findDtd(text);
  if (dtd >= 0) {
    return fail(
      "the report has a DOCTYPE or ENTITY declaration; JUnit reports have none, and prenv does not read DTDs (entity expansion could exhaust memory)",
      positionOf(text, dtd),
    );
  }

  let valid: ReturnType<typeof XMLValidator.validate>;
  try {
    valid = XMLValidator.validate(text);
  } catch (e) {
    return fail(`could not be read as XML: ${(e as Error).message}`);
  }
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    const cut = /unclosed|expected closing tag/i.test(msg) ? " (was the report cut off while being written?)" : "";
    return fail(`not well-formed XML: ${msg}${cut}`, line ? { line, ...(col ? { column: col } : {}) } : undefined);
  }

  let roots: XmlElement[];
  try {
    roots = toElements(new XMLParser(PARSER_OPTIONS).parse(text) as unknown[]);
  } catch (e) {
    return fail(`could not be read as XML: ${(e as Error).message}`);
  }

  if (roots.length !== 1) {
    if (roots.length === 0) return fail("not a JUnit report: the XML has no root element");
    const names = roots.slice(0, 3).map((r) => `<${r.name}>`).join(", ");
    return fail(`not a JUnit report: it has ${roots.length} root elements (${names}); a JUnit report has one <testsuites> or <testsuite> (were two reports written into one file?)`);
  }
  const root = roots[0]!;
  const rootName = localName(root.name);
  if (rootName !== "testsuites" && rootName !== "testsuite") {
    return fail(
      `not a JUnit report: the root element is <${root.name}>, where JUnit XML has <testsuites> or <testsuite> (does the pattern match other XML files?)`,
    );
  }

  const reader = new ReportReader(report, isPytest(root));
  try {
    if (rootName === "testsuites") reader.readSuites(root);
    else reader.readSuite(root, []);
  } catch (e) {
    // Not expected; but a report prenv could not read must never count as green.
    return fail(`could not be read as a JUnit report: ${(e as Error).message}`);
  }
  problems.push(...reader.problems);

  if (reader.cases.length === 0) {
    const declared = toCount(root.attrs.get("tests"));
    problems.push({
      report,
      message: `${report}: the report lists no test case${declared > 0 ? ` although it declares ${declared}` : ""}: the runner found no tests, or failed before running them`,
    });
  }
  return { cases: reader.cases, problems, durationMs: reportDuration(root, reader.cases) };
}

// ---------------------------------------------------------------------------------------
// XML: a small element tree over fast-xml-parser's ordered output.

interface XmlElement {
  name: string;
  attrs: Map<string, string>;
  children: XmlElement[];
  /** Direct text and CDATA, entities decoded (CDATA kept as is). */
  text: string;
}

const PARSER_OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  allowBooleanAttributes: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // No entity processing in the parser: DTDs are refused before, and the predefined
  // entities and character references are decoded below, in text and attributes.
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: "#cdata",
  commentPropName: false,
  // Deeper than any real report; the parser throws beyond it (reported as a problem).
  maxNestedTags: 100,
} as const;

const ATTRS = ":@";
const TEXT = "#text";
const CDATA = "#cdata";

function toElements(nodes: unknown[]): XmlElement[] {
  const out: XmlElement[] = [];
  for (const node of nodes) {
    if (typeof node !== "object" || node === null) continue;
    const tag = Object.keys(node).find((k) => k !== ATTRS);
    if (tag === undefined || tag === TEXT || tag === CDATA) continue;
    out.push(toElement(tag, node as Record<string, unknown>));
  }
  return out;
}

function toElement(name: string, node: Record<string, unknown>): XmlElement {
  const attrs = new Map<string, string>();
  const rawAttrs = node[ATTRS];
  if (typeof rawAttrs === "object" && rawAttrs !== null) {
    for (const [k, v] of Object.entries(rawAttrs)) attrs.set(k, typeof v === "string" ? decodeEntities(v) : String(v));
  }
  const children: XmlElement[] = [];
  let text = "";
  const content = node[name];
  for (const child of Array.isArray(content) ? content : []) {
    if (typeof child !== "object" || child === null) continue;
    const c = child as Record<string, unknown>;
    if (TEXT in c) text += decodeEntities(String(c[TEXT]));
    else if (CDATA in c) text += cdataText(c[CDATA]);
    else {
      const tag = Object.keys(c).find((k) => k !== ATTRS);
      if (tag !== undefined) children.push(toElement(tag, c));
    }
  }
  return { name, attrs, children, text };
}

function cdataText(value: unknown): string {
  if (!Array.isArray(value)) return typeof value === "string" ? value : "";
  return value.map((v) => (typeof v === "object" && v !== null && TEXT in v ? String((v as Record<string, unknown>)[TEXT]) : "")).join("");
}

const ENTITY = /&(?:#x([0-9a-fA-F]{1,8})|#([0-9]{1,10})|(lt|gt|amp|quot|apos));/g;
const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** The five predefined entities and character references; anything else stays as written. */
export function decodeEntities(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(ENTITY, (_m, hex: string | undefined, dec: string | undefined, named: string | undefined) => {
    if (named) return NAMED[named]!;
    const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(dec);
    const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
    return valid ? String.fromCodePoint(code) : "\uFFFD";
  });
}

/** Index of a `<!DOCTYPE` or `<!ENTITY` outside comments and CDATA, or -1. Linear. */
function findDtd(xml: string): number {
  let i = 0;
  for (;;) {
    const lt = xml.indexOf("<!", i);
    if (lt < 0) return -1;
    if (xml.startsWith("<![CDATA[", lt)) {
      const end = xml.indexOf("]]>", lt + 9);
      if (end < 0) return -1;
      i = end + 3;
    } else if (xml.startsWith("<!--", lt)) {
      const end = xml.indexOf("-->", lt + 4);
      if (end < 0) return -1;
      i = end + 3;
    } else {
      const word = xml.slice(lt + 2, lt + 9).toUpperCase();
      if (word.startsWith("DOCTYPE") || word.startsWith("ENTITY")) return lt;
      i = lt + 2;
    }
  }
}

function positionOf(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < index; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

function localName(name: string): string {
  const colon = name.indexOf(":");
  return colon >= 0 ? name.slice(colon + 1) : name;
}

function childrenNamed(el: XmlElement, ...names: string[]): XmlElement[] {
  return el.children.filter((c) => names.includes(localName(c.name)));
}

// ---------------------------------------------------------------------------------------
// Reading suites and cases.

const SKIP_STATUS = new Set(["skipped", "skip", "notrun", "not run", "disabled", "ignored"]);
const MAX_STACK = 20_000;
const MAX_OUTPUT = 10_000;
const MAX_MESSAGE = 2_000;

/** pytest writes `<testsuites name="pytest tests">` (older versions a bare `<testsuite name="pytest">`). */
function isPytest(root: XmlElement): boolean {
  const name = root.attrs.get("name");
  return localName(root.name) === "testsuites" ? name === "pytest tests" : name === "pytest";
}

/** gotestsum and newer go-junit-report put the Go version in every suite's properties. */
function hasGoVersion(suite: XmlElement): boolean {
  return childrenNamed(suite, "properties").some((p) => childrenNamed(p, "property").some((q) => q.attrs.get("name") === "go.version"));
}

class ReportReader {
  readonly cases: TestCaseResult[] = [];
  readonly problems: ReportProblem[] = [];
  private readonly report: string;
  private readonly pytest: boolean;

  constructor(report: string, pytest: boolean) {
    this.report = report;
    this.pytest = pytest;
  }

  readSuites(root: XmlElement): void {
    const loose: TestCaseResult[] = [];
    for (const child of root.children) {
      const name = localName(child.name);
      if (name === "testsuite") this.readSuite(child, []);
      else if (name === "testcase") loose.push(this.readCase(child, root.attrs.get("name") ?? "", ""));
    }
    this.cases.push(...loose);
  }

  readSuite(suite: XmlElement, outer: string[]): void {
    const name = suite.attrs.get("name")?.trim() ?? "";
    const path = name ? [...outer, name] : outer;
    const suiteName = path.join(" › ");
    const suiteOutput = childrenNamed(suite, "system-out", "system-err")
      .map((o) => o.text)
      .join("\n");
    const own: TestCaseResult[] = [];
    let nested = false;
    for (const child of suite.children) {
      const kind = localName(child.name);
      if (kind === "testsuite") {
        nested = true;
        this.readSuite(child, path);
      } else if (kind === "testcase") {
        own.push(this.readCase(child, suiteName, suiteOutput));
      } else if (kind === "failure" || kind === "error") {
        // A suite-level failure (setup/teardown outside any test): an error case of its own.
        own.push(this.suiteError(child, suiteName));
      }
    }

    if (!nested) this.checkDeclaredFailures(suite, suiteName, own);
    // pytest and Go name each test once per suite: repeated names are retries.
    const attemptsMerged = this.pytest || hasGoVersion(suite) ? mergeRetries(own) : own;
    this.cases.push(...attemptsMerged);
  }

  /** A suite that says it had failures its cases don't show failed outside them: never green. */
  private checkDeclaredFailures(suite: XmlElement, suiteName: string, own: TestCaseResult[]): void {
    const declared = toCount(suite.attrs.get("failures")) + toCount(suite.attrs.get("errors"));
    const found = own.filter((c) => c.status === "failed" || c.status === "error" || c.status === "flaky").reduce((n, c) => n + (c.attempts ?? 1), 0);
    if (declared > found) {
      this.problems.push({
        report: this.report,
        message: `${this.report}: suite "${suiteName || "(unnamed)"}" declares ${declared} failure(s) or error(s) but lists ${found} failing test case(s): something failed outside the listed tests (see the runner's output)`,
      });
    }
  }

  private suiteError(el: XmlElement, suiteName: string): TestCaseResult {
    const d = detailOf(el);
    const loc = d.stack ? findLocation(d.stack, {}) : undefined;
    return {
      suite: suiteName,
      name: "(suite error)",
      status: localName(el.name) === "error" ? "error" : "failed",
      durationMs: 0,
      ...(d.message ? { message: d.message } : {}),
      ...(d.stack ? { stack: d.stack } : {}),
      ...(loc ? { file: loc.file, line: loc.line } : {}),
      report: this.report,
    };
  }

  readCase(el: XmlElement, suiteName: string, suiteOutput: string): TestCaseResult {
    const name = el.attrs.get("name") ?? "(unnamed)";
    const classname = el.attrs.get("classname") ?? el.attrs.get("class");
    const failing = el.children.find((c) => ["failure", "error"].includes(localName(c.name)));
    const skipped = childrenNamed(el, "skipped")[0];
    const flakes = childrenNamed(el, "flakyFailure", "flakyError");
    const reruns = childrenNamed(el, "rerunFailure", "rerunError");

    let status: TestStatus = "passed";
    let detailEl: XmlElement | undefined;
    let attempts = 1;
    if (failing) {
      status = localName(failing.name) === "error" ? "error" : "failed";
      detailEl = failing;
      attempts += reruns.length;
    } else if (skipped) {
      status = "skipped";
      detailEl = skipped;
    } else if (flakes.length > 0) {
      status = "flaky";
      detailEl = flakes[0];
      attempts += flakes.length;
    } else if (SKIP_STATUS.has((el.attrs.get("status") ?? "").toLowerCase())) {
      status = "skipped";
    }

    const detail = detailEl ? detailOf(detailEl) : {};
    let { message, stack } = detail;
    const notPassing = status === "failed" || status === "error" || status === "flaky";
    // go-junit-report writes a panic into the suite's system-out, not into the test's failure.
    if (notPassing && !stack && suiteOutput.includes(name) && name.length > 2) {
      stack = capHead(trimBlock(suiteOutput), MAX_STACK);
      message ??= messageFromText(stack);
    }

    const fileAttr = nonEmpty(el.attrs.get("file"));
    const lineAttr = toLine(el.attrs.get("line"), this.pytest ? 1 : 0); // pytest's line is 0-based
    // gotestsum puts a skipped test's output in the message attribute, with its file:line.
    const locText = stack ?? detailEl?.attrs.get("message");
    const loc = locText ? findLocation(locText, { ...(fileAttr ? { file: fileAttr } : {}), ...(classname ? { classname } : {}) }) : undefined;
    const locLine = loc && (fileAttr === undefined || loc.matchesHint) ? loc.line : undefined;
    const file = fileAttr ?? loc?.file;
    const line = notPassing ? (locLine ?? lineAttr) : (lineAttr ?? locLine);

    const output = notPassing ? caseOutput(el) : undefined;
    return {
      suite: suiteName,
      name,
      ...(classname !== undefined ? { classname } : {}),
      status,
      durationMs: secondsToMs(el.attrs.get("time")),
      ...(message ? { message } : {}),
      ...(stack ? { stack } : {}),
      ...(file ? { file } : {}),
      ...(file && line !== undefined ? { line } : {}),
      ...(attempts > 1 ? { attempts } : {}),
      ...(output ? { output } : {}),
      report: this.report,
    };
  }
}

/**
 * Repeated cases with one identity (classname + name) are attempts of one test, in order:
 * the last attempt decides; a test that passed after failing is flaky. Only used for
 * reports whose runner names each test once (pytest, Go), so distinct tests that share a
 * name elsewhere (Jest's test.each without a %s) are never folded, and a real failure is
 * never hidden behind a later pass of another test.
 */
function mergeRetries(cases: TestCaseResult[]): TestCaseResult[] {
  const groups = new Map<string, TestCaseResult[]>();
  for (const c of cases) {
    const key = `${c.classname ?? ""}\u0000${c.name}`;
    const group = groups.get(key);
    if (group) group.push(c);
    else groups.set(key, [c]);
  }
  return [...groups.values()].map((group) => {
    const last = group[group.length - 1]!;
    if (group.length === 1) return last;
    const attempts = group.reduce((n, c) => n + (c.attempts ?? 1), 0);
    const durationMs = roundMs(group.reduce((n, c) => n + c.durationMs, 0));
    if (last.status !== "passed") return { ...last, durationMs, attempts };
    // pytest-rerunfailures leaves earlier attempts without a failure element: still, a test
    // is only run again after it failed.
    const failed = [...group].reverse().find((c) => c.status === "failed" || c.status === "error");
    const merged: TestCaseResult = { ...last, status: "flaky", durationMs, attempts };
    if (failed) {
      for (const key of ["message", "stack", "output"] as const) if (failed[key] !== undefined) merged[key] = failed[key];
      if (failed.file !== undefined) {
        merged.file = failed.file;
        if (failed.line !== undefined) merged.line = failed.line;
      }
    }
    return merged;
  });
}

// ---------------------------------------------------------------------------------------
// Messages and stacks.

/** Go's test output framing, which says nothing about the failure. */
const GO_NOISE = /^\s*(?:=== (?:RUN|PAUSE|CONT|NAME)\s|--- (?:FAIL|PASS|SKIP): )/;
/** `    api_test.go:42: ` in front of a Go test's log line. */
const GO_LOG_PREFIX = /^\s*[\w.\-/\\]+\.go:\d+: ?/;
/** Where a stack trace starts, in the languages whose reports we read. */
const FRAME_START = [/^\s+at\s/, /^\s*❯\s/, /^goroutine \d+ \[/, /^Traceback \(most recent call last\)/, /^\s+File ".*", line \d+/];
const PLACEHOLDER = /^(?:fail(?:ed|ure)?|error|errored|skip(?:ped)?|none|null|undefined)$/i;

function detailOf(el: XmlElement): { message?: string; stack?: string } {
  // Surefire's rerun/flaky elements keep their trace in a <stackTrace> child.
  const traceEl = childrenNamed(el, "stackTrace")[0];
  const raw = traceEl ? traceEl.text : el.text;
  const stack = capHead(trimBlock(raw), MAX_STACK) || undefined;
  const message = cleanMessage(el.attrs.get("message")) ?? (stack ? messageFromText(stack) : undefined) ?? nonEmpty(el.attrs.get("type"));
  return { ...(message ? { message } : {}), ...(stack ? { stack } : {}) };
}

/** The message attribute, minus Go's framing; undefined when it is empty or a placeholder. */
function cleanMessage(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const lines = raw
    .split(/\r?\n/)
    .filter((l) => !GO_NOISE.test(l))
    .map((l) => l.replace(GO_LOG_PREFIX, ""));
  const message = capHead(trimBlock(lines.join("\n")), MAX_MESSAGE).trim();
  return message === "" || PLACEHOLDER.test(message) ? undefined : message;
}

/** The lines of a failure's text before its stack trace starts (at most 20). */
function messageFromText(text: string): string | undefined {
  const kept: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (GO_NOISE.test(line)) continue;
    if (FRAME_START.some((re) => re.test(line))) break;
    kept.push(line.replace(GO_LOG_PREFIX, ""));
    if (kept.length >= 20) break;
  }
  const message = capHead(trimBlock(kept.join("\n")), MAX_MESSAGE).trim();
  return message === "" || PLACEHOLDER.test(message) ? undefined : message;
}

function caseOutput(el: XmlElement): string | undefined {
  const text = childrenNamed(el, "system-out", "system-err")
    .map((o) => trimBlock(o.text))
    .filter((t) => t !== "")
    .join("\n");
  if (text === "") return undefined;
  return text.length > MAX_OUTPUT ? `…${text.slice(text.length - MAX_OUTPUT)}` : text;
}

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Drops terminal colour codes, blank lines at both ends and trailing spaces; keeps the first line's indentation. */
function trimBlock(text: string): string {
  return text.replace(ANSI, "").replace(/^(?:[ \t]*\r?\n)+/, "").trimEnd();
}

function capHead(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters)` : text;
}

function nonEmpty(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t ? t : undefined;
}

// ---------------------------------------------------------------------------------------
// Locations in stack traces.

/** Extensions of source files: a `name.ext:line` is only taken for a location with one of these. */
const SOURCE_EXT =
  "js|jsx|mjs|cjs|ts|tsx|mts|cts|vue|svelte|coffee|py|pyw|go|java|kt|kts|scala|groovy|clj|cljs|cljc|rb|rake|rs|cs|fs|fsx|vb|php|ex|exs|erl|hrl|c|cc|cpp|cxx|h|hh|hpp|hxx|m|mm|swift|dart|lua|pl|pm|t|sh|bash|zsh|bats|feature|robot|hs|ml|mli|r|jl|nim|zig|cr|elm|sql|tf";
const PYTHON_FRAME = /File "([^"\n]+)", line (\d+)/;
const DOTNET_FRAME = /\bin (\S[^\n]*?):line (\d+)/;
const JVM_FRAME = /\bat (?:[\w.$-]+\/)*((?:[\w$]+\.)+)[\w$<>-]+\(([\w$.-]+\.(?:java|kt|scala|groovy|clj)):(\d+)\)/;
const PAREN_PATH = new RegExp(String.raw`\(((?:file://)?[^()\n]+\.(?:${SOURCE_EXT})):(\d+)(?::\d+)?\)`, "i");
const BARE_PATH = new RegExp(String.raw`(?:^|[\s\[<'"\`=])((?:file://(?:/(?=[A-Za-z]:))?)?(?:[A-Za-z]:)?[^\s()'"\`<>\[\]=:]*[\w\-@+~]\.(?:${SOURCE_EXT})):(\d+)(?![\d.])`, "i");
const LIBRARY_PATH = [
  /(?:^|[/\\])node_modules[/\\]/,
  /^node:/,
  /^internal[/\\]/,
  /[/\\](?:site|dist)-packages[/\\]/,
  /[/\\]lib[/\\]python\d[\d.]*[/\\]/,
  /[/\\]go[/\\]src[/\\](?:runtime|testing|reflect|internal)[/\\]/,
  /^\/usr\/(?:local\/)?(?:lib\/)?go[^/]*\/src\//,
  /[/\\]\.cargo[/\\]registry[/\\]/,
  /^\/rustc\//,
  /<anonymous>/,
];
const LIBRARY_CLASS = /^(?:java|javax|jdk|sun|com\.sun|kotlin|kotlinx|scala|groovy|org\.junit|junit|org\.opentest4j|org\.testng|org\.apache\.maven|org\.gradle|worker\.org\.gradle|org\.spockframework|org\.codehaus\.groovy|org\.assertj|org\.hamcrest|org\.mockito|org\.springframework\.test)\./;
const MAX_SCANNED_LINES = 400;
const MAX_SCANNED_LINE_LENGTH = 2_000;

interface Candidate {
  path: string;
  line: number;
  /** For JVM frames: the class, e.g. `shop.PricingTest`. */
  jvmClass?: string;
}

export interface Location {
  file: string;
  line: number;
  /** Whether it is in the file the report's `file` attribute names. */
  matchesHint: boolean;
}

/**
 * The most useful `file:line` in a failure's text: a frame in the report's `file` if given,
 * else a frame of the test's class (JVM), else the first frame outside libraries
 * (node_modules, site-packages, the Go runtime, the JDK, test frameworks). Only paths that
 * end in a source-file extension are taken; `host:5432` or `1.2.3` never are.
 */
export function findLocation(text: string, hint: { file?: string; classname?: string }): Location | undefined {
  const candidates: Candidate[] = [];
  const lines = text.split("\n", MAX_SCANNED_LINES);
  for (const rawLine of lines) {
    const line = rawLine.length > MAX_SCANNED_LINE_LENGTH ? rawLine.slice(0, MAX_SCANNED_LINE_LENGTH) : rawLine;
    const c = candidateIn(line);
    if (c && !isLibrary(c)) candidates.push(c);
  }
  if (hint.file) {
    const inFile = candidates.find((c) => sameFile(c.path, hint.file!));
    if (inFile) return { file: hint.file, line: inFile.line, matchesHint: true };
  }
  if (hint.classname) {
    const cls = hint.classname;
    const inClass = candidates.find((c) => c.jvmClass !== undefined && (c.jvmClass === cls || c.jvmClass.startsWith(`${cls}$`)));
    if (inClass) return { file: inClass.path, line: inClass.line, matchesHint: false };
  }
  const first = candidates[0];
  return first ? { file: first.path, line: first.line, matchesHint: false } : undefined;
}

function candidateIn(line: string): Candidate | undefined {
  const jvm = JVM_FRAME.exec(line);
  if (jvm) {
    // "shop.PricingTest." before the method: packages are the segments before the class.
    const segments = jvm[1]!.slice(0, -1).split(".");
    let cls = segments.findIndex((s) => /^[A-Z]/.test(s));
    if (cls < 0) cls = segments.length - 1;
    return { path: [...segments.slice(0, cls), jvm[2]!].join("/"), line: Number(jvm[3]), jvmClass: segments.slice(0, cls + 1).join(".") };
  }
  const py = PYTHON_FRAME.exec(line);
  if (py) return pathCandidate(py[1]!, py[2]!);
  const dotnet = line.includes(":line ") ? DOTNET_FRAME.exec(line) : null;
  if (dotnet) return pathCandidate(dotnet[1]!, dotnet[2]!);
  const paren = PAREN_PATH.exec(line);
  if (paren) return pathCandidate(paren[1]!, paren[2]!);
  const bare = BARE_PATH.exec(line);
  if (bare) return pathCandidate(bare[1]!, bare[2]!);
  return undefined;
}

function pathCandidate(rawPath: string, rawLine: string): Candidate | undefined {
  const line = Number(rawLine);
  if (!Number.isSafeInteger(line) || line < 1) return undefined;
  let path = rawPath.trim();
  if (path.startsWith("file://")) {
    path = path.slice("file://".length);
    if (/^\/[A-Za-z]:/.test(path)) path = path.slice(1); // file:///C:/...
    try {
      path = decodeURIComponent(path);
    } catch {
      // keep it as written
    }
  }
  if (!looksLikePath(path)) return undefined;
  return { path, line };
}

function looksLikePath(path: string): boolean {
  if (path.length === 0 || path.length > 1_000) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return false; // a URL
  return new RegExp(String.raw`^(?:[A-Za-z]:)?[^<>"|?*\n]*[\w\-@+~]\.(?:${SOURCE_EXT})$`, "i").test(path);
}

function isLibrary(c: Candidate): boolean {
  if (c.jvmClass !== undefined) return LIBRARY_CLASS.test(`${c.jvmClass}.`);
  return LIBRARY_PATH.some((re) => re.test(c.path));
}

function sameFile(a: string, b: string): boolean {
  const norm = (p: string) => p.replace(/\\/g, "/").replace(/^\.\//, "");
  const x = norm(a);
  const y = norm(b);
  return x === y || x.endsWith(`/${y}`) || y.endsWith(`/${x}`);
}

// ---------------------------------------------------------------------------------------
// Numbers.

/**
 * A `time` attribute in seconds, as milliseconds. Accepts "0.004", "12", "1e-3", a
 * thousands separator with a decimal point ("1,234.5"), several separators ("1,234,567")
 * and a decimal comma ("0,25", "1,234": a single comma is read as decimal, since locale
 * formatting of sub-second times is far more common than tests over 16 minutes).
 * Missing, empty, negative or unreadable values are 0.
 */
export function secondsToMs(raw: string | undefined): number {
  if (raw === undefined) return 0;
  let s = raw.trim().replace(/\s+/g, "").replace(/s$/i, "");
  const commas = s.split(",").length - 1;
  if (commas > 0) s = s.includes(".") || commas > 1 ? s.replace(/,/g, "") : s.replace(",", ".");
  if (!/^[+]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(s)) return 0;
  const seconds = Number(s);
  return Number.isFinite(seconds) && seconds > 0 ? roundMs(seconds * 1000) : 0;
}

function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function toCount(raw: string | undefined): number {
  const n = Number(raw?.trim());
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

function toLine(raw: string | undefined, offset: number): number | undefined {
  if (raw === undefined || !/^\s*\d+\s*$/.test(raw)) return undefined;
  const n = Number(raw) + offset;
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

function reportDuration(root: XmlElement, cases: TestCaseResult[]): number {
  const own = root.attrs.get("time");
  if (own !== undefined && secondsToMs(own) > 0) return secondsToMs(own);
  if (localName(root.name) === "testsuites") {
    // Suites, and cases directly under the root (Node's reporter puts tests outside a describe there).
    const timed = childrenNamed(root, "testsuite", "testcase").filter((s) => s.attrs.has("time"));
    if (timed.length > 0) return roundMs(timed.reduce((n, s) => n + secondsToMs(s.attrs.get("time")), 0));
  }
  return roundMs(cases.reduce((n, c) => n + c.durationMs, 0));
}
