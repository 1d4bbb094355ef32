// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Level-triggered conditions (disk space, links, connectivity) are polled or
// re-sent often. They report when a subject enters a level and resolve when it
// leaves, not on every sample; the first sample after a (re)start counts as a
// change, so a finding left open by a previous run is resolved or reported again.

export class ConditionTracker<Level extends string> {
  private readonly levels = new Map<string, Level>();

  /** Sets the subject's level; returns the previous one, or undefined when unchanged. */
  change(subject: string, level: Level): { previous: Level | undefined } | undefined {
    const previous = this.levels.get(subject);
    if (previous === level) return undefined;
    this.levels.set(subject, level);
    return { previous };
  }

  get(subject: string): Level | undefined {
    return this.levels.get(subject);
  }
}
