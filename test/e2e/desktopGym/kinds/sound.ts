// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Sound: a real private PipeWire, WirePlumber and pipewire-pulse (the voice specs' support), reached by Steward
// through PIPEWIRE_RUNTIME_DIR. These machines have no sound card: null sinks stand for the outputs, made and
// removed with pw-cli as a card's driver makes and removes its node when a headset is plugged in and pulled out.
// The chosen default is set with wpctl, as GNOME Settings' output choice sets it (default.configured.audio.sink),
// and what plays is read from PipeWire's `default` metadata as WirePlumber writes it, never from Steward.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';

import { SOUND_UNAVAILABLE } from '../../../../service/src/kinds/sound/detector.js';
import { NO_OUTPUT, SOUND_DEFAULT_GONE, SOUND_MUTED } from '../../../../service/src/kinds/sound/stateDetector.js';
import { pipeWireRawFlag } from '../../../../service/src/voice/pipeWireRaw.js';
import { type PrivateBus, startPrivateBus } from '../../../support/privateBus.js';
import { waitFor } from '../../../support/service.js';
import { type PrivatePipeWire, SINK as SPEAKER, startPipeWire } from '../../../support/voice/pipewire.js';
import { command as run } from '../command.js';
import { type DesktopScenario, type GymPart, started } from '../scenario.js';

export { SPEAKER };
export const HEADSET = 'steward-gym-headset';
export const HEADSET_DESCRIPTION = 'Gym USB headset';
/** How long WirePlumber may take to follow a change of the graph: it answers within milliseconds. */
const FOLLOW_MS = 10_000;

let pipewire: PrivatePipeWire | undefined;
let pipewireBus: PrivateBus | undefined;

const env = () => started(pipewire, 'PipeWire').env;

type DumpObject = {
  id: number;
  type?: string;
  info?: {
    props?: Record<string, unknown>;
    state?: string;
    params?: { Props?: { mute?: boolean; channelVolumes?: number[] }[] };
  } | null;
};

/** pw-dump's objects now: the graph, then the arrays of what changed while it was reading (a removal: info null). */
async function dump(): Promise<Map<number, DumpObject>> {
  const { stdout } = await run('pw-dump', ['--no-colors'], { env: env() });
  const arrays = JSON.parse(`[${stdout.trim().replace(/\n\]\s*\[/g, '\n],[')}]`) as DumpObject[][];
  const objects = new Map<number, DumpObject>();
  for (const object of arrays.flat()) {
    if (object.info === null && object.type === undefined) objects.delete(object.id);
    else objects.set(object.id, { ...objects.get(object.id), ...object });
  }
  return objects;
}

const nodesOf = (objects: Map<number, DumpObject>, mediaClass: string) =>
  [...objects.values()].filter(
    (object) => object.type === 'PipeWire:Interface:Node' && object.info?.props?.['media.class'] === mediaClass,
  );
const sinksOf = (objects: Map<number, DumpObject>) => nodesOf(objects, 'Audio/Sink');
/** The microphone's class: a null sink of class Audio/Source has no capture ports, so nothing records from it. */
const VIRTUAL_SOURCE = 'Audio/Source/Virtual';
const audioNodesOf = (objects: Map<number, DumpObject>) => [...sinksOf(objects), ...nodesOf(objects, VIRTUAL_SOURCE)];

/** The node ids of the sinks PipeWire has now, by node name (pw-dump's JSON). */
async function sinkIds(): Promise<Map<string, number>> {
  return new Map(sinksOf(await dump()).map((sink) => [String(sink.info?.props?.['node.name']), sink.id]));
}

/** The node ids of the outputs and the microphone PipeWire has now, by node name. */
async function audioNodeIds(): Promise<Map<string, number>> {
  return new Map(audioNodesOf(await dump()).map((node) => [String(node.info?.props?.['node.name']), node.id]));
}

/** Whether the output or microphone `name` is muted, as its node's Props say (WirePlumber's wpctl sets them). */
async function muted(name: string): Promise<boolean> {
  const sink = audioNodesOf(await dump()).find((candidate) => candidate.info?.props?.['node.name'] === name);
  return sink?.info?.params?.Props?.some((props) => props.mute === true) ?? false;
}

/** The loudest channel's linear volume of the sink `name`, as its node's Props say (wpctl sets channelVolumes). */
async function volume(name: string): Promise<number | undefined> {
  const sink = sinksOf(await dump()).find((candidate) => candidate.info?.props?.['node.name'] === name);
  const channels = sink?.info?.params?.Props?.flatMap((props) => props.channelVolumes ?? []) ?? [];
  return channels.length > 0 ? Math.max(...channels) : undefined;
}

/** The person's volume of an output, as the top bar's slider and `wpctl set-volume` set it (0 to 1, cubic). */
async function setVolume(name: string, level: number): Promise<void> {
  const id = (await sinkIds()).get(name);
  if (id === undefined) throw new Error(`PipeWire has no sink ${name}`);
  await run('wpctl', ['set-volume', String(id), String(level)], { env: env() });
  await waitFor(
    async () => Math.abs(Math.cbrt((await volume(name)) ?? -1) - level) < 0.01,
    `${name} at volume ${level}`,
    FOLLOW_MS,
  );
}

/** Whether pw-cat's playback stream runs. */
async function isPlaying(): Promise<boolean> {
  return [...(await dump()).values()].some(
    (object) =>
      object.info?.props?.['media.class'] === 'Stream/Output/Audio' &&
      object.info.props['application.name'] === 'pw-cat' &&
      object.info.state === 'running',
  );
}

/** A program playing into the default output: pw-cat, fed silence as fast as it plays it. */
let player: ChildProcess | undefined;

/** Whether pw-cat's running playback stream is linked into output `name`, as WirePlumber links it to its target. */
async function playingInto(name: string): Promise<boolean> {
  const objects = await dump();
  const output = (await audioNodeIds()).get(name);
  const players = new Set(
    nodesOf(objects, 'Stream/Output/Audio')
      .filter((node) => node.info?.props?.['application.name'] === 'pw-cat' && node.info.state === 'running')
      .map((node) => node.id),
  );
  return [...objects.values()].some((object) => {
    const link = object.info as { 'output-node-id'?: number; 'input-node-id'?: number } | null | undefined;
    return (
      object.type === 'PipeWire:Interface:Link' &&
      link?.['input-node-id'] === output &&
      players.has(link?.['output-node-id'] ?? -1)
    );
  });
}

/** pw-cat playing into the default output, or into `target` where a program was sent to one (its --target). */
async function startPlaying(target?: string): Promise<void> {
  // Raw samples from its input: PipeWire 1.x's pw-cat needs --raw for them, 0.3's refuses the option.
  const raw = await pipeWireRawFlag('pw-cat');
  const zeros = openSync('/dev/zero', 'r');
  let said = '';
  let playing: ChildProcess;
  const args = ['--playback', ...raw, '--format', 's16', '--rate', '48000', '--channels', '1'];
  try {
    playing = spawn('pw-cat', [...args, ...(target ? ['--target', target] : []), '-'], {
      env: env(),
      stdio: [zeros, 'ignore', 'pipe'],
    });
  } finally {
    closeSync(zeros);
  }
  player = playing;
  playing.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
  await waitFor(
    async () => {
      if (playing.exitCode !== null || playing.signalCode !== null)
        throw new Error(`pw-cat ended (${playing.exitCode ?? playing.signalCode}): ${said.split('\n')[0]}`);
      return target ? playingInto(target) : isPlaying();
    },
    target ? `pw-cat to play into ${target}` : 'pw-cat to play',
    FOLLOW_MS,
  );
}

/** Ends `running` (pw-cat), if it still runs, and waits for it. */
async function stopProgram(running: ChildProcess | undefined): Promise<void> {
  if (!running || running.exitCode !== null || running.signalCode !== null) return;
  const ended = new Promise((resolve) => running.once('exit', resolve));
  running.kill('SIGTERM');
  await ended;
}

async function stopPlaying(): Promise<void> {
  const running = player;
  player = undefined;
  await stopProgram(running);
}

/** The person's mute of an output or a microphone, as the top bar's volume menu and `wpctl set-mute` set it. */
async function setMuted(name: string, mute: boolean): Promise<void> {
  const id = (await audioNodeIds()).get(name);
  if (id === undefined) throw new Error(`PipeWire has no sink or source ${name}`);
  await run('wpctl', ['set-mute', String(id), mute ? '1' : '0'], { env: env() });
  await waitFor(async () => (await muted(name)) === mute, `${name} ${mute ? 'muted' : 'unmuted'}`, FOLLOW_MS);
}

/** A key of PipeWire's `default` metadata, as WirePlumber keeps it: the node name it holds, if any. */
async function defaultEntry(key: 'default.audio.sink' | 'default.configured.audio.sink'): Promise<string | undefined> {
  const { stdout } = await run('pw-metadata', ['-n', 'default', '0', key], { env: env() });
  // "update: id:0 key:'default.audio.sink' value:'{"name":"…"}' type:'Spa:String:JSON'"
  const value = /value:'(.*)' type:/.exec(stdout)?.[1];
  return value === undefined ? undefined : (JSON.parse(value) as { name?: string }).name;
}

/** WirePlumber's own default output (what plays) and the person's chosen one. */
const defaults = async () => ({
  playing: await defaultEntry('default.audio.sink'),
  chosen: await defaultEntry('default.configured.audio.sink'),
});

/** An output device appearing, as a card's node does when it is plugged in. */
async function plugIn(name: string, description: string): Promise<void> {
  await run(
    'pw-cli',
    [
      'create-node',
      'adapter',
      `{ factory.name=support.null-audio-sink node.name=${name} node.description="${description}" media.class=Audio/Sink object.linger=true audio.position=[MONO] }`,
    ],
    { env: env() },
  );
  await waitFor(async () => (await sinkIds()).has(name), `PipeWire's sink ${name}`, FOLLOW_MS);
}

/** The output's node gone, as when the device is pulled out. */
async function pullOut(name: string): Promise<void> {
  const id = (await sinkIds()).get(name);
  if (id === undefined) throw new Error(`PipeWire has no sink ${name}`);
  await run('pw-cli', ['destroy', String(id)], { env: env() });
  await waitFor(async () => !(await sinkIds()).has(name), `${name} gone from PipeWire`, FOLLOW_MS);
}

/** The person's choice of output, as GNOME Settings and `wpctl set-default` make it; WirePlumber follows it. */
async function choose(name: string): Promise<void> {
  const id = (await sinkIds()).get(name);
  if (id === undefined) throw new Error(`PipeWire has no sink ${name}`);
  await run('wpctl', ['set-default', String(id)], { env: env() });
  await waitFor(async () => (await defaults()).playing === name, `WirePlumber to play on ${name}`, FOLLOW_MS);
}

const SPEAKER_DESCRIPTION = 'Test speaker';

/** The speaker and the headset, the headset chosen and playing: how each sound scenario begins. */
async function speakerAndHeadset(): Promise<void> {
  const sinks = await sinkIds();
  if (!sinks.has(SPEAKER)) await plugIn(SPEAKER, SPEAKER_DESCRIPTION);
  if (!sinks.has(HEADSET)) await plugIn(HEADSET, HEADSET_DESCRIPTION);
  await choose(HEADSET);
}

const pipeWirePart: GymPart = {
  name: 'PipeWire, WirePlumber and pipewire-pulse',
  async start({ home }) {
    // A session bus of their own: nothing of theirs on the shell's.
    pipewireBus = await startPrivateBus();
    pipewire = await startPipeWire(join(home, 'pipewire'), pipewireBus.address);
    await speakerAndHeadset();
    // Steward's pw-dump, pw-metadata and its action reach this PipeWire as a session's programs reach theirs.
    return { PIPEWIRE_RUNTIME_DIR: pipewire.runtimeDir };
  },
  async stop() {
    await stopPlaying();
    await stopRecording();
    await pipewire?.stop();
    await pipewireBus?.stop();
    pipewire = pipewireBus = undefined;
  },
};

export const SOUND_DEFAULT_GONE_SCENARIO: DesktopScenario = {
  name: 'sound-default-gone',
  title: 'The chosen sound output pulled out (real PipeWire and WirePlumber; null sinks stand for the devices)',
  core: true,
  needs: [pipeWirePart],
  fault: () => pullOut(HEADSET),
  expect: {
    finding: { kind: SOUND_DEFAULT_GONE, subject: HEADSET },
    firstStep: 'sound.set_default_sink',
    apply: 'sound.set_default_sink',
    applyState: 'fixed',
    // The speaker is now the person's choice, and WirePlumber plays on it.
    healthy: async () => {
      const { playing, chosen } = await defaults();
      return playing === SPEAKER && chosen === SPEAKER;
    },
    // Undo chooses the headset again though it is gone: WirePlumber plays on the speaker meanwhile, and takes
    // the headset back once it returns (cleanup plugs it in and waits for that).
    afterUndo: async () => {
      const { playing, chosen } = await defaults();
      return playing === SPEAKER && chosen === HEADSET;
    },
  },
  async cleanup() {
    await plugIn(HEADSET, HEADSET_DESCRIPTION);
    await waitFor(
      async () => (await defaults()).playing === HEADSET,
      'WirePlumber to take the headset back',
      FOLLOW_MS,
    );
  },
};

export const SOUND_NO_OUTPUT_SCENARIO: DesktopScenario = {
  name: 'sound-no-output',
  // An explanation, not a fix: Steward's change for no output is restarting wireplumber.service in the person's
  // service manager (WirePlumber finds the cards again), and a null sink is no card a restart finds again. In the
  // gym WirePlumber is no unit (the session has no user manager), so the proposal is its first step alone: the
  // devices PipeWire has, the defaults and the audio units (info.sound), read on the real PipeWire.
  title: 'Every sound output pulled out (real PipeWire and WirePlumber; null sinks stand for the devices)',
  core: true,
  needs: [pipeWirePart],
  // The speaker first: the chosen headset last, so that no moment has a chosen output gone while another plays.
  async fault() {
    await pullOut(SPEAKER);
    await pullOut(HEADSET);
  },
  expect: { finding: { kind: SOUND_UNAVAILABLE, subject: NO_OUTPUT }, firstStep: 'info.sound', noChange: true },
  cleanup: () => speakerAndHeadset(),
};

export const SOUND_MANAGER_GONE_SCENARIO: DesktopScenario = {
  name: 'sound-session-manager-gone',
  // An explanation: in the gym WirePlumber is no unit (the session has no user manager), so there is nothing Steward
  // could start again; where it is one, the proposal restarts wireplumber.service (soundState.spec.ts's playbook).
  title: 'WirePlumber ended and not started again: PipeWire has no session manager (real PipeWire and WirePlumber)',
  core: true,
  needs: [pipeWirePart],
  fault: () => started(pipewire, 'PipeWire').stopSessionManager(),
  expect: {
    finding: { kind: SOUND_UNAVAILABLE, subject: NO_OUTPUT },
    firstStep: 'info.sound',
    noChange: true,
    says: ['WirePlumber, which gives PipeWire its sound devices, is not running', 'signing out and in again'],
  },
  async cleanup() {
    await started(pipewire, 'PipeWire').startSessionManager();
    await speakerAndHeadset();
  },
};

export const SOUND_MUTED_SCENARIO: DesktopScenario = {
  name: 'sound-muted-while-playing',
  title: 'The chosen output muted while a program plays into it (real PipeWire and WirePlumber; pw-cat plays silence)',
  core: true,
  needs: [pipeWirePart],
  async fault() {
    await startPlaying();
    await setMuted(HEADSET, true);
  },
  expect: {
    finding: { kind: SOUND_MUTED, subject: HEADSET },
    firstStep: 'sound.unmute',
    apply: 'sound.unmute',
    applyState: 'fixed',
    says: [`${HEADSET_DESCRIPTION} is muted while pw-cat plays`],
    healthy: async () => !(await muted(HEADSET)),
    afterUndo: () => muted(HEADSET),
  },
  async cleanup() {
    await stopPlaying();
    await setMuted(HEADSET, false);
  },
};

export const SOUND_OTHER_OUTPUT_MUTED_SCENARIO: DesktopScenario = {
  name: 'sound-muted-other-output',
  title:
    'A program sent to an output that is not the default, and that output muted (real PipeWire and WirePlumber; ' +
    'pw-cat --target)',
  core: true,
  needs: [pipeWirePart],
  // The headset stays the default and plays nothing; the speaker the program was sent to is the one silent.
  async fault() {
    await setMuted(SPEAKER, true);
    await startPlaying(SPEAKER);
  },
  expect: {
    finding: { kind: SOUND_MUTED, subject: SPEAKER },
    firstStep: 'sound.unmute',
    apply: 'sound.unmute',
    applyState: 'fixed',
    says: [`${SPEAKER_DESCRIPTION} is muted while pw-cat plays`],
    healthy: async () => !(await muted(SPEAKER)),
    afterUndo: () => muted(SPEAKER),
  },
  async cleanup() {
    await stopPlaying();
    await setMuted(SPEAKER, false);
  },
};

export const SOUND_SILENT_SCENARIO: DesktopScenario = {
  name: 'sound-silent-while-playing',
  title: 'The chosen output’s volume at 0, not muted, while a program plays into it (real PipeWire and WirePlumber)',
  core: true,
  needs: [pipeWirePart],
  async fault() {
    await startPlaying();
    await setVolume(HEADSET, 0);
  },
  expect: {
    finding: { kind: SOUND_MUTED, subject: HEADSET },
    firstStep: 'sound.unmute',
    apply: 'sound.unmute',
    applyState: 'fixed',
    says: [`${HEADSET_DESCRIPTION} is at volume 0 while pw-cat plays`, `Turn up ${HEADSET_DESCRIPTION}`],
    healthy: async () => ((await volume(HEADSET)) ?? 0) > 0 && !(await muted(HEADSET)),
    afterUndo: async () => (await volume(HEADSET)) === 0 && !(await muted(HEADSET)),
  },
  async cleanup() {
    await stopPlaying();
    await setVolume(HEADSET, 1);
  },
};

export const MICROPHONE = 'steward-gym-microphone';
const MICROPHONE_DESCRIPTION = 'Gym desk microphone';
/** A program recording from the default input: pw-cat, its samples thrown away. */
let recorder: ChildProcess | undefined;

/** Whether pw-cat's capture stream is linked from the microphone, as WirePlumber links a call's to the default input. */
async function recordingFromMicrophone(): Promise<boolean> {
  const objects = await dump();
  const microphone = (await audioNodeIds()).get(MICROPHONE);
  const recorders = new Set(
    nodesOf(objects, 'Stream/Input/Audio')
      .filter((node) => node.info?.props?.['application.name'] === 'pw-cat')
      .map((node) => node.id),
  );
  return [...objects.values()].some((object) => {
    const link = object.info as { 'output-node-id'?: number; 'input-node-id'?: number } | null | undefined;
    return (
      object.type === 'PipeWire:Interface:Link' &&
      link?.['output-node-id'] === microphone &&
      recorders.has(link?.['input-node-id'] ?? -1)
    );
  });
}

async function startRecording(): Promise<void> {
  const recording = spawn('pw-cat', ['--record', '--media-category', 'Capture', '-'], {
    env: env(),
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  recorder = recording;
  await waitFor(
    async () => {
      if (recording.exitCode !== null || recording.signalCode !== null)
        throw new Error(`pw-cat --record ended (${recording.exitCode ?? recording.signalCode})`);
      return recordingFromMicrophone();
    },
    'pw-cat to record from the microphone',
    FOLLOW_MS,
  );
}

async function stopRecording(): Promise<void> {
  const running = recorder;
  recorder = undefined;
  await stopProgram(running);
}

/** A microphone plugged in: a virtual source, as the integration spec makes it. */
async function plugInMicrophone(): Promise<void> {
  if ((await audioNodeIds()).has(MICROPHONE)) return;
  await run(
    'pw-cli',
    [
      'create-node',
      'adapter',
      `{ factory.name=support.null-audio-sink node.name=${MICROPHONE} node.description="${MICROPHONE_DESCRIPTION}" media.class=${VIRTUAL_SOURCE} object.linger=true audio.position=[MONO] }`,
    ],
    { env: env() },
  );
  await waitFor(async () => (await audioNodeIds()).has(MICROPHONE), `PipeWire's source ${MICROPHONE}`, FOLLOW_MS);
}

export const SOUND_INPUT_MUTED_SCENARIO: DesktopScenario = {
  name: 'sound-input-muted-while-recording',
  title: 'The microphone muted while a program records from it (real PipeWire and WirePlumber; a virtual source)',
  core: true,
  needs: [pipeWirePart],
  async fault() {
    await plugInMicrophone();
    await startRecording();
    await setMuted(MICROPHONE, true);
  },
  expect: {
    finding: { kind: SOUND_MUTED, subject: MICROPHONE },
    firstStep: 'sound.unmute',
    apply: 'sound.unmute',
    applyState: 'fixed',
    says: [`${MICROPHONE_DESCRIPTION} is muted while pw-cat records from it`, 'nobody hears you'],
    healthy: async () => !(await muted(MICROPHONE)),
    afterUndo: () => muted(MICROPHONE),
  },
  // The microphone stays, unmuted: WirePlumber 0.4 ended when a source a stream was linked from was destroyed.
  async cleanup() {
    await stopRecording();
    await setMuted(MICROPHONE, false);
  },
};
