// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The part of PipeWire's graph the sound kind reads, kept from pw-dump's objects: the audio nodes (sinks and
// sources) and the `default` metadata that names the default and the chosen (configured) devices. Everything in
// it comes from devices and programs: names and descriptions are cleaned and cut, and only known keys are read.
import { cleanLine } from '../../untrustedText.js';
import type { AudioNode, SoundState } from './state.js';

const NODE = 'PipeWire:Interface:Node';
const METADATA = 'PipeWire:Interface:Metadata';
const LINK = 'PipeWire:Interface:Link';
const SINK_CLASSES = new Set(['Audio/Sink', 'Audio/Duplex']);
const SOURCE_CLASSES = new Set(['Audio/Source', 'Audio/Source/Virtual', 'Audio/Duplex']);
/** A program's stream that records; `stream.capture.sink` marks one that records an output instead. */
const CAPTURE_STREAM = 'Stream/Input/Audio';
/** A program's stream that plays. */
const PLAYBACK_STREAM = 'Stream/Output/Audio';
/** The keys of the `default` metadata (subject 0) that name devices, and the state's field each fills. */
const DEFAULT_KEYS = {
  'default.audio.sink': 'defaultSink',
  'default.configured.audio.sink': 'configuredSink',
  'default.audio.source': 'defaultSource',
  'default.configured.audio.source': 'configuredSource',
} as const;
type DefaultKey = keyof typeof DEFAULT_KEYS;
/** A node name or description longer than this is cut: PipeWire's own are well under 200 characters. */
export const MAX_NAME = 256;
/** More audio nodes than this are not followed: a desktop has tens, and the state must stay small. */
const MAX_NODES = 512;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const text = (value: unknown) => (typeof value === 'string' ? cleanLine(value, MAX_NAME) : undefined);

/** A metadata value naming a node: `{ "name": "…" }` as pw-dump inlines Spa:String:JSON, or that JSON as text. */
export function nodeNameOf(value: unknown): string | undefined {
  let parsed = value;
  if (typeof value === 'string' && value.length <= MAX_NAME * 2) {
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return isObject(parsed) ? text(parsed.name) : undefined;
}

/** Whether pw-dump's element may matter here, judged from its text before it is parsed. */
export function mayMatter(element: string): boolean {
  // A removal is `{ "id": 36, "info": null }`: short; nodes and metadata name their type.
  return element.length < 200 || element.includes(NODE) || element.includes(METADATA) || element.includes(LINK);
}

/**
 * The node's mute and volume from its Props (pw-dump's info.params.Props), where it has them. An adapter node lists
 * its own Props and its follower's: muted if either is, as loud as the quieter of the two (each its loudest channel).
 */
function levels(info: unknown): { mute?: boolean; volume?: number } {
  const params = isObject(info) && isObject(info.params) ? info.params : undefined;
  const all = params && Array.isArray(params.Props) ? (params.Props as unknown[]).filter(isObject) : [];
  const found: { mute?: boolean; volume?: number } = {};
  for (const props of all) {
    if (typeof props.mute === 'boolean') found.mute = (found.mute ?? false) || props.mute;
    const channels = Array.isArray(props.channelVolumes)
      ? props.channelVolumes.filter((value): value is number => typeof value === 'number' && Number.isFinite(value))
      : [];
    if (channels.length > 0) found.volume = Math.min(found.volume ?? Infinity, Math.max(...channels));
  }
  return found;
}

export class SoundGraph {
  readonly #nodes = new Map<number, AudioNode>();
  /** The capture streams' ids and the names of the programs that opened them. */
  readonly #recorders = new Map<number, string>();
  /** The playback streams that run now (node state "running"), by id, and the programs that opened them. */
  readonly #players = new Map<number, string>();
  /** The links between nodes: which node's output feeds which node's input. */
  readonly #links = new Map<number, { from: number; to: number }>();
  /** The `default` metadata's object id, while it exists. */
  #metadataId: number | undefined;
  /** Whether this graph has had a session manager's metadata: PipeWire played sound through it here. */
  #managerSeen = false;
  readonly #defaults = new Map<DefaultKey, string>();

  /** `managerSeen`: a session manager was seen before this graph (a pw-dump started again within the session). */
  constructor(managerSeen = false) {
    this.#managerSeen = managerSeen;
  }

  get metadataId(): number | undefined {
    return this.#metadataId;
  }

  get managerSeen(): boolean {
    return this.#managerSeen;
  }

  /** The session manager's metadata is gone after this graph had it. */
  get managerGone(): boolean {
    return this.#metadataId === undefined && this.#managerSeen;
  }

  /**
   * Takes one object of pw-dump's output. `complete` says its metadata list is whole (a first dump, a read of
   * the object alone); pw-dump --monitor's later updates list only the entries that changed, and say nothing of
   * a removed one. Answers whether it was the `default` metadata.
   */
  apply(object: unknown, complete: boolean): boolean {
    if (!isObject(object) || typeof object.id !== 'number') return false;
    const { id } = object;
    if (object.info === null && object.type === undefined) {
      this.#nodes.delete(id);
      this.#recorders.delete(id);
      this.#players.delete(id);
      this.#links.delete(id);
      if (id === this.#metadataId) {
        this.#metadataId = undefined;
        this.#defaults.clear();
      }
      return false;
    }
    if (object.type === NODE) this.#node(id, object.info);
    else if (object.type === METADATA) return this.#metadata(id, object, complete);
    else if (object.type === LINK) this.#link(id, object.info);
    return false;
  }

  #link(id: number, info: unknown): void {
    if (!isObject(info)) return;
    const from = info['output-node-id'];
    const to = info['input-node-id'];
    if (typeof from !== 'number' || typeof to !== 'number') return;
    if (!this.#links.has(id) && this.#links.size >= MAX_NODES * 4) return;
    this.#links.set(id, { from, to });
  }

  #node(id: number, info: unknown): void {
    const props = isObject(info) && isObject(info.props) ? info.props : undefined;
    const known = this.#nodes.get(id);
    // An update without props keeps what the node had, its new state and Props aside.
    if (!props) {
      if (known) this.#nodes.set(id, { ...known, ...levels(info) });
      if (this.#players.has(id) && isObject(info) && typeof info.state === 'string' && info.state !== 'running')
        this.#players.delete(id);
      return;
    }
    const mediaClass = typeof props['media.class'] === 'string' ? props['media.class'] : '';
    const name = text(props['node.name']);
    if (mediaClass === CAPTURE_STREAM) {
      this.#recorder(id, props, name);
      return;
    }
    if (mediaClass === PLAYBACK_STREAM) {
      this.#player(id, info, props, name);
      return;
    }
    if (!name || !(SINK_CLASSES.has(mediaClass) || SOURCE_CLASSES.has(mediaClass))) {
      this.#nodes.delete(id);
      return;
    }
    if (!known && this.#nodes.size >= MAX_NODES) return;
    const { mute, volume } = { ...known, ...levels(info) };
    this.#nodes.set(id, {
      id,
      name,
      description: text(props['node.description']) ?? text(props['node.nick']) ?? name,
      mediaClass,
      virtual: props['node.virtual'] === true,
      ...(mute !== undefined && { mute }),
      ...(volume !== undefined && { volume }),
    });
  }

  #player(id: number, info: unknown, props: Json, name: string | undefined): void {
    const running = isObject(info) && info.state === 'running';
    if (!running || (!this.#players.has(id) && this.#players.size >= MAX_NODES)) {
      this.#players.delete(id);
      return;
    }
    this.#players.set(id, text(props['application.name']) ?? name ?? String(id));
  }

  #recorder(id: number, props: Json, name: string | undefined): void {
    const capturesOutput = props['stream.capture.sink'] === true || props['stream.capture.sink'] === 'true';
    if (capturesOutput || (!this.#recorders.has(id) && this.#recorders.size >= MAX_NODES)) {
      this.#recorders.delete(id);
      return;
    }
    this.#recorders.set(id, text(props['application.name']) ?? name ?? String(id));
  }

  #metadata(id: number, object: Json, complete: boolean): boolean {
    const props = isObject(object.props) ? object.props : {};
    if (props['metadata.name'] !== 'default') return false;
    this.#metadataId = id;
    this.#managerSeen = true;
    if (complete) this.#defaults.clear();
    const entries = Array.isArray(object.metadata) ? (object.metadata as unknown[]) : [];
    for (const entry of entries) {
      if (!isObject(entry) || entry.subject !== 0 || typeof entry.key !== 'string') continue;
      if (!Object.hasOwn(DEFAULT_KEYS, entry.key)) continue;
      const key = entry.key as DefaultKey;
      const name = nodeNameOf(entry.value);
      if (name === undefined) this.#defaults.delete(key);
      else this.#defaults.set(key, name);
    }
    return true;
  }

  state(): SoundState {
    const nodes = [...this.#nodes.values()].sort((a, b) => a.id - b.id);
    const state: SoundState = {
      sinks: nodes.filter((node) => SINK_CLASSES.has(node.mediaClass)),
      sources: nodes.filter((node) => SOURCE_CLASSES.has(node.mediaClass)),
      recording: [...new Set(this.#recorders.values())].sort(),
      playingInto: [],
      recordingFrom: [],
      managed: this.#metadataId !== undefined,
      managerGone: this.managerGone,
    };
    for (const [key, field] of Object.entries(DEFAULT_KEYS)) {
      const name = this.#defaults.get(key as DefaultKey);
      if (name !== undefined) state[field] = name;
    }
    state.playingInto = state.sinks.flatMap((sink) => {
      const programs = this.#playingInto(sink.id);
      return programs.length > 0 ? [{ sink: sink.name, programs }] : [];
    });
    state.recordingFrom = state.sources.flatMap((source) => {
      const programs = this.#recordingFrom(source.id);
      return programs.length > 0 ? [{ source: source.name, programs }] : [];
    });
    return state;
  }

  /** The programs whose capture streams are linked from node `source`. */
  #recordingFrom(source: number): string[] {
    const fed = new Set([...this.#links.values()].filter((link) => link.from === source).map((link) => link.to));
    return [...new Set([...this.#recorders].filter(([id]) => fed.has(id)).map(([, program]) => program))].sort();
  }

  /** The programs whose running streams are linked into node `sink`. */
  #playingInto(sink: number): string[] {
    const feeding = new Set([...this.#links.values()].filter((link) => link.to === sink).map((link) => link.from));
    return [...new Set([...this.#players].filter(([id]) => feeding.has(id)).map(([, program]) => program))].sort();
  }
}
