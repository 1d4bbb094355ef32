// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Text to speech through espeak-ng, reading the text from its stdin so no
// answer is ever taken for an option. In tests a directory stands in for the
// loudspeaker: each utterance becomes a WAV file there.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import { StewardError } from '../dbus/errors.js';
import { cleanLine } from '../untrustedText.js';

export interface Speaker {
  /** Resolves when the text was spoken or stopped; Unavailable when nothing can speak. */
  speak(text: string): Promise<void>;
  /** Stops what is being spoken; nothing when silent. */
  stop(): void;
  readonly speaking: boolean;
  /** Stops and lets go of what it holds (a worker process, a connection). */
  close?(): void;
}

export class EspeakSpeaker implements Speaker {
  private child: ChildProcess | null = null;
  private count = 0;

  /** `standIn`: a directory where utterances are written as WAV files instead of played. */
  constructor(private readonly standIn?: string) {}

  get speaking(): boolean {
    return this.child !== null;
  }

  speak(text: string): Promise<void> {
    this.stop();
    const output = this.standIn ? ['-w', join(this.standIn, `utterance-${++this.count}.wav`)] : [];
    const child = spawn('espeak-ng', [...output, '--stdin'], { stdio: ['pipe', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-1000)));
    child.stdin.on('error', () => undefined);
    child.stdin.end(text);
    return new Promise((resolve, reject) => {
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (this.child === child) this.child = null;
        reject(
          new StewardError(
            'Unavailable',
            error.code === 'ENOENT'
              ? 'nothing can speak: install speech-dispatcher or espeak-ng'
              : `espeak-ng could not start (${error.message})`,
          ),
        );
      });
      child.on('exit', (code, signal) => {
        const stopped = this.child !== child;
        if (!stopped) this.child = null;
        if (code === 0 || stopped || signal) resolve();
        else reject(new StewardError('Unavailable', `espeak-ng failed: ${cleanLine(stderr, 300) || `exit ${code}`}`));
      });
    });
  }

  stop(): void {
    const child = this.child;
    this.child = null;
    child?.kill();
  }
}
