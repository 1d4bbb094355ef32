// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// An edit of a Nix file as a proposal: the new text, validated by Nix's own
// parser, and the unified diff the user approves.

import { spawn } from 'node:child_process';

import { unifiedDiff } from '../fixes/unifiedDiff.js';
import { _, format } from '../i18n.js';
import { editNixModule, type NixEdit } from './nixEdits.js';
import { NixParseError } from './nixParser.js';

/** Null when `nix-instantiate --parse` accepts `text`; otherwise what it said. */
export function nixParseProblem(text: string): Promise<string | null> {
  return new Promise((resolve, reject) => {
    // Parsing needs no store; an empty build-users-group keeps Nix from warning about a missing nixbld group.
    const child = spawn('nix-instantiate', ['--parse', '-'], {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: { ...process.env, NIX_CONFIG: 'build-users-group =' },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve(code === 0 ? null : stderr.trim() || `exit status ${code}`));
    child.stdin.end(text);
  });
}

export type NixProposal =
  { status: 'changed'; after: string; diff: string[] } | { status: 'unchanged' | 'refused'; why: string };

/** `edit` applied to the file `path` whose text is `before`; refused when the result is not valid Nix. */
export async function proposeNixEdit(path: string, before: string, edit: NixEdit): Promise<NixProposal> {
  let result;
  try {
    result = editNixModule(before, edit);
  } catch (error) {
    if (error instanceof NixParseError)
      return {
        status: 'refused',
        why: format(_('{file} could not be read as Nix: {reason}'), { file: path, reason: error.message }),
      };
    throw error;
  }
  if (result.status !== 'changed') return result;
  const problem = await nixParseProblem(result.text);
  if (problem !== null)
    return { status: 'refused', why: format(_('the edited file would not parse: {reason}'), { reason: problem }) };
  return { status: 'changed', after: result.text, diff: unifiedDiff(before, result.text, [`a${path}`, `b${path}`]) };
}
