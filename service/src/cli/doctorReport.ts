// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { Config } from '../config.js';
import { CAPABILITY_CATALOGUE, type CapabilityInfo } from '../core/capabilityCatalogue.js';
import type { VoiceEngine } from '../voice/voiceOutput.js';
import type { StatusRecord } from './statusReport.js';

export interface CapabilityCheck {
  name: string;
  present: boolean;
  enables: string;
  /** Only for a present capability: what the service found behind it (on NixOS, the files it edits). */
  detail?: string;
  /** Only for a missing capability the service found out about: why it is missing (e.g. why the journal could not be read). */
  problem?: string;
  /** Only for a missing capability: what to do to get it. */
  hint?: string;
}

export interface TurnedOff {
  setting: string;
  what: string;
}

export interface BackendStepCheck {
  backend: string;
  result: string;
  reason: string;
}

/** The inference backend the service chose by probing each in turn. */
export interface BackendReport {
  chosen: string;
  summary: string;
  steps: BackendStepCheck[];
  /** What would make a faster backend work: the driver it needs, or the command that builds it. */
  remedy?: string;
}

export interface DoctorReport {
  version: string;
  state: string;
  'state-reason': string;
  'config-file': string;
  capabilities: CapabilityCheck[];
  /** Sources the configuration file turns off, whatever the machine allows. */
  'turned-off': TurnedOff[];
  /** Absent before the service chose (or with an older service). */
  backend?: BackendReport;
  /** What reads answers aloud, as found on this machine by the CLI. */
  'voice-output'?: VoiceOutputReport;
  /** What the service watches only in part, and why (a limit of watched folders reached). */
  notes: string[];
}

export interface VoiceOutputReport {
  engine: VoiceEngine | 'none';
  summary: string;
}

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/** The service's words by capability (reasons, details); an older service sends none. */
function problemsOf(value: unknown): Map<string, string> {
  if (typeof value !== 'object' || value === null) return new Map();
  return new Map(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** What the configuration's settings turn off; the defaults turn nothing off. */
export function turnedOff(config: Config): TurnedOff[] {
  const { watch, inference } = config;
  return [
    ...(watch.journal.system ? [] : [{ setting: 'watch.journal.system', what: 'the system journal' }]),
    ...(watch.journal.user ? [] : [{ setting: 'watch.journal.user', what: 'your own journal' }]),
    ...(watch.units ? [] : [{ setting: 'watch.units', what: 'failed units' }]),
    ...(watch.network ? [] : [{ setting: 'watch.network', what: 'links, routes and connectivity' }]),
    ...(watch.desktop
      ? []
      : [{ setting: 'watch.desktop', what: 'extensions, sound, Bluetooth, printers and the clock' }]),
    ...(watch.disks.mounts.length > 0 ? [] : [{ setting: 'watch.disks.mounts', what: 'free space checks' }]),
    ...(watch.files.watchDefaults ? [] : [{ setting: 'watch.files.watchDefaults', what: '~/.config and core dumps' }]),
    ...(inference.gpu === 'off' ? [{ setting: 'inference.gpu', what: 'models on the GPU' }] : []),
  ];
}

function backendReport(status: StatusRecord): BackendReport | undefined {
  const chosen = str(status['inference-backend']);
  if (!chosen) return undefined;
  const steps = Array.isArray(status['inference-backend-steps'])
    ? (status['inference-backend-steps'] as Record<string, unknown>[]).map((step) => ({
        backend: str(step.backend),
        result: str(step.result),
        reason: str(step.reason),
      }))
    : [];
  const remedy = str(status['inference-backend-remedy']);
  return { chosen, summary: str(status['inference-backend-summary']), steps, ...(remedy && { remedy }) };
}

const BACKEND_NAMES: Record<string, string> = { cuda: 'CUDA', vulkan: 'Vulkan', cpu: 'CPU' };
const backendName = (backend: string) => BACKEND_NAMES[backend] ?? backend;

function backendLines(backend: BackendReport | undefined): string[] {
  if (!backend) return [];
  const width = Math.max(...backend.steps.map((step) => backendName(step.backend).length), 0);
  return [
    '',
    `Inference backend: ${backendName(backend.chosen)}`,
    ...backend.steps.map(
      ({ backend: name, result, reason }) =>
        `${result === 'works' ? '✓' : '✗'} ${backendName(name).padEnd(width)}  ${reason}`,
    ),
    ...(backend.remedy ? [`  ${backend.remedy}`] : []),
  ];
}

/** What reads answers aloud: the neural voice when configured, then the desktop's voice, in words. */
export function voiceOutputReport(desktop: VoiceEngine | null, config?: Config): VoiceOutputReport {
  const neural = config?.voice.output === 'neural' ? config.voice.neuralModel : undefined;
  const fallback =
    desktop === 'speech-dispatcher'
      ? 'speech-dispatcher, in the voice and rate chosen for the screen reader'
      : desktop === 'espeak-ng'
        ? 'espeak-ng (speech-dispatcher is not installed, so the screen reader’s voice and rate are not used)'
        : 'nothing: install speech-dispatcher and speech-dispatcher-espeak-ng (or espeak-ng)';
  return {
    engine: neural ? 'neural' : (desktop ?? 'none'),
    summary: neural ? `the neural voice ${neural}; when it cannot, ${fallback}` : fallback,
  };
}

/** Sets the service's Capabilities against every capability Steward knows, with a hint for each missing one. */
export function doctorReport(status: StatusRecord, config?: Config, voiceOutput?: VoiceOutputReport): DoctorReport {
  const present = new Set(Array.isArray(status.capabilities) ? (status.capabilities as string[]) : []);
  const problems = problemsOf(status['capability-problems']);
  const details = problemsOf(status['capability-details']);
  const catalogue: readonly CapabilityInfo[] = CAPABILITY_CATALOGUE;
  const known = new Set(catalogue.map(({ name }) => name));
  const checks = catalogue.map(({ name, enables, hint, requires }): CapabilityCheck => {
    if (present.has(name)) {
      const detail = details.get(name);
      return { name, present: true, enables, ...(detail && { detail }) };
    }
    const problem = problems.get(name);
    return {
      name,
      present: false,
      enables,
      ...(problem && { problem }),
      hint: requires && !present.has(requires) ? `Needs ${requires}.` : hint,
    };
  });
  // A newer service may report names this CLI does not know yet; they still show.
  const unknown = [...present].filter((name) => !known.has(name)).map((name) => ({ name, present: true, enables: '' }));
  return {
    version: str(status.version),
    state: str(status.state),
    'state-reason': str(status['state-reason']),
    'config-file': str(status['config-file']),
    capabilities: [...checks, ...unknown],
    'turned-off': config ? turnedOff(config) : [],
    notes: Array.isArray(status.notes) ? status.notes.filter((note): note is string => typeof note === 'string') : [],
    ...(backendReport(status) && { backend: backendReport(status) }),
    ...(voiceOutput && { 'voice-output': voiceOutput }),
  };
}

// Works with or without a systemd user manager: it goes through systemd only where systemd runs the service.
const RESTART = 'steward restart';

/** The human-readable form of `steward doctor`. */
export function formatDoctor(report: DoctorReport): string {
  const width = Math.max(...report.capabilities.map(({ name }) => name.length));
  const missing = report.capabilities.filter((check) => !check.present);
  const lines = [
    `Steward ${report.version}: ${report.state}`,
    ...(report['state-reason'] ? [`  ${report['state-reason']}`] : []),
    '',
    ...report.capabilities.flatMap(({ name, present, enables, detail, problem, hint }) => [
      `${present ? '✓' : '✗'} ${name.padEnd(width)}  ${enables}`.trimEnd(),
      ...(detail ? [`  ${' '.repeat(width)}  ${detail}`] : []),
      ...(problem ? [`  ${' '.repeat(width)}  ${problem}`] : []),
      ...(hint ? [`  ${' '.repeat(width)}  ${hint}`] : []),
    ]),
    ...(report['turned-off'].length > 0
      ? [
          '',
          `Turned off in ${report['config-file']}:`,
          ...report['turned-off'].map(({ setting, what }) => `  ${setting}: ${what}`),
        ]
      : []),
    ...backendLines(report.backend),
    ...(report.notes.length > 0 ? ['', 'Watched only in part:', ...report.notes.map((note) => `  ${note}`)] : []),
    ...(report['voice-output'] ? ['', `Reading aloud: ${report['voice-output'].summary}`] : []),
    '',
    missing.length === 0
      ? 'Every capability is present.'
      : `${missing.length} of ${report.capabilities.length} capabilities missing; Steward works without them. ` +
        `The service checks them when it starts: after a change, restart it with “${RESTART}”.`,
  ];
  return `${lines.join('\n')}\n`;
}
