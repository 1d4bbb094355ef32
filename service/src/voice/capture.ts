// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Where the speech comes from: the microphone through PipeWire (pw-record, so
// GNOME shows its microphone indicator while Steward listens), or a WAV file
// that stands in for the microphone in tests, played at the pace of real time
// and followed by silence, as a microphone goes on after the person stops.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

import { StewardError } from '../dbus/errors.js';
import { cleanLine } from '../untrustedText.js';
import { pipeWireRawFlag } from './pipeWireRaw.js';
import { readWav } from './wav.js';

export interface AudioSink {
  /** 16-bit signed little-endian mono samples. */
  audio(pcm: Buffer, sampleRate: number): void;
  /** The source stopped by itself (the device went away). */
  ended(error: StewardError): void;
}

export interface AudioSource {
  /** Resolves once audio flows; NoMicrophone or DeviceBusy when it cannot. */
  start(sink: AudioSink): Promise<void>;
  stop(): void;
}

const RATE = 16000;
// A microphone that gives no audio this long after it was opened is not there.
const FIRST_AUDIO_MS = 5000;

function captureError(stderr: string): StewardError {
  const line = cleanLine(stderr.trim().split('\n').at(-1) ?? '', 300);
  if (/busy/i.test(stderr))
    return new StewardError('DeviceBusy', `the microphone is busy: another program holds it (${line})`);
  return new StewardError(
    'NoMicrophone',
    `no microphone could be opened through PipeWire${line ? ` (${line})` : ''}: plug one in or choose one in Settings → Sound`,
  );
}

const PROBE_TIMEOUT_MS = 5000;

/**
 * NoMicrophone when PipeWire has no source node: WirePlumber then links a capture stream to the
 * monitor of the loudspeaker, and Steward would listen to itself. Null when a source is there, or
 * when pw-dump (a PipeWire of another make) cannot tell.
 */
export function sourceProblem(): Promise<StewardError | null> {
  return new Promise((resolve) => {
    execFile('pw-dump', [], { timeout: PROBE_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') return resolve(null);
      if (error)
        return resolve(
          new StewardError(
            'NoMicrophone',
            `PipeWire cannot be reached, so no microphone can be opened (${cleanLine(stderr, 200) || error.message})`,
          ),
        );
      let objects: unknown;
      try {
        objects = JSON.parse(stdout);
      } catch {
        return resolve(null);
      }
      const classes = (Array.isArray(objects) ? (objects as { info?: { props?: Record<string, unknown> } }[]) : []).map(
        (object) => object.info?.props?.['media.class'],
      );
      const hasSource = classes.some((name) => typeof name === 'string' && /^Audio\/(Source|Duplex)/.test(name));
      resolve(
        hasSource
          ? null
          : new StewardError(
              'NoMicrophone',
              'PipeWire has no microphone: plug one in, or turn it on in Settings → Sound',
            ),
      );
    });
  });
}

/** The default PipeWire source through pw-record, as raw 16 kHz mono samples on its stdout. */
export class PipeWireMicrophone implements AudioSource {
  private child: ChildProcess | null = null;
  private stopped = false;

  async start(sink: AudioSink): Promise<void> {
    const problem = await sourceProblem();
    if (problem) throw problem;
    // Stopped while PipeWire was asked: nothing to open.
    if (this.stopped) return;
    const raw = await pipeWireRawFlag('pw-record');
    if (this.stopped) return;
    return this.record(sink, raw);
  }

  private record(sink: AudioSink, raw: string[]): Promise<void> {
    const child = spawn(
      'pw-record',
      [...raw, '--rate', String(RATE), '--channels', '1', '--format', 's16', '--media-role', 'Communication', '-'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
    return new Promise((resolve, reject) => {
      let flowing = false;
      const timer = setTimeout(() => {
        this.stop();
        reject(
          new StewardError(
            'NoMicrophone',
            'no microphone gave any sound: plug one in or choose one in Settings → Sound',
          ),
        );
      }, FIRST_AUDIO_MS);
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        this.child = null;
        reject(
          error.code === 'ENOENT'
            ? new StewardError('NoMicrophone', "PipeWire's pw-record is not installed (Debian: pipewire-bin)")
            : captureError(error.message),
        );
      });
      child.stdout.on('data', (pcm: Buffer) => {
        if (!flowing) {
          flowing = true;
          clearTimeout(timer);
          resolve();
        }
        sink.audio(pcm, RATE);
      });
      child.on('exit', () => {
        clearTimeout(timer);
        if (this.child !== child) return;
        this.child = null;
        if (flowing) sink.ended(captureError(stderr));
        else reject(captureError(stderr));
      });
    });
  }

  stop(): void {
    this.stopped = true;
    const child = this.child;
    this.child = null;
    child?.kill();
  }
}

const CHUNK_MS = 100;

/** A stand-in for the microphone: a WAV file played in real time, then silence until stopped. */
export class WavFileMicrophone implements AudioSource {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly file: string) {}

  async start(sink: AudioSink): Promise<void> {
    const wav = await readFile(this.file).then(readWav, (error: NodeJS.ErrnoException) => {
      throw new StewardError('NoMicrophone', `no microphone: the stand-in ${this.file} cannot be read (${error.code})`);
    });
    const chunkBytes = Math.round((wav.sampleRate * CHUNK_MS) / 1000) * 2;
    const silence = Buffer.alloc(chunkBytes);
    const started = Date.now();
    let sent = 0;
    // Chunks fall due by the clock, so a busy event loop delays audio but never drops or speeds it.
    const pump = () => {
      const due = Math.floor((Date.now() - started) / CHUNK_MS) + 1;
      for (; sent < due; sent++) {
        const offset = sent * chunkBytes;
        const chunk = offset < wav.data.length ? wav.data.subarray(offset, offset + chunkBytes) : silence;
        sink.audio(chunk, wav.sampleRate);
      }
    };
    pump();
    this.timer = setInterval(pump, CHUNK_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
