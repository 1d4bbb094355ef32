// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

import type { ServiceState } from '../core/serviceState.js';
import { method, type TypedInterfaceImpl } from '../dbus/objectServer.js';
import type { DocsStatus } from '../docs/docsIndex.js';
import type { BackendChoice } from '../engine/backendSelector.js';

export interface CoreInfo {
  version: string;
  apiVersion: number;
  pid: number;
  startedAt: Date;
  configFile: string;
  configValid: boolean;
  stateDirectory: string;
  /** The documentation index's progress; absent where the service has none. */
  docs?: () => DocsStatus;
  /** The inference backend chosen by probing; null before the probes ran. */
  backend?: () => BackendChoice | null;
  /** The services that left the service waiting past a deadline, each with what it did not answer. */
  stuckPeers?: () => Record<string, string>;
  /** How many findings wait for the proposer or are being drafted. */
  considering?: () => number;
}

function docsEntries(status: DocsStatus | undefined): Record<string, Variant> {
  if (!status) return {};
  return {
    'docs-state': new Variant('s', status.state),
    'docs-done': new Variant('u', status.done),
    'docs-total': new Variant('u', status.total),
    'docs-passages': new Variant('u', status.passages),
    'docs-bytes': new Variant('t', BigInt(status.bytes)),
  };
}

/** Always there, so that a client sees the same keys: empty until the backend is chosen. */
function backendEntries(choice: BackendChoice | null): Record<string, Variant> {
  return {
    'inference-backend': new Variant('s', choice?.backend ?? ''),
    'inference-backend-summary': new Variant('s', choice?.summary ?? ''),
    'inference-backend-steps': new Variant(
      'aa{ss}',
      (choice?.steps ?? []).map(({ backend, result, reason }) => ({ backend, result, reason })),
    ),
    'inference-backend-remedy': new Variant('s', choice?.remedy ?? ''),
    'inference-backend-probed-at': new Variant('x', BigInt(choice?.probedAt ?? 0) * 1000n),
    'inference-vram-free': new Variant('t', BigInt(Math.round(choice?.vram.free ?? 0))),
  };
}

/** io.github.steward.Steward1: identity and status. */
export function createCoreInterface(
  info: CoreInfo,
  state: ServiceState,
): TypedInterfaceImpl<'io.github.steward.Steward1'> {
  return {
    properties: {
      Version: () => info.version,
      ApiVersion: () => info.apiVersion,
      State: () => state.state,
      StateReason: () => state.reason,
      Capabilities: () => state.capabilities,
    },
    methods: {
      GetStatus: method(z.tuple([]), () => ({
        version: new Variant('s', info.version),
        'api-version': new Variant('u', info.apiVersion),
        state: new Variant('s', state.state),
        'state-reason': new Variant('s', state.reason),
        capabilities: new Variant('as', state.capabilities),
        'capability-problems': new Variant('a{ss}', state.capabilityProblems),
        'capability-details': new Variant('a{ss}', state.capabilityDetails),
        notes: new Variant('as', state.notes),
        pid: new Variant('u', info.pid),
        'started-at': new Variant('x', BigInt(info.startedAt.getTime()) * 1000n),
        'config-file': new Variant('s', info.configFile),
        'config-valid': new Variant('b', info.configValid),
        'state-directory': new Variant('s', info.stateDirectory),
        'stuck-peers': new Variant('a{ss}', info.stuckPeers?.() ?? {}),
        considering: new Variant('u', info.considering?.() ?? 0),
        ...docsEntries(info.docs?.()),
        ...backendEntries(info.backend?.() ?? null),
      })),
    },
  };
}
