// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A program that names a configuration file and line it could not read; the playbook shows the line, checks the
// file with its program's own validator (config.show_error, config.validate) and offers the last version that
// worked. The detector stays in findings/detectors/configError.ts: its reading of such lines also tells a failed
// unit's cause (fixes/failureCause.ts).
import { CONFIG_ERROR, ConfigErrorDetector } from '../../findings/detectors/configError.js';
import type { ActionDefinition } from '../../fixes/action.js';
import type { Kind } from '../kind.js';
import { showErrorAction, validateAction } from './actions.js';
import { configError } from './playbook.js';

export const configErrorKind: Kind = {
  name: 'configError',
  sources: () => [],
  detectors: () => [new ConfigErrorDetector()],
  actions: ({ testHooks = {} } = {}) =>
    [
      showErrorAction({ root: testHooks.configRoot }),
      validateAction({ root: testHooks.configRoot }),
    ] as unknown as ActionDefinition[],
  playbooks: { [CONFIG_ERROR]: configError },
  // Logged at every start of its unit; a file's configuration error names a line each time, and the file may have
  // changed (or appeared) since.
  rules: { [CONFIG_ERROR]: { recursOnRestart: true, redraftedOnRepeat: true } },
};
