// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.oom_kill: what was killed for memory and how much it used, in the kernel's and systemd-oomd's own lines
// (journald's kernel transport and oomd's unit, both trusted fields), the memory limits of the unit it ran in
// (over systemd's D-Bus API), and the memory and swap free now (/proc/meminfo). It only reads.
import { readFile } from 'node:fs/promises';

import { z } from 'zod';

import { formatBytes } from '../../findings/detectors/format.js';
import { _, format, formatClock, N_ } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { ActionContext, ActionDefinition } from '../action.js';
import { absolutePath, unitName, unitScope } from '../params.js';
import { journalctl, journalSourceArgs, type JsonEntry, readEntry, type ShowLogsOptions } from './journalctl.js';
import { UnitManager, type UnitMemory } from './systemdUnits.js';

const params = z.object({
  /** From when the kills are read: the finding's first evidence. */
  since: z.iso.datetime({ offset: true }),
  /** The unit the finding names, whose limits are shown beside those of the cgroups the kernel names. */
  unit: unitName.optional(),
  scope: unitScope.default('system'),
  directory: absolutePath.optional(),
  /** Only the kills in the unit's own cgroup; the step changes nothing (and is not offered) where there were none. */
  inUnit: z.boolean().optional(),
});
type OomKillParams = z.infer<typeof params>;

const MAX_LINES = 2000;
const SHOWN_KILLS = 5;
const KIB = 1024;

// mm/oom_kill.c, __oom_kill_process():
//   pr_err("%s: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB, shmem-rss:%lukB, UID:%u
//           pgtables:%lukB oom_score_adj:%hd\n", message, task_pid_nr(victim), victim->comm, …)
// with message "Out of memory" or "Memory cgroup out of memory"; before 4.x the line had no prefix nor UID, and
// the comm may itself hold parentheses ("(resolved)").
const KILLED_PROCESS =
  /(?:(Memory cgroup out of memory|Out of memory)(?: \([^)]*\))?: )?Killed process (\d+) \((.+)\) total-vm:(\d+)kB, anon-rss:(\d+)kB, file-rss:(\d+)kB, shmem-rss:(\d+)kB(?:, UID:(\d+))?/i;
// mm/oom_kill.c, dump_oom_summary(): pr_info("oom-kill:constraint=%s,nodemask=%*pbl", …), then
// mem_cgroup_print_oom_context()'s ",oom_memcg=…,task_memcg=…" and pr_cont(",task=%s,pid=%d,uid=%d\n", …).
const OOM_SUMMARY = /oom-kill:constraint=(\w+),.*?(?:,task_memcg=([^,]*))?,task=(.+?),pid=(\d+),uid=(\d+)/;
// mm/memcontrol.c, mem_cgroup_print_oom_meminfo(), before the summary of a kill at a cgroup's limit (cgroup v1 and
// v2 alike): "memory: usage 32768kB, limit 32768kB, failcnt 681".
const CGROUP_USAGE = /(?:^|\]\s*)memory: usage (\d+)kB, limit (\d+)kB, failcnt \d+/;
// systemd-oomd (src/oom/oomd-manager.c): "Killed /system.slice/x.service due to memory pressure for … being
// 78.19% > 50.00% for > 20s with reclaim activity", "Killed … due to swap used (…) / total (…) being more than 90.00%".
const OOMD_KILLED = /^Killed (\/\S+) due to (.+)$/;

export interface OomKill {
  at: Date;
  pid: string;
  name: string;
  /** KiB, as the kernel counts them. */
  totalVm: number;
  anonRss: number;
  fileRss: number;
  shmemRss: number;
  uid?: string;
  constraint?: string;
  /** The cgroup the process ran in ("/system.slice/x.service"). */
  cgroup?: string;
  /** "Memory cgroup out of memory": a limit was reached, not the whole machine's memory. */
  cgroupLimit: boolean;
  /** KiB: the cgroup's limit and what it held when the kernel decided, where the kernel printed them. */
  limit?: number;
  usage?: number;
}

export interface OomdKill {
  at: Date;
  cgroup: string;
  reason: string;
}

export interface KernelLine {
  message: string;
  at: Date;
  oomd?: boolean;
}

/** The kills `lines` (oldest first) tell of: the kernel's, each joined with its oom-kill summary, and oomd's. */
export function readKills(lines: readonly KernelLine[]): { kills: OomKill[]; oomd: OomdKill[] } {
  const summaries = new Map<string, { constraint: string; cgroup?: string; usage?: number; limit?: number }>();
  const kills: OomKill[] = [];
  const oomd: OomdKill[] = [];
  /** The cgroup's usage and limit the kernel printed for the kill whose summary comes next. */
  let usage: { usage: number; limit: number } | undefined;
  for (const { message, at, oomd: fromOomd } of lines) {
    if (fromOomd) {
      const killed = OOMD_KILLED.exec(message);
      if (killed) oomd.push({ at, cgroup: killed[1] ?? '', reason: killed[2] ?? '' });
      continue;
    }
    const counted = CGROUP_USAGE.exec(message);
    if (counted) {
      usage = { usage: Number(counted[1]), limit: Number(counted[2]) };
      continue;
    }
    const summary = OOM_SUMMARY.exec(message);
    if (summary) {
      const [, constraint = '', cgroup, , pid = ''] = summary;
      const atLimit = constraint === 'CONSTRAINT_MEMCG' ? usage : undefined;
      summaries.set(pid, { constraint, ...(cgroup && { cgroup }), ...atLimit });
      usage = undefined;
      continue;
    }
    const killed = KILLED_PROCESS.exec(message);
    if (!killed) continue;
    const [, prefix, pid = '', name = '', totalVm, anonRss, fileRss, shmemRss, uid] = killed;
    const known = summaries.get(pid);
    kills.push({
      at,
      pid,
      name,
      totalVm: Number(totalVm),
      anonRss: Number(anonRss),
      fileRss: Number(fileRss),
      shmemRss: Number(shmemRss),
      ...(uid && { uid }),
      ...(known && { constraint: known.constraint }),
      ...(known?.cgroup && { cgroup: known.cgroup }),
      ...(known?.limit !== undefined && { limit: known.limit, usage: known.usage }),
      cgroupLimit: /cgroup/i.test(prefix ?? '') || known?.constraint === 'CONSTRAINT_MEMCG',
    });
  }
  return { kills, oomd };
}

const kib = (value: number) => formatBytes(value * KIB);

export function describeKill(kill: OomKill): string {
  const limit =
    kill.limit === undefined
      ? ''
      : format(_(' Its cgroup held {usage} at the kill, against a limit of {limit}.'), {
          usage: kib(kill.usage ?? 0),
          limit: kib(kill.limit),
        });
  return `${describeKillItself(kill)}${limit}`;
}

function describeKillItself(kill: OomKill): string {
  return format(
    kill.cgroupLimit
      ? _(
          '{time}: the kernel killed {name} (PID {pid}) at its memory limit{where}: it held {rss} of memory ({anon} its own, {file} of files, {shmem} shared), in {vm} of address space.',
        )
      : _(
          '{time}: the kernel killed {name} (PID {pid}) when the system ran out of memory{where}: it held {rss} of memory ({anon} its own, {file} of files, {shmem} shared), in {vm} of address space.',
        ),
    {
      time: formatClock(kill.at),
      name: cleanLine(kill.name, 64),
      pid: kill.pid,
      where: kill.cgroup ? format(_(' in {cgroup}'), { cgroup: cleanLine(kill.cgroup, 200) }) : '',
      rss: kib(kill.anonRss + kill.fileRss + kill.shmemRss),
      anon: kib(kill.anonRss),
      file: kib(kill.fileRss),
      shmem: kib(kill.shmemRss),
      vm: kib(kill.totalVm),
    },
  );
}

export function describeOomdKill(kill: OomdKill): string {
  return format(_('{time}: systemd-oomd killed {cgroup} due to {reason}'), {
    time: formatClock(kill.at),
    cgroup: cleanLine(kill.cgroup, 200),
    reason: cleanLine(kill.reason, 200),
  });
}

const limit = (bytes: number | undefined) => (bytes === undefined ? _('no limit') : formatBytes(bytes));

export function describeUnitMemory(memory: UnitMemory): string {
  const use =
    memory.current === undefined
      ? ''
      : format(_(' It uses {current} now{peak}.'), {
          current: formatBytes(memory.current),
          peak: memory.peak === undefined ? '' : format(_(' (at most {peak})'), { peak: formatBytes(memory.peak) }),
        });
  return format(_('{unit}: MemoryMax={max}, MemoryHigh={high}.{use}'), {
    unit: memory.unit,
    max: limit(memory.max),
    high: limit(memory.high),
    use,
  });
}

/** MemTotal, MemAvailable, SwapTotal and SwapFree from /proc/meminfo's text ("MemTotal:  16314164 kB"), in bytes. */
export function parseMeminfo(text: string): Record<string, number> {
  const values: Record<string, number> = {};
  for (const match of text.matchAll(/^(\w+):\s+(\d+) kB$/gm)) values[match[1] ?? ''] = Number(match[2]) * KIB;
  return values;
}

export function describeMeminfo(values: Record<string, number>): string[] {
  const { MemTotal: total, MemAvailable: available, SwapTotal: swapTotal = 0, SwapFree: swapFree = 0 } = values;
  if (total === undefined || available === undefined) return [];
  return [
    format(_('Memory now: {available} available of {total}.'), {
      available: formatBytes(available),
      total: formatBytes(total),
    }),
    swapTotal === 0
      ? _('This computer has no swap: nothing can take the overflow when memory fills up.')
      : format(_('Swap now: {used} used of {total}.'), {
          used: formatBytes(swapTotal - swapFree),
          total: formatBytes(swapTotal),
        }),
  ];
}

/** A unit's name from a cgroup path ("/system.slice/x.service" → "x.service"), where it names one. */
export const unitOfCgroup = (cgroup: string) => {
  const name = cgroup.slice(cgroup.lastIndexOf('/') + 1);
  return unitName.safeParse(name).success && /\.(?:service|scope)$/.test(name) ? name : undefined;
};

interface Entry extends JsonEntry {
  _TRANSPORT?: string;
}

async function kernelAndOomdLines(wanted: OomKillParams, options: ShowLogsOptions): Promise<KernelLine[]> {
  const { stdout } = await journalctl([
    ...journalSourceArgs({ scope: 'system', ...(wanted.directory && { directory: wanted.directory }) }, options),
    '--quiet',
    '--no-pager',
    '--output=json',
    '--output-fields=MESSAGE,__REALTIME_TIMESTAMP,_TRANSPORT',
    `--since=@${Math.floor(Date.parse(wanted.since) / 1000)}`,
    `--lines=${MAX_LINES}`,
    // Trusted fields only: the kernel's transport, and oomd's unit as journald saw it.
    '_TRANSPORT=kernel',
    '+',
    '_SYSTEMD_UNIT=systemd-oomd.service',
  ]);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const entry = JSON.parse(line) as Entry;
      return { ...readEntry(entry), ...(entry._TRANSPORT !== 'kernel' && { oomd: true }) };
    });
}

async function unitMemory(unit: string, scope: 'user' | 'system', context: ActionContext) {
  return new UnitManager(context, scope).memory(unit).catch((error: Error) => {
    context.log.debug('no memory limits of a unit', { unit, error: error.message });
    return null;
  });
}

/** The step's lines: the kills, newest last, the limits of the units they ran in, memory and swap now. */
async function describe(wanted: OomKillParams, context: ActionContext, options: ShowLogsOptions) {
  const lines = await kernelAndOomdLines(wanted, options).catch((error: Error) => {
    context.log.debug('no kernel lines to read', { error: error.message });
    return [];
  });
  const read = readKills(lines);
  const ours = (cgroup: string | undefined) => !wanted.inUnit || unitOfCgroup(cgroup ?? '') === wanted.unit;
  const kills = read.kills.filter((kill) => ours(kill.cgroup));
  const oomd = read.oomd.filter((kill) => ours(kill.cgroup));
  const told = [...kills.map(describeKill), ...oomd.map(describeOomdKill)];
  const units = new Map<string, 'user' | 'system'>();
  if (wanted.unit) units.set(wanted.unit, wanted.scope);
  for (const cgroup of [...kills.map((kill) => kill.cgroup ?? ''), ...oomd.map((kill) => kill.cgroup)]) {
    const unit = unitOfCgroup(cgroup);
    // A unit under user@.service's cgroup is the user's manager's.
    if (unit && !units.has(unit)) units.set(unit, cgroup.includes('/user@') ? 'user' : 'system');
  }
  const memories = await Promise.all([...units].map(([unit, scope]) => unitMemory(unit, scope, context)));
  const meminfo = await readFile('/proc/meminfo', 'utf8').catch(() => '');
  if (wanted.inUnit && told.length === 0) return [];
  return [
    ...(told.length > 0 ? told.slice(-SHOWN_KILLS) : [_('The journal holds no kernel or systemd-oomd line of it.')]),
    ...memories.flatMap((memory) => (memory ? [describeUnitMemory(memory)] : [])),
    ...describeMeminfo(parseMeminfo(meminfo)),
  ];
}

/** info.oom_kill; `options` says which journals it reads (info.show_logs' options). */
export function oomKillAction(options: ShowLogsOptions = {}): ActionDefinition<OomKillParams> {
  return {
    name: 'info.oom_kill',
    title: N_('Show what was killed for memory'),
    params,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    // The preview is the result. Memory and swap now are worth showing even where the journal kept no line,
    // unless only the unit's own kills were asked for.
    async preview(wanted, context) {
      const details = await describe(wanted, context, options);
      return {
        summary: _('Show what was killed for memory, how much it used, and the memory free now'),
        details,
        changesNothing: details.length === 0,
      };
    },
    async run(wanted, context) {
      return {
        summary: (await describe(wanted, context, options)).join('\n'),
        undo: { impossible: _('showing what was killed changes nothing') },
      };
    },
    async verify() {
      return { ok: true, observed: _('read what the kernel and systemd-oomd killed, and the memory now') };
    },
  };
}
