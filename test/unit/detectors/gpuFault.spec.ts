// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { GpuFaultDetector } from '../../../service/src/kinds/gpuFault/detector.js';
import { journalEvent, reportsOf, runDetector } from '../../support/journalEvents.js';

const START_US = 1_773_479_523_000_000;
const at = (seconds: number) => String(START_US + seconds * 1_000_000);

const kernel = (message: string, seconds = 0) =>
  journalEvent({
    MESSAGE: message,
    _TRANSPORT: 'kernel',
    SYSLOG_IDENTIFIER: 'kernel',
    __REALTIME_TIMESTAMP: at(seconds),
  });

/** nvidia-smi run by a user's monitoring script, as journald saw it. */
const program = (message: string, seconds = 0) =>
  journalEvent({
    MESSAGE: message,
    SYSLOG_IDENTIFIER: 'nvidia-smi',
    _COMM: 'nvidia-smi',
    _EXE: '/usr/bin/nvidia-smi',
    _UID: '1000',
    _PID: '4242',
    _TRANSPORT: 'stdout',
    __REALTIME_TIMESTAMP: at(seconds),
  });

/** [subject, severity, title] of what a fresh detector reports for one kernel line. */
const verdict = (message: string) =>
  reportsOf(new GpuFaultDetector().detect(kernel(message))).map((r) => [r.subject, r.severity, r.title]);

describe('the gpu-fault detector', () => {
  it('reads NVIDIA Xid errors with their meaning, and a GPU fallen off the bus as critical', () => {
    const lines: [string, string, string, string][] = [
      [
        'NVRM: Xid (PCI:0000:05:00): 79, pid=1173, GPU has fallen off the bus.',
        'nvidia 0000:05:00',
        'critical',
        'NVIDIA GPU 0000:05:00: fell off the bus (Xid 79)',
      ],
      [
        'NVRM: Xid (PCI:0000:01:00): 79, pid=2345, name=Xorg, GPU has fallen off the bus.',
        'nvidia 0000:01:00',
        'critical',
        'NVIDIA GPU 0000:01:00: fell off the bus while Xorg ran (Xid 79)',
      ],
      [
        'NVRM: Xid (PCI:0000:3b:00): 31, pid=2079, name=python3, Ch 00000008, intr 10000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_0 faulted @ 0x7f6d_e1000000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ',
        'nvidia 0000:3b:00',
        'error',
        'NVIDIA GPU 0000:3b:00: memory page fault while python3 ran (Xid 31)',
      ],
      [
        'NVRM: Xid (PCI:0000:01:00): 13, Graphics SM Warp Exception on (GPC 0, TPC 0, SM 0): Out Of Range Address',
        'nvidia 0000:01:00',
        'error',
        'NVIDIA GPU 0000:01:00: graphics engine exception (Xid 13)',
      ],
      [
        "NVRM: Xid (PCI:0000:01:00): 43, pid='<unknown>', name=<unknown>, Ch 00000010",
        'nvidia 0000:01:00',
        'error',
        'NVIDIA GPU 0000:01:00: stopped a program’s work (Xid 43)',
      ],
      [
        'NVRM: Xid (PCI:0000:01:00): 154, GPU recovery action changed from 0x0 (None) to 0x1 (GPU Reset Required)',
        'nvidia 0000:01:00',
        'error',
        'NVIDIA GPU 0000:01:00: error (Xid 154)',
      ],
      [
        'NVRM: GPU 0000:05:00.0: GPU has fallen off the bus.',
        'nvidia 0000:05:00',
        'critical',
        'NVIDIA GPU 0000:05:00: fell off the bus',
      ],
      [
        'NVRM: The NVIDIA GPU 0000:b3:00.0\nNVRM: (PCI ID: 10de:26b5) installed in this system has\nNVRM: fallen off the bus and is not responding to commands.',
        'nvidia 0000:b3:00',
        'critical',
        'NVIDIA GPU 0000:b3:00: fell off the bus',
      ],
    ];
    for (const [line, subject, severity, title] of lines) {
      expect(verdict(line))
        .withContext(line)
        .toEqual([[subject, severity, title]]);
      expect(verdict(`[44643.002804] ${line}`))
        .withContext(`dmesg: ${line}`)
        .toEqual([[subject, severity, title]]);
    }
  });

  it('reads amdgpu ring timeouts and resets, old DRM_ERROR wording and new dev_err wording', () => {
    const lines: [string, string, string][] = [
      [
        '[drm:amdgpu_job_timedout [amdgpu]] *ERROR* ring gfx timeout, signaled seq=83766, emitted seq=83768',
        'amdgpu',
        'AMD GPU: ring gfx timed out',
      ],
      [
        '[drm:amdgpu_job_timedout [amdgpu]] *ERROR* ring sdma0 timeout, signaled seq=1205, emitted seq=1207',
        'amdgpu',
        'AMD GPU: ring sdma0 timed out',
      ],
      [
        'amdgpu 0000:03:00.0: amdgpu: ring gfx_0.0.0 timeout, signaled seq=1212, emitted seq=1214',
        'amdgpu 0000:03:00.0',
        'AMD GPU 0000:03:00.0: ring gfx_0.0.0 timed out',
      ],
      [
        'amdgpu 0000:0c:00.0: amdgpu: ring gfx_0.0.0 timeout, but soft recovered',
        'amdgpu 0000:0c:00.0',
        'AMD GPU 0000:0c:00.0: ring gfx_0.0.0 timed out',
      ],
      ['[drm] GPU reset begin!', 'amdgpu', 'AMD GPU: reset by its driver'],
      [
        'amdgpu 0000:03:00.0: amdgpu: GPU reset begin!',
        'amdgpu 0000:03:00.0',
        'AMD GPU 0000:03:00.0: reset by its driver',
      ],
      [
        'amdgpu 0000:03:00.0: amdgpu: GPU reset(2) failed',
        'amdgpu 0000:03:00.0',
        'AMD GPU 0000:03:00.0: its reset failed',
      ],
      [
        'amdgpu 0000:03:00.0: amdgpu: GPU Recovery Failed: -110',
        'amdgpu 0000:03:00.0',
        'AMD GPU 0000:03:00.0: its reset failed',
      ],
      [
        'amdgpu 0000:09:00.0: [gfxhub] VMC page fault (src_id:0 ring:24 vmid:1 pasid:32769)',
        'amdgpu 0000:09:00.0',
        'AMD GPU 0000:09:00.0: memory page fault',
      ],
    ];
    for (const [line, subject, title] of lines) {
      expect(verdict(line))
        .withContext(line)
        .toEqual([[subject, 'error', title]]);
      expect(verdict(`[ 1234.567890] ${line}`))
        .withContext(`dmesg: ${line}`)
        .toEqual([[subject, 'error', title]]);
    }
  });

  it('reads i915 and xe hangs, timeouts and resets', () => {
    const lines: [string, string, string][] = [
      [
        'i915 0000:00:02.0: [drm] GPU HANG: ecode 9:1:85dffffb, in Xorg [1234]',
        'i915 0000:00:02.0',
        'Intel GPU 0000:00:02.0: hung running Xorg',
      ],
      [
        '[drm] GPU HANG: ecode 7:0:0x85dffffb, in chrome [1234], reason: Hang on rcs0, action: reset',
        'i915',
        'Intel GPU: hung running chrome',
      ],
      [
        'i915 0000:00:02.0: [drm] Resetting rcs0 for preemption time out',
        'i915 0000:00:02.0',
        'Intel GPU 0000:00:02.0: hung and was reset',
      ],
      ['[drm] Resetting chip for stopped heartbeat on rcs0', 'i915', 'Intel GPU: hung and was reset'],
      ['drm/i915: Resetting chip after gpu hang', 'i915', 'Intel GPU: hung and was reset'],
      [
        'xe 0000:00:02.0: [drm] GT0: Timedout job: seqno=4294967169, lrc_seqno=4294967169, guc_id=2, flags=0x0 in glxgears [2345]',
        'xe 0000:00:02.0',
        'Intel GPU 0000:00:02.0: timed out running glxgears',
      ],
      [
        'xe 0000:00:02.0: [drm] Timedout job: seqno=1234, guc_id=5, flags=0x0',
        'xe 0000:00:02.0',
        'Intel GPU 0000:00:02.0: a job timed out',
      ],
      [
        'xe 0000:3d:00.0: [drm] Tile0: GT0: Timedout job: seqno=1523, lrc_seqno=1523, guc_id=9, flags=0x20 in python [2693]',
        'xe 0000:3d:00.0',
        'Intel GPU 0000:3d:00.0: timed out running python',
      ],
      [
        'xe 0000:3d:00.0: [drm] Tile0: GT0: Engine reset: engine_class=ccs, logical_mask: 0x1, guc_id=9, state=0x29',
        'xe 0000:3d:00.0',
        'Intel GPU 0000:3d:00.0: hung and was reset',
      ],
      ['xe 0000:00:02.0: [drm] GT0: reset started', 'xe 0000:00:02.0', 'Intel GPU 0000:00:02.0: reset by its driver'],
      ['xe 0000:03:00.0: [drm] GT reset started', 'xe 0000:03:00.0', 'Intel GPU 0000:03:00.0: reset by its driver'],
    ];
    for (const [line, subject, title] of lines) {
      expect(verdict(line))
        .withContext(line)
        .toEqual([[subject, 'error', title]]);
      expect(verdict(`[ 1234.567890] ${line}`))
        .withContext(`dmesg: ${line}`)
        .toEqual([[subject, 'error', title]]);
    }
  });

  it('stays silent on a driver loading, recovering or explaining itself, and on programs quoting the kernel', () => {
    const quiet = [
      'NVRM: loading NVIDIA UNIX x86_64 Kernel Module  390.129  Mon Jul 22 21:10:21 PDT 2019 (using threaded interrupts)',
      "NVRM: GPU 0000:02:00.0: PreserveVideoMemoryAllocations module parameter is set. System Power Management attempted without driver procfs suspend interface. Please refer to the 'Configuring Power Management Support' section in the driver README.",
      'amdgpu 0000:03:00.0: amdgpu: GPU reset(2) succeeded!',
      '[drm] Initialized amdgpu 3.54.0 20150101 for 0000:03:00.0 on minor 0',
      '[drm] GPU hangs can indicate a bug anywhere in the entire gfx stack, including userspace.',
      'xe 0000:00:02.0: [drm] GT0: reset done',
      'Resetting chip for stopped heartbeat on rcs0',
    ];
    for (const line of quiet) expect(verdict(line)).withContext(line).toEqual([]);
    const quoted = journalEvent({
      MESSAGE: 'NVRM: Xid (PCI:0000:01:00): 79, pid=1, GPU has fallen off the bus.',
      SYSLOG_IDENTIFIER: 'kernel',
      _COMM: 'logger',
      _TRANSPORT: 'syslog',
    });
    expect(new GpuFaultDetector().detect(quoted)).toEqual([]);
  });

  it('reports a driver/library mismatch from the kernel or from any program, once in ten minutes', () => {
    expect(
      verdict(
        'NVRM: API mismatch: the client has the version 535.171.04, but\nNVRM: this kernel module has the version 535.161.07.  Please\nNVRM: make sure that this kernel module and all NVIDIA driver\nNVRM: components have the same version.',
      ),
    ).toEqual([
      ['nvidia', 'error', 'NVIDIA driver libraries 535.171.04 differ from the loaded kernel module 535.161.07'],
    ]);
    // Drivers since about 560 name the client, and break the lines elsewhere.
    expect(
      verdict(
        "[    9.424670] NVRM: API mismatch: the client 'kwin_wayland' (pid 1005)\nNVRM: has the version 595.84, but this kernel module has\nNVRM: the version 595.80.  Please make sure that this\nNVRM: kernel module and all NVIDIA driver components\nNVRM: have the same version.",
      ),
    ).toEqual([['nvidia', 'error', 'NVIDIA driver libraries 595.84 differ from the loaded kernel module 595.80']]);
    // Older kernels log each line on its own.
    expect(verdict('NVRM: API mismatch: the client has the version 352.79, but')).toEqual([
      ['nvidia', 'error', 'NVIDIA driver libraries 352.79 differ from the loaded kernel module'],
    ]);
    const detector = new GpuFaultDetector();
    const minutes = Array.from({ length: 15 }, (_unused, minute) =>
      program('Failed to initialize NVML: Driver/library version mismatch', minute * 60),
    );
    const reports = reportsOf(runDetector(detector, minutes));
    expect(reports.map((r) => [r.subject, r.title, r.at.getTime()])).toEqual([
      ['nvidia', 'NVIDIA driver libraries differ from the loaded kernel module', START_US / 1000],
      ['nvidia', 'NVIDIA driver libraries differ from the loaded kernel module', START_US / 1000 + 600_000],
    ]);
    const container = program(
      'nvidia-container-cli: initialization error: nvml error: driver/library version mismatch: unknown',
    );
    expect(reportsOf(new GpuFaultDetector().detect(container)).map((r) => r.subject)).toEqual(['nvidia']);
  });

  it('reports one finding per GPU per burst: a hang, its reset and its failure are one', () => {
    const detector = new GpuFaultDetector();
    const burst = (start: number, card: string) => [
      kernel(`amdgpu ${card}: amdgpu: ring gfx_0.0.0 timeout, signaled seq=1212, emitted seq=1214`, start),
      kernel(`amdgpu ${card}: amdgpu: GPU reset begin!`, start + 1),
      kernel(`amdgpu ${card}: amdgpu: GPU reset(1) failed`, start + 3),
    ];
    const events = [...burst(0, '0000:03:00.0'), ...burst(1, '0000:0c:00.0'), ...burst(300, '0000:03:00.0')];
    expect(reportsOf(runDetector(detector, events)).map((r) => [r.subject, r.title])).toEqual([
      ['amdgpu 0000:03:00.0', 'AMD GPU 0000:03:00.0: ring gfx_0.0.0 timed out'],
      ['amdgpu 0000:0c:00.0', 'AMD GPU 0000:0c:00.0: ring gfx_0.0.0 timed out'],
      ['amdgpu 0000:03:00.0', 'AMD GPU 0000:03:00.0: ring gfx_0.0.0 timed out'],
    ]);
    // NVIDIA's lines of one fall: the Xid, the same said again, and an older kernel's line without the card.
    const fall = [
      kernel('NVRM: Xid (PCI:0000:05:00): 79, pid=1173, GPU has fallen off the bus.', 0),
      kernel('NVRM: GPU 0000:05:00.0: GPU has fallen off the bus.', 0),
      kernel('NVRM: fallen off the bus and is not responding to commands.', 1),
    ];
    expect(reportsOf(runDetector(new GpuFaultDetector(), fall)).map((r) => r.subject)).toEqual(['nvidia 0000:05:00']);
  });
});
