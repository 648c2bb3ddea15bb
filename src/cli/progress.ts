import type { ServiceEvent, ServicePhase } from "../engine/up.ts";
import { seconds, table } from "./format.ts";

interface Row {
  phase: ServicePhase;
  elapsedMs: number;
  since: number;
  detail?: string;
}

const SHOWN: Record<ServicePhase, string> = {
  pending: "pending",
  pulling: "pulling",
  building: "building",
  waiting: "waiting",
  starting: "starting",
  checking: "waiting",
  ready: "ready",
  completed: "completed",
  failed: "failed",
};

/** Where the progress goes: stderr, in practice. */
export interface Terminal {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * One line per service with its state and elapsed time. On a terminal the block is
 * redrawn in place; elsewhere (CI logs) each change of state is one plain line.
 */
export class Progress {
  private readonly rows = new Map<string, Row>();
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly out: Terminal;
  private readonly live: boolean;

  constructor(out: Terminal, services: string[]) {
    this.out = out;
    this.live = Boolean(out.isTTY) && process.env.TERM !== "dumb";
    for (const s of services) this.rows.set(s, { phase: "pending", elapsedMs: 0, since: 0 });
    if (this.live) this.timer = setInterval(() => this.draw(), 100);
  }

  update(event: ServiceEvent): void {
    const row = this.rows.get(event.service);
    if (!row) return;
    const changed = row.phase !== event.phase;
    row.elapsedMs = event.elapsedMs;
    if (changed) row.since = event.elapsedMs;
    row.phase = event.phase;
    if (event.detail !== undefined) row.detail = event.detail;
    if (!this.live && changed && event.phase !== "pending") {
      const detail = event.detail && event.phase !== "failed" ? `  ${event.detail}` : "";
      const width = Math.max(...[...this.rows.keys()].map((k) => k.length));
      this.out.write(`  ${event.service.padEnd(width)}  ${SHOWN[event.phase].padEnd(9)}  ${seconds(event.elapsedMs).padStart(6)}${detail}\n`);
    }
  }

  private draw(): void {
    const rows = [...this.rows].map(([name, r]) => {
      const done = r.phase === "ready" || r.phase === "completed" || r.phase === "failed";
      const elapsed = done ? r.elapsedMs : Date.now() - this.t0;
      const detail = r.phase === "failed" ? "" : (r.detail ?? "").slice(0, Math.max(10, (this.out.columns ?? 100) - 40));
      return [name, SHOWN[r.phase], seconds(elapsed), done ? "" : detail];
    });
    const text = table(rows, "  ");
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : "";
    this.out.write(`${up}\x1b[0J${text}\n`);
    this.drawn = rows.length;
  }

  private readonly t0 = Date.now();

  private stopped = false;

  /**
   * Draws the final state once. Later calls do nothing: a redraw moves the cursor up over
   * the block, and after the boot other output (the suite's, the phases) is below it.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.live) this.draw();
  }
}
