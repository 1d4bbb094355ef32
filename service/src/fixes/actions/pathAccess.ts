// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.path_access: why a service was refused a file ("Permission denied"): the user and groups the unit runs as,
// and each directory on the way to the file with its owner, group and mode, read as `ls -ld` and `id` would,
// so a person sees which one shuts that user out. Accounts are read from /etc/passwd and /etc/group as files.
import { lstat, readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';

import { z } from 'zod';

import { _, format, N_ } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { ActionDefinition } from '../action.js';
import { absolutePath, unitName, unitScope } from '../params.js';
import { UnitManager } from './systemdUnits.js';

const params = z.object({ path: absolutePath, unit: unitName, scope: unitScope });
type PathAccessParams = z.infer<typeof params>;

export interface Account {
  name: string;
  uid: number;
  /** The primary group first, then the groups /etc/group lists the user in. */
  gids: number[];
}

export interface PathEntry {
  path: string;
  uid: number;
  gid: number;
  mode: number;
  directory: boolean;
}

/** A passwd or group file's lines, split on ":". */
const records = (text: string) =>
  text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split(':'));

/** The account named `name` (or given by number) in /etc/passwd's and /etc/group's text, or null. */
export function accountOf(name: string, passwd: string, group: string): Account | null {
  const entry = records(passwd).find(([login, , uid]) => login === name || uid === name);
  if (!entry) return null;
  const [login = name, , uid = '', gid = ''] = entry;
  const groups = records(group)
    .filter(([, , , members = '']) => members.split(',').includes(login))
    .map(([, , id = '']) => Number(id));
  return { name: login, uid: Number(uid), gids: [...new Set([Number(gid), ...groups])] };
}

/** The name /etc/passwd or /etc/group gives a number, or the number. */
function nameOf(id: number, text: string): string {
  return records(text).find(([, , number]) => Number(number) === id)?.[0] ?? String(id);
}

/** What `account` may do on `entry` by its mode bits (root may do anything but run what no one may run). */
export function mayAccess(account: Account, entry: PathEntry, bit: 4 | 2 | 1): boolean {
  if (account.uid === 0) return true;
  const shift = entry.uid === account.uid ? 6 : account.gids.includes(entry.gid) ? 3 : 0;
  return ((entry.mode >> shift) & bit) !== 0;
}

/** "drwxr-x---" for a mode. */
function modeText(entry: PathEntry): string {
  const bits = 'rwxrwxrwx';
  return (entry.directory ? 'd' : '-') + [...bits].map((c, i) => ((entry.mode >> (8 - i)) & 1 ? c : '-')).join('');
}

/** Each existing path from / down to `path`, and the first that does not exist, if one does not. */
async function walk(path: string): Promise<{ entries: PathEntry[]; missing: string | null }> {
  const chain: string[] = [];
  for (let at = path; ; at = dirname(at)) {
    chain.unshift(at);
    if (at === '/') break;
  }
  const entries: PathEntry[] = [];
  for (const at of chain) {
    const stat = await lstat(at).catch(() => null);
    if (!stat) return { entries, missing: at };
    entries.push({ path: at, uid: stat.uid, gid: stat.gid, mode: stat.mode & 0o7777, directory: stat.isDirectory() });
  }
  return { entries, missing: null };
}

/** The lines that say who the unit runs as and where on the way to `path` that user is shut out. */
export function describeAccess(
  wanted: { path: string; unit: string },
  account: Account,
  walked: { entries: PathEntry[]; missing: string | null },
  accounts: { passwd: string; group: string },
): string[] {
  const groups = account.gids.map((gid) => nameOf(gid, accounts.group)).join(', ');
  const lines = [
    format(_('{unit} runs as {user} (uid {uid}; groups {groups}).'), {
      unit: wanted.unit,
      user: account.name,
      uid: account.uid,
      groups,
    }),
  ];
  const { entries, missing } = walked;
  for (const [index, entry] of entries.entries()) {
    const owner = `${nameOf(entry.uid, accounts.passwd)}:${nameOf(entry.gid, accounts.group)}`;
    const last = index === entries.length - 1;
    const verdict = !entry.directory
      ? format(_('{user} may read it: {read}; may write it: {write}'), {
          user: account.name,
          read: mayAccess(account, entry, 4) ? _('yes') : _('no'),
          write: mayAccess(account, entry, 2) ? _('yes') : _('no'),
        })
      : !mayAccess(account, entry, 1)
        ? format(_('{user} may not enter it'), { user: account.name })
        : last
          ? format(_('{user} may enter it; may create files in it: {write}'), {
              user: account.name,
              write: mayAccess(account, entry, 2) ? _('yes') : _('no'),
            })
          : format(_('{user} may enter it'), { user: account.name });
    lines.push(`${cleanLine(entry.path, 300)}  ${owner}  ${modeText(entry)}  (${verdict})`);
  }
  if (missing) lines.push(format(_('{path} does not exist.'), { path: cleanLine(missing, 300) }));
  return lines;
}

async function readAccess(wanted: PathAccessParams, context: Parameters<ActionDefinition['preview']>[1]) {
  const [passwd, group, runsAs, walked] = await Promise.all([
    readFile('/etc/passwd', 'utf8').catch(() => ''),
    readFile('/etc/group', 'utf8').catch(() => ''),
    new UnitManager(context, wanted.scope).runsAs(wanted.unit),
    walk(wanted.path),
  ]);
  // The user's own units run as the user; a system unit without User= runs as root.
  const user = wanted.scope === 'user' ? String(userInfo().uid) : runsAs.user || 'root';
  const account = accountOf(user, passwd, group);
  // Nothing on the way but "/" is there: the file is of another machine (a report read elsewhere).
  const nothing = walked.entries.length <= 1 && walked.missing !== null;
  return { account, walked, passwd, group, runsAs, nothing };
}

export function pathAccessAction(): ActionDefinition<PathAccessParams> {
  const describe = async (wanted: PathAccessParams, context: Parameters<ActionDefinition['preview']>[1]) => {
    const { account, walked, passwd, group, runsAs, nothing } = await readAccess(wanted, context);
    if (nothing) return null;
    if (runsAs.dynamic)
      return [format(_('{unit} runs as a user systemd makes at each start (DynamicUser=).'), { unit: wanted.unit })];
    if (!account)
      return [
        format(_('{unit} runs as {user}, whom /etc/passwd does not list.'), { unit: wanted.unit, user: runsAs.user }),
      ];
    return describeAccess(wanted, account, walked, { passwd, group });
  };
  return {
    name: 'info.path_access',
    title: N_('Show who may use a file a service was refused'),
    params,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    async preview(wanted, context) {
      const lines = await describe(wanted, context);
      return {
        summary: format(_('Show who may use {path}, and as whom {unit} runs'), wanted),
        details: lines ?? [],
        changesNothing: lines === null,
      };
    },
    async run(wanted, context) {
      const lines = (await describe(wanted, context)) ?? [format(_('{path} does not exist.'), wanted)];
      return {
        summary: [format(_('Who may use {path}:'), wanted), ...lines].join('\n'),
        undo: { impossible: _('showing who may use a file changes nothing') },
      };
    },
    async verify({ path }) {
      return { ok: true, observed: format(_('read who may use {path}'), { path }) };
    },
  };
}
