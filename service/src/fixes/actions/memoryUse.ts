// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.memory_use: what holds the memory when the system is short of it. Memory and swap now (/proc/meminfo), the
// kernel's pressure figures (/proc/pressure/memory; a cgroup's too, with its units that waited the most, for the
// session's pressure), and the processes with the most resident memory, each with the
// unit its cgroup names (/proc/PID/status and /proc/PID/cgroup are readable by everyone). It only reads.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import { formatBytes } from '../../findings/detectors/format.js';
import { _, format, N_ } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { ActionDefinition } from '../action.js';
import { describeMeminfo, parseMeminfo, unitOfCgroup } from './oomKill.js';

// A cgroup2 directory (the session's, from its finding): absolute, names of cgroups only, no "." or "..".
const cgroupDirectory = z
  .string()
  .max(1024)
  .regex(/^(\/[\w@.:\\-]+)+$/)
  .refine((path) => !path.split('/').some((segment) => segment === '.' || segment === '..'), 'no . or .. in the path');

const memoryUseParams = z
  .object({
    /** A cgroup whose memory pressure to show, with its units' that waited the most: the session's, for its finding. */
    cgroup: cgroupDirectory.optional(),
  })
  .strict();
type MemoryUseParams = z.infer<typeof memoryUseParams>;

const KIB = 1024;
const TOP_SHOWN = 8;
const UNITS_SHOWN = 5;
// A session has tens of cgroups; the bounds keep a strange tree from costing much.
const CGROUP_DEPTH = 6;
const CGROUPS_READ = 2000;

export interface MemoryUseOptions {
  /** Where /proc is read from (tests give a tree of their own). */
  root?: string;
}

export interface ProcessMemory {
  pid: number;
  name: string;
  rssBytes: number;
  unit?: string;
}

export interface Pressure {
  some: { avg10: number; avg60: number };
  full?: { avg10: number; avg60: number };
}

/** /proc/pressure/memory's text: "some avg10=1.00 avg60=0.50 avg300=0.10 total=123" and a "full" line alike. */
export function parsePressure(text: string): Pressure | null {
  const line = (kind: string) => {
    const match = new RegExp(`^${kind} avg10=([\\d.]+) avg60=([\\d.]+)`, 'm').exec(text);
    return match ? { avg10: Number(match[1]), avg60: Number(match[2]) } : undefined;
  };
  const some = line('some');
  if (!some) return null;
  const full = line('full');
  return full ? { some, full } : { some };
}

/** Name and VmRSS of /proc/PID/status's text; kernel threads have no VmRSS. */
export function parseStatus(text: string): { name: string; rssBytes: number } | null {
  const rss = /^VmRSS:\s+(\d+) kB$/m.exec(text);
  if (!rss) return null;
  return { name: /^Name:\s*(.*)$/m.exec(text)?.[1] ?? '', rssBytes: Number(rss[1]) * KIB };
}

/** The unit of /proc/PID/cgroup's text: cgroup2's "0::/system.slice/x.service", else v1's name=systemd line. */
export function unitOfProcCgroup(text: string): string | undefined {
  const path = /^0::(.*)$/m.exec(text)?.[1] ?? /^\d+:name=systemd:(.*)$/m.exec(text)?.[1];
  return path ? unitOfCgroup(path) : undefined;
}

/** The processes holding the most resident memory, most first; a process gone while read is left out. */
export async function biggestProcesses(root = '/', count = TOP_SHOWN): Promise<ProcessMemory[]> {
  const proc = join(root, 'proc');
  const pids = (await readdir(proc)).filter((name) => /^\d+$/.test(name));
  const processes: ProcessMemory[] = [];
  for (const pid of pids) {
    const status = parseStatus(await readFile(join(proc, pid, 'status'), 'utf8').catch(() => ''));
    if (!status || status.rssBytes === 0) continue;
    const unit = unitOfProcCgroup(await readFile(join(proc, pid, 'cgroup'), 'utf8').catch(() => ''));
    processes.push({ pid: Number(pid), ...status, ...(unit && { unit }) });
  }
  return processes.sort((a, b) => b.rssBytes - a.rssBytes).slice(0, count);
}

function describePressure(pressure: Pressure | null): string {
  if (!pressure) return _('The kernel gives no memory pressure figures here (PSI is off).');
  const { some, full } = pressure;
  return format(
    // xgettext:no-javascript-format — "% o" reads as a printf directive to gettext; {some} and the rest are ours.
    _(
      'Memory pressure: some task waited for memory {some}% of the last 10 seconds ({some60}% of the last minute), all tasks at once {full}% ({full60}%).',
    ),
    {
      some: some.avg10.toFixed(1),
      some60: some.avg60.toFixed(1),
      full: (full?.avg10 ?? 0).toFixed(1),
      full60: (full?.avg60 ?? 0).toFixed(1),
    },
  );
}

export interface CgroupPressure {
  /** The unit's cgroup below the one asked about: "app.slice/gnome-terminal-server.service". */
  path: string;
  pressure: Pressure;
  /** memory.current, where the cgroup has the memory controller. */
  bytes?: number;
}

/** The units (services, scopes) below `directory` whose tasks waited for memory in the last 10 s, most first. */
export async function unitsWaiting(directory: string): Promise<CgroupPressure[]> {
  const found: CgroupPressure[] = [];
  let level = [''];
  let read = 0;
  for (let depth = 0; depth < CGROUP_DEPTH && level.length > 0 && read < CGROUPS_READ; depth++) {
    const next: string[] = [];
    for (const relative of level) {
      const entries = await readdir(join(directory, relative), { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        if (!entry.isDirectory() || read >= CGROUPS_READ) continue;
        read++;
        const path = relative ? `${relative}/${entry.name}` : entry.name;
        next.push(path);
        if (!/\.(service|scope)$/.test(entry.name)) continue;
        const pressure = parsePressure(
          await readFile(join(directory, path, 'memory.pressure'), 'utf8').catch(() => ''),
        );
        if (!pressure || pressure.some.avg10 === 0) continue;
        const current = await readFile(join(directory, path, 'memory.current'), 'utf8').catch(() => '');
        found.push({ path, pressure, ...(/^\d+\s*$/.test(current) && { bytes: Number(current) }) });
      }
    }
    level = next;
  }
  return found.sort((a, b) => b.pressure.some.avg10 - a.pressure.some.avg10).slice(0, UNITS_SHOWN);
}

function describeCgroupPressure(directory: string, pressure: Pressure | null, units: CgroupPressure[]): string[] {
  const cgroup = cleanLine(directory);
  if (!pressure) return [format(_('No memory pressure figures for {cgroup}.'), { cgroup })];
  const { some, full } = pressure;
  const lines = [
    format(
      // xgettext:no-javascript-format — "% o" reads as a printf directive to gettext; {some} and the rest are ours.
      _(
        'Memory pressure in {cgroup}: some task waited for memory {some}% of the last 10 seconds ({some60}% of the last minute), all tasks at once {full}% ({full60}%).',
      ),
      {
        cgroup,
        some: some.avg10.toFixed(1),
        some60: some.avg60.toFixed(1),
        full: (full?.avg10 ?? 0).toFixed(1),
        full60: (full?.avg60 ?? 0).toFixed(1),
      },
    ),
  ];
  if (units.length === 0) return [...lines, _('No service there waited for memory in the last 10 seconds.')];
  return [
    ...lines,
    _('The services there that waited for memory the most:'),
    ...units.map((unit) => {
      const line = format(
        // xgettext:no-javascript-format — "% o" reads as a printf directive to gettext; {some} and {full} are ours.
        _('{unit}: waited {some}% of the last 10 seconds, all its tasks at once {full}%'),
        {
          unit: cleanLine(unit.path),
          some: unit.pressure.some.avg10.toFixed(1),
          full: (unit.pressure.full?.avg10 ?? 0).toFixed(1),
        },
      );
      return unit.bytes === undefined
        ? line
        : `${line}, ${format(_('holds {size}'), { size: formatBytes(unit.bytes) })}`;
    }),
  ];
}

function describeProcess(process: ProcessMemory): string {
  const line = format(_('{rss}  {name} (PID {pid})'), {
    rss: formatBytes(process.rssBytes),
    name: cleanLine(process.name),
    pid: process.pid,
  });
  return process.unit ? `${line}, ${cleanLine(process.unit)}` : line;
}

export async function describeMemoryUse(root = '/', cgroup?: string): Promise<string[]> {
  const read = (path: string) => readFile(join(root, 'proc', path), 'utf8').catch(() => '');
  const processes = await biggestProcesses(root);
  const session = cgroup
    ? describeCgroupPressure(
        cgroup,
        parsePressure(await readFile(join(root, cgroup, 'memory.pressure'), 'utf8').catch(() => '')),
        await unitsWaiting(join(root, cgroup)),
      )
    : [];
  return [
    ...describeMeminfo(parseMeminfo(await read('meminfo'))),
    describePressure(parsePressure(await read('pressure/memory'))),
    ...session,
    ...(processes.length > 0 ? [_('The processes holding the most memory (resident):')] : []),
    ...processes.map(describeProcess),
  ];
}

export function memoryUseAction({ root = '/' }: MemoryUseOptions = {}): ActionDefinition<MemoryUseParams> {
  return {
    name: 'info.memory_use',
    title: N_('Show what holds the memory'),
    params: memoryUseParams,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    async preview({ cgroup }) {
      return {
        summary: _('Show memory and swap now and the processes holding the most memory'),
        details: await describeMemoryUse(root, cgroup),
        changesNothing: false,
      };
    },
    async run({ cgroup }) {
      return {
        summary: [_('What holds the memory now'), ...(await describeMemoryUse(root, cgroup))].join('\n'),
        undo: { impossible: _('measuring changes nothing') },
      };
    },
    async verify() {
      return { ok: true, observed: _('read the memory use') };
    },
  };
}
