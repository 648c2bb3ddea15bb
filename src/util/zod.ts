import { z } from "zod";

/**
 * zod, as prenv's schemas use it: without its JIT. zod compiles a parser for each object
 * schema with `new Function` on its first parse; a prenv command parses a file once, and
 * that compilation cost more than it saved (about 6 ms of `prenv plan`, bench suite
 * `plan`). Set here, before any schema is built, because zod reads it at construction.
 */
z.config({ jitless: true });

export { z };
