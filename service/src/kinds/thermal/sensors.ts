// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the kernel publishes of the machine's heat, from sysfs alone: thermal zones and their trip points
// (/sys/class/thermal), hwmon's temperatures, limits and fans (/sys/class/hwmon), the throttle counters Intel
// processors keep per CPU (/sys/devices/system/cpu/cpu*/thermal_throttle) and each CPU's speed now against its
// maximum (cpufreq). Temperatures are in millidegrees Celsius, frequencies in kHz.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Temperature {
  /** "acpitz (thermal_zone0)", "coretemp Package id 0". */
  name: string;
  celsius: number;
  /** The limits that apply, by the kernel's or driver's word: passive, hot, critical, max (hwmon's high). */
  limits: { kind: string; celsius: number }[];
}

export interface Fan {
  name: string;
  rpm: number;
}

export interface ThrottleCounts {
  /** The CPUs that keep counters (thermal_throttle/). */
  cpus: number;
  /** Core events summed over the CPUs, and the CPU with the most. */
  core: number;
  mostCpu?: { cpu: number; count: number };
  /** Package events, counted once per physical package (every CPU of a package reports the same counter). */
  package: number;
  /** How long the cores and packages were throttled in all, where the kernel keeps it (5.18+). */
  coreMs?: number;
  packageMs?: number;
}

export interface Frequencies {
  cpus: number;
  lowestKHz: number;
  highestKHz: number;
  maxKHz: number;
}

export interface ThermalState {
  /** The CPUs sysfs lists (cpuN). */
  cpus: number;
  temperatures: Temperature[];
  fans: Fan[];
  /** Whether any hwmon device or thermal zone exists, readable or not. */
  sensorDevices: number;
  throttle?: ThrottleCounts;
  frequencies?: Frequencies;
}

const readText = (path: string) =>
  readFile(path, 'utf8').then(
    (text) => text.trim(),
    () => undefined,
  );
const readNumber = async (path: string) => {
  const text = await readText(path);
  const value = text === undefined || text === '' ? NaN : Number(text);
  return Number.isFinite(value) ? value : undefined;
};
const entries = (path: string, pattern: RegExp) =>
  readdir(path).then(
    (names) => names.filter((name) => pattern.test(name)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
    () => [] as string[],
  );
// A disabled trip point or an absent sensor reads 0 or below absolute zero on many drivers.
const plausible = (millidegrees: number | undefined): millidegrees is number =>
  millidegrees !== undefined && millidegrees > 0;

async function thermalZones(root: string): Promise<{ zones: number; temperatures: Temperature[] }> {
  const base = join(root, 'sys/class/thermal');
  const zones = await entries(base, /^thermal_zone\d+$/);
  const temperatures: Temperature[] = [];
  for (const zone of zones) {
    const path = join(base, zone);
    const temp = await readNumber(join(path, 'temp'));
    if (!plausible(temp)) continue;
    const trips = (await entries(path, /^trip_point_\d+_type$/)).map((name) => name.replace(/_type$/, ''));
    const limits: Temperature['limits'] = [];
    for (const trip of trips) {
      const [kind, limit] = [await readText(join(path, `${trip}_type`)), await readNumber(join(path, `${trip}_temp`))];
      // Active trip points switch fans on; the others are where the kernel slows or stops the machine.
      if (kind && kind !== 'active' && plausible(limit)) limits.push({ kind, celsius: limit / 1000 });
    }
    const type = (await readText(join(path, 'type'))) ?? '';
    temperatures.push({ name: type ? `${type} (${zone})` : zone, celsius: temp / 1000, limits });
  }
  return { zones: zones.length, temperatures };
}

async function hwmon(root: string): Promise<{ devices: number; temperatures: Temperature[]; fans: Fan[] }> {
  const base = join(root, 'sys/class/hwmon');
  const devices = await entries(base, /^hwmon\d+$/);
  const temperatures: Temperature[] = [];
  const fans: Fan[] = [];
  for (const device of devices) {
    const path = join(base, device);
    const chip = (await readText(join(path, 'name'))) || device;
    const files = await entries(path, /^(?:temp|fan)\d+_input$/);
    for (const file of files) {
      const sensor = file.replace(/_input$/, '');
      const value = await readNumber(join(path, file));
      const label = (await readText(join(path, `${sensor}_label`))) || sensor;
      const name = `${chip} ${label}`;
      if (sensor.startsWith('fan')) {
        if (value !== undefined && value >= 0) fans.push({ name, rpm: value });
        continue;
      }
      if (!plausible(value)) continue;
      const limits: Temperature['limits'] = [];
      for (const kind of ['max', 'crit']) {
        const limit = await readNumber(join(path, `${sensor}_${kind}`));
        if (plausible(limit)) limits.push({ kind: kind === 'crit' ? 'critical' : 'high', celsius: limit / 1000 });
      }
      temperatures.push({ name, celsius: value / 1000, limits });
    }
  }
  return { devices: devices.length, temperatures, fans };
}

async function throttleCounts(cpuBase: string, cpus: string[]): Promise<ThrottleCounts | undefined> {
  let counted = 0;
  let core = 0;
  let coreMs: number | undefined;
  let mostCpu: ThrottleCounts['mostCpu'];
  const packages = new Map<string, { count: number; ms?: number }>();
  for (const cpu of cpus) {
    const path = join(cpuBase, cpu, 'thermal_throttle');
    const count = await readNumber(join(path, 'core_throttle_count'));
    const packageCount = await readNumber(join(path, 'package_throttle_count'));
    if (count === undefined && packageCount === undefined) continue;
    counted++;
    const number = Number(cpu.slice(3));
    if (count !== undefined) {
      core += count;
      if (count > (mostCpu?.count ?? 0)) mostCpu = { cpu: number, count };
      const ms = await readNumber(join(path, 'core_throttle_total_time_ms'));
      if (ms !== undefined) coreMs = (coreMs ?? 0) + ms;
    }
    if (packageCount !== undefined) {
      const id = (await readText(join(cpuBase, cpu, 'topology/physical_package_id'))) ?? '0';
      const ms = await readNumber(join(path, 'package_throttle_total_time_ms'));
      const known = packages.get(id);
      if (!known || packageCount > known.count)
        packages.set(id, { count: packageCount, ...(ms !== undefined && { ms }) });
    }
  }
  if (counted === 0) return undefined;
  const packageList = [...packages.values()];
  const timed = packageList.filter((entry) => entry.ms !== undefined);
  return {
    cpus: counted,
    core,
    ...(mostCpu && { mostCpu }),
    package: packageList.reduce((sum, entry) => sum + entry.count, 0),
    ...(coreMs !== undefined && { coreMs }),
    ...(timed.length > 0 && { packageMs: timed.reduce((sum, entry) => sum + (entry.ms ?? 0), 0) }),
  };
}

async function frequencies(cpuBase: string, cpus: string[]): Promise<Frequencies | undefined> {
  const now: number[] = [];
  let maxKHz = 0;
  for (const cpu of cpus) {
    const current = await readNumber(join(cpuBase, cpu, 'cpufreq/scaling_cur_freq'));
    const max = await readNumber(join(cpuBase, cpu, 'cpufreq/cpuinfo_max_freq'));
    if (current === undefined || max === undefined || max <= 0) continue;
    now.push(current);
    maxKHz = Math.max(maxKHz, max);
  }
  if (now.length === 0) return undefined;
  return { cpus: now.length, lowestKHz: Math.min(...now), highestKHz: Math.max(...now), maxKHz };
}

/** The machine's heat as sysfs under `root` shows it now. */
export async function readThermalState(root = '/'): Promise<ThermalState> {
  const cpuBase = join(root, 'sys/devices/system/cpu');
  const cpus = await entries(cpuBase, /^cpu\d+$/);
  const [zones, chips, throttle, speeds] = await Promise.all([
    thermalZones(root),
    hwmon(root),
    throttleCounts(cpuBase, cpus),
    frequencies(cpuBase, cpus),
  ]);
  return {
    cpus: cpus.length,
    temperatures: [...zones.temperatures, ...chips.temperatures],
    fans: chips.fans,
    sensorDevices: zones.zones + chips.devices,
    ...(throttle && { throttle }),
    ...(speeds && { frequencies: speeds }),
  };
}
