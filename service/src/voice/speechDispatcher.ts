// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Reading aloud through the desktop's speech-dispatcher, in the screen
// reader's voice. Steward's messages have SSIP's "text" priority, so the
// screen reader's own speech interrupts them, never the other way round.
// An utterance ends at its end mark, an index mark after its last word, or at
// END or CANCELED, whichever comes first. speech-dispatcher 0.12 (Debian 13)
// sends END only once its PulseAudio output has drained to the last sample,
// and pipewire-pulse holds back a tail shorter than one period until it
// pauses the stream: END came 0 to 23 s after the sound (measured), while the
// end mark comes once the audio before it has gone out.
import type { ScreenReaderVoice } from './screenReaderVoice.js';
import { voiceCommands } from './screenReaderVoice.js';
import type { Speaker } from './speaker.js';
import { type SsipAddress, SsipConnection, SsipError, type SsipEvent, ssmlWithMark } from './ssip.js';

const END_MARK = 'steward-end';

interface Utterance {
  id: number | null;
  done(): void;
}

export class SpeechDispatcherSpeaker implements Speaker {
  private connection: Promise<SsipConnection> | null = null;
  private current: Utterance | null = null;
  /** END or CANCELED of a message whose id SPEAK has not answered yet. */
  private readonly endedEarly = new Set<number>();

  constructor(
    private readonly address: () => SsipAddress | null,
    private readonly voice: () => Promise<ScreenReaderVoice>,
  ) {}

  get speaking(): boolean {
    return this.current !== null;
  }

  /** Rejects with an SsipError when speech-dispatcher cannot be reached or refuses the text. */
  async speak(text: string): Promise<void> {
    this.stop();
    let finished = () => {};
    const ended = new Promise<void>((resolve) => (finished = resolve));
    const utterance: Utterance = { id: null, done: finished };
    this.current = utterance;
    const end = () => {
      if (this.current === utterance) this.current = null;
      utterance.done();
    };
    try {
      const connection = await this.connect();
      await connection.command('CANCEL SELF');
      for (const command of voiceCommands(await this.voice())) {
        // A voice or module this speech-dispatcher lacks leaves its default, which still speaks.
        await connection.command(command).catch((error: unknown) => {
          if (!(error instanceof SsipError) || error.code === undefined) throw error;
        });
      }
      if (this.current !== utterance) return;
      const id = await connection.speak(ssmlWithMark(text, END_MARK));
      utterance.id = id;
      const endedAlready = this.endedEarly.has(id);
      this.endedEarly.clear();
      if (endedAlready || this.current !== utterance) end();
    } catch (error) {
      end();
      throw error;
    }
    await ended;
  }

  stop(): void {
    const utterance = this.current;
    if (!utterance) return;
    this.current = null;
    utterance.done();
    void this.connection?.then((connection) => connection.command('CANCEL SELF')).catch(() => undefined);
  }

  close(): void {
    this.stop();
    void this.connection?.then((connection) => connection.close()).catch(() => undefined);
    this.connection = null;
  }

  private connect(): Promise<SsipConnection> {
    if (this.connection) return this.connection;
    const address = this.address();
    if (!address) return Promise.reject(new SsipError('no runtime directory to find speech-dispatcher in'));
    const opening = SsipConnection.open(address, (event) => this.event(event)).then(async (connection) => {
      connection.onClose(() => {
        if (this.connection === opening) this.connection = null;
        this.current?.done();
        this.current = null;
      });
      const user = (process.env.USER ?? '').replace(/[^A-Za-z0-9._-]/g, '') || 'user';
      try {
        await connection.command(`SET SELF CLIENT_NAME ${user}:steward:main`);
        await connection.command('SET SELF NOTIFICATION END on');
        await connection.command('SET SELF NOTIFICATION CANCEL on');
        await connection.command('SET SELF NOTIFICATION INDEX_MARKS on');
        await connection.command('SET SELF SSML_MODE on');
        await connection.command('SET SELF PRIORITY text');
      } catch (error) {
        connection.close();
        throw error;
      }
      return connection;
    });
    this.connection = opening;
    opening.catch(() => {
      if (this.connection === opening) this.connection = null;
    });
    return opening;
  }

  private event(event: SsipEvent): void {
    const ended =
      event.type === 'end' || event.type === 'cancel' || (event.type === 'index-mark' && event.mark === END_MARK);
    if (!ended) return;
    const utterance = this.current;
    if (utterance?.id === event.messageId) {
      this.current = null;
      utterance.done();
    } else if (utterance && utterance.id === null) this.endedEarly.add(event.messageId);
  }
}
