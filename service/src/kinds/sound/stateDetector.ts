// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The sound kind's findings from PipeWire's own state (source.ts), beside the journal's (detector.ts):
// - sound-unavailable, subject "output": PipeWire has no output device, no sink or only stand-ins no device is
//   behind (PulseAudio's auto_null "Dummy Output", a node.virtual sink). It is the same problem a person names as
//   a failed audio unit ("no sound"), so the same kind; its own subject keeps it apart from the units' and devices'.
// - sound-unavailable, subject "input": a program records while PipeWire has no input device (only virtual
//   sources, or none). Judged only while something records: many desktops have no microphone, and it is the
//   moment a call or a recorder waits for one that it matters.
// - sound-default-gone, subject the chosen sink's node name: the sink the person chose as the default is gone
//   while another exists; WirePlumber plays on that other one meanwhile. Sound works, elsewhere: information of
//   its own kind, with its own step (make another device the default).
// - sound-muted, subject the default sink's node name: the output sound plays on is muted, or its volume is at
//   zero, while a program plays into it. Judged only while something plays: a muted output nobody listens to is a
//   choice. Its step unmutes it (sound.unmute), undone by muting it again. Likewise an input, subject its node name,
//   while a program records from it: a call in which nobody hears the person.
// All resolve when PipeWire's state says otherwise. Without WirePlumber's `default` metadata (starting, or down)
// nothing is judged: PipeWire then has no devices by design, and a down unit is the journal detector's finding.
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';
import { SOUND_UNAVAILABLE } from './detector.js';
import { type AudioNode, silenced, type SoundState } from './state.js';

export const SOUND_DEFAULT_GONE = 'sound-default-gone';
export const SOUND_MUTED = 'sound-muted';
/** How a muted input's evidence names the programs recording from it (a muted output's: "playing into it"). */
export const RECORDING_FROM = 'recording from it: ';
/** The subject of "no output device", apart from the units' and devices' names the journal detector uses. */
export const NO_OUTPUT = 'output';
/** The subject of "no input device while a program records". */
export const NO_INPUT = 'input';
/** PulseAudio's (and pipewire-pulse's) name for the stand-in it makes when there is no sink. */
const DUMMY_SINK = 'auto_null';

/** Whether a device stands behind the sink. */
export const isDevice = (sink: AudioNode): boolean => !sink.virtual && sink.name !== DUMMY_SINK;

/** How the state names a sink for people: its description (the device's own text, cleaned by the source). */
export function sinkLabel(state: SoundState, name: string): string {
  return state.sinks.find((sink) => sink.name === name)?.description ?? name;
}

/** Programs named in the evidence at most: the rest are counted. */
const RECORDERS_NAMED = 3;
/** Outputs whose descriptions are remembered at most: a desktop has a few; any client may make more. */
const DESCRIPTIONS_KEPT = 64;

export class SoundStateDetector implements Detector {
  readonly kinds = [SOUND_UNAVAILABLE, SOUND_DEFAULT_GONE, SOUND_MUTED];
  /** The chosen sink last reported gone, to resolve it once it is back or another is chosen. */
  #gone: string | undefined;
  /** The outputs last reported muted, to resolve each once it is heard or nothing plays into it. */
  #silencedOutputs = new Set<string>();
  /** The inputs last reported muted, likewise. */
  #silencedInputs = new Set<string>();
  /** The descriptions of the outputs seen, by node name, the latest last: one that is gone is named as it was shown. */
  readonly #descriptions = new Map<string, string>();

  detect(event: WatchEvent): DetectorOutput[] {
    if (event.type !== 'desktop' || event.desktop.kind !== 'sound') return [];
    const { sound } = event.desktop;
    const at = event.at;
    // Without a session manager PipeWire has no devices nor defaults: WirePlumber is starting, or it is gone. Gone
    // once it was there (the source tells that only after it stayed gone a while), nothing plays.
    if (!sound.managed) return sound.managerGone ? [managerGone(at)] : [];
    this.#remember(sound);
    const devices = sound.sinks.filter(isDevice);
    const outputs: DetectorOutput[] = [];
    if (devices.length === 0) {
      const stand = sound.sinks.map((sink) => sink.name).join(', ');
      outputs.push({
        report: {
          kind: SOUND_UNAVAILABLE,
          severity: 'error',
          subject: NO_OUTPUT,
          title: _('No sound output: PipeWire has no output device'),
          // PipeWire's own words, not translated: they are its API's.
          evidence: [{ kind: 'text', text: stand ? `PipeWire: only the sinks ${stand}` : 'PipeWire: no sink', at }],
          at,
        },
      });
    } else outputs.push({ resolve: { kind: SOUND_UNAVAILABLE, subject: NO_OUTPUT, at } });

    outputs.push(this.#input(sound, at));

    const chosen = sound.configuredSink;
    const gone =
      chosen !== undefined && devices.length > 0 && !sound.sinks.some((sink) => sink.name === chosen)
        ? chosen
        : undefined;
    if (this.#gone !== undefined && this.#gone !== gone)
      outputs.push({ resolve: { kind: SOUND_DEFAULT_GONE, subject: this.#gone, at } });
    this.#gone = gone;
    if (gone !== undefined) {
      const current = sound.defaultSink ?? devices[0]?.name ?? '';
      outputs.push({
        report: {
          kind: SOUND_DEFAULT_GONE,
          severity: 'info',
          subject: gone,
          title: format(_('The sound output {device} is gone; sound plays on {current}'), {
            device: this.#descriptions.get(gone) ?? gone,
            current: sinkLabel(sound, current),
          }),
          evidence: [{ kind: 'text', text: `PipeWire: default.configured.audio.sink ${gone} has no node`, at }],
          at,
        },
      });
    } else if (chosen !== undefined) outputs.push({ resolve: { kind: SOUND_DEFAULT_GONE, subject: chosen, at } });
    outputs.push(...this.#mutedOutputs(sound, at), ...this.#mutedInputs(sound, at));
    return outputs;
  }

  #remember(sound: SoundState): void {
    for (const { name, description } of sound.sinks) {
      this.#descriptions.delete(name);
      this.#descriptions.set(name, description);
    }
    for (const name of this.#descriptions.keys()) {
      if (this.#descriptions.size <= DESCRIPTIONS_KEPT) break;
      this.#descriptions.delete(name);
    }
  }

  /** An output muted or silent while programs play into it: the default, or one a program was sent to. */
  #mutedOutputs(sound: SoundState, at: Date): DetectorOutput[] {
    const outputs: DetectorOutput[] = [];
    const muted = new Set<string>();
    for (const { sink: name, programs } of sound.playingInto) {
      const sink = sound.sinks.find((candidate) => candidate.name === name);
      if (!sink || !silenced(sink)) continue;
      muted.add(name);
      const words = { device: sink.description, programs: namedPrograms(programs) };
      const title = sink.mute
        ? format(_('The sound output {device} is muted while {programs} plays'), words)
        : format(_('The sound output {device} is at volume 0 while {programs} plays'), words);
      outputs.push(mutedReport(sink, 'warning', title, `playing into it: ${programs.join(', ')}`, at));
    }
    for (const name of this.#silencedOutputs) {
      if (!muted.has(name)) outputs.push({ resolve: { kind: SOUND_MUTED, subject: name, at } });
    }
    this.#silencedOutputs = muted;
    return outputs;
  }

  /** An input muted or silent while programs record from it: a call where nobody hears the person. */
  #mutedInputs(sound: SoundState, at: Date): DetectorOutput[] {
    const outputs: DetectorOutput[] = [];
    const muted = new Set<string>();
    for (const { source: name, programs } of sound.recordingFrom) {
      const source = sound.sources.find((candidate) => candidate.name === name);
      if (!source || !silenced(source)) continue;
      muted.add(name);
      const words = { device: source.description, programs: namedPrograms(programs) };
      const title = source.mute
        ? format(_('The sound input {device} is muted while {programs} records from it'), words)
        : format(_('The sound input {device} is at volume 0 while {programs} records from it'), words);
      // Information, not a warning: a microphone is often muted on purpose during a call (its mute key).
      outputs.push(mutedReport(source, 'info', title, `${RECORDING_FROM}${programs.join(', ')}`, at));
    }
    for (const name of this.#silencedInputs) {
      if (!muted.has(name)) outputs.push({ resolve: { kind: SOUND_MUTED, subject: name, at } });
    }
    this.#silencedInputs = muted;
    return outputs;
  }

  #input(sound: SoundState, at: Date): DetectorOutput {
    const { recording } = sound;
    if (recording.length === 0 || sound.sources.some(isDevice))
      return { resolve: { kind: SOUND_UNAVAILABLE, subject: NO_INPUT, at } };
    const named = recording.slice(0, RECORDERS_NAMED).join(', ');
    const more = recording.length > RECORDERS_NAMED ? ` (+${recording.length - RECORDERS_NAMED})` : '';
    const stand = sound.sources.map((source) => source.name).join(', ');
    return {
      report: {
        kind: SOUND_UNAVAILABLE,
        severity: 'warning',
        subject: NO_INPUT,
        title: _('No sound input: a program records, but PipeWire has no input device'),
        evidence: [
          {
            kind: 'text',
            text: `PipeWire: recording: ${named}${more}; ${stand ? `only the sources ${stand}` : 'no source'}`,
            at,
          },
        ],
        at,
      },
    };
  }
}

/** The evidence's words for PipeWire without a session manager, in its own names (its API's, not translated). */
export const NO_SESSION_MANAGER = 'PipeWire: no session manager (no default metadata)';

/** WirePlumber gone: PipeWire's devices and defaults went with it, so no output plays. */
const managerGone = (at: Date): DetectorOutput => ({
  report: {
    kind: SOUND_UNAVAILABLE,
    severity: 'error',
    subject: NO_OUTPUT,
    title: _('No sound: WirePlumber, which gives PipeWire its sound devices, is not running'),
    evidence: [{ kind: 'text', text: NO_SESSION_MANAGER, at }],
    at,
  },
});

const namedPrograms = (programs: string[]) => programs.slice(0, RECORDERS_NAMED).join(', ');

function mutedReport(
  node: AudioNode,
  severity: 'info' | 'warning',
  title: string,
  users: string,
  at: Date,
): DetectorOutput {
  return {
    report: {
      kind: SOUND_MUTED,
      severity,
      subject: node.name,
      title,
      // PipeWire's own words, not translated: they are its API's.
      evidence: [
        {
          kind: 'text',
          text: `PipeWire: ${node.name} Props mute ${String(node.mute ?? false)}, volume ${String(node.volume ?? 1)}; ${users}`,
          at,
        },
      ],
      at,
    },
  };
}
