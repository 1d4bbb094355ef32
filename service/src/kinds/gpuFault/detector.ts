// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// gpu-fault: a graphics driver reports a GPU fault, hang or reset (the kernel's word), or the NVIDIA driver's
// libraries and its loaded kernel module differ (the kernel's word, or any program's: it is true of the machine).
import { Bursts } from '../../findings/detectors/bursts.js';
import { isJournal, isKernel, journalEvidence, withoutDmesgTime } from '../../findings/detectors/journal.js';
import type { Detector, DetectorOutput, Severity } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';

export const GPU_FAULT = 'gpu-fault';

/** The lines of one hang and its reset come within seconds. */
const BURST_QUIET_MS = 60_000;
/** A mismatch lasts until the next boot and repeats each time a program asks the driver: once in 10 minutes. */
const MISMATCH_QUIET_MS = 10 * 60_000;

interface Fault {
  driver: string;
  /** The card's PCI address when the line names it. */
  address?: string;
  severity: Severity;
  /** What happened, in a few words: the title adds the GPU and card (a mismatch's is the whole title). */
  what: string;
  mismatch?: boolean;
}

// What NVIDIA's Xid catalog says of the common ones (docs.nvidia.com/deploy/xid-errors).
function xidMeaning(xid: number): string | undefined {
  switch (xid) {
    case 13:
      return _('graphics engine exception');
    case 31:
      return _('memory page fault');
    case 32:
      return _('invalid or corrupted command stream');
    case 38:
      return _('driver firmware error');
    case 43:
      return _('stopped a program’s work');
    case 45:
      return _('cleaned up a program’s work after an earlier error');
    case 48:
      return _('uncorrectable memory error (double-bit ECC)');
    case 61:
      return _('internal micro-controller breakpoint or warning');
    case 62:
      return _('internal micro-controller halted');
    case 63:
      return _('memory page retired or row remapped');
    case 64:
      return _('memory page retirement or row remapping failed');
    case 69:
      return _('graphics engine class error');
    case 74:
      return _('NVLink error');
    case 79:
      return _('fell off the bus');
    case 92:
      return _('high rate of corrected memory errors');
    case 94:
      return _('contained memory error');
    case 95:
      return _('uncontained memory error');
    case 109:
      return _('context switch timeout');
    case 119:
      return _('its system processor (GSP) did not answer in time');
    case 120:
      return _('its system processor (GSP) reported an error');
    default:
      return undefined;
  }
}

// NVIDIA's Xid names the card without its function ("0000:01:00"), its other lines with it: both read as the former.
const PCI = String.raw`([0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2})(?:\.[0-7])?`;
// NVIDIA's kernel module (nv.c, os-interface.c): "NVRM: Xid (PCI:0000:01:00): 79, pid=1173, name=Xorg, GPU has
// fallen off the bus." (older drivers without "name=", oldest without "pid=").
const XID = new RegExp(String.raw`^NVRM: Xid \((?:PCI:)?${PCI}\): (\d+)(?:, pid=([^,]*))?(?:, name=([^,]*))?`);
// "NVRM: GPU 0000:05:00.0: GPU has fallen off the bus.", "NVRM: The NVIDIA GPU 0000:b3:00.0\nNVRM: (PCI ID: …)
// installed in this system has\nNVRM: fallen off the bus and is not responding to commands."
const FALLEN_OFF = new RegExp(String.raw`^NVRM: (?:[^\n]*?${PCI})?[\s\S]*\bfallen off the bus`);
// "NVRM: API mismatch: the client has the version 535.171.04, but\nNVRM: this kernel module has the version
// 535.161.07.  Please …" (one record with newlines, or one per line on older kernels); since about 560 the
// client is named: "NVRM: API mismatch: the client 'kwin_wayland' (pid 1005)\nNVRM: has the version 595.84, but
// this kernel module has\nNVRM: the version 595.80.  Please …".
const API_MISMATCH =
  /^NVRM: API mismatch: the client (?:'[^']*' \(pid \d+\)\s+(?:NVRM: )?)?has the version (\S+?),? but(?:\s+(?:NVRM: )?this kernel module has\s+(?:NVRM: )?the version (\S+?)\.?(?:\s|$))?/;
// nvidia-smi and every NVML user: "Failed to initialize NVML: Driver/library version mismatch"; the container
// toolkit: "nvidia-container-cli: initialization error: nvml error: driver/library version mismatch".
const NVML_MISMATCH = /(?:Failed to initialize NVML|nvml error): Driver\/library version mismatch/i;

// The DRM drivers' prefixes: "amdgpu 0000:03:00.0: amdgpu: …", "i915 0000:00:02.0: [drm] …", "xe 0000:00:02.0:
// [drm] GT0: …" (dev_err, drm_err), and before them "[drm:amdgpu_job_timedout [amdgpu]] *ERROR* …" (DRM_ERROR).
const DEVICE_PREFIX =
  /^(amdgpu|i915|xe) ([0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]): (?:amdgpu: )?(?:\[drm(?::\S+)?\] )?(?:\*ERROR\* )?(?:Tile\d+: )?(?:GT\d+: )?/;
const DRM_PREFIX = /^\[drm(?::\S+ \[(\w+)\])?\] (?:\*ERROR\* )?|^(amdgpu): /;

interface DrmPattern {
  regex: RegExp;
  /** The driver whose wording it is, when the line does not say. */
  driver: string;
  what: (match: RegExpExecArray) => string;
  /** Whether the wording is the driver's own even without a driver or [drm] prefix. */
  bare?: boolean;
}

const inProgram = (match: RegExpExecArray, named: string, unnamed: string) =>
  match[1] ? format(named, { program: match[1] }) : unnamed;

// drivers/gpu/drm/amd/amdgpu/amdgpu_job.c and amdgpu_device.c; i915_gpu_error.c and intel_reset.c;
// xe_guc_submit.c and xe_gt.c.
const DRM_PATTERNS: DrmPattern[] = [
  {
    regex: /^ring (\S+) timeout/,
    driver: 'amdgpu',
    what: (match) => format(_('ring {ring} timed out'), { ring: match[1] ?? '' }),
  },
  // "amdgpu 0000:09:00.0: [gfxhub] VMC page fault (src_id:0 ring:24 …)", "[mmhub0] no-retry page fault (…)".
  {
    regex: /^\[(?:gfxhub|mmhub)\d*\] (?:(?:no-)?retry )?(?:VMC )?page fault/,
    driver: 'amdgpu',
    what: () => _('memory page fault'),
  },
  { regex: /^GPU reset begin!/, driver: 'amdgpu', what: () => _('reset by its driver') },
  { regex: /^GPU reset\(\d+\) failed/, driver: 'amdgpu', what: () => _('its reset failed') },
  { regex: /^GPU Recovery Failed/i, driver: 'amdgpu', what: () => _('its reset failed') },
  {
    regex: /^GPU HANG: ecode [\w:]+(?:, in (.+?) \[\d+\])?/,
    driver: 'i915',
    what: (match) => inProgram(match, _('hung running {program}'), _('hung')),
  },
  { regex: /^Resetting (?:\w+|chip) (?:for|after) /, driver: 'i915', what: () => _('hung and was reset') },
  {
    regex: /^drm\/i915: Resetting chip after gpu hang/,
    driver: 'i915',
    what: () => _('hung and was reset'),
    bare: true,
  },
  {
    regex: /^Timedout job: seqno=[^\n]*?(?: in (.+?) \[\d+\])?$/,
    driver: 'xe',
    what: (match) => inProgram(match, _('timed out running {program}'), _('a job timed out')),
  },
];
// xe's "GT0: reset started" and "Engine reset: engine_class=ccs, …" are too plain to read without the xe prefix.
const XE_RESET = /^(?:GT )?reset (?:started|failed)/;
const XE_ENGINE_RESET = /^Engine reset: engine_class=/;

function nvidiaFault(text: string): Fault | null {
  const xid = XID.exec(text);
  if (xid) {
    const [, address, number = '', , name] = xid;
    const fallen = number === '79';
    const meaning = xidMeaning(Number(number));
    const program = name && !name.startsWith('<') ? name : undefined;
    const what = meaning
      ? program
        ? format(_('{meaning} while {program} ran (Xid {xid})'), { meaning, program, xid: number })
        : format(_('{meaning} (Xid {xid})'), { meaning, xid: number })
      : program
        ? format(_('error while {program} ran (Xid {xid})'), { xid: number, program })
        : format(_('error (Xid {xid})'), { xid: number });
    return { driver: 'nvidia', address, severity: fallen ? 'critical' : 'error', what };
  }
  const fallen = FALLEN_OFF.exec(text);
  if (fallen) return { driver: 'nvidia', address: fallen[1], severity: 'critical', what: _('fell off the bus') };
  const mismatch = API_MISMATCH.exec(text);
  if (mismatch) {
    const [, client = '', module] = mismatch;
    const title = module
      ? format(_('NVIDIA driver libraries {client} differ from the loaded kernel module {module}'), { client, module })
      : format(_('NVIDIA driver libraries {client} differ from the loaded kernel module'), { client });
    return { driver: 'nvidia', severity: 'error', what: title, mismatch: true };
  }
  return null;
}

function drmFault(text: string): Fault | null {
  const device = DEVICE_PREFIX.exec(text);
  const drm = device ? null : DRM_PREFIX.exec(text);
  const rest = text.slice((device ?? drm)?.[0].length ?? 0);
  const named = device?.[1] ?? drm?.[1] ?? drm?.[2];
  for (const { regex, driver, what, bare } of DRM_PATTERNS) {
    if (!device && !drm && !bare) continue;
    const match = regex.exec(rest);
    if (match && (named === undefined || named === driver))
      return { driver, address: device?.[2], severity: 'error', what: what(match) };
  }
  if (named === 'xe' && XE_RESET.test(rest))
    return { driver: 'xe', address: device?.[2], severity: 'error', what: _('reset by its driver') };
  if (named === 'xe' && XE_ENGINE_RESET.test(rest))
    return { driver: 'xe', address: device?.[2], severity: 'error', what: _('hung and was reset') };
  return null;
}

export class GpuFaultDetector implements Detector {
  readonly kinds = [GPU_FAULT];
  private readonly bursts = new Bursts(BURST_QUIET_MS);
  private readonly mismatches = new Bursts(MISMATCH_QUIET_MS, false);
  /** Each driver's card in its latest burst: a line that names no card belongs to it. */
  private readonly lastCard = new Map<string, { address: string; at: number }>();

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return [];
    const { entry } = event;
    const fault = isKernel(entry) ? this.kernelFault(entry.message, event.at) : programFault(entry.message);
    if (!fault) return [];
    const subject = fault.address ? `${fault.driver} ${fault.address}` : fault.driver;
    const fresh = fault.mismatch ? this.mismatches.starts(subject, event.at) : this.bursts.starts(subject, event.at);
    if (!fresh) return [];
    const title = fault.mismatch ? fault.what : faultTitle(fault);
    return [
      {
        report: {
          kind: GPU_FAULT,
          severity: fault.severity,
          subject,
          title,
          evidence: [journalEvidence(event)],
          at: event.at,
        },
      },
    ];
  }

  private kernelFault(message: string, at: Date): Fault | null {
    const text = withoutDmesgTime(message);
    const fault = nvidiaFault(text) ?? drmFault(text);
    if (!fault || fault.mismatch) return fault;
    const now = at.getTime();
    if (fault.address) this.lastCard.set(fault.driver, { address: fault.address, at: now });
    else {
      const last = this.lastCard.get(fault.driver);
      if (last && now - last.at < BURST_QUIET_MS && now >= last.at) fault.address = last.address;
    }
    return fault;
  }
}

const VENDORS: Record<string, string> = { nvidia: 'NVIDIA', amdgpu: 'AMD', i915: 'Intel', xe: 'Intel' };

/** "AMD GPU 0000:03:00.0: ring gfx_0.0.0 timed out". */
function faultTitle({ driver, address, what }: Fault): string {
  const vendor = VENDORS[driver] ?? driver;
  // Translators: {what} says what happened to the GPU, such as "fell off the bus (Xid 79)".
  return address
    ? format(_('{vendor} GPU {address}: {what}'), { vendor, address, what })
    : format(_('{vendor} GPU: {what}'), { vendor, what });
}

/** What a program (not the kernel) may say about the GPU: only the version mismatch, true of the machine. */
function programFault(message: string): Fault | null {
  if (!NVML_MISMATCH.test(message)) return null;
  return {
    driver: 'nvidia',
    severity: 'error',
    what: _('NVIDIA driver libraries differ from the loaded kernel module'),
    mismatch: true,
  };
}
