import type { Diagnostic, SourceLocation } from "./model.ts";

/** The definition cannot be used: one or more diagnostics of severity "error". */
export class DefinitionError extends Error {
  readonly diagnostics: Diagnostic[];
  /** Warnings found up to the errors: printed with them, so that one round fixes everything. */
  readonly warnings: Diagnostic[];

  constructor(diagnostics: Diagnostic[], options?: { cause?: unknown; warnings?: Diagnostic[] }) {
    super(diagnostics.map(formatDiagnostic).join("\n"), { cause: options?.cause ?? diagnostics.find((d) => d.cause !== undefined)?.cause });
    this.name = "DefinitionError";
    this.diagnostics = diagnostics;
    this.warnings = options?.warnings ?? [];
  }

  /** The warnings, then the errors, as printed. */
  report(): string {
    return [...this.warnings.map(formatDiagnostic), this.message].join("\n");
  }
}

/** Throws the errors among `diagnostics`, with the warnings found so far, if there are any. */
export function throwIfErrors(diagnostics: Diagnostic[]): void {
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new DefinitionError(errors, { warnings: diagnostics.filter((d) => d.severity === "warning") });
}

export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/** `file:line:col: error: message (service "x")\n  hint: ...` — the shape editors and CI logs link. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${formatLocation(d.location)}: ` : "";
  const service = d.service && !d.message.includes(`"${d.service}"`) ? ` (service "${d.service}")` : "";
  const hint = d.hint ? `\n  hint: ${d.hint}` : "";
  return `${where}${d.severity}: ${d.message}${service}${hint}`;
}

export function error(message: string, extra: Omit<Diagnostic, "severity" | "message"> = {}): Diagnostic {
  return { severity: "error", message, ...extra };
}

export function warning(message: string, extra: Omit<Diagnostic, "severity" | "message"> = {}): Diagnostic {
  return { severity: "warning", message, ...extra };
}
