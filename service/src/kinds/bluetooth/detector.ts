// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// bluetooth-unavailable: the Bluetooth adapter does not work. Three writers are believed, each by journald's trusted
// fields: the kernel (its Bluetooth core and drivers, by their prefixes: firmware that did not load, a controller
// that stopped answering commands, a set-up step that failed), BlueZ's programs as findings/writers.ts proves them
// (bluetoothd as root in bluetooth.service: the management interface's answer when the adapter could not be set
// up or powered, and any error naming an errno that says a device did not answer or refused), and the service
// managers about bluetooth.service (componentUnits.ts). BlueZ's own state clears it: an adapter BlueZ powers works.
//
// What is not raised, and why:
// - a firmware file the driver could not load is a warning only while BlueZ has not powered the adapter: drivers
//   try several names (Realtek's _v2 files, Intel's fallbacks) and some files are optional (Intel's .ddc,
//   Realtek's config for most chips), so an adapter that BlueZ then powers found what it needed.
// - Broadcom's "Patch … not found": many Broadcom controllers run on their ROM firmware without a patch.
// - "Blocked through rfkill (0x12)" and the other refusals (Busy, Rejected, Not Supported…): GNOME's own Bluetooth
//   switch blocks the radio through rfkill; an adapter switched off or one lacking a feature is not broken.
// - any management failure while the radio is blocked, as BlueZ's state says or as the person's rfkill logged it
//   (radioBlock.ts): the kernel powers a blocked controller down under bluetoothd, whose next request then fails
//   ("Failed to set mode: Failed (0x03)"); the block is what the person did, and bluetooth-off tells it.
// - a driver's error at err that says a step failed with an errno adapters that work also give (-22 from MediaTek's
//   "Failed to send wmt func ctrl", -16 from an "Opcode … failed") is a warning only while BlueZ has not powered the
//   adapter: the same errnos come from optional vendor commands, and BlueZ's state tells which.
// - the kernel's and bluetoothd's other errors that name no cause (a controller's unexpected event, a plugin not
//   permitted): claimed, so that they are never "unrecognised errors", and quiet.
import { errnosOf } from '../../causes/errno.js';
import { BLUETOOTH_DRIVER_FAILURES, componentFailure } from '../../desktop/componentFailure.js';
import { kernelComponentOf, lineLevel, LOG_ERR } from '../../desktop/componentLines.js';
import { ComponentUnitDetector } from '../../desktop/componentUnits.js';
import { isJournal, isKernel, isSystemManager, journalEvidence } from '../../findings/detectors/journal.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import type { Writers } from '../../findings/writers.js';
import { _, format, N_ } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { JournalEntry, WatchEvent } from '../../watch/events.js';
import { adapterName } from './offDetector.js';
import { radioBlockSet } from './radioBlock.js';
import type { BluetoothState } from './state.js';

export const BLUETOOTH_UNAVAILABLE = 'bluetooth-unavailable';

/** bluetoothd answers for the controller the kernel's driver just failed on within seconds; 10 minutes is ample. */
const SAME_ADAPTER_MS = 10 * 60_000;

/** The subject when the line names no adapter: bluetoothd's own lines rarely do. */
export const ANY_ADAPTER = 'bluetooth';

// The driver core's "Direct firmware load for intel/ibt-17-16-1.sfi failed with error -2" (firmware_loader).
const DIRECT_FIRMWARE_LOAD =
  /^(?:Direct firmware load for (\S+) failed with error -\d+|firmware: failed to load (\S+))/;

const ERRNOS = errnosOf([...BLUETOOTH_DRIVER_FAILURES]);
// An adapter's words for the two whose shared words are about a program's file and its peer.
const ADAPTER_WORDS: Readonly<Record<string, string>> = {
  ENOENT: N_('a file was not found'),
  ETIMEDOUT: N_('timed out'),
};

/** What the kernel's negative errno `number` says of an adapter, for the errnos that say it failed. */
function adapterFailure(number: string | undefined): string | undefined {
  const errno = ERRNOS.find((entry) => String(entry.number) === number);
  const words = errno && (ADAPTER_WORDS[errno.code] ?? errno.plain);
  return words === undefined ? undefined : _(words);
}

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
  severity?: 'warning' | 'error';
  /** What BlueZ powering the adapter shows it did without: a firmware file, a step that may be optional. */
  untilPowered?: boolean;
}

function kernelFailure(entry: JournalEntry, writers: Writers): Failure | null {
  const kernel = kernelComponentOf(entry);
  // Not a Bluetooth driver's line: still BlueZ's where the kernel's audit refused it something.
  if (kernel?.area !== 'bluetooth') return genericFailure(entry, writers, undefined);
  const adapter = kernel.device || undefined;
  // A driver's line that names no HCI device is about the controller it drives: "(btusb)".
  const label = adapter ?? `(${kernel.driver})`;
  const { rest } = kernel;
  const timeout = TX_TIMEOUT.exec(rest);
  // Translators: {adapter} is a Bluetooth controller's name such as "hci0", {opcode} an HCI command such as 0x0c03.
  if (timeout)
    return {
      adapter,
      title: format(_('Bluetooth adapter {adapter} stopped answering (command {opcode} timed out)'), {
        adapter: label,
        opcode: timeout[1] ?? '',
      }),
    };
  const missing = FIRMWARE_NOT_FOUND.exec(rest);
  if (missing) return firmwareFailure(adapter, missing[1] ?? missing[2] ?? '');
  // The driver core's and Debian's own line for every attempt, fallbacks and optional files included.
  const attempt = DIRECT_FIRMWARE_LOAD.exec(rest);
  if (attempt)
    return { ...firmwareFailure(adapter, attempt[1] ?? attempt[2]), severity: 'warning', untilPowered: true };
  const failed = FAILED_ERRNO.exec(rest);
  const meaning = failed && adapterFailure(failed[1]);
  if (!meaning) return genericFailure(entry, writers, adapter) ?? stepFailure(entry, adapter, failed?.[1], rest);
  const file = FIRMWARE_FILE.exec(rest)?.[1];
  if (file || (failed?.[1] === '2' && /firmware/i.test(rest))) return firmwareFailure(adapter, file);
  return {
    adapter,
    title: format(_('Bluetooth adapter {adapter} failed: {reason}'), { adapter: label, reason: meaning }),
  };
}

// The errnos that say to try again, that the work is already under way or was cancelled, or that a UART's frame came
// garbled ("Frame reassembly failed (-84)"), which the transport recovers from: no step failed.
const NOT_FAILED = new Set(
  errnosOf(['EAGAIN', 'EALREADY', 'EINPROGRESS', 'ECANCELED', 'EILSEQ']).map(({ number }) => String(number)),
);

/**
 * A driver's error at err that an adapter's step failed with an errno BLUETOOTH_DRIVER_FAILURES leaves out: the adapter
 * may work without that step, so it holds only until BlueZ powers the adapter, which the line must name.
 */
function stepFailure(
  entry: JournalEntry,
  adapter: string | undefined,
  errno: string | undefined,
  rest: string,
): Failure | null {
  const level = lineLevel(entry);
  if (!adapter || errno === undefined || NOT_FAILED.has(errno) || level === undefined || level > LOG_ERR) return null;
  return {
    adapter,
    // Translators: {adapter} is a Bluetooth controller's name such as "hci0", {line} its driver's own words.
    title: format(_('Bluetooth adapter {adapter} reported a failure: {line}'), { adapter, line: cleanLine(rest, 160) }),
    severity: 'warning',
    untilPowered: true,
  };
}

/** The kernel's or BlueZ's other error lines that name their cause (componentFailure.ts). */
function genericFailure(entry: JournalEntry, writers: Writers, adapter: string | undefined): Failure | null {
  const failure = componentFailure('bluetooth', entry, writers);
  if (!failure?.raise) return null;
  return { adapter: failure.device || HCI.exec(entry.message)?.[1] || adapter, title: failure.title };
}

function firmwareFailure(adapter: string | undefined, file: string | undefined): Failure {
  if (!adapter) return firmwareFailureOf(file);
  return file
    ? {
        adapter,
        title: format(_('Bluetooth adapter {adapter}: its firmware {file} could not be loaded'), { adapter, file }),
      }
    : { adapter, title: format(_('Bluetooth adapter {adapter}: its firmware could not be loaded'), { adapter }) };
}

function firmwareFailureOf(file: string | undefined): Failure {
  return {
    title: file
      ? format(_('Bluetooth adapter: its firmware {file} could not be loaded'), { file })
      : _('Bluetooth adapter: its firmware could not be loaded'),
  };
}

// An adapter a BlueZ line names: "hci0", "/org/bluez/hci0/dev_…".
const HCI = /\b(hci\d+)\b/;

function daemonFailure(
  entry: JournalEntry,
  writers: Writers,
  lastAdapter: string | undefined,
  blocked: boolean,
): Failure | null {
  const match = MGMT_STATUS.exec(entry.message.trim());
  // The management interface's status decides: its refusals are working adapters'.
  if (!match) return genericFailure(entry, writers, lastAdapter);
  if (blocked || !BROKEN_STATUS.has((match[5] ?? '').toLowerCase())) return null;
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
  /** The adapters BlueZ powers now, by name ("hci0"). */
  private readonly powered = new Set<string>();
  /** The adapters BlueZ says are blocked through rfkill, and whether the person's rfkill last blocked the radio. */
  private readonly blocked = new Set<string>();
  private blockedByPerson = false;
  /** bluetooth.service failing, from its manager's lines and systemd's D-Bus state. */
  private readonly units: ComponentUnitDetector;

  constructor(private readonly writers: Writers) {
    this.units = new ComponentUnitDetector('bluetooth', BLUETOOTH_UNAVAILABLE, writers);
  }

  // Every matching line is reported (the store keeps one finding per adapter and counts them): a line left
  // unreported would be left to the unrecognised-errors detector as well.
  detect(event: WatchEvent): DetectorOutput[] {
    if (event.type === 'desktop' && event.desktop.kind === 'bluetooth')
      return this.followBlueZ(event.desktop.bluetooth, event.at);
    if (!isJournal(event)) return this.units.detect(event);
    const { entry } = event;
    if (isSystemManager(entry)) return this.units.detect(event);
    const block = radioBlockSet(entry);
    if (block !== null) {
      this.blockedByPerson = block;
      return [];
    }
    const now = event.at.getTime();
    const kernel = isKernel(entry);
    const failure = kernel
      ? kernelFailure(entry, this.writers)
      : this.writers.provenWriter(entry)?.area === 'bluetooth'
        ? daemonFailure(entry, this.writers, this.recentAdapter(now), this.radioBlocked())
        : // A caller's line with BlueZ's own error in it (componentFailure.ts).
          genericFailure(entry, this.writers, this.recentAdapter(now));
    if (kernel) this.noteAdapter(entry, now);
    if (!failure) return [];
    const subject = failure.adapter ?? ANY_ADAPTER;
    // A firmware file or a step an adapter BlueZ powers did without.
    if (failure.untilPowered && this.powered.has(subject)) return [];
    return [
      {
        report: {
          kind: BLUETOOTH_UNAVAILABLE,
          severity: failure.severity ?? 'error',
          subject,
          title: failure.title,
          evidence: [journalEvidence(event)],
          at: event.at,
        },
      },
    ];
  }

  /** A Bluetooth component's error line that names no cause is still this kind's: claimed, so never unrecognised. */
  claims(event: WatchEvent): boolean {
    return isJournal(event) && componentFailure('bluetooth', event.entry, this.writers) !== null;
  }

  /** BlueZ powering an adapter shows it works: what was said of it before no longer holds. */
  private followBlueZ(state: BluetoothState, at: Date): DetectorOutput[] {
    const name = adapterName(state.adapter);
    if (state.present && state.blocked) this.blocked.add(name);
    else this.blocked.delete(name);
    // An unblock through GNOME's switch logs nothing: an adapter BlueZ powers is one no block holds.
    if (state.present && state.powered) this.blockedByPerson = false;
    if (!state.present || !state.powered) {
      this.powered.delete(name);
      return [];
    }
    this.powered.add(name);
    return [{ resolve: { kind: BLUETOOTH_UNAVAILABLE, subject: name, at } }];
  }

  private radioBlocked(): boolean {
    return this.blockedByPerson || this.blocked.size > 0;
  }

  /** Any of the kernel's Bluetooth lines names the adapter it is about. */
  private noteAdapter(entry: JournalEntry, now: number): void {
    const kernel = kernelComponentOf(entry);
    if (kernel?.area === 'bluetooth' && kernel.device) this.lastAdapter = { name: kernel.device, at: now };
  }

  private recentAdapter(now: number): string | undefined {
    const last = this.lastAdapter;
    return last && Math.abs(now - last.at) < SAME_ADAPTER_MS ? last.name : undefined;
  }
}
