// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The sound kind's reading of PipeWire's own state: pw-dump's stream split into objects, the graph kept from them,
// the findings the state gives, and the steps proposed for them. The objects are pw-dump 0.3.65's, as it printed
// them for a private PipeWire with WirePlumber (test/integration/soundState.spec.ts runs the real thing).
import type { DetectorOutput } from '../../../service/src/findings/types.js';
import type { CandidateAction, PlaybookTools } from '../../../service/src/fixes/playbookSteps.js';
import { setDefaultSinkParams } from '../../../service/src/kinds/sound/actions.js';
import { SOUND_UNAVAILABLE } from '../../../service/src/kinds/sound/detector.js';
import { MAX_NAME, mayMatter, nodeNameOf, SoundGraph } from '../../../service/src/kinds/sound/graph.js';
import { JsonArrayStream } from '../../../service/src/kinds/sound/jsonStream.js';
import { soundKind } from '../../../service/src/kinds/sound/kind.js';
import type { AudioNode, SoundState } from '../../../service/src/kinds/sound/state.js';
import {
  NO_INPUT,
  NO_OUTPUT,
  NO_SESSION_MANAGER,
  SOUND_DEFAULT_GONE,
  SOUND_MUTED,
  SoundStateDetector,
} from '../../../service/src/kinds/sound/stateDetector.js';
import type { WatchEvent } from '../../../service/src/watch/events.js';
import { desktopWriters } from '../../support/desktopWriters.js';
import { findingWithEvidence } from '../../support/findingFixture.js';
import { reportsOf, resolutionsOf } from '../../support/journalEvents.js';

const node = (id: number, props: Record<string, unknown>) => ({
  id,
  type: 'PipeWire:Interface:Node',
  version: 3,
  permissions: ['r', 'w', 'x', 'm'],
  info: {
    'max-input-ports': 65,
    'change-mask': ['input-ports', 'output-ports', 'state', 'props', 'params'],
    state: 'suspended',
    error: null,
    props: { 'object.id': id, 'factory.name': 'support.null-audio-sink', ...props },
    params: { Props: [{ volume: 1.0 }] },
  },
});

const sink = (id: number, name: string, description: string, extra: Record<string, unknown> = {}) =>
  node(id, { 'node.name': name, 'node.description': description, 'media.class': 'Audio/Sink', ...extra });

const metadata = (id: number, entries: { key: string; value: unknown }[], name = 'default') => ({
  id,
  type: 'PipeWire:Interface:Metadata',
  version: 3,
  permissions: ['r', 'w', 'x', 'm'],
  props: { 'client.id': 31, 'factory.id': 6, 'metadata.name': name, 'module.id': 5, 'object.serial': id },
  metadata: entries.map(({ key, value }) => ({ subject: 0, key, type: 'Spa:String:JSON', value })),
});

const FIRST_DUMP = [
  { id: 0, type: 'PipeWire:Interface:Core', version: 4, permissions: ['r', 'x', 'm'], info: { cookie: 1 } },
  node(28, { 'node.name': 'Dummy-Driver', 'node.group': 'pipewire.dummy', 'node.driver': true }),
  metadata(30, [{ key: 'log.level', value: 2 }], 'settings'),
  metadata(33, [
    { key: 'default.audio.sink', value: { name: 'alsa_output.usb-headset' } },
    { key: 'default.configured.audio.sink', value: { name: 'alsa_output.usb-headset' } },
    { key: 'default.audio.source', value: { name: 'alsa_input.pci-0000_00_1f.3.analog-stereo' } },
  ]),
  sink(40, 'alsa_output.pci-0000_00_1f.3.analog-stereo', 'Built-in Audio Analog Stereo'),
  sink(41, 'alsa_output.usb-headset', 'USB Headset'),
  node(42, {
    'node.name': 'alsa_input.pci-0000_00_1f.3.analog-stereo',
    'node.description': 'Built-in Audio Analog Stereo',
    'media.class': 'Audio/Source',
  }),
  { id: 43, type: 'PipeWire:Interface:Port', version: 3, permissions: ['r'], info: { direction: 'input' } },
];

/** pw-dump's own layout: two-space indents, one array per update. */
const printed = (objects: unknown[]) => `${JSON.stringify(objects, null, 2)}\n`;

function graphOf(...updates: unknown[][]): SoundGraph {
  const graph = new SoundGraph();
  updates.forEach((update, index) => {
    for (const object of update) graph.apply(object, index === 0);
  });
  return graph;
}

const audio = (id: number, name: string, description: string, mediaClass = 'Audio/Sink'): AudioNode => ({
  id,
  name,
  description,
  mediaClass,
  virtual: false,
});

describe('the sound kind: PipeWire’s own state', () => {
  describe('pw-dump’s stream', () => {
    it('gives each object of each array, and each array’s end, however the chunks fall', () => {
      const text = printed(FIRST_DUMP) + printed([{ id: 43, info: null }]) + printed([sink(44, 'a"]}[{', 'x\\"y')]);
      for (const size of [1, 7, 4096]) {
        const elements: unknown[] = [];
        let arrays = 0;
        const stream = new JsonArrayStream(
          (element) => elements.push(JSON.parse(element)),
          () => arrays++,
        );
        for (let i = 0; i < text.length; i += size) stream.push(text.slice(i, i + size));
        expect(arrays).withContext(`chunks of ${size}`).toBe(3);
        expect(elements).toEqual([...FIRST_DUMP, { id: 43, info: null }, sink(44, 'a"]}[{', 'x\\"y')]);
      }
    });

    it('stops at an object longer than its bound, and at output that is not arrays', () => {
      const long = new JsonArrayStream(
        () => undefined,
        () => undefined,
        100,
      );
      expect(() => long.push(printed([sink(40, 'x'.repeat(200), 'long')]))).toThrowError(/too long/);
      const garbage = new JsonArrayStream(
        () => undefined,
        () => undefined,
      );
      expect(() => garbage.push('Error: failed to connect\n')).toThrowError(/other than an array/);
      expect(() =>
        new JsonArrayStream(
          () => undefined,
          () => undefined,
        ).push('[ "a" ]'),
      ).toThrowError(/bare string/);
    });

    it('skips unparsed what cannot matter: ports, clients, links', () => {
      expect(mayMatter(JSON.stringify(FIRST_DUMP[7]).padEnd(300))).toBeFalse();
      expect(mayMatter(JSON.stringify(sink(44, 'n', 'd')))).toBeTrue();
      expect(mayMatter(JSON.stringify(metadata(33, [])))).toBeTrue();
      expect(mayMatter('{ "id": 36, "info": null }')).toBeTrue();
    });
  });

  describe('the graph', () => {
    it('keeps the audio nodes and the default metadata’s devices from the first dump', () => {
      expect(graphOf(FIRST_DUMP).state()).toEqual({
        sinks: [
          audio(40, 'alsa_output.pci-0000_00_1f.3.analog-stereo', 'Built-in Audio Analog Stereo'),
          audio(41, 'alsa_output.usb-headset', 'USB Headset'),
        ],
        sources: [
          audio(42, 'alsa_input.pci-0000_00_1f.3.analog-stereo', 'Built-in Audio Analog Stereo', 'Audio/Source'),
        ],
        defaultSink: 'alsa_output.usb-headset',
        configuredSink: 'alsa_output.usb-headset',
        defaultSource: 'alsa_input.pci-0000_00_1f.3.analog-stereo',
        recording: [],
        playingInto: [],
        recordingFrom: [],
        managed: true,
        managerGone: false,
      });
    });

    it('follows a node removed, a metadata update of changed entries only, and a whole read that drops a key', () => {
      const graph = graphOf(FIRST_DUMP, [{ id: 41, info: null }]);
      graph.apply(
        metadata(33, [{ key: 'default.audio.sink', value: { name: 'alsa_output.pci-0000_00_1f.3.analog-stereo' } }]),
        false,
      );
      expect(graph.state()).toEqual(
        jasmine.objectContaining({
          sinks: [audio(40, 'alsa_output.pci-0000_00_1f.3.analog-stereo', 'Built-in Audio Analog Stereo')],
          defaultSink: 'alsa_output.pci-0000_00_1f.3.analog-stereo',
          configuredSink: 'alsa_output.usb-headset',
        }),
      );
      // The object read alone lists every entry: the chosen sink's key was deleted.
      expect(graph.apply(metadata(33, [{ key: 'default.audio.sink', value: { name: 'x' } }]), true)).toBeTrue();
      expect(graph.state().configuredSink).toBeUndefined();
      expect(graph.state().defaultSource).toBeUndefined();
      expect(graph.metadataId).toBe(33);
      // WirePlumber gone: its metadata with it.
      graph.apply({ id: 33, info: null }, false);
      expect(graph.state()).toEqual({
        sinks: [audio(40, 'alsa_output.pci-0000_00_1f.3.analog-stereo', 'Built-in Audio Analog Stereo')],
        sources: [
          audio(42, 'alsa_input.pci-0000_00_1f.3.analog-stereo', 'Built-in Audio Analog Stereo', 'Audio/Source'),
        ],
        recording: [],
        playingInto: [],
        recordingFrom: [],
        managed: false,
        managerGone: true,
      });
      expect(graph.metadataId).toBeUndefined();
    });

    it('cleans what devices say, and reads a metadata value given as text', () => {
      const graph = graphOf([
        sink(50, 'evil\u001b[31m\u202e', `Speaker <b>${'x'.repeat(400)}`, { 'node.virtual': true }),
        metadata(33, [{ key: 'default.audio.sink', value: '{ "name": "evil" }' }]),
      ]);
      const [evil] = graph.state().sinks;
      expect(evil?.name).toBe('evil');
      expect(evil?.description.length).toBe(MAX_NAME);
      expect(evil?.description.startsWith('Speaker <b>')).toBeTrue();
      expect(evil?.virtual).toBeTrue();
      expect(graph.state().defaultSink).toBe('evil');
      expect(nodeNameOf('not json')).toBeUndefined();
      expect(nodeNameOf({ name: 7 })).toBeUndefined();
      expect(nodeNameOf(null)).toBeUndefined();
    });

    it('ignores objects of other types and shapes', () => {
      const graph = graphOf([null, 'x', { id: 'a' }, { id: 60, type: 'PipeWire:Interface:Node', info: {} }]);
      expect(graph.state()).toEqual({
        sinks: [],
        sources: [],
        recording: [],
        playingInto: [],
        recordingFrom: [],
        managed: false,
        managerGone: false,
      });
    });

    it('names the programs playing into each output, the default or another, by their running streams’ links', () => {
      const stream = (id: number, program: string, state = 'running') => ({
        ...node(id, { 'media.class': 'Stream/Output/Audio', 'node.name': 'pw-play', 'application.name': program }),
        info: {
          state,
          props: { 'media.class': 'Stream/Output/Audio', 'node.name': 'pw-play', 'application.name': program },
        },
      });
      const link = (id: number, from: number, to: number) => ({
        id,
        type: 'PipeWire:Interface:Link',
        info: { 'output-node-id': from, 'input-node-id': to },
      });
      const graph = graphOf(FIRST_DUMP, [stream(80, 'Music'), stream(81, 'Firefox'), stream(82, 'Idle', 'suspended')]);
      expect(graph.state().playingInto).toEqual([]);
      // Music into the default (the headset), Firefox sent to the built-in output, a suspended stream to it too.
      for (const object of [link(91, 80, 41), link(92, 81, 40), link(93, 82, 40)]) graph.apply(object, false);
      expect(graph.state().playingInto).toEqual([
        { sink: 'alsa_output.pci-0000_00_1f.3.analog-stereo', programs: ['Firefox'] },
        { sink: 'alsa_output.usb-headset', programs: ['Music'] },
      ]);
      graph.apply({ id: 81, info: null }, false);
      expect(graph.state().playingInto).toEqual([{ sink: 'alsa_output.usb-headset', programs: ['Music'] }]);
    });

    it('names the programs that record from an input, not those that record an output, until their streams end', () => {
      const stream = (id: number, props: Record<string, unknown>) =>
        node(id, { 'media.class': 'Stream/Input/Audio', 'node.name': 'pw-record', ...props });
      const graph = graphOf(FIRST_DUMP, [
        stream(70, { 'application.name': 'Zoom\u001b[31m <b>' }),
        stream(71, { 'application.name': 'OBS', 'stream.capture.sink': true }),
        stream(72, {}),
        stream(73, { 'application.name': 'Zoom\u001b[31m <b>' }),
      ]);
      expect(graph.state().recording).toEqual(['Zoom <b>', 'pw-record']);
      // Which input each records from: the streams linked from it.
      expect(graph.state().recordingFrom).toEqual([]);
      graph.apply(
        { id: 90, type: 'PipeWire:Interface:Link', info: { 'output-node-id': 42, 'input-node-id': 73 } },
        false,
      );
      expect(graph.state().recordingFrom).toEqual([
        { source: 'alsa_input.pci-0000_00_1f.3.analog-stereo', programs: ['Zoom <b>'] },
      ]);
      graph.apply({ id: 70, info: null }, false);
      graph.apply({ id: 72, info: null }, false);
      expect(graph.state().recording).toEqual(['Zoom <b>']);
      graph.apply({ id: 73, info: null }, false);
      expect(graph.state().recording).toEqual([]);
      // Only sinks and sources are the devices.
      expect(graph.state().sources.map((source) => source.id)).toEqual([42]);
    });
  });

  describe('the findings', () => {
    const at = new Date(0);
    const event = (sound: Partial<SoundState>): WatchEvent => ({
      type: 'desktop',
      at,
      desktop: {
        kind: 'sound',
        sound: {
          sinks: [],
          sources: [],
          recording: [],
          playingInto: [],
          recordingFrom: [],
          managed: true,
          managerGone: false,
          ...sound,
        },
      },
    });
    const speakers = audio(40, 'alsa_output.pci', 'Speakers');
    const headset = audio(41, 'alsa_output.usb-headset', 'USB Headset');

    it('reports no output device, for no sink and for stand-ins only, and resolves once one is there', () => {
      const detector = new SoundStateDetector();
      const dummy = { ...audio(45, 'auto_null', 'Dummy Output'), virtual: true };
      const reports = reportsOf([
        ...detector.detect(event({})),
        ...detector.detect(event({ sinks: [dummy], defaultSink: 'auto_null' })),
      ]);
      expect(reports.map((r) => [r.kind, r.subject, r.severity, r.title, r.evidence[0]?.text])).toEqual([
        [SOUND_UNAVAILABLE, NO_OUTPUT, 'error', 'No sound output: PipeWire has no output device', 'PipeWire: no sink'],
        [
          SOUND_UNAVAILABLE,
          NO_OUTPUT,
          'error',
          'No sound output: PipeWire has no output device',
          'PipeWire: only the sinks auto_null',
        ],
      ]);
      expect(resolutionsOf(detector.detect(event({ sinks: [speakers] })))).toContain({
        kind: SOUND_UNAVAILABLE,
        subject: NO_OUTPUT,
        at,
      });
    });

    it('reports no input device only while a program records, and resolves it once one is there or nobody records', () => {
      const detector = new SoundStateDetector();
      const microphone = audio(42, 'alsa_input.pci', 'Microphone', 'Audio/Source');
      const loopback = { ...audio(43, 'loopback.capture', 'Loopback', 'Audio/Source/Virtual'), virtual: true };
      const input = (outputs: DetectorOutput[]) =>
        outputs.filter((output) => ('report' in output ? output.report : output.resolve).subject === NO_INPUT);
      // No microphone and nobody recording: nothing to say (many desktops have none).
      expect(reportsOf(input(detector.detect(event({ sinks: [speakers] }))))).toEqual([]);
      const recording = input(detector.detect(event({ sinks: [speakers], sources: [loopback], recording: ['Zoom'] })));
      expect(reportsOf(recording).map((r) => [r.kind, r.severity, r.title, r.evidence[0]?.text])).toEqual([
        [
          SOUND_UNAVAILABLE,
          'warning',
          'No sound input: a program records, but PipeWire has no input device',
          'PipeWire: recording: Zoom; only the sources loopback.capture',
        ],
      ]);
      const many = reportsOf(input(detector.detect(event({ recording: ['a', 'b', 'c', 'd', 'e'] }))));
      expect(many[0]?.evidence[0]?.text).toBe('PipeWire: recording: a, b, c (+2); no source');
      expect(resolutionsOf(input(detector.detect(event({ sources: [microphone], recording: ['Zoom'] }))))).toEqual([
        { kind: SOUND_UNAVAILABLE, subject: NO_INPUT, at },
      ]);
      expect(resolutionsOf(input(detector.detect(event({ sources: [loopback] }))))).toEqual([
        { kind: SOUND_UNAVAILABLE, subject: NO_INPUT, at },
      ]);
    });

    it('judges nothing while no session manager keeps the defaults, and says so once the one it had is gone', () => {
      expect(new SoundStateDetector().detect(event({ managed: false }))).toEqual([]);
      const [gone] = reportsOf(new SoundStateDetector().detect(event({ managed: false, managerGone: true })));
      expect(gone?.subject).toBe(NO_OUTPUT);
      expect(gone?.evidence[0]?.text).toBe(NO_SESSION_MANAGER);
    });

    it('reports the chosen output gone while another plays, and resolves it once chosen again or replaced', () => {
      const detector = new SoundStateDetector();
      const gone = detector.detect(
        event({ sinks: [speakers], defaultSink: speakers.name, configuredSink: headset.name }),
      );
      expect(reportsOf(gone).map((r) => [r.kind, r.subject, r.severity, r.title])).toEqual([
        [
          SOUND_DEFAULT_GONE,
          headset.name,
          'info',
          'The sound output alsa_output.usb-headset is gone; sound plays on Speakers',
        ],
      ]);
      // Back again: resolved.
      const back = detector.detect(event({ sinks: [speakers, headset], configuredSink: headset.name }));
      expect(resolutionsOf(back)).toContain({ kind: SOUND_DEFAULT_GONE, subject: headset.name, at });
      expect(reportsOf(back)).toEqual([]);
      // Gone again, then another chosen: the old subject resolves.
      detector.detect(event({ sinks: [speakers], configuredSink: headset.name }));
      const replaced = detector.detect(event({ sinks: [speakers], configuredSink: speakers.name }));
      expect(resolutionsOf(replaced)).toContain({ kind: SOUND_DEFAULT_GONE, subject: headset.name, at });
      expect(reportsOf(replaced)).toEqual([]);
    });

    it('names an output that is gone as it was shown while it was there', () => {
      const detector = new SoundStateDetector();
      detector.detect(event({ sinks: [speakers, headset], defaultSink: headset.name, configuredSink: headset.name }));
      const gone = detector.detect(
        event({ sinks: [speakers], defaultSink: speakers.name, configuredSink: headset.name }),
      );
      expect(reportsOf(gone).map((r) => [r.subject, r.title])).toEqual([
        [headset.name, 'The sound output USB Headset is gone; sound plays on Speakers'],
      ]);
    });

    it('calls the last output gone no output, not a chosen one gone', () => {
      const reports = reportsOf(new SoundStateDetector().detect(event({ configuredSink: headset.name })));
      expect(reports.map((r) => r.kind)).toEqual([SOUND_UNAVAILABLE]);
    });
  });

  describe('the steps', () => {
    const finding = (kind: string, subject: string) =>
      findingWithEvidence(kind, subject, {
        title: 'No sound output: PipeWire has no output device',
        firstSeen: new Date(0),
        evidence: [{ kind: 'text', text: 'PipeWire: no sink', at: new Date(0) }],
      });

    it('restarts WirePlumber in the user’s manager for no output device, after its log', async () => {
      const previewed: CandidateAction[] = [];
      const tools = {
        preview: (candidate: CandidateAction) => {
          previewed.push(candidate);
          const user = (candidate.params as { scope?: string }).scope === 'user';
          return Promise.resolve(user ? { summary: '', details: [], changesNothing: false } : null);
        },
      } as unknown as PlaybookTools;
      const draft = await soundKind.playbooks[SOUND_UNAVAILABLE]!(finding(SOUND_UNAVAILABLE, NO_OUTPUT), tools);
      expect(draft?.title).toBe('Restart wireplumber.service to get sound back');
      expect(draft?.actions).toEqual([
        { name: 'info.sound', params: {} },
        { name: 'info.show_logs', params: { unit: 'wireplumber.service', scope: 'user' } },
        { name: 'systemd.restart_unit', params: { unit: 'wireplumber.service', scope: 'user' } },
      ]);
      expect(previewed).toEqual([
        { name: 'systemd.start_unit', params: { unit: 'wireplumber.service', scope: 'user' } },
      ]);
    });

    it('restarts WirePlumber to look for a microphone again for no input device', async () => {
      const tools = {
        preview: (candidate: CandidateAction) =>
          Promise.resolve(
            (candidate.params as { scope?: string }).scope === 'user'
              ? { summary: '', details: [], changesNothing: false }
              : null,
          ),
      } as unknown as PlaybookTools;
      const draft = await soundKind.playbooks[SOUND_UNAVAILABLE]!(finding(SOUND_UNAVAILABLE, NO_INPUT), tools);
      expect(draft?.title).toBe('Restart wireplumber.service to look for a microphone again');
      expect(draft?.explanation).toContain('the computer may have no microphone');
      expect(draft?.actions.map((action) => action.name)).toEqual([
        'info.sound',
        'info.show_logs',
        'systemd.restart_unit',
      ]);
    });

    it('shows the devices, the defaults and the units where no manager knows WirePlumber', async () => {
      const tools = { preview: () => Promise.resolve(null) } as unknown as PlaybookTools;
      const draft = await soundKind.playbooks[SOUND_UNAVAILABLE]!(finding(SOUND_UNAVAILABLE, NO_OUTPUT), tools);
      expect(draft?.actions.map((action) => action.name)).toEqual(['info.sound']);
      expect(draft?.title).toBe('See which sound devices PipeWire has');
    });

    it('registers the state source, the state detector, the actions and the default-gone playbook', () => {
      expect(soundKind.detectors(desktopWriters()).flatMap((detector) => detector.kinds)).toEqual([
        SOUND_UNAVAILABLE,
        SOUND_UNAVAILABLE,
        SOUND_DEFAULT_GONE,
        SOUND_MUTED,
      ]);
      expect(soundKind.actions().map((action) => action.name)).toEqual([
        'info.sound',
        'sound.set_default_sink',
        'sound.unmute',
        'sound.mute',
      ]);
      expect(soundKind.playbooks[SOUND_MUTED]).toBeDefined();
      expect(soundKind.playbooks[SOUND_DEFAULT_GONE]).toBeDefined();
    });

    it('takes a node name only, nothing else', () => {
      const name = 'bluez_output.00_11_22_33_44_55.1';
      expect(setDefaultSinkParams.parse({ name })).toEqual({ name });
      for (const params of [{ name: '-n other' }, { name: 'a b' }, { name: 'x"}' }, {}])
        expect(setDefaultSinkParams.safeParse(params).success).withContext(JSON.stringify(params)).toBeFalse();
      expect(setDefaultSinkParams.safeParse({ name, extra: true }).success).toBeFalse();
      expect(setDefaultSinkParams.safeParse({ name: 'a'.repeat(201) }).success).toBeFalse();
    });
  });
});
