// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The confirm-or-revert window after a NixOS switch (deploy-rs's "magic rollback"):
// the change stands only if the user confirms it in time, from the notification
// or `steward confirm`; otherwise the revert runs (the previous generation, the old file).

export interface PendingChange {
  id: number;
  summary: string;
  /** Milliseconds since the epoch. */
  deadline: number;
}

export type WindowOutcome =
  { outcome: 'confirmed' } | { outcome: 'reverted' } | { outcome: 'revert-failed'; error: Error };

interface Entry extends PendingChange {
  timer: NodeJS.Timeout;
  revert: () => Promise<void>;
}

export class ConfirmWindows {
  private readonly pending = new Map<number, Entry>();
  private next = 1;

  /** `settled` hears how each window ended; the service logs it, tests wait for it. */
  constructor(private readonly settled: (change: PendingChange, outcome: WindowOutcome) => void = () => undefined) {}

  /** Opens a window of `ms` for the change; `revert` runs when it closes unconfirmed. */
  open(summary: string, ms: number, revert: () => Promise<void>): PendingChange {
    const id = this.next++;
    const timer = setTimeout(() => void this.expire(id), ms);
    const entry: Entry = { id, summary, deadline: Date.now() + ms, timer, revert };
    this.pending.set(id, entry);
    return { id, summary, deadline: entry.deadline };
  }

  /** Confirms every change waiting (or the one `id` names); returns those confirmed. */
  confirm(id?: number): PendingChange[] {
    const confirmed: PendingChange[] = [];
    for (const entry of [...this.pending.values()]) {
      if (id !== undefined && entry.id !== id) continue;
      clearTimeout(entry.timer);
      this.pending.delete(entry.id);
      const change = { id: entry.id, summary: entry.summary, deadline: entry.deadline };
      confirmed.push(change);
      this.settled(change, { outcome: 'confirmed' });
    }
    return confirmed;
  }

  list(): PendingChange[] {
    return [...this.pending.values()].map(({ id, summary, deadline }) => ({ id, summary, deadline }));
  }

  /**
   * Closes every window without reverting, as the service stops: a revert then could not finish or be
   * recorded. Returns the changes that stay unconfirmed (Undo still takes them back).
   */
  abandon(): PendingChange[] {
    const left = this.list();
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    this.pending.clear();
    return left;
  }

  private async expire(id: number): Promise<void> {
    const entry = this.pending.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(id);
    const change = { id, summary: entry.summary, deadline: entry.deadline };
    try {
      await entry.revert();
      this.settled(change, { outcome: 'reverted' });
    } catch (error) {
      this.settled(change, { outcome: 'revert-failed', error: error as Error });
    }
  }
}
