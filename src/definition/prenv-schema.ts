import { z } from "../util/zod.ts";

/** The shapes of prenv's own keys (prenv.yml, or `x-prenv` in a compose file), after interpolation. */

const argv = z.union([z.string(), z.array(z.string())]);
const envMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
const port = z.union([z.number().int(), z.string()]);

export const stepCommon = {
  name: z.string().optional(),
  timeout: z.string().optional(),
};

export const execSchema = z.looseObject({
  service: z.string(),
  command: argv,
  user: z.string().optional(),
  workdir: z.string().optional(),
  env: envMap.optional(),
});

export const runSchema = z.looseObject({
  image: z.string(),
  command: argv.optional(),
  entrypoint: argv.optional(),
  env: envMap.optional(),
  workdir: z.string().optional(),
  volumes: z.array(z.string()).optional(),
});

export const httpSchema = z.looseObject({
  service: z.string(),
  port,
  path: z.string().optional(),
  method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  expect: z.union([z.number().int(), z.looseObject({ status: z.number().int().optional(), body: z.string().optional() })]).optional(),
});

export const copySchema = z.looseObject({
  service: z.string(),
  from: z.string(),
  to: z.string(),
});

export const STEP_KINDS = { exec: execSchema, run: runSchema, http: httpSchema, copy: copySchema } as const;
export type StepKind = keyof typeof STEP_KINDS;

/** The test runners whose way of taking a selection of tests prenv knows. */
export const TEST_RUNNERS = ["node", "pytest", "jest", "vitest", "go", "maven"] as const;
export type TestRunner = (typeof TEST_RUNNERS)[number];

export const testSchema = z.looseObject({
  runner: z.enum(TEST_RUNNERS).optional(),
  command: argv.optional(),
  service: z.string().optional(),
  workdir: z.string().optional(),
  env: envMap.optional(),
  timeout: z.string().optional(),
  reports: z.union([z.string(), z.array(z.string())]).optional(),
});

/** Keys of prenv.yml that are prenv's (the rest is compose). */
export const PRENV_KEYS = ["compose", "params", "setup", "test", "chaos", "preview"] as const;
/** prenv's keys that later versions will act on: accepted with a warning. */
export const RESERVED_KEYS = ["preview"] as const;
