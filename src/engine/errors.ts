import type { ServiceError } from "../backends/backend.ts";

// Apart from up.ts, so that what maps errors to exit codes (src/cli/common.ts, which the
// definition commands load too) does not load the engine and node:net with them.

/** The environment could not be booted; what was created has been removed unless kept. */
export class BootError extends Error {
  readonly failure: ServiceError;
  readonly removed: boolean;
  constructor(failure: ServiceError, removed: boolean) {
    super(failure.message, { cause: failure });
    this.name = "BootError";
    this.failure = failure;
    this.removed = removed;
  }
}

/** Something stops the boot before anything is created (name clash, taken port). */
export class PreflightError extends Error {
  readonly hint: string;
  readonly service: string | undefined;
  constructor(message: string, hint: string, service?: string) {
    super(message);
    this.name = "PreflightError";
    this.hint = hint;
    this.service = service;
  }
}
