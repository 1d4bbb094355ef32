// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Which configuration changes widen what Steward may do or send: these need the
// user's own confirmation when they come over D-Bus (see confirmation.ts), because
// any bus peer could otherwise ask for them silently.
import type { Config } from '../config.js';
import { _, format } from '../i18n.js';
import { cleanLine } from '../untrustedText.js';

export interface Widening {
  /** The setting's dotted path, e.g. "assistant.readableRoots". */
  setting: string;
  /** The change in the user's words, e.g. "let the assistant read files under /". */
  description: string;
}

// The values come from the caller: one line each in the dialog, in quotes, so they cannot pass for its own words.
const shown = (value: string) => `“${cleanLine(value, 200)}”`;

const added = (before: readonly string[], after: readonly string[]) => after.filter((item) => !before.includes(item));

/** Every widening step from `before` to `after`; empty when the change only narrows or keeps trust. */
export function wideningChanges(before: Config, after: Config): Widening[] {
  const changes: Widening[] = [];
  if (!before.fixes.expertShell && after.fixes.expertShell) {
    changes.push({
      setting: 'fixes.expertShell',
      description: _('turn on the expert shell, so that proposals may include commands to run'),
    });
  }
  // Any root not listed before counts, even one below a listed root: a symbolic link may lead anywhere.
  for (const root of added(before.assistant.readableRoots, after.assistant.readableRoots)) {
    changes.push({
      setting: 'assistant.readableRoots',
      description: format(_('let the assistant read files under {root}'), { root: shown(root) }),
    });
  }
  // A watched file's versions are copied and its changes shown as evidence, which may reach the model.
  for (const path of added(before.watch.files.paths, after.watch.files.paths)) {
    changes.push({
      setting: 'watch.files.paths',
      description: format(_('watch {path} and keep copies of it'), { path: shown(path) }),
    });
  }
  for (const directory of added(before.watch.journal.directories, after.watch.journal.directories)) {
    changes.push({
      setting: 'watch.journal.directories',
      description: format(_('read the journal in {directory}'), { directory: shown(directory) }),
    });
  }
  // A pattern taken away lets what it matched reach the model, the remote one included.
  for (const pattern of added(after.assistant.redactPatterns, before.assistant.redactPatterns)) {
    changes.push({
      setting: 'assistant.redactPatterns',
      description: format(_('stop taking {pattern} out of what the model sees'), { pattern: shown(pattern) }),
    });
  }
  for (const client of added(before.assistant.unredactedAgents, after.assistant.unredactedAgents)) {
    changes.push({
      setting: 'assistant.unredactedAgents',
      description: format(_('stop taking secrets out of what the agent {client} sees'), { client: shown(client) }),
    });
  }
  for (const [action, policy] of Object.entries(after.fixes.policy)) {
    if (policy === 'auto' && before.fixes.policy[action] !== 'auto') {
      changes.push({
        setting: `fixes.policy.${action}`,
        description: format(_('run {action} without asking'), { action: shown(action) }),
      });
    }
  }
  const [was, will] = [before.inference.remote, after.inference.remote];
  if (will && will.url !== was?.url) {
    changes.push({
      setting: 'inference.remote.url',
      description: format(_('send questions and logs to {url} when the remote engine is on'), { url: shown(will.url) }),
    });
  }
  if (will && before.inference.engine !== 'remote' && after.inference.engine === 'remote') {
    changes.push({
      setting: 'inference.engine',
      description: format(_('send questions and logs to {url}'), { url: shown(will.url) }),
    });
  }
  if (will?.apiKeyFile !== undefined && (will.apiKeyFile !== was?.apiKeyFile || will.url !== was?.url)) {
    changes.push({
      setting: 'inference.remote.apiKeyFile',
      description: format(_('send the content of {file} to {url} as the API key'), {
        file: shown(will.apiKeyFile),
        url: shown(will.url),
      }),
    });
  }
  return changes;
}
