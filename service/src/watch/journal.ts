// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The journald source: a `journalctl --follow --output=json` child, restarted
// with back-off from the last cursor seen. Cursors are persisted by the caller.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import type { Logger } from '../logging.js';
import type { BackoffOptions } from '../restartBackoff.js';
import type { EventSource, JournalEntry, WatchEvent } from './events.js';
import { parseJournalLine } from './journalEntry.js';
import { forEachLine } from './lines.js';
import { type ChildCommand, type ChildEnd, SupervisedChild } from './supervisedChild.js';

export interface JournalSourceOptions {
  name: string;
  /** Which journal: ['--system'], ['--user'], ['--directory', dir]. */
  args: string[];
  /** Whether it is the system journal; without it, any journal but `--user`'s (a stand-in user journal is not). */
  system?: boolean;
  /** Where the previous run stopped; null on the first start (start at the tail). */
  resumeCursor: string | null;
  log: Logger;
  /** Back-off between restarts; a run of `healthyRunMs` (default a minute) starts it again from the first delay. */
  restart?: BackoffOptions & { healthyRunMs?: number };
  /** The journalctl binary (tests). */
  command?: string;
  /** Whether an entry is Steward's own (ownLines.ts): passed over, never an event. */
  isOwn?: (entry: JournalEntry) => boolean;
  /** How often the journal is asked whether it holds an entry journalctl has not reported (30 s by default). */
  quietCheckMs?: number;
}

// Every field, though few are read: --output-fields slows journalctl by a fifth or more, and the line
// scanner (journalLine.ts) skips the fields it does not want at little cost.
const COMMON_ARGS = ['--follow', '--output=json', '--no-pager', '--all'];
const BAD_LINE_LOG_INTERVAL_MS = 60_000;
const QUIET_CHECK_MS = 30_000;
const JOURNALCTL_TIMEOUT_MS = 10_000;
const EMPTY = Symbol('an empty journal');

export class JournalSource implements EventSource {
  readonly name: string;
  readonly #options: JournalSourceOptions;
  readonly #system: boolean;
  readonly #journalctl: SupervisedChild;
  #cursor: string | null;
  /** The journal had no entries when first read: whatever appears is new, and is read from its start. */
  #fromStart = false;
  #emit: ((event: WatchEvent) => void) | null = null;
  #badLines = 0;
  #badLoggedAt = -Infinity;
  /** Lines journalctl wrote since the last quiet check, entries or not. */
  #linesSinceCheck = 0;
  /** The cursor of the first entry after ours that the last quiet check found in the journal. */
  #unreported: string | null = null;
  /** The entry the last restart for quiet was for: never a second for it (one journalctl cannot print would loop). */
  #restartedFor: string | null = null;
  #quietTimer: NodeJS.Timeout | null = null;

  constructor(options: JournalSourceOptions) {
    this.name = options.name;
    this.#options = options;
    this.#system = options.system ?? !options.args.includes('--user');
    this.#cursor = options.resumeCursor;
    this.#journalctl = new SupervisedChild({
      label: 'journalctl',
      source: options.name,
      log: options.log,
      restart: options.restart ?? { initialDelayMs: 1000, maxDelayMs: 60_000 },
      command: () => this.#command(),
      attach: (child) => forEachLine(child.stdout, (line) => this.#line(line)),
      ended: (end) => this.#ended(end),
      restartDetails: () => ({ cursor: this.#cursor ?? undefined }),
    });
  }

  /** The cursor of the latest entry seen (or of the tail at the first start): where to resume. */
  get lastCursor(): string | null {
    return this.#cursor;
  }

  /** The running journalctl's process id, if one runs (for tests). */
  get pid(): number | undefined {
    return this.#journalctl.pid;
  }

  async start(emit: (event: WatchEvent) => void): Promise<void> {
    this.#emit = emit;
    await this.#journalctl.start();
    this.#scheduleQuietCheck();
  }

  async stop(): Promise<void> {
    if (this.#quietTimer) clearTimeout(this.#quietTimer);
    this.#quietTimer = null;
    await this.#journalctl.stop();
  }

  #scheduleQuietCheck(): void {
    this.#quietTimer = setTimeout(() => {
      void this.#checkQuiet().finally(() => {
        if (this.#quietTimer) this.#scheduleQuietCheck();
      });
    }, this.#options.quietCheckMs ?? QUIET_CHECK_MS);
  }

  /**
   * journalctl --follow has been seen to go silent with its process alive while the journal grew (CI, once): a wait
   * with no end. So the journal is asked, at each check, for the first entry after our cursor; the same entry found
   * at two checks in a row, with nothing written by journalctl between them, means it will not report it, and it is
   * started again from the cursor. A follower stuck just after a check is started again within two checks.
   */
  async #checkQuiet(): Promise<void> {
    const quiet = this.#linesSinceCheck === 0;
    this.#linesSinceCheck = 0;
    if (this.#journalctl.pid === undefined) {
      this.#unreported = null;
      return;
    }
    const unreported = await this.#firstAfterCursor();
    // Lines that came while the journal was asked: journalctl is at work.
    if (this.#linesSinceCheck > 0) {
      this.#unreported = null;
      return;
    }
    if (quiet && unreported !== null && unreported === this.#unreported && unreported !== this.#restartedFor) {
      this.#options.log.warning('journalctl stopped reporting entries the journal holds; restarting it', {
        source: this.name,
        cursor: this.#cursor ?? undefined,
      });
      this.#restartedFor = unreported;
      this.#journalctl.restart();
    }
    this.#unreported = unreported;
  }

  /** The cursor of the first entry after the last one seen, or null when there is none (or it cannot be told). */
  async #firstAfterCursor(): Promise<string | null> {
    // Without a cursor only a journal that was empty at start tells: any entry in it is one not yet seen.
    if (this.#cursor === null && !this.#fromStart) return null;
    const after = this.#cursor === null ? [] : [`--after-cursor=${this.#cursor}`];
    const result = await this.#oneEntry(after).catch(() => null);
    return result === null ? null : cursorOf(result.stdout);
  }

  async #command(): Promise<ChildCommand> {
    // Knowing the tail's cursor up front makes a restart before the first
    // entry lossless, and appends made right after start() are never "past".
    if (this.#cursor === null && !this.#fromStart) {
      const tail = await this.#tailCursor();
      if (tail === EMPTY) this.#fromStart = true;
      else this.#cursor = tail;
    }
    // --follow alone shows only the last 10 entries, even after a cursor: --lines=all keeps every missed one.
    const position = this.#cursor
      ? [`--after-cursor=${this.#cursor}`, '--lines=all']
      : [this.#fromStart ? '--lines=all' : '--lines=0'];
    return { program: this.#program, args: [...COMMON_ARGS, ...this.#options.args, ...position] };
  }

  /** The cursor of the journal's last entry; EMPTY when it has none yet (a directory without files). */
  async #tailCursor(): Promise<string | null | typeof EMPTY> {
    // The last entry itself, not --lines=0 --show-cursor: systemd 257 (Debian 13) shows no cursor with no entry.
    const result = await this.#oneEntry([]).catch((error: Error & { stdout?: string; stderr?: string }) => {
      if (/^-- No entries --$|No journal files were found/m.test(`${error.stdout ?? ''}${error.stderr ?? ''}`)) {
        return EMPTY;
      }
      this.#options.log.warning('journalctl could not read the journal tail', {
        source: this.name,
        error: error.message,
      });
      return null;
    });
    if (result === EMPTY || result === null) return result;
    // Without an entry journalctl says "-- No entries --", with exit status 0 (systemd 257) or 1 (252).
    if (!result.stdout.split('\n').some((line) => line.startsWith('{'))) return EMPTY;
    return cursorOf(result.stdout);
  }

  /** One entry as JSON: the journal's last, or with `position` the first after a cursor. */
  #oneEntry(position: string[]): Promise<{ stdout: string }> {
    const args = [...this.#options.args, ...position, '--lines=1', '--output=json', '--no-pager'];
    return promisify(execFile)(this.#program, args, { timeout: JOURNALCTL_TIMEOUT_MS });
  }

  get #program(): string {
    return this.#options.command ?? 'journalctl';
  }

  #line(line: string): void {
    this.#linesSinceCheck++;
    const entry = parseJournalLine(line, this.#system);
    if (entry instanceof Error) {
      this.#badLine(line, entry);
      return;
    }
    this.#cursor = entry.cursor;
    this.#journalctl.healthy();
    if (this.#options.isOwn?.(entry)) return;
    this.#emit?.({ type: 'journal', at: new Date(Number(entry.realtimeUs / 1000n)), entry });
  }

  /** Logs the first bad line of a burst, then at most one summary a minute. */
  #badLine(line: string, error: Error): void {
    this.#badLines++;
    const now = Date.now();
    if (now - this.#badLoggedAt < BAD_LINE_LOG_INTERVAL_MS) return;
    this.#options.log.warning('skipped journalctl output that is not a journal entry', {
      source: this.name,
      lines: this.#badLines,
      error: error.message,
      sample: line.slice(0, 200),
    });
    this.#badLines = 0;
    this.#badLoggedAt = now;
  }

  #ended({ stderr }: ChildEnd): 'restart' {
    // A cursor journalctl cannot seek to would fail every restart: start at the tail instead.
    if (/Failed to seek to cursor/.test(stderr)) {
      this.#options.log.warning('journalctl rejected the saved cursor; starting at the tail', {
        source: this.name,
        cursor: this.#cursor,
      });
      this.#cursor = null;
    }
    return 'restart';
  }
}

/** The cursor of the first entry in journalctl's JSON output; null when there is none or it cannot be read. */
function cursorOf(output: string): string | null {
  const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
  if (!line) return null;
  try {
    const cursor = (JSON.parse(line) as { __CURSOR?: unknown }).__CURSOR;
    return typeof cursor === 'string' ? cursor : null;
  } catch {
    return null;
  }
}
