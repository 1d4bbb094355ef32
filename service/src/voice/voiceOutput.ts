// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Which voice reads aloud: the neural voice when the configuration asks for
// it, else the desktop's speech-dispatcher, else espeak-ng; each that cannot
// speak hands the text on to the next, and the log says why.
import { access } from 'node:fs/promises';

import { findExecutable } from '../fixes/actions/shell.js';
import type { Logger } from '../logging.js';
import type { NeuralSpeaker } from './neuralSpeaker.js';
import type { Speaker } from './speaker.js';
import { type SsipAddress } from './ssip.js';

export type VoiceEngine = 'neural' | 'speech-dispatcher' | 'espeak-ng';

export interface VoiceOutputOptions {
  neural: NeuralSpeaker;
  /** Absent where a test's stand-in loudspeaker takes the place of the sound card. */
  speechDispatcher?: Speaker;
  espeak: Speaker;
  output: () => 'desktop' | 'neural';
  log: Logger;
}

export class VoiceOutput implements Speaker {
  private active: Speaker | null = null;
  private busy = false;
  private turn = 0;

  constructor(private readonly options: VoiceOutputOptions) {}

  get speaking(): boolean {
    return this.busy;
  }

  async speak(text: string): Promise<void> {
    this.stop();
    const turn = ++this.turn;
    this.busy = true;
    try {
      const chain = this.chain();
      for (const [index, { engine, speaker }] of chain.entries()) {
        this.active = speaker;
        try {
          await speaker.speak(text);
          return;
        } catch (error) {
          if (turn !== this.turn) return;
          const next = chain[index + 1];
          if (!next) throw error;
          this.options.log.warning(`${engine} cannot read aloud; ${next.engine} does`, {
            error: (error as Error).message,
          });
        }
      }
    } finally {
      if (turn === this.turn) {
        this.busy = false;
        this.active = null;
      }
    }
  }

  stop(): void {
    this.turn++;
    this.busy = false;
    this.active?.stop();
    this.active = null;
  }

  close(): void {
    this.stop();
    this.options.neural.close();
    this.options.speechDispatcher?.close?.();
  }

  private chain(): { engine: VoiceEngine; speaker: Speaker }[] {
    const { neural, speechDispatcher, espeak, output } = this.options;
    return [
      ...(output() === 'neural' ? [{ engine: 'neural' as const, speaker: neural }] : []),
      ...(speechDispatcher ? [{ engine: 'speech-dispatcher' as const, speaker: speechDispatcher }] : []),
      { engine: 'espeak-ng', speaker: espeak },
    ];
  }
}

/** What reads aloud on this machine, for `steward doctor`: null when nothing can. */
export async function probeVoiceOutput(address: SsipAddress | null): Promise<VoiceEngine | null> {
  const listening =
    address?.kind === 'unix'
      ? await access(address.path).then(
          () => true,
          () => false,
        )
      : false;
  if (listening || address?.kind === 'inet' || (await findExecutable('speech-dispatcher'))) return 'speech-dispatcher';
  return (await findExecutable('espeak-ng')) ? 'espeak-ng' : null;
}
