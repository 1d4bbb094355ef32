// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { Variant } from '@jellybrick/dbus-next';

import { formatBytes } from '../findings/detectors/format.js';
import { _ } from '../i18n.js';
import { docsStatusLines } from './docs.js';

export type StatusRecord = Record<string, unknown>;

/** Turns the a{sv} reply of GetStatus into plain JSON-friendly values. */
export function unpackStatus(dictionary: Record<string, Variant>): StatusRecord {
  return Object.fromEntries(
    Object.entries(dictionary).map(([key, variant]) => {
      const value = variant instanceof Variant ? variant.value : variant;
      return [key, typeof value === 'bigint' ? Number(value) : value];
    }),
  );
}

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/** The inference lines of `steward status`, from Chat.GetEngineStatus. */
export function formatEngine(engine: StatusRecord): string[] {
  const state = str(engine.state);
  if (state === 'unconfigured') return ['Inference:     no model set up (see “steward models recommend”)'];
  const model = str(engine.model).split('/').pop() ?? '';
  const where =
    engine.location === 'remote'
      ? `remote ${str(engine.endpoint)} — prompts leave this computer`
      : typeof engine.backend === 'string'
        ? [
            engine.backend === 'cpu'
              ? 'CPU'
              : `${engine.backend.toUpperCase()} (${(engine.devices as string[]).join(', ')})`,
            `context ${String(engine['context-size'])} tokens`,
            `${String(engine.threads)} ${engine.threads === 1 ? 'thread' : 'threads'}`,
            `${String(engine.sequences)} chats at once`,
            ...(Number(engine['vram-total']) > 0
              ? [`VRAM ${formatBytes(Number(engine['vram-used']))} of ${formatBytes(Number(engine['vram-total']))}`]
              : []),
          ].join(', ')
        : 'loads on the next question';
  return [
    `Inference:     ${state}${model ? `, ${model}` : ''}: ${where}`,
    ...(str(engine['cpu-fallback-reason']) ? [`  ${str(engine['cpu-fallback-reason'])}`] : []),
    ...(str(engine['last-error']) ? [`  Last error: ${str(engine['last-error'])}`] : []),
  ];
}

/** The backend the service chose by probing, and what would make a faster one work; none before it chose. */
export function backendStatusLines(status: StatusRecord): string[] {
  const summary = str(status['inference-backend-summary']);
  if (!summary) return [];
  const remedy = str(status['inference-backend-remedy']);
  return [`Backend:       ${summary}`, ...(remedy ? [`  ${remedy}`] : [])];
}

/** What the service watches only in part, and why; none from an older service. */
export function noteLines(status: StatusRecord): string[] {
  const notes = Array.isArray(status.notes) ? status.notes.filter((note) => typeof note === 'string') : [];
  return notes.map((note, index) => `${index === 0 ? 'Watching:      ' : '               '}${note}`);
}

/** The human-readable form of `steward status`. */
export function formatStatus(status: StatusRecord, engine?: StatusRecord): string {
  const capabilities = Array.isArray(status.capabilities) ? (status.capabilities as string[]) : [];
  const startedAt = typeof status['started-at'] === 'number' ? new Date(status['started-at'] / 1000) : undefined;
  const lines = [
    `Steward ${str(status.version)} (API ${String(status['api-version'])}): ${str(status.state)}`,
    ...(str(status['state-reason']) ? [`  ${str(status['state-reason'])}`] : []),
    // Attention is about findings; say where they are.
    ...(status.state === 'attention' ? [`  ${_('“steward findings” shows what needs your attention.')}`] : []),
    `Capabilities:  ${capabilities.length > 0 ? capabilities.join(', ') : 'none yet'}`,
    ...noteLines(status),
    `Configuration: ${str(status['config-file'])}${status['config-valid'] === false ? ' (invalid, defaults in use)' : ''}`,
    `State:         ${str(status['state-directory'])}`,
    `Running since: ${startedAt ? startedAt.toLocaleString() : 'unknown'} (pid ${String(status.pid)})`,
    ...(engine ? formatEngine(engine) : []),
    ...backendStatusLines(status),
    ...docsStatusLines(status),
  ];
  return `${lines.join('\n')}\n`;
}
