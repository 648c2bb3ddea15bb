/**
 * A word for bash: as is when it has only safe characters, in single quotes otherwise,
 * and as `$'…'` when it holds control characters (a newline), so that the command
 * stays on one line.
 */
export function shellQuote(word: string): string {
  if (word !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(word)) {
    const escaped = [...word]
      .map((c) => {
        if (c === "\\") return "\\\\";
        if (c === "'") return "\\'";
        if (c === "\n") return "\\n";
        if (c === "\t") return "\\t";
        if (c === "\r") return "\\r";
        const code = c.codePointAt(0)!;
        return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : c;
      })
      .join("");
    return `$'${escaped}'`;
  }
  return `'${word.replace(/'/g, "'\\''")}'`;
}
