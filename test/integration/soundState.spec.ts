// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The sound kind against a real PipeWire: a private pipewire, WirePlumber and pipewire-pulse (the voice specs'
// support), with null sinks for the output devices (these machines have no sound card). The source follows
// pw-dump --monitor; the default-sink action goes through pw-metadata, and WirePlumber's own answer is checked.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { StewardError } from '../../service/src/dbus/errors.js';
import type { FindingWithEvidence } from '../../service/src/findings/store.js';
import type { DetectorOutput } from '../../service/src/findings/types.js';
import type { ActionContext } from '../../service/src/fixes/action.js';
import { createFindingsCatalog } from '../../service/src/fixes/catalog.js';
import type { CandidateAction, PlaybookTools } from '../../service/src/fixes/playbookSteps.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { setDefaultSink } from '../../service/src/kinds/sound/actions.js';
import { soundInfo } from '../../service/src/kinds/sound/infoAction.js';
import { muteOutput, unmuteOutput } from '../../service/src/kinds/sound/levelActions.js';
import { readSound } from '../../service/src/kinds/sound/pipewire.js';
import { soundDefaultGone } from '../../service/src/kinds/sound/playbook.js';
import { PipeWireSource } from '../../service/src/kinds/sound/source.js';
import type { SoundState } from '../../service/src/kinds/sound/state.js';
import {
  NO_INPUT,
  NO_OUTPUT,
  SOUND_DEFAULT_GONE,
  SoundStateDetector,
} from '../../service/src/kinds/sound/stateDetector.js';
import { createLogger } from '../../service/src/logging.js';
import type { WatchEvent } from '../../service/src/watch/events.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { BUS_NAME, OBJECT_PATH, quietWatch, startConfiguredService, waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { type PrivatePipeWire, SINK, startPipeWire } from '../support/voice/pipewire.js';

const run = promisify(execFile);
const A = 'steward-test-a';
const B = 'steward-test-b';

/** What a PipeWire source said and what the state detector made of it, with waits on them. */
class Heard {
  readonly states: SoundState[] = [];
  readonly outputs: DetectorOutput[] = [];
  readonly #detector = new SoundStateDetector();

  readonly take = (event: WatchEvent): void => {
    if (event.type !== 'desktop' || event.desktop.kind !== 'sound') return;
    this.states.push(event.desktop.sound);
    this.outputs.push(...this.#detector.detect(event));
  };

  last(): SoundState | undefined {
    return this.states.at(-1);
  }

  until(what: string, holds: (state: SoundState) => boolean): Promise<void> {
    return waitFor(
      () => this.states.length > 0 && holds(this.last()!),
      `${what}; last state ${JSON.stringify(this.last())}`,
    );
  }

  reports(kind: string) {
    return this.outputs.flatMap((output) => ('report' in output && output.report.kind === kind ? [output.report] : []));
  }

  resolved(kind: string, subject: string): boolean {
    return this.outputs.some(
      (output) => 'resolve' in output && output.resolve.kind === kind && output.resolve.subject === subject,
    );
  }
}

describe('Sound from PipeWire’s own state (a private PipeWire and WirePlumber, null sinks as devices)', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let pipewire: PrivatePipeWire;
  let source: PipeWireSource;
  let heard: Heard;
  const savedRuntimeDir = process.env.PIPEWIRE_RUNTIME_DIR;
  const log = createLogger({ level: 'debug', journal: false, write: () => undefined });
  // The action reads no bus nor file: PipeWire is reached through the environment.
  const context = { log } as unknown as ActionContext;
  const noProgress = { progress: () => undefined, signal: new AbortController().signal };

  const last = () => heard.last();
  const sinkNames = () => (last()?.sinks ?? []).map((sink) => sink.name);
  const until = (what: string, holds: (state: SoundState) => boolean) => heard.until(what, holds);
  const sinkId = (name: string) => last()!.sinks.find((sink) => sink.name === name)!.id;

  async function addSink(name: string, description: string): Promise<void> {
    await run(
      'pw-cli',
      [
        'create-node',
        'adapter',
        `{ factory.name=support.null-audio-sink node.name=${name} node.description="${description}" media.class=Audio/Sink object.linger=true audio.position=[MONO] }`,
      ],
      { env: pipewire.env },
    );
    await until(`the sink ${name}`, (state) => state.sinks.some((sink) => sink.name === name));
  }

  async function removeSink(name: string): Promise<void> {
    await run('pw-cli', ['destroy', String(sinkId(name))], { env: pipewire.env });
    await until(`${name} gone`, (state) => !state.sinks.some((sink) => sink.name === name));
  }

  const reports = (kind: string) => heard.reports(kind);
  const resolved = (kind: string, subject: string) => heard.resolved(kind, subject);

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir('steward-sound-');
    pipewire = await startPipeWire(home.path, bus.address);
    // The action and the playbook reach PipeWire through the service's environment: here, the private one.
    process.env.PIPEWIRE_RUNTIME_DIR = pipewire.runtimeDir;
  });

  beforeEach(async () => {
    heard = new Heard();
    source = new PipeWireSource({
      name: 'desktop.sound',
      log,
      env: pipewire.env,
      settleMs: 50,
      maxWaitMs: 500,
      restart: { initialDelayMs: 100, maxDelayMs: 1000 },
    });
    await source.start(heard.take);
    // Each spec from the same start, whatever ran before: the three sinks, the speaker chosen.
    await until('a first state', () => true);
    for (const [name, description] of [
      [SINK, 'Test speaker'],
      [A, 'Sink A'],
      [B, 'Sink B'],
    ] as const)
      if (!sinkNames().includes(name)) await addSink(name, description);
    await run(
      'pw-metadata',
      ['-n', 'default', '0', 'default.configured.audio.sink', `{ "name": "${SINK}" }`, 'Spa:String:JSON'],
      {
        env: pipewire.env,
      },
    );
    await until('the speaker as the default', (state) => state.defaultSink === SINK && state.configuredSink === SINK);
    heard.outputs.length = 0;
  });

  afterEach(async () => {
    await source.stop();
  });

  afterAll(async () => {
    if (savedRuntimeDir === undefined) delete process.env.PIPEWIRE_RUNTIME_DIR;
    else process.env.PIPEWIRE_RUNTIME_DIR = savedRuntimeDir;
    await pipewire?.stop();
    await bus?.stop();
    await home?.remove();
  });

  it('follows the sinks and the default, makes another sink the default, verifies it and undoes it', async () => {
    expect(last()).toEqual(jasmine.objectContaining({ managed: true, defaultSink: SINK, configuredSink: SINK }));
    expect(last()!.sinks.find((sink) => sink.name === SINK)).toEqual({
      id: jasmine.any(Number),
      name: SINK,
      description: 'Test speaker',
      mediaClass: 'Audio/Sink',
      virtual: false,
      // The node's Props: a new null sink is unmuted at full volume.
      mute: false,
      volume: 1,
    });
    expect(sinkNames()).toEqual(jasmine.arrayWithExactContents([SINK, A, B]));

    const preview = await setDefaultSink.preview({ name: A }, context);
    expect(preview).toEqual({
      summary: 'Make Sink A the Default Sound Output',
      details: [
        `Set default.configured.audio.sink of PipeWire’s default metadata to ${A}`,
        'Test speaker is the default sound output',
      ],
      changesNothing: false,
    });
    const outcome = await setDefaultSink.run({ name: A }, context, noProgress);
    expect(outcome).toEqual({
      summary: 'Sink A is the default sound output',
      undo: {
        action: 'sound.set_default_sink',
        params: { name: SINK },
        summary: 'Make Test speaker the default sound output again',
      },
    });
    expect(await setDefaultSink.verify({ name: A }, context)).toEqual({
      ok: true,
      observed: 'Sink A is the default sound output',
    });
    // The source sees WirePlumber's answer in the metadata.
    await until('A as the default', (state) => state.defaultSink === A && state.configuredSink === A);
    expect((await setDefaultSink.preview({ name: A }, context)).changesNothing).toBeTrue();

    // The undo the outcome named, as the executor runs it.
    await setDefaultSink.run({ name: SINK }, context, noProgress);
    expect((await setDefaultSink.verify({ name: SINK }, context)).ok).toBeTrue();
    await until('the speaker again', (state) => state.defaultSink === SINK && state.configuredSink === SINK);
    // Nothing was ever missing: no finding, only resolutions.
    expect(reports(SOUND_DEFAULT_GONE)).toEqual([]);
    expect(reports('sound-unavailable')).toEqual([]);
  });

  it('unmutes an output muted, at volume 0, or both, says which, and puts back exactly that on Undo', async () => {
    const sink = (name: string) => last()!.sinks.find((candidate) => candidate.name === name)!;
    const level = async (name: string, mute: boolean, volume: number) => {
      await run('wpctl', ['set-mute', String(sinkId(name)), mute ? '1' : '0'], { env: pipewire.env });
      await run('wpctl', ['set-volume', String(sinkId(name)), String(volume)], { env: pipewire.env });
      await until(`${name} ${mute ? 'muted' : 'unmuted'} at ${volume}`, (state) => {
        const now = state.sinks.find((candidate) => candidate.name === name);
        return now?.mute === mute && Math.abs(Math.cbrt(now.volume ?? -1) - volume) < 0.01;
      });
    };
    const cases = [
      { mute: true, volume: 0.7, says: ['Unmute Sink A', 'Sink A is unmuted', 'Mute Sink A again', 'Mute Sink A'] },
      {
        mute: false,
        volume: 0,
        says: [
          'Turn up Sink A',
          'Sink A is at half volume',
          'Set Sink A back to volume 0',
          'Set Sink A back to volume 0',
        ],
      },
      {
        mute: true,
        volume: 0,
        says: [
          'Unmute Sink A and turn it up',
          'Sink A is unmuted, at half volume',
          'Mute Sink A and set it back to volume 0',
          'Mute Sink A and set it back to volume 0',
        ],
      },
    ];
    for (const { mute, volume, says } of cases) {
      const context_ = `muted ${mute}, volume ${volume}`;
      await level(A, mute, volume);
      const preview = await unmuteOutput.preview({ name: A }, context);
      expect(preview.summary).withContext(context_).toBe(says[0]!);
      expect(preview.changesNothing).withContext(context_).toBeFalse();
      // The device as a person reads it, then the command and PipeWire's node name it runs on.
      expect(preview.details.slice(1))
        .withContext(context_)
        .toEqual([
          ...(mute ? [`Turn off the mute of Sink A (wpctl set-mute on ${A})`] : []),
          ...(volume === 0 ? [`Set the volume of Sink A to half its range (wpctl set-volume on ${A})`] : []),
        ]);
      const outcome = await unmuteOutput.run({ name: A }, context, noProgress);
      expect(outcome.summary).withContext(context_).toBe(says[1]!);
      if ('impossible' in outcome.undo) throw new Error(`no undo: ${outcome.undo.impossible}`);
      expect(outcome.undo.summary).withContext(context_).toBe(says[2]!);
      await until('A heard', (state) => {
        const now = state.sinks.find((candidate) => candidate.name === A);
        return now?.mute === false && (now.volume ?? 0) > 0.0001;
      });
      const verified = await unmuteOutput.verify({ name: A }, context);
      expect(verified.ok).withContext(context_).toBeTrue();
      // As the slider shows it: 70 % stays, 0 becomes its middle.
      expect(verified.observed)
        .withContext(context_)
        .toBe(`Sink A is at volume ${volume === 0 ? 50 : 70} %, not muted`);

      // The undo the outcome named, as the executor runs it: the mute and the volume as they were.
      const undo = muteOutput.params.parse(outcome.undo.params);
      const undoPreview = await muteOutput.preview(undo, context);
      expect(undoPreview.summary).withContext(context_).toBe(says[3]!);
      expect(undoPreview.details.slice(1))
        .withContext(context_)
        .toEqual([
          ...(mute ? [`Turn on the mute of Sink A (wpctl set-mute on ${A})`] : []),
          ...(volume === 0 ? [`Set the volume of Sink A back to 0 (wpctl set-volume on ${A})`] : []),
        ]);
      await muteOutput.run(undo, context, noProgress);
      await until('A as it was', (state) => {
        const now = state.sinks.find((candidate) => candidate.name === A);
        return now?.mute === mute && Math.abs(Math.cbrt(now.volume ?? -1) - volume) < 0.01;
      });
      expect((await muteOutput.verify(undo, context)).ok)
        .withContext(context_)
        .toBeTrue();
      expect(sink(A).mute).withContext(context_).toBe(mute);
    }
    await level(A, false, 1);
  });

  it('reports the chosen output gone, proposes the one PipeWire plays on, and resolves once it is the default', async () => {
    await setDefaultSink.run({ name: A }, context, noProgress);
    await until('A as the default', (state) => state.defaultSink === A);

    await removeSink(A);
    await until('WirePlumber to play elsewhere', (state) => state.defaultSink !== undefined && state.defaultSink !== A);
    await waitFor(() => reports(SOUND_DEFAULT_GONE).length > 0, 'sound-default-gone');
    const playingOn = last()!.defaultSink!;
    const label = last()!.sinks.find((sink) => sink.name === playingOn)!.description;
    const [report] = reports(SOUND_DEFAULT_GONE);
    expect(report).toEqual(
      jasmine.objectContaining({
        kind: SOUND_DEFAULT_GONE,
        subject: A,
        severity: 'info',
        // Named as it was shown while it was there.
        title: `The sound output Sink A is gone; sound plays on ${label}`,
      }),
    );

    const previewed: CandidateAction[] = [];
    const tools: PlaybookTools = {
      context,
      preview: (candidate) => {
        previewed.push(candidate);
        return setDefaultSink.preview(candidate.params as { name: string }, context);
      },
    };
    const finding = {
      ...report!,
      id: 1,
      firstSeen: report!.at,
      lastSeen: report!.at,
    } as unknown as FindingWithEvidence;
    const draft = await soundDefaultGone(finding, tools);
    expect(draft?.title).toBe(`Make ${label} the Default Sound Output`);
    expect(draft?.actions).toEqual([{ name: 'sound.set_default_sink', params: { name: playingOn } }]);
    expect(previewed.length).toBe(1);

    const outcome = await setDefaultSink.run({ name: playingOn }, context, noProgress);
    expect(await setDefaultSink.verify({ name: playingOn }, context)).toEqual({
      ok: true,
      observed: `${label} is the default sound output`,
    });
    await until('the new choice', (state) => state.configuredSink === playingOn);
    expect(resolved(SOUND_DEFAULT_GONE, A)).toBeTrue();
    // The undo chooses the gone sink again: WirePlumber takes it once it is back.
    expect(outcome.undo).toEqual({
      action: 'sound.set_default_sink',
      params: { name: A },
      summary: `Make ${A} the default sound output again`,
    });
    const undoPreview = await setDefaultSink.preview({ name: A }, context);
    expect(undoPreview.details).toContain(`PipeWire has no output ${A} now: it becomes the default when it is back`);
    await setDefaultSink.run({ name: A }, context, noProgress);
    expect(await setDefaultSink.verify({ name: A }, context)).toEqual({
      ok: true,
      observed: `${label} is the default sound output`,
    });
    await addSink(A, 'Sink A');
    await until('A back as the default', (state) => state.defaultSink === A);
    await waitFor(
      () => heard.outputs.filter((o) => 'resolve' in o && o.resolve.subject === A).length >= 2,
      'A resolved',
    );
  });

  it('reports no output device once every sink is gone, and resolves when one comes back', async () => {
    // The chosen one last: with no other device left it is no output, not a chosen one gone.
    for (const name of [A, B, SINK]) await removeSink(name);
    // pipewire-pulse puts its stand-in in: PulseAudio's "Dummy Output", a virtual sink no device is behind.
    await until('no device', (state) => state.sinks.every((sink) => sink.virtual || sink.name === 'auto_null'));
    await waitFor(() => reports('sound-unavailable').length > 0, 'sound-unavailable');
    const [report] = reports('sound-unavailable');
    expect(report).toEqual(
      jasmine.objectContaining({
        subject: NO_OUTPUT,
        severity: 'error',
        title: 'No sound output: PipeWire has no output device',
      }),
    );
    // No sink at all is no output, not a chosen one gone while another plays.
    expect(reports(SOUND_DEFAULT_GONE)).toEqual([]);
    await addSink(SINK, 'Test speaker');
    await until('WirePlumber to choose it', (state) => state.defaultSink === SINK);
    expect(resolved('sound-unavailable', NO_OUTPUT)).toBeTrue();
  });

  it('shows the devices, the defaults and the units as PipeWire and the user’s manager have them', async () => {
    // No user manager on this private bus: the daemons run without one, as in the desktop gym.
    const sessionBus = await bus.connect();
    const withBus = { ...context, sessionBus };
    const preview = await soundInfo.preview({}, withBus);
    expect(preview.summary).toBe('Show the sound devices PipeWire has, the defaults and the audio services');
    const [outputsBefore, ...rest] = preview.details;
    expect(
      outputsBefore
        ?.replace(/^Outputs: /, '')
        .split(', ')
        .sort(),
    ).toEqual([`Sink A (${A})`, `Sink B (${B})`, `Test speaker (${SINK})`]);
    expect(rest).toEqual([
      'Inputs: none',
      `Default output: Test speaker (${SINK})`,
      // WirePlumber records from the default output's monitor where there is no input.
      `Default input: what Test speaker (${SINK}) plays (its monitor)`,
      'Audio services: none in your service manager (the daemons run without one)',
    ]);
    for (const name of [A, B, SINK]) await removeSink(name);
    await until('no device', (state) => state.sinks.every((sink) => sink.virtual || sink.name === 'auto_null'));
    const [outputs, , output] = (await soundInfo.preview({}, withBus)).details;
    expect(outputs).toMatch(/^Outputs: none(?: \(only stand-ins: auto_null\))?$/);
    expect(output).toMatch(new RegExp(`^Default output: .*you chose ${SINK}, which is not there now$`));
    expect(() => soundInfo.params.parse({ sink: 'x' })).toThrow();
    sessionBus.disconnect();
  });

  it('starts pw-dump again when it ends, and follows PipeWire on', async () => {
    const pid = source.pid!;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => source.pid !== undefined && source.pid !== pid, 'a new pw-dump');
    await addSink('steward-test-c', 'Sink C');
    await removeSink('steward-test-c');
  });

  it('waits for PipeWire’s socket where PipeWire does not run, and reads the graph once the socket appears', async () => {
    const runtime = await makeTempDir('steward-no-pipewire-');
    // A retry by back-off would wait ten minutes: only the socket's appearance can start pw-dump again in time.
    const waiting = new PipeWireSource({
      name: 'desktop.sound',
      log,
      env: { ...pipewire.env, PIPEWIRE_RUNTIME_DIR: runtime.path },
      settleMs: 50,
      maxWaitMs: 500,
      restart: { initialDelayMs: 600_000, maxDelayMs: 600_000 },
    });
    const seen: SoundState[] = [];
    try {
      await waiting.start((event) => {
        if (event.type === 'desktop' && event.desktop.kind === 'sound') seen.push(event.desktop.sound);
      });
      await waitFor(() => waiting.pid === undefined, 'pw-dump to end without PipeWire');
      await symlink(join(pipewire.runtimeDir, 'pipewire-0'), join(runtime.path, 'pipewire-0'));
      await waitFor(() => seen.some((state) => state.sinks.some((sink) => sink.name === SINK)), 'the graph read');
    } finally {
      await waiting.stop();
      await runtime.remove();
    }
  });

  it('reaches the bus through the running service: no output raised and resolved, a gone default proposed', async () => {
    const client = await bus.connect();
    const service = await startConfiguredService(bus, client, home.path, { watch: quietWatch() }, pipewire.env);
    try {
      const findings = async () => {
        const [list] = (await callMethod(client, {
          destination: BUS_NAME,
          path: OBJECT_PATH,
          interface: 'io.github.steward.Steward1.Findings',
          member: 'List',
          signature: 'a{sv}',
          body: [{ state: new Variant('s', 'all') }],
        })) as [Record<string, Variant>[]];
        return list.map((finding) => Object.fromEntries(Object.entries(finding).map(([k, v]) => [k, v.value])));
      };
      const noOutput = async () =>
        (await findings()).find((f) => f.kind === 'sound-unavailable' && f.subject === NO_OUTPUT);
      for (const name of [A, B, SINK]) await removeSink(name);
      await waitFor(async () => (await noOutput())?.state === 'active', 'the service’s sound-unavailable finding');
      expect(await noOutput()).toEqual(
        jasmine.objectContaining({ severity: 'error', title: 'No sound output: PipeWire has no output device' }),
      );
      /** The service's proposal of `kind` about `subject`, as Proposals.List gives it. */
      const proposalOf = async (kind: string, subject: string) => {
        const [list] = (await callMethod(client, {
          destination: BUS_NAME,
          path: OBJECT_PATH,
          interface: 'io.github.steward.Steward1.Proposals',
          member: 'List',
          signature: 'a{sv}',
          body: [{}],
        })) as [Record<string, Variant>[]];
        return list.find((p) => p.kind?.value === kind && p.subject?.value === subject);
      };
      await addSink(SINK, 'Test speaker');
      await waitFor(async () => (await noOutput())?.state === 'resolved', 'the finding resolved');

      // The chosen output gone while the speaker plays: the service proposes making the speaker the default.
      await addSink(A, 'Sink A');
      await setDefaultSink.run({ name: A }, context, noProgress);
      await removeSink(A);
      const proposal = () => proposalOf(SOUND_DEFAULT_GONE, A);
      await waitFor(async () => (await proposal()) !== undefined, 'the service’s proposal for sound-default-gone');
      const found = (await proposal())!;
      expect(found.title?.value).toBe('Make Test speaker the Default Sound Output');
      const actions = (found.actions?.value as Record<string, Variant>[]).map((action) => action.name?.value);
      expect(actions).toEqual(['sound.set_default_sink']);
    } finally {
      await service.stop();
      client.disconnect();
    }
  });

  it('refuses parameters outside the schema by name', () => {
    const catalog = createFindingsCatalog({ kinds: KINDS });
    for (const params of [{ name: '"; rm -rf ~' }, { name: 'x" }' }, { name: A, extra: 1 }, {}])
      expect(() => catalog.validate('sound.set_default_sink', params)).toThrowMatching(
        (error: unknown) => error instanceof StewardError && error.errorName === 'InvalidArgs',
      );
    const name = 'alsa_output.pci-0000_00_1f.3.analog-stereo';
    expect(catalog.validate('sound.set_default_sink', { name }).params).toEqual({ name });
  });
});

// Its own PipeWire: a recorder and a microphone come and go here, and WirePlumber's choices after them (the source it
// records from, the streams it moves) are not the other specs' starting point.
describe('Sound input from PipeWire’s own state (a private PipeWire and WirePlumber, a null source as the microphone)', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let own: PrivatePipeWire;
  let source: PipeWireSource;
  const heard = new Heard();
  const log = createLogger({ level: 'debug', journal: false, write: () => undefined });

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir('steward-sound-input-');
    own = await startPipeWire(home.path, bus.address);
    source = new PipeWireSource({ name: 'desktop.sound', log, env: own.env, settleMs: 50, maxWaitMs: 500 });
    await source.start(heard.take);
    await heard.until('a first state', () => true);
  });

  afterAll(async () => {
    await source?.stop();
    await own?.stop();
    await bus?.stop();
    await home?.remove();
  });

  it('reports the input a program records from muted, unmutes it, verifies it and undoes it', async () => {
    // A virtual source: a null sink of class Audio/Source has no capture ports, and nothing could record from it.
    const mic = 'steward-test-desk-mic';
    await run(
      'pw-cli',
      [
        'create-node',
        'adapter',
        `{ factory.name=support.null-audio-sink node.name=${mic} node.description="Desk microphone" media.class=Audio/Source/Virtual object.linger=true audio.position=[MONO] }`,
      ],
      { env: own.env },
    );
    await heard.until('the microphone', (state) => state.sources.some((node) => node.name === mic));
    const micId = () => heard.last()!.sources.find((node) => node.name === mic)!.id;
    const recorder = spawn('pw-cat', ['--record', '--media-category', 'Capture', '-'], {
      env: own.env,
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const savedRuntimeDir = process.env.PIPEWIRE_RUNTIME_DIR;
    // The actions reach PipeWire through the environment, as the service's do.
    process.env.PIPEWIRE_RUNTIME_DIR = own.runtimeDir;
    const context = { log } as unknown as ActionContext;
    const noProgress = { progress: () => undefined, signal: new AbortController().signal };
    try {
      await heard.until('the recorder linked from it', (state) =>
        state.recordingFrom.some((recording) => recording.source === mic),
      );
      expect(heard.reports('sound-muted')).toEqual([]);
      await run('wpctl', ['set-mute', String(micId()), '1'], { env: own.env });
      await waitFor(() => heard.reports('sound-muted').some((r) => r.subject === mic), 'the muted input reported');
      const report = heard.reports('sound-muted').find((r) => r.subject === mic)!;
      expect([report.title, report.severity]).toEqual([
        'The sound input Desk microphone is muted while pw-cat records from it',
        'info',
      ]);

      const preview = await unmuteOutput.preview({ name: mic }, context);
      expect([preview.summary, preview.changesNothing]).toEqual(['Unmute Desk microphone', false]);
      const outcome = await unmuteOutput.run({ name: mic }, context, noProgress);
      if ('impossible' in outcome.undo) throw new Error(`no undo: ${outcome.undo.impossible}`);
      expect(outcome.undo.summary).toBe('Mute Desk microphone again');
      await heard.until('the microphone heard', (state) => state.sources.some((n) => n.name === mic && !n.mute));
      expect(heard.resolved('sound-muted', mic)).toBeTrue();
      expect(await unmuteOutput.verify({ name: mic }, context)).toEqual({
        ok: true,
        observed: 'Desk microphone is at volume 100 %, not muted',
      });

      const undo = muteOutput.params.parse(outcome.undo.params);
      await muteOutput.run(undo, context, noProgress);
      await heard.until('the microphone muted again', (state) => state.sources.some((n) => n.name === mic && n.mute));
      expect((await muteOutput.verify(undo, context)).ok).toBeTrue();
    } finally {
      if (savedRuntimeDir === undefined) delete process.env.PIPEWIRE_RUNTIME_DIR;
      else process.env.PIPEWIRE_RUNTIME_DIR = savedRuntimeDir;
      recorder.kill();
      if (recorder.exitCode === null) await once(recorder, 'exit');
    }
    // The microphone goes once nothing records from it (see below).
    await heard.until('the recorder gone', (state) => state.recording.length === 0);
    await run('pw-cli', ['destroy', String(micId())], { env: own.env });
    await heard.until('the microphone gone', (state) => !state.sources.some((node) => node.name === mic));
  });

  it('reports no input device while a program records, and resolves it once a microphone is there', async () => {
    // The private PipeWire has outputs only: a recorder started now waits for an input that is not there.
    const recorder = spawn('pw-record', ['--media-category', 'Capture', '-'], {
      env: own.env,
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    try {
      await heard.until('the recorder', (state) => state.recording.length > 0);
      await waitFor(() => heard.reports('sound-unavailable').some((r) => r.subject === NO_INPUT), 'no input reported');
      const report = heard.reports('sound-unavailable').find((r) => r.subject === NO_INPUT)!;
      expect(report.severity).toBe('warning');
      expect(report.title).toBe('No sound input: a program records, but PipeWire has no input device');
      expect(report.evidence[0]?.text).toMatch(/^PipeWire: recording: pw-(cat|record); no source$/);
      await run(
        'pw-cli',
        [
          'create-node',
          'adapter',
          '{ factory.name=support.null-audio-sink node.name=steward-test-mic node.description="Test microphone" media.class=Audio/Source object.linger=true audio.position=[MONO] }',
        ],
        { env: own.env },
      );
      await heard.until('the microphone', (state) =>
        state.sources.some((source) => source.name === 'steward-test-mic'),
      );
      expect(heard.resolved('sound-unavailable', NO_INPUT)).toBeTrue();
    } finally {
      recorder.kill();
      if (recorder.exitCode === null) await once(recorder, 'exit');
    }
    // The microphone goes once nothing records from it: WirePlumber 0.4 ended when a linked source was destroyed.
    await heard.until('the recorder gone', (state) => state.recording.length === 0);
    const mic = heard.last()?.sources.find((source) => source.name === 'steward-test-mic');
    if (mic) await run('pw-cli', ['destroy', String(mic.id)], { env: own.env });
    await heard.until('the microphone gone', (state) => state.sources.length === 0);
  });
});

// Its own PipeWire: WirePlumber is ended and started again here, and a WirePlumber started again does not leave the
// other specs' PipeWire as they start from (their sources missed its choices after a restart).
describe('WirePlumber gone (a private PipeWire of its own, WirePlumber ended and started again)', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let pipewire: PrivatePipeWire;
  let source: PipeWireSource | undefined;
  const log = createLogger({ level: 'debug', journal: false, write: () => undefined });

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir('steward-sound-manager-');
    pipewire = await startPipeWire(home.path, bus.address);
  });

  afterEach(async () => {
    await source?.stop();
    source = undefined;
  });

  afterAll(async () => {
    await pipewire?.stop();
    await bus?.stop();
    await home?.remove();
  });

  it('says WirePlumber is gone once it stayed gone, not when it comes back at once, and resolves it when it is back', async () => {
    // A source with a grace a restart on a busy machine keeps within.
    const graceMs = 5000;
    const heard = new Heard();
    const until = (what: string, holds: (state: SoundState) => boolean) => heard.until(what, holds);
    const reports = (kind: string) => heard.reports(kind);
    source = new PipeWireSource({
      name: 'desktop.sound',
      log,
      env: pipewire.env,
      settleMs: 50,
      managerGoneMs: graceMs,
    });
    await source.start(heard.take);
    await until('WirePlumber’s defaults', (state) => state.managed && state.defaultSink === SINK);
    // Ended and started again, as its unit does after a crash: nothing said, not even a state without it.
    await pipewire.stopSessionManager();
    await pipewire.startSessionManager();
    // A change after it is back reaches us only once the source has seen it back (while WirePlumber is gone, the
    // state is held back): until then, for the source, it never came back.
    const marker = 'steward-test-marker';
    await run(
      'pw-cli',
      [
        'create-node',
        'adapter',
        `{ factory.name=support.null-audio-sink node.name=${marker} media.class=Audio/Sink object.linger=true audio.position=[MONO] }`,
      ],
      { env: pipewire.env },
    );
    // PipeWire has it first (a one-off pw-dump), so that a wait that ends here is the source's own.
    await waitFor(
      async () => (await readSound(pipewire.env)).state.sinks.some((sink) => sink.name === marker),
      'PipeWire to list the marker',
    );
    await until('WirePlumber back', (state) => state.managed && state.sinks.some((sink) => sink.name === marker));
    // A choice made after the restart reaches the source that saw it and one started since: the `default` metadata
    // is a new object, which each of them follows.
    const choose = (name: string) =>
      run(
        'pw-metadata',
        ['-n', 'default', '0', 'default.configured.audio.sink', `{ "name": "${name}" }`, 'Spa:String:JSON'],
        { env: pipewire.env },
      );
    const later = new Heard();
    const laterSource = new PipeWireSource({ name: 'desktop.sound.later', log, env: pipewire.env, settleMs: 50 });
    await laterSource.start(later.take);
    try {
      await later.until('a first state', (state) => state.sinks.some((sink) => sink.name === marker));
      await choose(marker);
      for (const each of [heard, later])
        await each.until(
          'the marker chosen',
          (state) => state.defaultSink === marker && state.configuredSink === marker,
        );
      await choose(SINK);
      for (const each of [heard, later])
        await each.until('the speaker chosen', (state) => state.defaultSink === SINK && state.configuredSink === SINK);
    } finally {
      await laterSource.stop();
    }
    const markerId = heard.last()!.sinks.find((sink) => sink.name === marker)!.id;
    await run('pw-cli', ['destroy', String(markerId)], { env: pipewire.env });
    await until('the speaker as the default again', (state) => state.defaultSink === SINK && state.sinks.length === 1);
    expect(heard.states.filter((state) => !state.managed)).toEqual([]);
    expect(reports('sound-unavailable')).toEqual([]);
    // Gone for good: said once the grace is over, as no output.
    const goneAt = Date.now();
    await pipewire.stopSessionManager();
    await waitFor(() => reports('sound-unavailable').length > 0, 'sound-unavailable');
    expect(Date.now() - goneAt).toBeGreaterThanOrEqual(graceMs);
    expect(heard.last()).toEqual(jasmine.objectContaining({ managed: false, managerGone: true }));
    expect(reports('sound-unavailable')).toEqual([
      jasmine.objectContaining({
        subject: NO_OUTPUT,
        severity: 'error',
        title: 'No sound: WirePlumber, which gives PipeWire its sound devices, is not running',
      }),
    ]);
    await pipewire.startSessionManager();
    await waitFor(() => heard.resolved('sound-unavailable', NO_OUTPUT), 'no output resolved');
  });

  it('reads the graph again when its pw-dump missed WirePlumber’s return', async () => {
    const heard = new Heard();
    source = new PipeWireSource({ name: 'desktop.sound', log, env: pipewire.env, settleMs: 50, managerGoneMs: 500 });
    await source.start(heard.take);
    await heard.until('WirePlumber’s defaults', (state) => state.managed && state.defaultSink === SINK);
    await pipewire.stopSessionManager();
    await heard.until('WirePlumber gone', (state) => state.managerGone);
    // A pw-dump that writes nothing more, as 0.3.65's was seen to miss the new `default` metadata.
    const deaf = source.pid!;
    process.kill(deaf, 'SIGSTOP');
    await pipewire.startSessionManager();
    await heard.until('WirePlumber back', (state) => state.managed && state.defaultSink === SINK);
    expect(source.pid).not.toBe(deaf);
  });

  it('drafts the open proposal for no output again when WirePlumber goes, through the running service', async () => {
    // The speaker's comings and goings, as a source of the test's own reads them.
    const heard = new Heard();
    source = new PipeWireSource({ name: 'desktop.sound', log, env: pipewire.env, settleMs: 50, maxWaitMs: 500 });
    await source.start(heard.take);
    await heard.until('the speaker', (state) => state.sinks.some((sink) => sink.name === SINK));
    const client = await bus.connect();
    const service = await startConfiguredService(bus, client, home.path, { watch: quietWatch() }, pipewire.env);
    try {
      const noOutput = async () => {
        const [list] = (await callMethod(client, {
          destination: BUS_NAME,
          path: OBJECT_PATH,
          interface: 'io.github.steward.Steward1.Findings',
          member: 'List',
          signature: 'a{sv}',
          body: [{ state: new Variant('s', 'all') }],
        })) as [Record<string, Variant>[]];
        const found = list.find((f) => f.kind?.value === 'sound-unavailable' && f.subject?.value === NO_OUTPUT);
        return found && { state: found.state?.value as string, title: found.title?.value as string };
      };
      const proposals = async () => {
        const [list] = (await callMethod(client, {
          destination: BUS_NAME,
          path: OBJECT_PATH,
          interface: 'io.github.steward.Steward1.Proposals',
          member: 'List',
          signature: 'a{sv}',
          body: [{}],
        })) as [Record<string, Variant>[]];
        return list.find((p) => p.kind?.value === 'sound-unavailable' && p.subject?.value === NO_OUTPUT);
      };
      const speakerId = heard.last()!.sinks.find((sink) => sink.name === SINK)!.id;
      await run('pw-cli', ['destroy', String(speakerId)], { env: pipewire.env });
      await waitFor(async () => (await noOutput())?.state === 'active', 'the service’s sound-unavailable finding');
      const explanation = async () => ((await proposals())?.explanation?.value as string | undefined) ?? '';
      await waitFor(async () => (await explanation()).includes('unplugged'), 'a proposal for no device');
      // WirePlumber ends while it lasts: the finding, still active, now says another cause, and its one proposal is
      // drafted again with it.
      await pipewire.stopSessionManager();
      await waitFor(
        async () => (await explanation()).includes('signing out and in again starts it'),
        'the proposal drafted again for WirePlumber gone',
        30_000,
      );
      expect((await noOutput())?.title).toBe(
        'No sound: WirePlumber, which gives PipeWire its sound devices, is not running',
      );
      await pipewire.startSessionManager();
      await addSpeaker();
      await waitFor(async () => (await noOutput())?.state === 'resolved', 'the finding resolved');

      // Then WirePlumber gone and not back: the same finding again once the grace is over, proposed on anew with
      // what there is to see (here WirePlumber runs in no service manager, so nothing to restart).
      await pipewire.stopSessionManager();
      await waitFor(async () => (await noOutput())?.state === 'active', 'WirePlumber gone', 30_000);
      expect((await noOutput())?.title).toBe(
        'No sound: WirePlumber, which gives PipeWire its sound devices, is not running',
      );
      await waitFor(async () => (await proposals()) !== undefined, 'a proposal for WirePlumber gone');
      expect(await explanation()).toContain('signing out and in again starts it');
      await pipewire.startSessionManager();
      await waitFor(async () => (await noOutput())?.state === 'resolved', 'the finding resolved again');
    } finally {
      await service.stop();
      client.disconnect();
    }

    async function addSpeaker(): Promise<void> {
      await run(
        'pw-cli',
        [
          'create-node',
          'adapter',
          `{ factory.name=support.null-audio-sink node.name=${SINK} node.description="Test speaker" media.class=Audio/Sink object.linger=true audio.position=[MONO] }`,
        ],
        { env: pipewire.env },
      );
      await heard.until('the speaker back', (state) => state.sinks.some((sink) => sink.name === SINK));
    }
  });
});
