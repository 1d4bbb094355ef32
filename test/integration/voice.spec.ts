// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod, SignalRouter } from '../../service/src/dbus/client.js';
import { VOICE_INTERFACE } from '../../service/src/dbus/interfaces.js';
import { errorOf } from '../support/errors.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  gdbusCall,
  OBJECT_PATH,
  quietWatch,
  runCli,
  type RunningService,
  startConfiguredService,
  waitFor,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { speak, tinySpeechModelArchive, wavSeconds, writeTinySpeechModel } from '../support/voice/speech.js';
import { type ModelServer, startModelServer } from './models/modelServer.js';

const ERROR = 'io.github.steward.Steward1.Error';

interface Heard {
  text: string;
  final: boolean;
  at: number;
}

// The service's Voice interface on a private bus: espeak-ng's speech, played
// in real time by the stand-in microphone, recognised by sherpa-onnx in the
// speech worker with a tiny generated model (its words are nonsense, so the
// specs check streaming and endpoints, not words); Speak writes espeak-ng's
// audio to the stand-in loudspeaker, which is fed back to the microphone.
describe('Voice', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let home: TempDir;
  let service: RunningService;
  let models: string;
  let microphone: string;
  let loudspeaker: string;
  let releases: ModelServer;
  let archive: Buffer;
  // Sorts after the installed models, so the default stays the first one.
  const PULLED = 'zz-pulled-tiny';

  const call = (member: string, signature = '', body: unknown[] = []) =>
    callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: VOICE_INTERFACE,
      member,
      signature,
      body,
    });
  const property = async (name: string) => {
    const [value] = await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: 'org.freedesktop.DBus.Properties',
      member: 'Get',
      signature: 'ss',
      body: [VOICE_INTERFACE, name],
    });
    return (value as Variant).value;
  };

  /** Listens through gdbus, as a script would, and collects the transcripts until the final one. */
  async function listenByGdbus(): Promise<{ id: string; heard: Heard[]; started: number }> {
    const heard: Heard[] = [];
    const stop = await new SignalRouter(client).subscribe(
      { interface: VOICE_INTERFACE, member: 'Transcript' },
      ([, text, final]) => heard.push({ text: text as string, final: final as boolean, at: Date.now() }),
    );
    try {
      const started = Date.now();
      const { stdout } = await gdbusCall(bus.address, `${VOICE_INTERFACE}.Listen`, '{}');
      const id = /'([0-9a-f-]{36})'/.exec(stdout)?.[1] ?? '';
      expect(id).not.toBe('');
      await waitFor(() => heard.some((entry) => entry.final), 'the final transcript', 30_000);
      return { id, heard, started };
    } finally {
      await stop();
    }
  }

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir('steward-voice-');
    client = await bus.connect();
    models = join(home.path, 'data', 'steward', 'speech-models');
    await writeTinySpeechModel(join(models, 'tiny-nonsense'));
    // A model onnxruntime cannot read: it aborts the speech worker, never the service.
    await mkdir(join(models, 'zz-broken'), { recursive: true });
    await writeFile(join(models, 'zz-broken', 'model.onnx'), 'not a model');
    await writeFile(join(models, 'zz-broken', 'tokens.txt'), '<blk> 0\n');
    await writeFile(
      join(models, 'zz-broken', 'speech-model.json'),
      JSON.stringify({ kind: 'nemo-ctc', files: { model: 'model.onnx' } }),
    );
    await mkdir(join(home.path, 'archive'));
    archive = await tinySpeechModelArchive(join(home.path, 'archive'), PULLED);
    releases = await startModelServer();
    releases.files.set(`${PULLED}.tar.bz2`, archive);
    microphone = join(home.path, 'microphone.wav');
    loudspeaker = join(home.path, 'loudspeaker');
    await mkdir(loudspeaker);
    service = await startConfiguredService(
      bus,
      client,
      home.path,
      { watch: quietWatch() },
      { STEWARD_TEST_MICROPHONE_STAND_IN: microphone, STEWARD_TEST_SPEAKER_STAND_IN: loudspeaker },
    );
  });

  afterAll(async () => {
    await releases?.close();
    await service?.stop();
    await bus?.stop();
    await home?.remove();
  });

  it('lists the installed speech models with their kind, languages and size', async () => {
    const [list] = (await call('ListSpeechModels')) as [Record<string, Variant>[]];
    const tiny = list.find((model) => model.name?.value === 'tiny-nonsense');
    expect(tiny?.kind?.value).toBe('nemo-ctc');
    expect(tiny?.languages?.value).toEqual(['en']);
    expect(Number(tiny?.size?.value)).toBeGreaterThan(1000);
    expect(tiny?.default?.value).toBeTrue();
    expect(list.map((model) => model.name?.value)).toContain('zz-broken');
  });

  it('turns spoken words into growing partial transcripts and one final text at the silence after them', async () => {
    const seconds = await speak('What is using all my disk space?', microphone);
    const { heard, started } = await listenByGdbus();
    const partials = heard.filter((entry) => !entry.final);
    const [final] = heard.filter((entry) => entry.final);
    expect(partials.length).toBeGreaterThan(1);
    // Each partial grows the one before: streamed text, not a repeat of the whole at the end.
    for (let i = 1; i < partials.length; i += 1) expect(partials[i]!.text.startsWith(partials[i - 1]!.text)).toBeTrue();
    expect(final!.text).toMatch(/^(la|di)( (la|di))+$/);
    expect(final!.text).toBe(partials.at(-1)!.text);
    // The first words come while the sentence is still being spoken.
    expect(partials[0]!.at - started).toBeLessThan(seconds * 1000);
    // Measured, not asserted: from the end of the audio to the final text.
    console.log(
      `voice latency: ${final!.at - started - Math.round(seconds * 1000)} ms after ${seconds.toFixed(2)} s of speech`,
    );
    await waitFor(async () => (await property('Listening')) === false, 'Listening to turn false');
  });

  it('reads a text aloud to the loudspeaker, which the recognizer hears back', async () => {
    await gdbusCall(bus.address, `${VOICE_INTERFACE}.Speak`, 'Your disk is almost full.');
    await waitFor(
      async () => (await readdir(loudspeaker)).length > 0 && (await property('Speaking')) === false,
      'the speech',
    );
    const [spoken] = await readdir(loudspeaker);
    expect(await wavSeconds(join(loudspeaker, spoken!))).toBeGreaterThan(0.5);
    await copyFile(join(loudspeaker, spoken!), microphone);
    const { heard } = await listenByGdbus();
    expect(heard.find((entry) => entry.final)?.text).toMatch(/^(la|di)( (la|di))*$/);
  });

  it('stops on Stop with the text heard so far, and refuses a second Listen meanwhile', async () => {
    await speak('Please check the network connection of this computer right now.', microphone);
    const heard: Heard[] = [];
    const stop = await new SignalRouter(client).subscribe(
      { interface: VOICE_INTERFACE, member: 'Transcript' },
      ([, text, final]) => heard.push({ text: text as string, final: final as boolean, at: Date.now() }),
    );
    await call('Listen', 'a{sv}', [{ 'max-seconds': new Variant('u', 30) }]);
    expect((await errorOf(call('Listen', 'a{sv}', [{}]))).type).toBe(`${ERROR}.Busy`);
    await waitFor(() => heard.some((entry) => entry.text.length > 0), 'a partial transcript');
    await call('Stop');
    await waitFor(() => heard.some((entry) => entry.final), 'the final transcript');
    await stop();
    expect(heard.filter((entry) => entry.final).length).toBe(1);
    expect(heard.find((entry) => entry.final)!.text).not.toBe('');
  });

  it('answers the errors a person understands, and the service lives on', async () => {
    const broken = await errorOf(call('Listen', 'a{sv}', [{ model: new Variant('s', 'zz-broken') }]));
    expect(broken.type).toBe(`${ERROR}.EngineFailed`);
    expect(broken.text).toContain('zz-broken');
    expect((await errorOf(call('Listen', 'a{sv}', [{ model: new Variant('s', 'nowhere') }]))).type).toBe(
      `${ERROR}.NotFound`,
    );
    expect((await errorOf(call('Listen', 'a{sv}', [{ 'max-seconds': new Variant('s', '9') }]))).type).toBe(
      `${ERROR}.InvalidArgs`,
    );
    expect((await errorOf(call('Speak', 's', ['  ']))).type).toBe(`${ERROR}.InvalidArgs`);

    await rm(microphone, { force: true });
    const noMicrophone = await errorOf(call('Listen', 'a{sv}', [{}]));
    expect(noMicrophone.type).toBe(`${ERROR}.NoMicrophone`);

    await rename(models, `${models}.away`);
    const noModel = await errorOf(call('Listen', 'a{sv}', [{}]));
    await rename(`${models}.away`, models);
    expect(noModel.type).toBe(`${ERROR}.NoSpeechModel`);
    // The message names the model recommended for this machine and the exact command that pulls it.
    const [recommended] = (await call('RecommendSpeechModel')) as [Record<string, Variant>];
    expect(noModel.text).toContain(`steward models pull speech:${recommended.name?.value as string}`);
    expect(recommended.command?.value).toBe(`steward models pull speech:${recommended.name?.value as string}`);
    expect(noModel.text).toContain(models);

    // After all that, the good model still loads and listens.
    await speak('Hello Steward.', microphone);
    const { heard } = await listenByGdbus();
    expect(heard.find((entry) => entry.final)?.text).not.toBe('');
    expect(service.process.exitCode).toBeNull();
  });

  it('listens and reads aloud from the command line', async () => {
    const env = { PATH: process.env.PATH, HOME: home.path, DBUS_SESSION_BUS_ADDRESS: bus.address };
    const before = (await readdir(loudspeaker)).length;
    const said = await runCli(['say', 'The backup finished an hour ago.'], env);
    expect(said.code).toBe(0);
    await waitFor(
      async () => (await readdir(loudspeaker)).length > before && (await property('Speaking')) === false,
      'the speech',
    );
    await speak('Why is my computer slow today?', microphone);
    const heard = await runCli(['listen', '--json'], env);
    expect(heard.code).toBe(0);
    expect((JSON.parse(heard.stdout) as { text: string }).text).toMatch(/^(la|di)( (la|di))+$/);
  });

  it('removes a speech model', async () => {
    await writeTinySpeechModel(join(models, 'spare'));
    const names = async () =>
      ((await call('ListSpeechModels')) as [Record<string, Variant>[]])[0].map((model) => model.name?.value);
    expect(await names()).toContain('spare');
    await call('RemoveSpeechModel', 's', ['spare']);
    expect(await names()).not.toContain('spare');
    expect((await errorOf(call('RemoveSpeechModel', 's', ['spare']))).type).toBe(`${ERROR}.NotFound`);
  });

  it('pulls a speech model with progress signals, cancels and resumes one, lists it with its checksum, and Listen uses it', async () => {
    const url = `${releases.baseUrl}/models/${PULLED}.tar.bz2`;
    const sha256 = createHash('sha256').update(archive).digest('hex');
    const progress: { id: string; phase: string; done: bigint; total: bigint }[] = [];
    const finished: string[][] = [];
    const router = new SignalRouter(client);
    const stops = await Promise.all([
      router.subscribe({ interface: VOICE_INTERFACE, member: 'SpeechModelPullProgress' }, ([id, phase, done, total]) =>
        progress.push({ id: id as string, phase: phase as string, done: done as bigint, total: total as bigint }),
      ),
      router.subscribe({ interface: VOICE_INTERFACE, member: 'SpeechModelPullFinished' }, (body) =>
        finished.push(body as string[]),
      ),
    ]);
    try {
      const corrupted = Buffer.from(archive);
      corrupted[100]! ^= 0xff;
      releases.files.set('corrupted.tar.bz2', corrupted);
      const [badId] = (await call('PullSpeechModel', 'ss', [
        `${releases.baseUrl}/models/corrupted.tar.bz2`,
        sha256,
      ])) as [string];
      await waitFor(() => finished.some(([id]) => id === badId), 'the corrupted pull to end');
      const [, badStatus, , badError] = finished.find(([id]) => id === badId)!;
      expect([badStatus, badError]).toEqual(['failed', `${ERROR}.ChecksumMismatch`]);

      // Cancelled while the server has fallen silent; pulling again resumes from what was kept.
      const resumedUrl = `${releases.baseUrl}/models/zz-resumed.tar.bz2`;
      releases.files.set('zz-resumed.tar.bz2', archive);
      releases.misbehaviour.stallOnceAfterBytes = 100_000;
      const [cancelId] = (await call('PullSpeechModel', 'ss', [resumedUrl, ''])) as [string];
      const part = join(models, '.downloads', 'zz-resumed.tar.bz2.part');
      await waitFor(async () => (await stat(part).catch(() => undefined))?.size === 100_000, 'the first 100 kB');
      await call('CancelSpeechModelPull', 's', [cancelId]);
      await waitFor(() => finished.some(([id]) => id === cancelId), 'the cancelled pull to end');
      expect(finished.find(([id]) => id === cancelId)?.slice(1)).toEqual(['cancelled', '', '', '']);
      expect((await errorOf(call('CancelSpeechModelPull', 's', [cancelId]))).type).toBe(`${ERROR}.NotFound`);
      const [resumeId] = (await call('PullSpeechModel', 'ss', [resumedUrl, ''])) as [string];
      await waitFor(() => finished.some(([id]) => id === resumeId), 'the resumed pull to end');
      expect(finished.find(([id]) => id === resumeId)?.slice(1, 3)).toEqual(['done', 'zz-resumed']);
      expect(progress.find(({ id }) => id === resumeId)?.done).toBe(100_000n);
      await call('RemoveSpeechModel', 's', ['zz-resumed']);

      const { stdout } = await gdbusCall(bus.address, `${VOICE_INTERFACE}.PullSpeechModel`, url, sha256);
      const pullId = /'([0-9a-f-]{36})'/.exec(stdout)?.[1] ?? '';
      await waitFor(() => finished.some(([id]) => id === pullId), 'the pull to end');
      expect(finished.find(([id]) => id === pullId)?.slice(1)).toEqual(['done', PULLED, '', '']);
      // The download, then the unpacking, each ending at the archive's size.
      const reports = progress.filter(({ id }) => id === pullId);
      const phases = reports.map(({ phase }) => phase);
      expect(phases.indexOf('unpack')).toBeGreaterThan(phases.lastIndexOf('download'));
      for (const phase of ['download', 'unpack']) {
        const last = reports.filter((report) => report.phase === phase).at(-1);
        expect([last?.done, last?.total]).toEqual([BigInt(archive.length), BigInt(archive.length)]);
      }
    } finally {
      await Promise.all(stops.map((stop) => stop()));
    }
    const [list] = (await call('ListSpeechModels')) as [Record<string, Variant>[]];
    const pulled = list.find((model) => model.name?.value === PULLED);
    expect(pulled?.languages?.value).toEqual(['en']);
    expect(pulled?.sha256?.value).toBe(sha256);
    expect(pulled?.checksum?.value).toBe('caller');
    expect(pulled?.default?.value).toBeFalse();

    await speak('Is the printer connected?', microphone);
    const heard: Heard[] = [];
    const stop = await new SignalRouter(client).subscribe(
      { interface: VOICE_INTERFACE, member: 'Transcript' },
      ([, text, final]) => heard.push({ text: text as string, final: final as boolean, at: Date.now() }),
    );
    await call('Listen', 'a{sv}', [{ model: new Variant('s', PULLED) }]);
    await waitFor(() => heard.some((entry) => entry.final), 'the final transcript');
    await stop();
    expect(heard.find((entry) => entry.final)?.text).toMatch(/^(la|di)( (la|di))*$/);
    await waitFor(async () => (await property('Listening')) === false, 'Listening to turn false');
    await call('RemoveSpeechModel', 's', [PULLED]);
  });

  it('lists, recommends, pulls and removes speech models from the command line', async () => {
    const env = { PATH: process.env.PATH, HOME: home.path, DBUS_SESSION_BUS_ADDRESS: bus.address };
    const [catalog] = (await call('SpeechModelCatalog')) as [Record<string, Variant>[]];
    expect(catalog.length).toBeGreaterThan(3);
    expect(catalog.filter((entry) => entry.recommended?.value === true).length).toBe(1);
    for (const entry of catalog) {
      expect(Number(entry['approx-bytes']?.value)).toBeGreaterThan(1_000_000);
      expect((entry.languages?.value as string[]).length).toBeGreaterThan(0);
    }

    const pulled = await runCli(['models', 'pull', `speech:${releases.baseUrl}/models/${PULLED}.tar.bz2`], env);
    expect(pulled.stderr).toBe('');
    expect(pulled.code).toBe(0);
    expect(pulled.stdout).toContain(`speech:${PULLED}`);

    const listed = await runCli(['models', 'speech'], env);
    expect(listed.code).toBe(0);
    const line = listed.stdout.split('\n').find((text) => text.includes(`speech:${PULLED}`));
    expect(line).toContain('en');
    expect(line).toContain('(recorded at download)');
    const recommended = catalog.find((entry) => entry.recommended?.value === true)!;
    expect(listed.stdout).toContain(String(recommended.name?.value));

    const advice = await runCli(['models', 'recommend'], env);
    expect(advice.stdout).toContain(`steward models pull speech:${String(recommended.name?.value)}`);

    const unknown = await runCli(['models', 'pull', 'speech:no-such-model'], env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('no-such-model');

    const removed = await runCli(['models', 'rm', `speech:${PULLED}`], env);
    expect(removed.code).toBe(0);
    const [list] = (await call('ListSpeechModels')) as [Record<string, Variant>[]];
    expect(list.map((model) => model.name?.value)).not.toContain(PULLED);
  });
});
