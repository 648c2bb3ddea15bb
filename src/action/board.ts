import type { ServiceEvent } from "../engine/up.ts";
import type { RunReport } from "../engine/run.ts";
import type { ServiceRow } from "../report/view.ts";

/** The state of every service as boot events arrive, for the comment's table. */
export class ServiceBoard {
  private readonly rows = new Map<string, ServiceRow>();

  constructor(services: { name: string; image: string }[]) {
    for (const s of services) this.rows.set(s.name, { name: s.name, image: s.image, state: "pending" });
  }

  update(event: ServiceEvent): void {
    const row = this.rows.get(event.service);
    if (!row) return;
    row.state = event.phase;
    if (event.phase === "ready" || event.phase === "completed") row.readyMs = event.elapsedMs;
  }

  /** After the boot: image digests and ready times from the run, states from the events. */
  settle(services: RunReport["services"]): void {
    for (const s of services) {
      const row = this.rows.get(s.name);
      if (!row) continue;
      row.image = s.image;
      if (s.digest) row.digest = s.digest;
      if (s.imageId) row.imageId = s.imageId;
      if (s.phase) row.state = s.phase;
      if (s.readyMs !== undefined) row.readyMs = s.readyMs;
    }
  }

  /** Services still on their way when the boot stopped. */
  stopped(state: string): void {
    for (const row of this.rows.values()) {
      if (row.state !== "ready" && row.state !== "completed" && row.state !== "failed") row.state = state;
    }
  }

  snapshot(): ServiceRow[] {
    return [...this.rows.values()].map((r) => ({ ...r }));
  }
}
