// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Prints an answer as it streams, with the tool steps and the place in line
// around it. On a terminal a running step or the waiting notice stays on one
// line that the next output replaces; elsewhere only finished steps are
// printed, each on a line of its own, so a log or a test reads cleanly.
import { cleanText } from '../untrustedText.js';
import { toolStepLine } from './chatReport.js';
import type { ProgressEvent } from './chatStream.js';

export interface PrinterOutput {
  text(chunk: string): void;
  steps(line: string): void;
  /** Steps and text show on one screen (one stream, or stdout and stderr on one terminal). */
  shared: boolean;
  /** The steps' stream is a terminal, where a line can be replaced. */
  live: boolean;
}

const ERASE_LINE = '\r\u001b[K';
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const SPINNER_INTERVAL_MS = 100;

export class AnswerPrinter {
  /** The step whose running line is on screen, or 'position' for the waiting notice. */
  private transient: string | null = null;
  private textMidLine = false;
  private spinner: NodeJS.Timeout | undefined;

  constructor(private readonly output: PrinterOutput) {}

  /**
   * Spins with `label` until the first output: a model that loads takes seconds before its first
   * token. Only where a line can be replaced.
   */
  waitForModel(label: string): void {
    if (!this.output.live) return;
    let frame = 0;
    const draw = () => {
      this.output.steps(`${ERASE_LINE}  ${SPINNER[frame++ % SPINNER.length]} ${label}`);
      this.transient = 'spinner';
    };
    draw();
    this.spinner = setInterval(draw, SPINNER_INTERVAL_MS);
    this.spinner.unref();
  }

  print(event: ProgressEvent): void {
    if (event.kind === 'chunk') return this.text(event.text);
    if (!this.output.live && (event.kind === 'position' || event.status === 'running')) return;
    const replaces = event.kind === 'tool-step' && this.transient === event.stepId;
    this.eraseTransient();
    if (this.output.shared && this.textMidLine && !replaces) {
      this.output.steps('\n');
      this.textMidLine = false;
    }
    if (event.kind === 'position') {
      this.showTransient(
        'position',
        `  (waiting: ${event.position} ${event.position === 1 ? 'answer' : 'answers'} ahead)`,
      );
    } else if (event.status === 'running') {
      this.showTransient(event.stepId, toolStepLine(event));
    } else {
      this.output.steps(`${toolStepLine(event)}\n`);
    }
  }

  /** Ends the answer's last line. */
  finish(): void {
    this.eraseTransient();
    if (this.textMidLine) this.output.text('\n');
    this.textMidLine = false;
  }

  private text(chunk: string): void {
    if (chunk === '') return;
    this.eraseTransient();
    // A model's words are untrusted: no escape sequence of its reaches the terminal.
    const clean = cleanText(chunk);
    this.output.text(clean);
    if (clean !== '') this.textMidLine = !clean.endsWith('\n');
  }

  private showTransient(key: string, line: string): void {
    this.output.steps(line);
    this.transient = key;
  }

  private eraseTransient(): void {
    clearInterval(this.spinner);
    this.spinner = undefined;
    if (this.transient === null) return;
    this.output.steps(ERASE_LINE);
    this.transient = null;
  }
}
