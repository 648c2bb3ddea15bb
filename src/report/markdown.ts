/**
 * Putting untrusted text (test names, messages, logs, service and image names, all of
 * which come from the pull request) into GitHub-flavoured Markdown without giving it any
 * power: no Markdown or HTML, no links, no @mentions that ping, no `<!--` that could
 * forge or hide prenv's comment marker, no fence that closes early.
 *
 * Every helper here returns text that renders as the literal characters it was given
 * (apart from the substitutions documented on each).
 */

/** U+200D ZERO WIDTH JOINER: invisible, and breaks mention, autolink and marker syntax. */
const ZWJ = "\u200d";

/**
 * Characters that change how text reads without being seen (bidirectional overrides,
 * "Trojan Source") or that GitHub drops: replaced by U+FFFD so that the reader sees
 * that something was there.
 */
const INVISIBLE = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
// C0 controls other than tab and newline, DEL, and C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Common clean-up: no invisible direction changes, no control characters, no `<!--`. */
export function sanitize(text: string): string {
  return neutralizeMarkers(text.replace(/\r\n?/g, "\n").replace(INVISIBLE, "\ufffd").replace(CONTROL, "\ufffd"));
}

/**
 * `<!--` cannot start an HTML comment (which hides text, and which prenv's own marker
 * is) once a joiner sits between `<` and `!`; the text still reads the same.
 */
export function neutralizeMarkers(text: string): string {
  return text.replace(/<!/g, `<${ZWJ}!`);
}

/** One line: newlines become " ⏎ " so that a value cannot start a new block. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ⏎ ").replace(/\t/g, " ");
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    if (current > longest) longest = current;
  }
  return longest;
}

/**
 * An inline code span in Markdown. The delimiter is one backtick longer than any run of
 * backticks inside, so the text cannot close it; mentions, links and emphasis are inert
 * in code. In a table cell, pass `cell: true`: `|` is escaped as `\|` (which GitHub
 * turns back into `|` inside the span) and backslashes become U+29F5 `⧵`, so that no
 * backslash from the text can un-escape a pipe and split the row.
 */
export function code(text: string, options: { cell?: boolean } = {}): string {
  let body = oneLine(sanitize(text));
  if (options.cell) body = body.replace(/\\/g, "⧵").replace(/\|/g, "\\|");
  if (body === "") return "` `";
  const ticks = "`".repeat(longestRun(body, "`") + 1);
  // A span that starts or ends with a backtick needs a space, which Markdown strips again.
  const pad = body.startsWith("`") || body.endsWith("`") || (body.startsWith(" ") && body.endsWith(" ")) ? " " : "";
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

/** Characters with a meaning in HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * `<code>…</code>` for places that are raw HTML (a `<summary>` line), where Markdown
 * backticks do not render. The text is HTML-escaped; GitHub does not link mentions or
 * references inside `<code>`, and the joiner after `@` makes sure of it.
 */
export function htmlCode(text: string): string {
  return `<code>${escapeHtml(breakMentions(oneLine(sanitize(text))))}</code>`;
}

/** `@name` cannot ping once a joiner follows the `@`. */
export function breakMentions(text: string): string {
  return text.replace(/@/g, `@${ZWJ}`);
}

/**
 * Plain text in a Markdown paragraph: Markdown punctuation is backslash-escaped, `<`, `>`
 * and `&` become entities, mentions and issue references are broken with a joiner, and so
 * are URL schemes and `www.` so that nothing is autolinked. For use inside a line (a `1.`
 * or `-` at the start of a line could still start a list).
 */
export function text(value: string): string {
  const escaped = oneLine(sanitize(value))
    .replace(/[\\`*_{}[\]#|~]/g, (c) => `\\${c}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
  return breakMentions(escaped)
    .replace(/#/g, `#${ZWJ}`)
    .replace(/:\/\//g, `${ZWJ}://`)
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZWJ}.`);
}

/**
 * A fenced code block. The fence is longer than any run of backticks in the text, so
 * no line inside can close it; nothing inside is Markdown.
 */
export function fenced(body: string, language = ""): string {
  const clean = sanitize(body).replace(/\t/g, "    ").replace(/\n+$/, "");
  const fence = "`".repeat(Math.max(3, longestRun(clean, "`") + 1));
  return `${fence}${language}\n${clean}\n${fence}`;
}

/** A link whose label and target prenv chose (never text from the pull request). */
export function link(label: string, url: string): string {
  return `[${label}](${url})`;
}
