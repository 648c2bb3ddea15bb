import { renderParam, SECRET_ENV_PREFIX, type ResolvedParam } from "../definition/params.ts";
import { looksSecret } from "./redact.ts";
import { fileContent } from "../definition/compose.ts";
import type { FileMount } from "../definition/model.ts";

/**
 * A name alone is weak evidence: a value found only because its variable's name looks
 * like a credential must be this long before it is masked everywhere.
 */
const MIN_GUESSED_LENGTH = 6;

/** Variables of shells and desktops whose names only look like credentials (PWD: the working directory). */
const NOT_SECRET = new Set(["PWD", "OLDPWD", "SSH_AUTH_SOCK", "DBUS_SESSION_BUS_ADDRESS", "DESKTOP_SESSION", "GPG_AGENT_INFO", "XAUTHORITY"]);

/**
 * Every value of a run that must not be written: secret parameters (declared, given as
 * secrets, or named like credentials), PRENV_SECRET_* variables, and variables whose names
 * look like credentials, whether the definition interpolates them or they sit in the
 * environment the test command inherits (a `${{ secrets.X }}` in the workflow's `env:`).
 */
export function secretValues(
  environment: { params: Record<string, ResolvedParam>; definition: { variablesUsed: Record<string, string>; services?: Record<string, { files?: FileMount[] }> } } | undefined,
  env: Record<string, string | undefined>,
): string[] {
  const values = new Set<string>();
  // Compose secrets taken from variables: their content is masked whatever the variable is called.
  for (const service of Object.values(environment?.definition.services ?? {}))
    for (const f of service.files ?? []) {
      const content = f.kind === "secret" && f.source ? fileContent(f.source) : undefined;
      if (content) values.add(content);
    }
  for (const param of Object.values(environment?.params ?? {})) {
    if (param.secret && param.value !== undefined) {
      values.add(renderParam(param.value));
      if (Array.isArray(param.value)) for (const item of param.value) values.add(item);
    }
  }
  const guessed = (name: string, value: string | undefined) => {
    if (value !== undefined && value.length >= MIN_GUESSED_LENGTH && looksSecret(name) && !NOT_SECRET.has(name) && !name.startsWith("XDG_")) values.add(value);
  };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (name.startsWith(SECRET_ENV_PREFIX)) values.add(value);
    else guessed(name, value);
  }
  for (const [name, value] of Object.entries(environment?.definition.variablesUsed ?? {})) {
    if (environment?.params[name]) continue; // parameters were decided above, with their declarations
    guessed(name, value);
  }
  return [...values];
}
