// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.open_files: for a service out of file descriptors ("Too many open files"): the limit systemd gives it
// (LimitNOFILE=), the descriptors its main process holds now against the limit the kernel enforces on it
// (/proc/PID/fd, /proc/PID/limits), and the whole system's open files against fs.file-max (/proc/sys/fs/file-nr).
import { readdir, readFile } from 'node:fs/promises';

import { z } from 'zod';

import { _, format, N_ } from '../../i18n.js';
import type { ActionContext, ActionDefinition } from '../action.js';
import { unitName, unitScope } from '../params.js';
import { UnitManager } from './systemdUnits.js';

const params = z.object({ unit: unitName, scope: unitScope });
type OpenFilesParams = z.infer<typeof params>;

/** systemd's and the kernel's word for no limit (RLIM_INFINITY). */
const INFINITY = 2n ** 64n - 1n;

export interface OpenFilesOptions {
  /** Where the proc file system is (tests: a directory shaped like it). */
  proc?: string;
}

export interface OpenFiles {
  soft: bigint;
  hard: bigint;
  process: { pid: number; open: number; limit: string } | null;
  /** Open file handles of the whole system and fs.file-max. */
  system: { open: number; max: number } | null;
}

const limitText = (limit: bigint) => (limit === INFINITY ? _('unlimited') : String(limit));

/** "Max open files            1024                 524288               files" → its soft limit. */
export function softLimitOf(limits: string): string | undefined {
  return /^Max open files\s+(\S+)/m.exec(limits)?.[1];
}

/** /proc/sys/fs/file-nr: "allocated  free  max". */
export function fileNr(text: string): { open: number; max: number } | null {
  const [allocated, free, max] = text.trim().split(/\s+/).map(Number);
  if (allocated === undefined || free === undefined || max === undefined || Number.isNaN(max)) return null;
  return { open: allocated - free, max };
}

export async function openFiles(wanted: OpenFilesParams, context: ActionContext, proc = '/proc'): Promise<OpenFiles> {
  const { soft, hard, mainPid } = await new UnitManager(context, wanted.scope).fileLimits(wanted.unit);
  const system = fileNr(await readFile(`${proc}/sys/fs/file-nr`, 'utf8').catch(() => ''));
  if (mainPid <= 0) return { soft, hard, process: null, system };
  const [descriptors, limits] = await Promise.all([
    readdir(`${proc}/${mainPid}/fd`).catch(() => null),
    readFile(`${proc}/${mainPid}/limits`, 'utf8').catch(() => ''),
  ]);
  const process = descriptors
    ? { pid: mainPid, open: descriptors.length, limit: softLimitOf(limits) ?? limitText(soft) }
    : null;
  return { soft, hard, process, system };
}

export function describeOpenFiles(unit: string, files: OpenFiles): string[] {
  const lines = [
    format(_('{unit} may open {soft} files at once (LimitNOFILE={soft}:{hard}).'), {
      unit,
      soft: limitText(files.soft),
      hard: limitText(files.hard),
    }),
    files.process
      ? format(_('Its main process (PID {pid}) has {open} open now, of at most {limit}.'), files.process)
      : _('No process of it runs now.'),
  ];
  if (files.system) {
    lines.push(format(_('The whole system has {open} files open, of at most {max} (fs.file-max).'), files.system));
  }
  return lines;
}

export function openFilesAction({ proc = '/proc' }: OpenFilesOptions = {}): ActionDefinition<OpenFilesParams> {
  return {
    name: 'info.open_files',
    title: N_('Show how many files a service may open, and has open'),
    params,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    async preview(wanted, context) {
      return {
        summary: format(_('Show the open-file limit of {unit} and what it has open'), wanted),
        details: describeOpenFiles(wanted.unit, await openFiles(wanted, context, proc)),
        changesNothing: false,
      };
    },
    async run(wanted, context) {
      const lines = describeOpenFiles(wanted.unit, await openFiles(wanted, context, proc));
      return {
        summary: [format(_('Open files of {unit}:'), wanted), ...lines].join('\n'),
        undo: { impossible: _('showing open files changes nothing') },
      };
    },
    async verify({ unit }) {
      return { ok: true, observed: format(_('read the open files of {unit}'), { unit }) };
    },
  };
}
