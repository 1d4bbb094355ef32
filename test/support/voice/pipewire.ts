// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A private PipeWire for the voice specs: pipewire, WirePlumber and
// pipewire-pulse (speech-dispatcher and espeak-ng play through PulseAudio's
// protocol) on a runtime directory of the test's own, with a null sink as the
// loudspeaker whose monitor pw-record hears. Nothing of the user's sound is
// touched: every program gets the private XDG_RUNTIME_DIR and HOME.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { access, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { pipeWireRawFlag } from '../../../service/src/voice/pipeWireRaw.js';
import { waitFor } from '../service.js';

/** PipeWire's clients (pw-cli, pw-metadata) answer at once; one stuck on a server that never answers is killed. */
const CLIENT_TIMEOUT_MS = 20_000;
const execFileAsync = promisify(execFile);
const run = (file: string, args: string[], options: { env: NodeJS.ProcessEnv }) =>
  execFileAsync(file, args, { ...options, timeout: CLIENT_TIMEOUT_MS, killSignal: 'SIGKILL' });
export const SINK = 'steward-test-speaker';
const RECORD_RATE = 16000;
// |sample| above this is sound: espeak-ng's and the tiny voice's output peak far above it, silence is 0.
const LOUD = 300;
const WINDOW_SAMPLES = RECORD_RATE / 50;

export interface Recording {
  /** When the first sound arrived (Date.now()), null while all is silence. */
  firstSoundAt(): number | null;
  /** Seconds between the first and the last sound so far. */
  soundSeconds(): number;
  /** Seconds of silence recorded after the last sound; 0 while there has been none. */
  quietSeconds(): number;
  /** Seconds of 20 ms windows with sound in them. */
  loudSeconds(): number;
  stop(): Promise<void>;
}

export interface PrivatePipeWire {
  runtimeDir: string;
  /** The environment a client of this PipeWire needs. */
  env: NodeJS.ProcessEnv;
  /** Records the loudspeaker's monitor; resolves once audio flows. */
  record(): Promise<Recording>;
  /** Adds a silent microphone (a null source). */
  addMicrophone(): Promise<void>;
  /** Ends WirePlumber, as a crash or `systemctl --user stop wireplumber` does, and waits for it to be gone. */
  stopSessionManager(): Promise<void>;
  /** Starts WirePlumber again, and waits until it has chosen a default output again. */
  startSessionManager(): Promise<void>;
  stop(): Promise<void>;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

function daemon(command: string, env: NodeJS.ProcessEnv, log: string[]): ChildProcess {
  const child = spawn(command, [], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => log.push(`${command}: ${chunk}`));
  return child;
}

async function defaultSink(env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run('pw-metadata', ['0', 'default.audio.sink'], { env });
  return stdout;
}

/** Starts PipeWire, WirePlumber and pipewire-pulse in `home` (runtime directory `home`/run). */
export async function startPipeWire(home: string, busAddress: string): Promise<PrivatePipeWire> {
  const runtimeDir = join(home, 'run');
  await mkdir(runtimeDir, { recursive: true, mode: 0o700 });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_RUNTIME_DIR: runtimeDir,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_STATE_HOME: join(home, 'state'),
    DBUS_SESSION_BUS_ADDRESS: busAddress,
  };
  const log: string[] = [];
  const children: ChildProcess[] = [];
  const started = (command: string) => {
    const child = daemon(command, env, log);
    children.push(child);
    return child;
  };
  const failIfEnded = () => {
    const ended = children.find((child) => child.exitCode !== null || child.signalCode !== null);
    if (ended) throw new Error(`${ended.spawnfile} ended:\n${log.join('')}`);
  };
  started('pipewire');
  await waitFor(async () => (failIfEnded(), exists(join(runtimeDir, 'pipewire-0'))), 'PipeWire to listen');
  let wireplumber = started('wireplumber');
  started('pipewire-pulse');
  await waitFor(async () => (failIfEnded(), exists(join(runtimeDir, 'pulse', 'native'))), 'pipewire-pulse to listen');
  await run(
    'pw-cli',
    [
      'create-node',
      'adapter',
      `{ factory.name=support.null-audio-sink node.name=${SINK} node.description="Test speaker" media.class=Audio/Sink object.linger=true audio.position=[MONO] audio.rate=48000 }`,
    ],
    { env },
  );
  // WirePlumber routes new streams to the default sink: ours, once it has chosen it.
  await waitFor(async () => (failIfEnded(), (await defaultSink(env)).includes(SINK)), 'WirePlumber to choose the sink');

  // pw-record hands each period on from its main thread, which PipeWire's realtime priority (module-rt) leaves at
  // normal priority: on a busy machine it ran too late for some periods, which PipeWire then dropped, and the
  // recording held less sound than was played (load 20: 2.9 s of samples in 3.4 s). It runs at realtime priority
  // where this user may give it, below PipeWire's own threads (88).
  const realtime = await run('chrt', ['--fifo', '20', 'true'], { env }).then(
    () => ['chrt', '--fifo', '20'],
    () => [],
  );
  const recorders: ChildProcess[] = [];
  const chosenSink = () => defaultSink(env).catch(() => '');
  return {
    runtimeDir,
    env,
    async record() {
      const [command, ...prefix] = [...realtime, 'pw-record'];
      const recorder = spawn(
        command,
        // The sink's monitor, even once a microphone is the default source.
        [
          ...prefix,
          // Raw samples: without --raw, pw-record of PipeWire 1.x writes an AU header first, which would be "sound".
          ...(await pipeWireRawFlag('pw-record')),
          ...['--target', SINK, '-P', '{ stream.capture.sink=true }'],
          ...['--rate', String(RECORD_RATE), '--channels', '1', '--format', 's16', '-'],
        ],
        { env, stdio: ['ignore', 'pipe', 'ignore'] },
      );
      recorders.push(recorder);
      let firstSoundAt: number | null = null;
      let first = -1;
      let last = -1;
      let samples = 0;
      let loudWindows = 0;
      let windowLoud = false;
      let pending = Buffer.alloc(0);
      const flowing = new Promise<void>((resolve, reject) => {
        recorder.once('error', reject);
        recorder.stdout.once('data', () => resolve());
      });
      // A sample's time from the arrival of its own chunk, less the samples after it: never before the sound
      // was made, also where a busy machine made PipeWire skip (a count from the first chunk then runs early).
      recorder.stdout.on('data', (chunk: Buffer) => {
        const arrivedAt = Date.now();
        pending = Buffer.concat([pending, chunk]);
        const whole = pending.length - (pending.length % 2);
        for (let offset = 0; offset < whole; offset += 2, samples++) {
          if (Math.abs(pending.readInt16LE(offset)) > LOUD) {
            if (first < 0) {
              first = samples;
              firstSoundAt = Math.round(arrivedAt - ((whole - offset) / 2 / RECORD_RATE) * 1000);
            }
            last = samples;
            windowLoud = true;
          }
          if (samples % WINDOW_SAMPLES === WINDOW_SAMPLES - 1) {
            if (windowLoud) loudWindows++;
            windowLoud = false;
          }
        }
        pending = pending.subarray(whole);
      });
      await flowing;
      return {
        firstSoundAt: () => firstSoundAt,
        soundSeconds: () => (first < 0 ? 0 : (last - first) / RECORD_RATE),
        quietSeconds: () => (first < 0 ? 0 : (samples - 1 - last) / RECORD_RATE),
        loudSeconds: () => (loudWindows * WINDOW_SAMPLES) / RECORD_RATE,
        stop: () =>
          new Promise<void>((resolve) => {
            if (recorder.exitCode !== null) return resolve();
            recorder.once('exit', () => resolve());
            recorder.kill();
          }),
      };
    },
    async addMicrophone() {
      await run(
        'pw-cli',
        [
          'create-node',
          'adapter',
          '{ factory.name=support.null-audio-sink node.name=steward-test-microphone media.class=Audio/Source/Virtual object.linger=true audio.position=[MONO] }',
        ],
        { env },
      );
    },
    async stopSessionManager() {
      const running = wireplumber;
      const index = children.indexOf(running);
      if (index >= 0) children.splice(index, 1);
      if (running.exitCode !== null || running.signalCode !== null) return;
      const ended = new Promise((resolve) => running.once('exit', resolve));
      running.kill();
      await ended;
      // PipeWire drops an ended client's objects once it has read the hang-up: until then pw-metadata still finds
      // the old `default` metadata, and a start at once would be taken as WirePlumber back before it is.
      await waitFor(async () => !(await chosenSink()).includes('"name"'), 'PipeWire to drop WirePlumber’s metadata');
    },
    async startSessionManager() {
      wireplumber = started('wireplumber');
      // pw-metadata finds no `default` metadata until WirePlumber has made it again.
      await waitFor(async () => (failIfEnded(), (await chosenSink()).includes('"name"')), 'WirePlumber again');
    },
    async stop() {
      for (const recorder of recorders) recorder.kill();
      // speech-dispatcher, started by the service under test in this runtime directory, and its modules.
      const pids = join(runtimeDir, 'speech-dispatcher', 'pid');
      for (const file of await readdir(pids).catch(() => [] as string[])) {
        const pid = Number((await readFile(join(pids, file), 'utf8').catch(() => '')).trim());
        if (pid > 1) {
          try {
            process.kill(pid);
          } catch {
            // It ended by itself, as it does 5 s after its last client.
          }
        }
      }
      await Promise.all(
        children.reverse().map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill();
            }),
        ),
      );
    },
  };
}
