// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { createDetectors } from '../../../service/src/findings/detectors/index.js';
import { KINDS } from '../../../service/src/kinds/index.js';

describe('the detectors', () => {
  // They run one after another on each event, and a finding claimed first keeps its lines from the catch-all:
  // moving a kind into its folder must not change where its detectors run.
  it('run in the registry order: the machine room, its thermal and memory kinds, the desktop, the catch-all last', () => {
    expect(createDetectors(KINDS).map((detector) => detector.constructor.name)).toEqual([
      'UnitFailedDetector',
      'CrashLoopDetector',
      'CoredumpDetector',
      'CrashDetector',
      'OomKillDetector',
      'FilesystemErrorDetector',
      'StorageErrorDetector',
      'GpuFaultDetector',
      'NoSpaceDetector',
      'DnsFailureDetector',
      'AuthFailuresDetector',
      'PackageManagerErrorDetector',
      'DpkgStateDetector',
      'ConfigErrorDetector',
      'NetworkFailureDetector',
      'DiskSpaceDetector',
      'InodeExhaustionDetector',
      'LinkDownDetector',
      'NoRouteDetector',
      'ConnectivityDetector',
      'ConfigChangedDetector',
      'ThermalThrottlingDetector',
      'MemoryPressureDetector',
      'ExtensionErrorDetector',
      'ExtensionStateDetector',
      'ShellCrashDetector',
      'SoundUnavailableDetector',
      'SoundStateDetector',
      'BluetoothUnavailableDetector',
      'BluetoothOffDetector',
      'PrinterProblemDetector',
      'PrinterStoppedDetector',
      'ClockDetector',
      'ClockNtpOffDetector',
      'ClockStateDetector',
      'SessionCrashDetector',
      'SignInFailureDetector',
      'UnrecognisedErrorsDetector',
    ]);
  });
});
