#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));

// src/backends/backend.ts
var LABELS = {
  environment: "dev.prenv.environment",
  project: "dev.prenv.project",
  service: "dev.prenv.service",
  definitionHash: "dev.prenv.definition-hash",
  version: "dev.prenv.version",
  created: "dev.prenv.created",
  owner: "dev.prenv.owner",
  workingDir: "dev.prenv.working-dir",
  /** "run": the environment lives only as long as the run that made it; "until-down" otherwise. */
  lifetime: "dev.prenv.lifetime",
  /** Names a marker object: "complete" says `up` finished and the environment is wanted. */
  marker: "dev.prenv.marker",
  /** On a service's container: the hash of its resolved spec and image (see engine/diff.ts); an update compares it with the plan. */
  configHash: "dev.prenv.config-hash",
  /** On a service's container: its post_start and pre_stop hooks (JSON), so that down and gc, which have no definition, run pre_stop, and a restored container its post_start. */
  hooks: "dev.prenv.hooks",
  /** On the lock object: until when its holder's lease runs (ISO time); a later run may break it after that. */
  leaseUntil: "dev.prenv.lease-until",
  /** On the "expires" marker: when a preview's TTL runs out (ISO time); `gc --expired` removes it after that. */
  expires: "dev.prenv.expires",
  /** On what a fault left (a helper, a proxy, a record of a paused service): the fault's id in its run. */
  fault: "dev.prenv.fault",
  /** How to undo that fault, as JSON, for gc when the process that applied it is gone. */
  faultUndo: "dev.prenv.fault-undo",
  /** The pull request an environment was made for (the Action's context), when there is one. */
  pullRequest: "dev.prenv.pull-request",
  /** The commit it was booted from. */
  commit: "dev.prenv.commit"
};
function environmentRecord(plan, owner, version) {
  return {
    [LABELS.environment]: plan.environment,
    [LABELS.project]: plan.project,
    [LABELS.definitionHash]: plan.definitionHash,
    [LABELS.version]: version,
    [LABELS.created]: (/* @__PURE__ */ new Date()).toISOString(),
    [LABELS.owner]: `${owner.host}:${owner.pid}`,
    [LABELS.workingDir]: plan.workingDir,
    [LABELS.lifetime]: owner.ephemeral ? "run" : "until-down",
    ...originLabels(owner)
  };
}
function originLabels(owner) {
  return {
    ...owner.pullRequest !== void 0 ? { [LABELS.pullRequest]: String(owner.pullRequest) } : {},
    ...owner.commit ? { [LABELS.commit]: owner.commit } : {}
  };
}
function describeReason(reason) {
  const what = {
    ImagePullBackOff: "its image cannot be pulled",
    ErrImagePull: "its image cannot be pulled",
    CrashLoopBackOff: "it keeps crashing",
    OOMKilled: "it was killed for running out of memory (its memory limit)",
    Unschedulable: "no node can run it",
    Error: "the engine reports an error"
  };
  return `${what[reason.code]} (${reason.code}${reason.message && reason.message !== reason.code ? `: ${reason.message}` : ""})`;
}
function canUpdate(backend) {
  return backend.capabilities.updateInPlace;
}
function capabilityRefusals(backend, needs) {
  return needs.filter((n) => !backend.capabilities[n.capability]).map((need) => {
    const reason = backend.capabilityLimits?.[need.capability];
    return reason === void 0 ? { need } : { need, reason };
  });
}
var FaultError = class extends Error {
  fault;
  hint;
  constructor(fault, message, options = {}) {
    super(message, { cause: options.cause });
    this.name = "FaultError";
    this.fault = fault;
    this.hint = options.hint;
  }
};
var BACKEND_KINDS = ["docker", "kubernetes"];
var RuntimeUnavailableError = class extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "RuntimeUnavailableError";
  }
};
var ConflictError = class extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "ConflictError";
  }
};
var UnsupportedError = class extends Error {
  hint;
  capability;
  constructor(message, hint, options = {}) {
    super(message, { cause: options.cause });
    this.name = "UnsupportedError";
    this.hint = hint;
    this.capability = options.capability;
  }
};
async function requireFaultSupport(backend, needs, options) {
  if (needs.length === 0) return;
  const refused = await backend.faultSupport(needs, options);
  if (refused.length === 0) return;
  const where = (l) => `${l.file}:${l.line}:${l.column}`;
  const first = refused[0].need.location;
  const reasons = refused.map(({ need: m }, i) => m.location && i > 0 ? `${m.because} (${where(m.location)})` : m.because);
  const limits = [...new Set(refused.map((r) => r.reason).filter((l) => l !== void 0))];
  const hints = [...new Set(refused.map((r) => r.hint ?? "run it on a backend that can (--backend docker), or leave those out of the definition"))];
  throw new UnsupportedError(`${first ? `${where(first)}: ` : ""}the ${backend.kind} backend cannot ${reasons.join(", nor ")}${limits.map((l) => `
  ${l}`).join("")}`, hints.join("\n  hint: "), { capability: refused[0].need.capability });
}
var ServiceError = class extends Error {
  service;
  hint;
  logTail;
  /**
   * The service whose whole log tells more. Where to read it (`prenv logs`, the results
   * folder, nowhere) depends on whether the environment is still there, so the one who
   * reports the error says it.
   */
  logOf;
  constructor(service, message, options = {}) {
    super(message, { cause: options.cause });
    this.name = "ServiceError";
    this.service = service;
    this.hint = options.hint;
    this.logTail = options.logTail;
    this.logOf = options.logOf;
  }
};

export {
  LABELS,
  environmentRecord,
  describeReason,
  canUpdate,
  capabilityRefusals,
  FaultError,
  BACKEND_KINDS,
  RuntimeUnavailableError,
  ConflictError,
  UnsupportedError,
  requireFaultSupport,
  ServiceError
};
