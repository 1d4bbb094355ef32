// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The system summary from the files the kernel and the distribution publish:
// os-release, /proc and /sys. The roots are parameters so tests can hand in a
// fixture /sys with a battery and a GPU that the test machine lacks.
import { readdir, readFile } from 'node:fs/promises';
import { hostname, release } from 'node:os';
import { join } from 'node:path';

import type { SystemSummary } from '../machine.js';

export interface SystemRoots {
  proc?: string;
  sys?: string;
  osRelease?: string;
}

/** PCI vendor ids of the GPU makers people know by name. */
const GPU_VENDORS: Record<string, string> = { '0x10de': 'NVIDIA', '0x1002': 'AMD', '0x8086': 'Intel' };

/** The file's text, or null where it does not exist (a card without a PCI vendor, a machine without os-release). */
async function readOptional(path: string): Promise<string | null> {
  return readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
}

/** The names in a directory, or none where the directory does not exist (no DRM, no power supplies). */
async function listOptional(path: string): Promise<string[]> {
  return readdir(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
}

/** `key=value` or `key: value` lines as a map; the first occurrence of a key wins. */
function fields(text: string, separator: RegExp): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = separator.exec(line);
    if (!match) continue;
    const key = line.slice(0, match.index).trim();
    if (!map.has(key)) map.set(key, line.slice(match.index + match[0].length).trim());
  }
  return map;
}

async function readOsName(path: string): Promise<string> {
  const text = await readOptional(path);
  const pretty = text === null ? undefined : fields(text, /=/).get('PRETTY_NAME');
  // os-release quotes values with spaces.
  return pretty?.replace(/^(["'])(.*)\1$/, '$2') ?? 'Linux';
}

async function readCpu(proc: string): Promise<SystemSummary['cpu']> {
  const [cpuinfo, loadavg] = await Promise.all([
    readFile(join(proc, 'cpuinfo'), 'utf8'),
    readFile(join(proc, 'loadavg'), 'utf8'),
  ]);
  const lines = cpuinfo.split('\n');
  const model = lines.find((line) => line.startsWith('model name'))?.replace(/^[^:]*:\s*/, '') ?? 'unknown CPU';
  const cores = lines.filter((line) => /^processor\s*:/.test(line)).length;
  const [one = 0, five = 0, fifteen = 0] = loadavg.split(/\s+/, 3).map(Number);
  return { model, cores, load: [one, five, fifteen] };
}

async function readMemory(proc: string): Promise<SystemSummary['memory']> {
  const meminfo = fields(await readFile(join(proc, 'meminfo'), 'utf8'), /:/);
  // meminfo says "kB" and means KiB.
  const bytes = (key: string) => Number.parseInt(meminfo.get(key) ?? '0', 10) * 1024;
  return {
    totalBytes: bytes('MemTotal'),
    availableBytes: bytes('MemAvailable'),
    swapTotalBytes: bytes('SwapTotal'),
    swapFreeBytes: bytes('SwapFree'),
  };
}

/** One line per distinct GPU: its maker where the PCI vendor is known, and its kernel driver. */
async function readGpus(sys: string): Promise<string[]> {
  const drm = join(sys, 'class', 'drm');
  // card0, card1…; card0-DP-1 and the like are the cards' connectors.
  const cards = (await listOptional(drm)).filter((name) => /^card\d+$/.test(name)).sort();
  const gpus = await Promise.all(
    cards.map(async (card) => {
      const device = join(drm, card, 'device');
      const [uevent, vendor] = await Promise.all([
        readOptional(join(device, 'uevent')),
        readOptional(join(device, 'vendor')),
      ]);
      const driver = uevent === null ? undefined : fields(uevent, /=/).get('DRIVER');
      const vendorId = vendor?.trim();
      const maker = vendorId === undefined ? 'GPU' : (GPU_VENDORS[vendorId] ?? `GPU vendor ${vendorId}`);
      return driver ? `${maker} (driver ${driver})` : maker;
    }),
  );
  return [...new Set(gpus)];
}

/** The first system battery; a wireless mouse's battery (scope Device) is not the machine's. */
async function readBattery(sys: string): Promise<SystemSummary['battery']> {
  const supplies = join(sys, 'class', 'power_supply');
  for (const name of (await listOptional(supplies)).sort()) {
    const read = (file: string) => readOptional(join(supplies, name, file)).then((text) => text?.trim());
    const [type, scope] = await Promise.all([read('type'), read('scope')]);
    if (type !== 'Battery' || scope === 'Device') continue;
    const [capacity, status] = await Promise.all([read('capacity'), read('status')]);
    return { percent: Number(capacity ?? 0), state: status ?? 'Unknown' };
  }
  return null;
}

export async function readSystemSummary(roots: SystemRoots = {}): Promise<SystemSummary> {
  const { proc = '/proc', sys = '/sys', osRelease = '/etc/os-release' } = roots;
  const [os, uptime, cpu, memory, gpus, battery] = await Promise.all([
    readOsName(osRelease),
    readFile(join(proc, 'uptime'), 'utf8'),
    readCpu(proc),
    readMemory(proc),
    readGpus(sys),
    readBattery(sys),
  ]);
  return {
    os,
    kernel: release(),
    hostname: hostname(),
    uptimeSeconds: Math.floor(Number.parseFloat(uptime)),
    cpu,
    memory,
    gpus,
    battery,
  };
}
