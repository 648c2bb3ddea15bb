import type { Backend } from "../backends/backend.ts";

/** A service's log, the last `lines` of it when given; empty when it cannot be read. */
export async function readLog(backend: Backend, environment: string, service: string, lines?: number): Promise<string> {
  try {
    const stream = await backend.logs(environment, service, { follow: false, ...(lines !== undefined ? { tail: lines } : {}) });
    let text = "";
    for await (const chunk of stream) text += String(chunk);
    return text;
  } catch {
    return "";
  }
}

/** The last lines of a service's log, for error messages. */
export async function logTail(backend: Backend, environment: string, service: string, lines = 20): Promise<string> {
  return (await readLog(backend, environment, service, lines)).trimEnd();
}
