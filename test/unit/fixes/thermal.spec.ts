// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { thermalAction } from '../../../service/src/kinds/thermal/action.js';
import { readThermalState } from '../../../service/src/kinds/thermal/sensors.js';
import { writeTree } from '../../support/fileTree.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';
import { homeContext, runOptions } from './actionContext.js';

// A laptop's sysfs as 6.x kernels publish it: ACPI's zone with its trip points, the package's zone, coretemp and
// thinkpad_acpi's hwmon devices, and Intel's throttle counters (the package's repeated on every CPU of it).
const CPU = 'sys/devices/system/cpu';
const HOT_LAPTOP = {
  'sys/class/thermal/thermal_zone0/type': 'acpitz',
  'sys/class/thermal/thermal_zone0/temp': '97000',
  'sys/class/thermal/thermal_zone0/trip_point_0_type': 'critical',
  'sys/class/thermal/thermal_zone0/trip_point_0_temp': '105000',
  'sys/class/thermal/thermal_zone0/trip_point_1_type': 'passive',
  'sys/class/thermal/thermal_zone0/trip_point_1_temp': '95000',
  'sys/class/thermal/thermal_zone0/trip_point_2_type': 'active',
  'sys/class/thermal/thermal_zone0/trip_point_2_temp': '60000',
  'sys/class/thermal/thermal_zone1/type': 'x86_pkg_temp',
  'sys/class/thermal/thermal_zone1/temp': '96500',
  'sys/class/thermal/thermal_zone1/trip_point_0_type': 'passive',
  'sys/class/thermal/thermal_zone1/trip_point_0_temp': '0',
  // A zone whose sensor reads nothing now (its driver answers -ENODATA) is left out.
  'sys/class/thermal/thermal_zone2/type': 'iwlwifi_1',
  'sys/class/thermal/thermal_zone2/temp': '',
  'sys/class/hwmon/hwmon3/name': 'coretemp',
  'sys/class/hwmon/hwmon3/temp1_input': '98000',
  'sys/class/hwmon/hwmon3/temp1_label': 'Package id 0',
  'sys/class/hwmon/hwmon3/temp1_max': '84000',
  'sys/class/hwmon/hwmon3/temp1_crit': '100000',
  'sys/class/hwmon/hwmon3/temp2_input': '71000',
  'sys/class/hwmon/hwmon3/temp2_label': 'Core\u001b[31m 0',
  'sys/class/hwmon/hwmon3/temp2_max': '84000',
  'sys/class/hwmon/hwmon3/temp2_crit': '100000',
  'sys/class/hwmon/hwmon5/name': 'thinkpad',
  'sys/class/hwmon/hwmon5/fan1_input': '4200',
  'sys/class/hwmon/hwmon5/fan2_input': '0',
  ...Object.fromEntries(
    [2311, 0, 5, 12].flatMap((core, cpu) => [
      [`${CPU}/cpu${cpu}/thermal_throttle/core_throttle_count`, String(core)],
      [`${CPU}/cpu${cpu}/thermal_throttle/core_throttle_total_time_ms`, String(core * 10)],
      [`${CPU}/cpu${cpu}/thermal_throttle/package_throttle_count`, '12705'],
      [`${CPU}/cpu${cpu}/thermal_throttle/package_throttle_total_time_ms`, '254100'],
      [`${CPU}/cpu${cpu}/topology/physical_package_id`, '0'],
      [`${CPU}/cpu${cpu}/cpufreq/scaling_cur_freq`, String(800_000 + cpu * 100_000)],
      [`${CPU}/cpu${cpu}/cpufreq/cpuinfo_max_freq`, '4600000'],
    ]),
  ),
};

/** /proc/PID/stat with the given utime and stime; everything else as a sleeping process has it. */
const stat = (pid: number, name: string, utime: number, stime: number) =>
  `${pid} (${name}) S 1 ${pid} ${pid} 0 -1 4194560 900 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 5000 1000 100 0`;
/** /proc/stat of four CPUs, its "cpu" line summing them: user nice system idle iowait irq softirq steal. */
const procStat = (busy: number, idle: number) =>
  [`cpu  ${busy} 0 0 ${idle} 0 0 0 0 0 0`, ...[0, 1, 2, 3].map((cpu) => `cpu${cpu} 0 0 0 0 0 0 0 0 0 0`)].join('\n');
const processFiles = (pid: number, name: string, ticks: number, cgroup: string) => ({
  [`proc/${pid}/stat`]: stat(pid, name, ticks, 0),
  [`proc/${pid}/status`]: `Name:\t${name}\nUid:\t1000\t1000\t1000\t1000\nVmRSS:\t1000 kB\n`,
  [`proc/${pid}/cmdline`]: name,
  [`proc/${pid}/cgroup`]: cgroup,
});

describe('info.thermal', () => {
  let temp: TempDir;
  const machine = (files: Record<string, string>) => writeTree(temp.path, files, '\n');
  const app = '0::/user.slice/user-1000.slice/user@1000.service/app.slice/app-firefox-123.scope';

  beforeEach(async () => {
    temp = await makeTempDir();
    // Before the pause: four CPUs, 10 000 ticks each so far.
    await machine({
      'proc/stat': procStat(10_000, 30_000),
      ...processFiles(4100, 'stress-ng', 900, '0::/system.slice/stress.service'),
      ...processFiles(2301, 'firefox-bin', 5000, app),
      ...processFiles(812, 'postgres', 300, '0::/system.slice/postgresql@17-main.service'),
      ...processFiles(4400, 'evil) S 1 1 1', 0, '0::/user.slice'),
    });
  });
  afterEach(() => temp.remove());

  // The second reading: one second later (100 ticks on each of the four CPUs), and a process started meanwhile.
  const oneSecondLater = () =>
    machine({
      'proc/stat': procStat(10_250, 30_150),
      ...processFiles(4100, 'stress-ng', 1000, '0::/system.slice/stress.service'),
      ...processFiles(2301, 'firefox-bin', 5050, app),
      ...processFiles(812, 'postgres', 300, '0::/system.slice/postgresql@17-main.service'),
      ...processFiles(4400, 'evil) S 1 1 1', 30, '0::/user.slice'),
      ...processFiles(4500, 'cc1plus\u001b]0;x\u0007', 20, '0::/user.slice/user-1000.slice/session-2.scope'),
    });

  it('reads zones with their trip points, hwmon’s temperatures, limits and fans, and the throttle counters', async () => {
    await machine(HOT_LAPTOP);
    const state = await readThermalState(temp.path);
    expect(state.cpus).toBe(4);
    expect(state.sensorDevices).toBe(5);
    expect(state.temperatures.map(({ name, celsius }) => [name, celsius])).toEqual([
      ['acpitz (thermal_zone0)', 97],
      ['x86_pkg_temp (thermal_zone1)', 96.5],
      ['coretemp Package id 0', 98],
      ['coretemp Core\u001b[31m 0', 71],
    ]);
    // Active trip points switch fans on; a disabled one (0) is no limit.
    expect(state.temperatures[0]?.limits).toEqual([
      { kind: 'critical', celsius: 105 },
      { kind: 'passive', celsius: 95 },
    ]);
    expect(state.temperatures[1]?.limits).toEqual([]);
    expect(state.fans).toEqual([
      { name: 'thinkpad fan1', rpm: 4200 },
      { name: 'thinkpad fan2', rpm: 0 },
    ]);
    expect(state.throttle).toEqual({
      cpus: 4,
      core: 2328,
      mostCpu: { cpu: 0, count: 2311 },
      package: 12705,
      coreMs: 23280,
      packageMs: 254100,
    });
    expect(state.frequencies).toEqual({ cpus: 4, lowestKHz: 800_000, highestKHz: 1_100_000, maxKHz: 4_600_000 });
  });

  it('shows the temperatures against their limits, the fans, the throttling, the speed and the busiest processes', async () => {
    await machine(HOT_LAPTOP);
    const action = thermalAction({ root: temp.path, pause: oneSecondLater });
    expect(action.params.safeParse({}).success).toBeTrue();
    expect(action.params.safeParse({ zone: 'acpitz' }).success).toBeFalse();
    const { summary } = await action.run({}, homeContext(temp.path), runOptions());
    expect(summary.split('\n')).toEqual([
      'The computer’s heat now',
      'Temperatures now, hottest first:',
      'coretemp Package id 0: 98 °C, at or above its high limit (limits: high 84 °C, critical 100 °C)',
      'acpitz (thermal_zone0): 97 °C, at or above its passive limit (limits: critical 105 °C, passive 95 °C)',
      'x86_pkg_temp (thermal_zone1): 96.5 °C',
      'coretemp Core 0: 71 °C (limits: high 84 °C, critical 100 °C)',
      'thinkpad fan1: 4200 RPM',
      'thinkpad fan2: stopped (0 RPM)',
      'Since the computer started, the kernel throttled CPU cores for heat 2328 times (most on CPU 0: 2311).',
      'Since the computer started, the kernel throttled the whole processor package for heat 12705 times.',
      'Time spent throttled: 23.3 s on the cores (summed over CPUs), 254.1 s on the package.',
      'CPU speed now: 0.80 GHz to 1.10 GHz over 4 CPUs, of at most 4.60 GHz: the fastest at 24% of its maximum.',
      'Together the processes kept 2.0 of the 4 CPUs busy over that second.',
      'The processes using the most CPU over that second (100% is one CPU fully busy):',
      '100%  stress-ng (PID 4100), stress.service',
      '50%  firefox-bin (PID 2301), app-firefox-123.scope',
      '30%  evil) S 1 1 1 (PID 4400)',
      '20%  cc1plus (PID 4500), session-2.scope',
    ]);
  });

  it('previews what sysfs shows without measuring the processes', async () => {
    await machine(HOT_LAPTOP);
    const action = thermalAction({ root: temp.path, pause: () => Promise.reject(new Error('no sample in a preview')) });
    const preview = await action.preview({}, homeContext(temp.path));
    expect(preview.changesNothing).toBeFalse();
    expect(preview.details[0]).toBe('Temperatures now, hottest first:');
    expect(preview.details.at(-1)).toBe('Running it also measures which processes use the most CPU over one second.');
  });

  it('says plainly where the machine has no sensor, no counter and no cpufreq, and still shows the busy processes', async () => {
    await machine({ [`${CPU}/cpu0/online`]: '1', [`${CPU}/cpu1/online`]: '1' });
    const { summary } = await thermalAction({ root: temp.path, pause: oneSecondLater }).run(
      {},
      homeContext(temp.path),
      runOptions(),
    );
    const lines = summary.split('\n');
    expect(lines.slice(1, 4)).toEqual([
      'This computer shows the kernel no temperature sensor (no thermal zone, no hwmon device): a virtual machine has none, and some hardware has none until its driver is loaded.',
      'The kernel keeps no throttle counters for this processor (it keeps them for Intel processors that report their heat).',
      'The kernel shows no CPU speeds here (no cpufreq driver).',
    ]);
    expect(lines).toContain('Together the processes kept 2.0 of the 2 CPUs busy over that second.');
    expect(lines).toContain('100%  stress-ng (PID 4100), stress.service');
  });

  it('says where the counters are all 0, a sensor device gives no temperature, or /proc cannot be read', async () => {
    await temp.remove();
    temp = await makeTempDir();
    await machine({
      'sys/class/hwmon/hwmon0/name': 'acpi_fan',
      'sys/class/hwmon/hwmon0/temp1_input': '',
      [`${CPU}/cpu0/thermal_throttle/core_throttle_count`]: '0',
      [`${CPU}/cpu0/thermal_throttle/package_throttle_count`]: '0',
    });
    const { summary } = await thermalAction({ root: temp.path, pause: async () => undefined }).run(
      {},
      homeContext(temp.path),
      runOptions(),
    );
    expect(summary.split('\n').slice(1)).toEqual([
      'The kernel has sensor devices here, but none gives a temperature now.',
      'No CPU was throttled for heat since the computer started (the kernel’s counters are all 0).',
      'The kernel shows no CPU speeds here (no cpufreq driver).',
      'The processes’ CPU use could not be read (/proc).',
    ]);
  });
});
