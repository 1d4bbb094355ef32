// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { ThermalThrottlingDetector } from '../../../service/src/kinds/thermal/detector.js';
import { journalEvent, runDetector } from '../../support/journalEvents.js';

const kernel = (message: string) =>
  journalEvent({ MESSAGE: message, _TRANSPORT: 'kernel', SYSLOG_IDENTIFIER: 'kernel' });
const mcelog = (message: string) =>
  journalEvent({
    MESSAGE: message,
    SYSLOG_IDENTIFIER: 'mcelog',
    _COMM: 'mcelog',
    _EXE: '/usr/sbin/mcelog',
    _UID: '0',
    _SYSTEMD_UNIT: 'mcelog.service',
  });
const said = (events: ReturnType<typeof journalEvent>[]) =>
  runDetector(new ThermalThrottlingDetector(), events).map((o) =>
    'report' in o ? `${o.report.severity}: ${o.report.title}` : 'resolved',
  );

describe('the thermal-throttling detector on the wordings of each kernel', () => {
  it('takes no line that user space wrote to /dev/kmsg for the kernel’s, whatever it calls itself', () => {
    // `echo '<4>kernel: CPU2: …' > /dev/kmsg` as root: journald's record of it has the kernel transport, the name
    // the writer gave, and the user facility the kernel enforced.
    const written = (facility: string) =>
      journalEvent({
        MESSAGE: 'CPU2: Core temperature above threshold, cpu clock throttled (total events = 31)',
        _TRANSPORT: 'kernel',
        SYSLOG_IDENTIFIER: 'kernel',
        SYSLOG_FACILITY: facility,
      });
    expect(said([written('1'), written('3')])).toEqual([]);
    expect(said([written('0')])).toEqual([
      'warning: The CPU is overheating and slowed down (CPU core 2 above its temperature limit)',
    ]);
  });

  it('reads throttling with or without "mce: ", in either capitalisation, and before cores and packages had names', () => {
    expect(
      said([
        kernel('CPU0: Package temperature above threshold, CPU clock throttled (total events = 1)'),
        kernel('mce: CPU7: Core temperature above threshold, cpu clock throttled (total events = 1)'),
        // kernels before 2.6.36
        kernel('CPU1: Temperature above threshold, cpu clock throttled (total events = 6836)'),
        // dmesg's time stamp kept in the line
        kernel('[ 5123.456789] CPU3: Core temperature above threshold, cpu clock throttled (total events = 57536)'),
      ]),
    ).toEqual([
      'warning: The CPU is overheating and slowed down (CPU package above its temperature limit)',
      'warning: The CPU is overheating and slowed down (CPU core 7 above its temperature limit)',
      'warning: The CPU is overheating and slowed down (CPU core 1 above its temperature limit)',
      'warning: The CPU is overheating and slowed down (CPU core 3 above its temperature limit)',
    ]);
  });

  it('resolves once every throttled CPU is normal again, in the kernel’s words or mcelog’s', () => {
    expect(
      said([
        kernel('mce: CPU4: Package temperature above threshold, cpu clock throttled (total events = 740)'),
        mcelog('Processor 1 heated above trip temperature. Throttling enabled.'),
        kernel('mce: CPU4: Package temperature/speed normal'),
        mcelog('Processor 1 below trip temperature. Throttling disabled'),
      ]),
    ).toEqual([
      'warning: The CPU is overheating and slowed down (CPU package above its temperature limit)',
      'warning: The CPU is overheating and slowed down (CPU core 1 above its temperature limit)',
      'resolved',
    ]);
  });

  it('reports a shutdown at a critical temperature as critical, in the thermal core’s and ACPI’s words', () => {
    expect(
      said([
        // thermal core before 5.12
        kernel('thermal thermal_zone3: critical temperature reached (80 C), shutting down'),
        // thermal core since 5.12
        kernel('thermal thermal_zone0: acpitz: critical temperature reached'),
        // ACPI thermal driver
        kernel('Critical temperature reached (100 C), shutting down.'),
        // 5.17+
        kernel('reboot: HARDWARE PROTECTION shutdown (Temperature too high)'),
      ]),
    ).toEqual([
      'critical: The computer is shutting down because it overheated (80 °C)',
      'critical: The computer is shutting down because it overheated',
      'critical: The computer is shutting down because it overheated (100 °C)',
      'critical: The computer is shutting down because it overheated',
    ]);
  });

  it('reports an amdgpu running past its temperature range', () => {
    expect(
      said([
        kernel('amdgpu: [powerplay] GPU over temperature range detected on PCIe 0:0.0!'),
        kernel('amdgpu 0000:03:00.0: amdgpu: ERROR: GPU over temperature range(SW CTF) detected!'),
      ]),
    ).toEqual(['warning: The graphics card is overheating', 'warning: The graphics card is overheating']);
  });

  it('stays silent on look-alike lines and on the same words from a program', () => {
    expect(
      said([
        kernel("thermal_sys: Registered thermal governor 'step_wise'"),
        kernel('intel_powerclamp: No package C-state available'),
        kernel('mce: [Hardware Error]: Machine check events logged'),
        kernel('CPU1: Core temperature/speed normal'),
        kernel('thermal LNXTHERM:00: registered as thermal_zone0'),
        journalEvent({
          MESSAGE: 'CPU0: Package temperature above threshold, cpu clock throttled (total events = 1)',
          SYSLOG_IDENTIFIER: 'logger',
          _TRANSPORT: 'syslog',
        }),
        journalEvent({
          MESSAGE: 'thermal thermal_zone3: critical temperature reached (80 C), shutting down',
          SYSLOG_IDENTIFIER: 'myapp',
          _TRANSPORT: 'syslog',
        }),
      ]),
    ).toEqual([]);
  });
});
