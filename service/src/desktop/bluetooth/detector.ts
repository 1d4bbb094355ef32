// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// bluetooth-unavailable: the Bluetooth adapter does not work. Two writers are believed, each by journald's trusted
// fields: the kernel (its Bluetooth drivers say when the controller's firmware did not load, when it stopped
// answering commands, when setting it up failed), and bluetoothd as findings/writers.ts proves it (BlueZ's installed
// program, as root, in bluetooth.service: the management interface's answer when the adapter could not be set up or
// powered).
//
// What is not raised, and why:
// - "Direct firmware load for … failed" alone: the drivers try several names (Realtek's _v2 files, Intel's
//   fallbacks) and some files are optional (Intel's .ddc, Realtek's config for most chips); the driver's own line
//   that follows says whether it could go on, and that line is read.
// - Broadcom's "Patch … not found": many Broadcom controllers run on their ROM firmware without a patch.
// - "Blocked through rfkill (0x12)" and the other refusals (Busy, Rejected, Not Supported…): GNOME's own Bluetooth
//   switch blocks the radio through rfkill; an adapter switched off or one lacking a feature is not broken.
// - bluetooth.service failing: that is PID 1's word about a unit, unit-failed's finding (its playbook reads the
//   unit's log and offers the restart). Raising bluetooth-unavailable too would make two findings of one failure.
import { isJournal, isKernel, journalEvidence, kernelText } from '../../findings/detectors/journal.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import type { Writers } from '../../findings/writers.js';
import { _, format } from '../../i18n.js';
import type { JournalEntry, WatchEvent } from '../../watch/events.js';

export const BLUETOOTH_UNAVAILABLE = 'bluetooth-unavailable';

/** bluetoothd answers for the controller the kernel's driver just failed on within seconds; 10 minutes is ample. */
const SAME_ADAPTER_MS = 10 * 60_000;

/** The subject when the line names no adapter: bluetoothd's own lines rarely do. */
export const ANY_ADAPTER = 'bluetooth';

// The Bluetooth core and drivers print "Bluetooth: hci0: …" (bt_dev_err), older kernels "Bluetooth: hci0 …", and
// the driver core "bluetooth hci0: …" (dev_err on the HCI device).
const KERNEL_PREFIX = /^(?:Bluetooth: (hci\d+):? |bluetooth (hci\d+): )/;

// Negative errnos that mean the controller did not answer, is gone, or its firmware is not there; others
// (-16 EBUSY, -22 EINVAL, -56 EBADRQC, -95 EOPNOTSUPP) come from optional vendor commands on working adapters,
// -84 EILSEQ from a UART's garbled frame ("Frame reassembly failed (-84)") the transport recovers from.
const ERRNOS: Record<string, () => string> = {
  '2': () => _('a file was not found'),
  '5': () => _('input/output error'),
  '6': () => _('no such device or address'),
  '19': () => _('the device is gone'),
  '38': () => _('the operation is not implemented'),
  '62': () => _('timed out'),
  '71': () => _('protocol error'),
  '108': () => _('the transport is shut down'),
  '110': () => _('timed out'),
};

// "command 0x0c03 tx timeout", "hci0 command 0x1001 tx timeout" (hci_core.c, hci_cmd_timeout).
const TX_TIMEOUT = /\bcommand (0x[0-9a-f]+) tx timeout\b/i;
// "Failed to load Intel firmware file intel/ibt-12-16.sfi (-2)", "Reading Intel version command failed (-110)",
// "sending initial HCI reset command failed (-110)", "Opcode 0x200c failed: -110", "Failed to set up firmware (-2)".
const FAILED_ERRNO = /\b(?:fail(?:ed|ure)?|error|timed out)\b[^\n]*?(?:\(|: |\berror )-(\d+)\)?\s*$/i;
// Realtek: "RTL: firmware file rtl_bt/rtl8821c_fw.bin not found", "RTL: mandatory config file … not found";
// older kernels: "Failed to load rtl_bt/rtl8723d_fw.bin".
const FIRMWARE_NOT_FOUND =
  /\b(?:firmware|config|rampatch|nvm) file (\S+) not found\b|\bFailed to load (\S+\/\S+?)\s*$/i;
// A firmware file as the drivers name them.
const FIRMWARE_FILE =
  /\b((?:intel|rtl_bt|brcm|qca|mediatek|ar3k|nxp|ti-connectivity)\/[\w.\-/]+?\.(?:sfi|hcd|bin|tlv|bseq|ddc|sbcf)|[\w.-]+\.(?:sfi|hcd|tlv|bseq))\b/;

// bluetoothd's management replies (src/shared/mgmt.c, mgmt_errstr): "Failed to set mode: Failed (0x03)",
// "Failed to read info for index 0: Timeout (0x08)". Only the statuses that say the controller failed count:
// Failed, Timeout, Invalid Index (the controller is gone).
const MGMT_STATUS =
  /^(?:(hci\d+) )?(?:Failed|Unable) to ([^:]+?)(?: for (hci\d+))?: ([A-Za-z ]+) \(0x([0-9a-f]{2})\)\s*$/i;
const BROKEN_STATUS = new Set(['03', '08', '11']);

interface Failure {
  adapter?: string;
  title: string;
}

function kernelFailure(entry: JournalEntry): Failure | null {
  const text = kernelText(entry);
  const prefix = KERNEL_PREFIX.exec(text);
  if (!prefix) return null;
  const adapter = prefix[1] ?? prefix[2] ?? '';
  const rest = text.slice(prefix[0].length);
  const timeout = TX_TIMEOUT.exec(rest);
  // Translators: {adapter} is a Bluetooth controller's name such as "hci0", {opcode} an HCI command such as 0x0c03.
  if (timeout)
    return {
      adapter,
      title: format(_('Bluetooth adapter {adapter} stopped answering (command {opcode} timed out)'), {
        adapter,
        opcode: timeout[1] ?? '',
      }),
    };
  const missing = FIRMWARE_NOT_FOUND.exec(rest);
  if (missing) return firmwareFailure(adapter, missing[1] ?? missing[2] ?? '');
  // The driver core's and Debian's own line for every attempt, fallbacks and optional files included.
  if (/^(?:Direct firmware load\b|firmware: failed to load\b)/.test(rest)) return null;
  const failed = FAILED_ERRNO.exec(rest);
  const meaning = failed && ERRNOS[failed[1] ?? '']?.();
  if (!meaning) return null;
  const file = FIRMWARE_FILE.exec(rest)?.[1];
  if (file || (failed?.[1] === '2' && /firmware/i.test(rest))) return firmwareFailure(adapter, file);
  return { adapter, title: format(_('Bluetooth adapter {adapter} failed: {reason}'), { adapter, reason: meaning }) };
}

function firmwareFailure(adapter: string, file: string | undefined): Failure {
  return file
    ? {
        adapter,
        title: format(_('Bluetooth adapter {adapter}: its firmware {file} could not be loaded'), { adapter, file }),
      }
    : { adapter, title: format(_('Bluetooth adapter {adapter}: its firmware could not be loaded'), { adapter }) };
}

function daemonFailure(entry: JournalEntry, lastAdapter: string | undefined): Failure | null {
  const match = MGMT_STATUS.exec(entry.message.trim());
  if (!match || !BROKEN_STATUS.has((match[5] ?? '').toLowerCase())) return null;
  const adapter = match[1] ?? match[3] ?? lastAdapter;
  const operation = match[2] ?? '';
  const status = match[4] ?? '';
  return {
    adapter,
    // Translators: {operation} is bluetoothd's own words such as "set mode", {status} its reason such as "Failed".
    title: adapter
      ? format(_('Bluetooth adapter {adapter}: bluetoothd could not {operation} ({status})'), {
          adapter,
          operation,
          status,
        })
      : format(_('Bluetooth adapter: bluetoothd could not {operation} ({status})'), { operation, status }),
  };
}

export class BluetoothUnavailableDetector implements Detector {
  readonly kinds = [BLUETOOTH_UNAVAILABLE];
  /** The adapter the kernel last named, and when: bluetoothd's lines that name none are about it. */
  private lastAdapter: { name: string; at: number } | null = null;

  constructor(private readonly writers: Writers) {}

  // Every matching line is reported (the store keeps one finding per adapter and counts them): a line left
  // unreported would be left to the unrecognised-errors detector as well.
  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return [];
    const { entry } = event;
    const now = event.at.getTime();
    const kernel = isKernel(entry);
    const failure = kernel
      ? kernelFailure(entry)
      : this.writers.provenWriter(entry)?.name === 'bluetoothd'
        ? daemonFailure(entry, this.recentAdapter(now))
        : null;
    if (kernel) this.noteAdapter(entry, now);
    if (!failure) return [];
    return [
      {
        report: {
          kind: BLUETOOTH_UNAVAILABLE,
          severity: 'error',
          subject: failure.adapter ?? ANY_ADAPTER,
          title: failure.title,
          evidence: [journalEvidence(event)],
          at: event.at,
        },
      },
    ];
  }

  /** Any of the kernel's Bluetooth lines names the adapter it is about. */
  private noteAdapter(entry: JournalEntry, now: number): void {
    const prefix = KERNEL_PREFIX.exec(kernelText(entry));
    const name = prefix?.[1] ?? prefix?.[2];
    if (name) this.lastAdapter = { name, at: now };
  }

  private recentAdapter(now: number): string | undefined {
    const last = this.lastAdapter;
    return last && Math.abs(now - last.at) < SAME_ADAPTER_MS ? last.name : undefined;
  }
}
