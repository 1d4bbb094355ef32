// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The rule every desktop kind shares: a line its component wrote (componentLines.ts: a proven program, or one of the
// kernel's drivers for that part of the desktop) at err or worse is that kind's. It is raised where the line names
// its cause in the component's own structure:
// - an errno that says the device or the peer did not work (each area's own list below: a Bluetooth device that
//   refused a connection, a sound card busy or gone, a printer's device the backend may not open), a D-Bus error
//   name, a firmware file;
// - for the kernel's drivers without an errno, the kernel's own words that an operation failed, and for the sound
//   drivers any error; not a probe the driver core puts off until what the driver needs has registered
//   (EPROBE_DEFER), which boots that work log too;
// - for the clock's daemons, any error: they have one job, and an error of theirs is that job not done; and the same
//   of them, of CUPS's backends and filters and of cups-browsed, below err (not at debug) where the line says in the
//   program's own words that something failed ("failed", "unable to", "couldn't"…), or names an errno of its device:
//   a journal copied without its levels, and daemons that log their failures as notices, still say so in words.
// Otherwise it is claimed and kept quiet: a component's error line is never "unrecognised errors", and the noise
// every desktop logs (a Bluetooth controller's unexpected event, a shell's GLib criticals, a PAM module's missing
// configuration) raises nothing. What a finding says comes from the cause; whether it still holds from the
// component's state, where its kind reads one.
import type { Errno } from '../causes/errno.js';
import { systemErrorIn } from '../causes/systemError.js';
import { bareProcessName, isKernel, kernelText } from '../findings/detectors/journal.js';
import type { DesktopArea, Writers } from '../findings/writers.js';
import { _, format } from '../i18n.js';
import { cleanLine } from '../untrustedText.js';
import type { JournalEntry } from '../watch/events.js';
import {
  componentDbusErrorIn,
  dbusErrorIn,
  errnoIn,
  firmwareFileIn,
  glibFatalIn,
  kernelComponentOf,
  lineLevel,
  LOG_ERR,
  LOG_INFO,
  LOG_WARNING,
  macDenialOf,
  probeDeferred,
  probeStillPending,
  programComponentOf,
  programSaysFailed,
  reportedAtInfoOrGraver,
  saysFailed,
  USB_AUDIO_DRIVER,
  USBFS_CLAIMED,
} from './componentLines.js';
import { type FaultedComponent, faultedComponentOf } from './faultedComponent.js';

export interface ComponentFailure {
  /** The component in a person's words, or the kernel driver's name. */
  component: string;
  /** What the line is about where it names it: a device ("hci0", "hw:0,3"), else undefined. */
  device?: string;
  /** What the finding is about where the rule knows better than its kind: the login keyring. */
  subject?: string;
  /** Whether the line names its cause: raised when true, only claimed when false. */
  raise: boolean;
  title: string;
  severity: 'warning' | 'error';
  /** Whether the kernel wrote it. */
  kernel: boolean;
}

const codes = (...names: string[]) => new Set(names);

/**
 * The negative errnos of the kernel's Bluetooth drivers that mean the controller did not answer, is gone, or its
 * firmware is not there; others (-16 EBUSY, -22 EINVAL, -56 EBADRQC, -95 EOPNOTSUPP) come from optional vendor
 * commands on working adapters, -84 EILSEQ from a UART's garbled frame ("Frame reassembly failed (-84)") the
 * transport recovers from.
 */
export const BLUETOOTH_DRIVER_FAILURES: ReadonlySet<string> = codes(
  'ENOENT',
  'EIO',
  'ENXIO',
  'ENODEV',
  'ENOSYS',
  'ETIME',
  'EPROTO',
  'ESHUTDOWN',
  'ETIMEDOUT',
);

// The errnos that mean the part did not work, per area. Left out everywhere: EAGAIN, EALREADY, EINPROGRESS and
// ECANCELED (try again, already under way, cancelled), EOPNOTSUPP and ENOSYS where a feature is optional.
const DEVICE_FAILED: Record<DesktopArea, { kernel: ReadonlySet<string> | 'any'; program: ReadonlySet<string> }> = {
  // bluetoothd's: a device that did not answer or refused, a connection that broke; not EPERM (a plugin the
  // configuration does not allow) nor ERFKILL (the person's switch), nor EHOSTDOWN: the kernel's word for a page
  // timeout, a paired device switched off or out of reach, which bluetoothd logs at err each time it tries it
  // ("avdtp_connect_cb() connect to …: Host is down (112)", "Unable to get Hands-Free Voice gateway SDP record: Host
  // is down": bluez/bluez#1638).
  bluetooth: {
    kernel: BLUETOOTH_DRIVER_FAILURES,
    program: codes(
      'EIO',
      'ENXIO',
      'ENODEV',
      'ETIME',
      'ETIMEDOUT',
      'EPROTO',
      'ENOPROTOOPT',
      'EPROTONOSUPPORT',
      'EBUSY',
      'ECONNREFUSED',
      'ECONNRESET',
      'ECONNABORTED',
      'ENOTCONN',
      'ESHUTDOWN',
      'EHOSTUNREACH',
      'EBADFD',
    ),
  },
  // A card or device that is missing, busy, gone, refused, or whose stream broke and would not recover.
  sound: {
    kernel: 'any',
    program: codes(
      'ENOENT',
      'EIO',
      'ENXIO',
      'ENODEV',
      'EBUSY',
      'EACCES',
      'EPERM',
      'EPIPE',
      'ESTRPIPE',
      'EBADFD',
      'ETIME',
      'ETIMEDOUT',
      'EINVAL',
      'EPROTO',
    ),
  },
  // A backend denied or not finding its device, a printer that does not answer or refuses.
  printing: {
    kernel: 'any',
    program: codes(
      'ENOENT',
      'EIO',
      'ENXIO',
      'ENODEV',
      'EBUSY',
      'EACCES',
      'EPERM',
      'EPIPE',
      'EPROTO',
      'ETIMEDOUT',
      'ECONNREFUSED',
      'ECONNRESET',
      'EHOSTDOWN',
      'EHOSTUNREACH',
    ),
  },
  // The time daemons' and hwclock's calls on the clock itself refused or its device gone or busy (ntpd's
  // "adj_systime: Operation not permitted" in a container, hwclock's "Open of /dev/rtc0 failed, errno=16: Device or
  // resource busy"). Not the network's errnos: reaching the servers is network-failure's.
  clock: { kernel: 'any', program: codes('EPERM', 'EACCES', 'EIO', 'ENXIO', 'ENODEV', 'EBUSY', 'ENOTTY') },
  'sign-in': { kernel: 'any', program: codes('EIO', 'ENXIO', 'ENODEV', 'EBUSY', 'EACCES', 'ETIMEDOUT', 'EPROTO') },
  shell: { kernel: 'any', program: codes() },
};

/** The errno `text` names where it says a part of `area` did not work (a device, a peer), else null. */
export function deviceFailureIn(area: DesktopArea, text: string): Errno | null {
  const errno = errnoIn(text);
  return errno && DEVICE_FAILED[area].program.has(errno.code) ? errno : null;
}

// The areas whose programs' every error is a failure of their one job.
const ANY_ERROR: ReadonlySet<DesktopArea> = new Set(['clock']);
// The programs, by findings/writers.ts's names, that exist to print one job: a backend's or filter's error, or
// cups-browsed's about the queue it made, or ipp-usb's about the USB printer it serves, is that job, queue or printer
// not printing. Not colord's or cups-pk-helper's, whose errors about a session or a caller are no printer's.
const ANY_ERROR_PROGRAMS: ReadonlySet<string> = new Set(['cups-programs', 'cups-browsed', 'ipp-usb']);
// The errnos that say the machine lacks an optional part rather than that the component's job failed: IPv6 switched
// off (chronyd's and ntpd's "Could not open IPv6 NTP socket: Address family not supported by protocol"), an address
// not yet there at boot ("Cannot assign requested address"), a feature the kernel or device does not have.
const NOT_THE_JOB: ReadonlySet<string> = codes('EAFNOSUPPORT', 'EADDRNOTAVAIL', 'EOPNOTSUPP', 'ENOSYS');
// Below err, timesyncd's own "Failed to …" lines are about reaching its servers (resolving their names, resolved's
// socket, the network): dns-failure and network-failure read those, and one problem makes one finding. An errno of
// its clock's own still tells ("Failed to call clock_adjtime(): Operation not permitted").
const WORDS_ONLY_AT_ERR: ReadonlySet<string> = new Set(['systemd-timesyncd']);
// The areas whose programs speak through other structures only (the shell's extensions, sign-in's PAM modules):
// their D-Bus errors are no more telling than their other lines. fprintd's are, and listed by name below.
const DBUS_TELLS: ReadonlySet<DesktopArea> = new Set(['bluetooth', 'sound', 'printing', 'clock']);
const DBUS_PROGRAMS = new Set(['fprintd']);
// The programs whose journal writer gives their errors a warning's priority: WirePlumber logs through GLib's journald
// writer (lib/wp/log.c), which writes a critical, the level WirePlumber gives its own and SPA's errors, at 4 as it
// does a warning. Their own word that an operation failed counts at warning too where it names its cause as an err
// line must to be raised (an errno that says the device failed, a D-Bus error), unless that cause is not their job: a privilege the process lacks (EPERM or EACCES on no file: real-time scheduling, a nice level), a
// peer service that is not there or did not answer (the bus's own errors, org.freedesktop.DBus.Error.*: RTKit,
// UPower, the portal, each logged on sessions whose sound plays), an operation stopped on purpose (an object removed
// while it was being set up, "Object activation aborted").
const ERRORS_AT_WARNING: ReadonlySet<string> = new Set(['wireplumber']);
const BUS_OWN_ERROR = /\borg\.freedesktop\.DBus\.Error\./;
const STOPPED_ON_PURPOSE = /\b(?:abort(?:ed|ing)|cancell?ed)\b/i;
const PRIVILEGES: ReadonlySet<string> = codes('EPERM', 'EACCES');

/**
 * Whether a program that logs its errors at warning said at warning that an operation of its job failed: in its own
 * words, or by the D-Bus error a peer answered it with ("Acquire … returned error: org.bluez.Error.NotAuthorized"), an
 * error reply being the call's failure whatever words surround it.
 */
function failedAtWarning(program: string, entry: JournalEntry): boolean {
  const { message } = entry;
  if (!ERRORS_AT_WARNING.has(program) || lineLevel(entry) !== LOG_WARNING) return false;
  if (!programSaysFailed(message) && dbusErrorIn(message) === null) return false;
  const system = systemErrorIn(message);
  const privilege = system !== null && PRIVILEGES.has(system.errno.code) && system.path === undefined;
  const notTheJob = system !== null && NOT_THE_JOB.has(system.errno.code);
  return !privilege && !notTheJob && !BUS_OWN_ERROR.test(message) && !STOPPED_ON_PURPOSE.test(message);
}

// IPP's printer-state-reasons that say the printer cannot print (RFC 8011 §5.4.12: the "-error" suffix), as cupsd,
// its backends and cups-browsed name them: "media-empty-error", "toner-empty-error", "offline-report" is not one.
// Not IPP's status codes (RFC 8011 §13.1: "client-error-not-authorized", "server-error-busy"), the answer to one
// request: cupsd logs each client's refused request at err ("Returning IPP client-error-not-authorized for
// CUPS-Add-Modify-Printer …"), and asking for a password that way is how an administrator's request starts.
const IPP_ERROR_REASON = /\b((?:[a-z]+-)+error)\b(?!-)/;

// Operations on a sound device being closed or drained after it went away: an unplug, not a failure.
const CLOSING = /\b(?:snd_pcm_drop|snd_pcm_drain|close failed)\b/;

/** The login keyring's subject, as the sign-in kind names it. */
export const LOGIN_KEYRING_SUBJECT = 'login keyring';

const errnoWords = (errno: Errno) => `${errno.text} (${errno.code})`;

// The driver core's line for each firmware file a driver tries (firmware_loader): drivers try several names and
// some files are optional, and the driver's own line says when none loaded. Never a failure by itself.
const FIRMWARE_ATTEMPT = /^(?:Direct firmware load for \S+ failed with error -\d+|firmware: failed to load \S+)/;

// The printer drivers' report of the printer's own status, at info (drivers/usb/class/usblp.c and drivers/char/lp.c,
// usblp_check_status and lp_check_status: "usblp0: out of paper", "lp0 off-line", "on fire"): the printer saying it
// cannot print.
const PRINTER_STATUS = /^(?:out of paper|off-line|on fire)$/;
const PRINTER_DRIVER = /^(?:usblp\d*|lp)$/;
// A USB driver's transfer to or from its device that ended in error, as the kernel's USB drivers word it in their
// completion handlers (usblp.c's usblp_bulk_read and usblp_bulk_write log it as a warning, "usblp0: nonzero write bulk
// status received: -71"; before Linux 2.6.20 "nonzero read/write bulk status received"): the data did not reach the
// printer or come back from it. Not the statuses of a transfer the driver cancelled itself or of a device unplugged,
// which those handlers leave out ("sync/async unlink faults aren't errors"): ENOENT, ECONNRESET, ESHUTDOWN.
const TRANSFER_STATUS = /^(?:usblp\d+: )?nonzero (?:read|write|read\/write) bulk status received: -\d+/;
const UNLINKED: ReadonlySet<string> = codes('ENOENT', 'ECONNRESET', 'ESHUTDOWN');

function transferFailed(rest: string): boolean {
  const errno = TRANSFER_STATUS.test(rest) ? errnoIn(rest) : null;
  return errno !== null && !UNLINKED.has(errno.code);
}

// The driver core's word for a driver that matched its device and could not start it (drivers/base/dd.c): before Linux
// 5.13 really_probe's pr_warn, "snd_soc_sgtl5000: probe of 4-000a failed with error -5", then call_driver_probe's
// dev_err, "tas2781-hda i2c-TIAS2781:00: probe with driver tas2781-hda failed with error -2". It leaves unsaid a device
// that is not there (-ENODEV, -ENXIO) and a probe put off (-EPROBE_DEFER): what it says is the device left without
// its driver, at whichever level the kernel gave it.
const DRIVER_NOT_STARTED = /^probe (?:of \S+|with driver \S+) failed with error -\d+/;

// A USB audio device refusing what the driver asked of it to play or record (sound/usb: clock.c's "1:1: cannot set
// freq 48000 to ep 0x3", since 5.x "cannot set freq 48000 (v2/v3): err -32"; endpoint.c's and pcm.c's "2:1:
// usb_set_interface failed (-71)"), each usb_audio_err: the stream does not run at that rate or setting. Not the same
// call failing because the device was unplugged (ENODEV, ESHUTDOWN), nor "cannot get freq", a warning about devices
// that do not answer a read of their rate and play.
const USB_AUDIO_REFUSED = /^\d+:\d+(?::\d+)?: (?:cannot set freq \d+|usb_set_interface failed \(-\d+\))/;
const USB_AUDIO_UNPLUGGED: ReadonlySet<string> = codes('ENODEV', 'ESHUTDOWN');

function usbAudioRefused(rest: string): boolean {
  if (!USB_AUDIO_REFUSED.test(rest)) return false;
  const errno = errnoIn(rest);
  return errno === null || !USB_AUDIO_UNPLUGGED.has(errno.code);
}

/**
 * What the kernel says a device did, whatever level it logged it at: its state, a request it refused, a driver that
 * could not start it, or a probe the driver core still holds back once the boot's probing is over.
 */
function deviceStateIn(driver: string, rest: string): boolean {
  return (
    USBFS_CLAIMED.test(rest) ||
    (driver === USB_AUDIO_DRIVER && usbAudioRefused(rest)) ||
    DRIVER_NOT_STARTED.test(rest) ||
    probeStillPending(rest) ||
    (PRINTER_DRIVER.test(driver) && (PRINTER_STATUS.test(rest) || transferFailed(rest)))
  );
}

// The areas whose kernel drivers have one job: the USB and parallel printer drivers (usblp.c, lp.c) print, at info,
// only their printer coming and going and its status; every line of theirs that says it failed or names an errno is
// an error (usblp's are all printk(KERN_ERR): "usblp: can't set desired altsetting 0 on interface 0", "usblp0: error
// -32 reading printer status"). A journal copied without its levels still has the words; not at debug, nor a
// transfer cancelled or cut by an unplug.
const ONE_JOB_DRIVERS: ReadonlySet<DesktopArea> = new Set(['printing']);

function oneJobDriverFailed(area: DesktopArea, level: number | undefined, rest: string): boolean {
  if (!ONE_JOB_DRIVERS.has(area) || level === undefined || level > LOG_INFO || FIRMWARE_ATTEMPT.test(rest))
    return false;
  const errno = errnoIn(rest);
  return errno ? !UNLINKED.has(errno.code) : saysFailed(rest);
}

/**
 * A security module refusing a component is that component's failure whatever the level: the kernel logs its audit
 * records as notices, and a refused device or file is the component not working. Read from the kernel's own lines and
 * from journald's audit transport, which only the kernel's audit subsystem writes.
 */
function denialFailure(area: DesktopArea, entry: JournalEntry): ComponentFailure | null {
  const denial = macDenialOf(kernelText(entry));
  if (!denial) return null;
  return denial.area !== area
    ? null
    : {
        component: denial.component,
        raise: true,
        severity: 'error',
        kernel: true,
        title: format(_('{system} kept {component} from {target}'), {
          system: denial.by,
          component: denial.component,
          target: cleanLine(denial.target, 120),
        }),
      };
}

// The areas whose kernel drivers log at err only what keeps a device from working: ALSA's and ASoC's drivers
// (dev_err: a card, codec or stream that did not come up or broke; their notes on a probe put off or a component not
// yet bound are info or debug), whatever the words. Not Bluetooth's: its controllers' unexpected events and vendor
// commands are errors on adapters that work.
const ERR_IS_FAILURE: ReadonlySet<DesktopArea> = new Set(['sound']);

/** The kernel stopping a process at a fault in a component's code (faultedComponent.ts): that component failing. */
function faultFailure(area: DesktopArea, faulted: FaultedComponent): ComponentFailure | null {
  if (faulted.area !== area) return null;
  return {
    component: faulted.component,
    raise: true,
    severity: 'error',
    kernel: true,
    // Translators: {component} is a part of the desktop ("PipeWire", "CUPS"), {object} the file of its code.
    title: format(_('{component} crashed: the kernel stopped {program} at a fault in {object}'), {
      component: faulted.component,
      program: cleanLine(bareProcessName(faulted.comm), 60),
      object: cleanLine(faulted.object, 80),
    }),
  };
}

function kernelFailure(area: DesktopArea, entry: JournalEntry): ComponentFailure | null {
  if (macDenialOf(kernelText(entry))) return denialFailure(area, entry);
  const faulted = faultedComponentOf(kernelText(entry));
  if (faulted) return faultFailure(area, faulted);
  const kernel = kernelComponentOf(entry);
  if (!kernel || kernel.area !== area) return null;
  const { driver, device, rest } = kernel;
  const state = deviceStateIn(driver, rest);
  const level = lineLevel(entry);
  if (!state && !oneJobDriverFailed(area, level, rest) && (level === undefined || level > LOG_ERR)) return null;
  const errno = errnoIn(rest);
  const allowed = DEVICE_FAILED[area].kernel;
  const failed =
    state ||
    (!FIRMWARE_ATTEMPT.test(rest) &&
      !probeDeferred(rest) &&
      (errno
        ? allowed === 'any' || allowed.has(errno.code)
        : saysFailed(rest) || (ERR_IS_FAILURE.has(area) && level !== undefined && level <= LOG_ERR)));
  const file = firmwareFileIn(rest);
  const base = {
    component: driver,
    ...(device && { device }),
    raise: failed,
    severity: 'error' as const,
    kernel: true,
  };
  if (file && (errno?.code === 'ENOENT' || /firmware/i.test(rest)))
    return {
      ...base,
      title: format(_('{component} could not load the firmware file {file}'), { component: driver, file }),
    };
  // The USB core's errnos mean other things than their names (Documentation/driver-api/usb/error-codes.rst: -28 is no
  // bandwidth left on the bus, -71 a device that did not answer): a USB device's line says it in its own words.
  if (errno && driver !== USB_AUDIO_DRIVER)
    return {
      ...base,
      title: format(_('{component} reported an error: {cause}'), { component: driver, cause: errnoWords(errno) }),
    };
  return {
    ...base,
    title: format(_('{component} reported a failure: {line}'), { component: driver, line: cleanLine(rest, 160) }),
  };
}

function programFailure(area: DesktopArea, entry: JournalEntry, writers: Writers): ComponentFailure | null {
  const program = programComponentOf(entry, writers);
  if (!program || program.area !== area) return null;
  const { message } = entry;
  const fatal = glibFatalIn(message);
  if (fatal !== null && reportedAtInfoOrGraver(entry))
    return {
      component: program.title,
      raise: true,
      severity: 'error',
      kernel: false,
      // Translators: {component} is a part of the desktop ("WirePlumber"), {message} GLib's words such as "assertion
      // failed: (handler != NULL)".
      title: format(_('{component} stopped itself at a fatal error in its code: {message}'), {
        component: program.title,
        message: cleanLine(fatal, 160),
      }),
    };
  const reason = area === 'printing' ? IPP_ERROR_REASON.exec(message)?.[1] : undefined;
  const level = lineLevel(entry);
  const errno = errnoIn(message);
  const dbus = dbusErrorIn(message);
  // The line's own structure names what did not work: an errno that says the part failed, a D-Bus error name.
  const deviceErrno = errno !== null && DEVICE_FAILED[area].program.has(errno.code);
  // Not the bus's own error in a sound server's line: a peer it called is not there or did not answer (BlueZ at start,
  // RTKit, UPower, the portal), which names that peer and no device of its own; the session's sound plays without it.
  const peerGone = area === 'sound' && BUS_OWN_ERROR.test(message);
  const named =
    deviceErrno || (dbus !== null && !peerGone && (DBUS_TELLS.has(area) || DBUS_PROGRAMS.has(program.name)));
  // A component with one job (the time daemons, a print job's backends and filters, cups-browsed's queues) saying
  // in its own words that something failed.
  // The resolver's own error (getaddrinfo's "Temporary failure in name resolution") names name resolution as the
  // cause, not the component's job: dns-failure reads those lines, and one problem makes one finding.
  const resolver = systemErrorIn(message)?.errno.object === 'host';
  const oneJob =
    (ANY_ERROR.has(area) || ANY_ERROR_PROGRAMS.has(program.name)) &&
    !(errno !== null && NOT_THE_JOB.has(errno.code)) &&
    !resolver;
  const error = level !== undefined && level <= LOG_ERR;
  const warned = !error && named && failedAtWarning(program.name, entry);
  // A printer's reason ending in "-error" is its state, whatever level the line was logged at; a one-job
  // component's failure in its own words, or with an errno that says its device failed, at any level but debug; the rest only at err (below it, a Bluetooth device
  // refusing a connection or a sound server's client gone is the day's ordinary business, errno or not).
  const reported =
    reason !== undefined ||
    error ||
    warned ||
    (reportedAtInfoOrGraver(entry) &&
      oneJob &&
      (deviceErrno || (!WORDS_ONLY_AT_ERR.has(program.name) && (named || programSaysFailed(message)))));
  if (!reported) return null;
  const closing = area === 'sound' && CLOSING.test(message);
  const telling = reason !== undefined || named || oneJob || warned;
  const cause = reason ?? dbus ?? (errno ? errnoWords(errno) : null);
  return {
    component: program.title,
    raise: telling && !closing,
    severity: warned ? 'warning' : 'error',
    kernel: false,
    title: cause
      ? format(_('{component} reported an error: {cause}'), { component: program.title, cause })
      : format(_('{component} reported an error: {cause}'), {
          component: program.title,
          // The program's own "error: " mark (componentLines.ts) says what the title already does.
          cause: cleanLine((message.split('\n')[0] ?? '').replace(/^error: /, ''), 160),
        }),
  };
}

// A session's or the system's process, as journald's trusted fields show it: not another person's.
function sessionOrSystemProcess(entry: JournalEntry, writers: Writers): boolean {
  const { _UID: uid, _EXE: exe } = entry.fields;
  if (uid === undefined || exe === undefined || !/^\d+$/.test(uid)) return false;
  const number = Number(uid);
  return number === writers.sessionUid || number < 1000;
}

/**
 * A caller's line naming a desktop component's own D-Bus error that says it failed (componentLines.ts's namespaces):
 * the component answered the call with it, so the line is that component's failure whoever printed it. Not where the
 * writer is another part's component, whose own kind reads its lines (PipeWire's Bluetooth audio is sound's), and
 * not a debug line. It vouches for nothing: the finding only shows the lines.
 */
function callerOfComponent(area: DesktopArea, entry: JournalEntry, writers: Writers): ComponentFailure | null {
  const error = componentDbusErrorIn(entry.message);
  if (!error || error.area !== area || !sessionOrSystemProcess(entry, writers)) return null;
  const writer = writers.provenWriter(entry);
  // The login screen is a shell too, run as the display manager's account: its callers' lines are a shell's.
  if (writer?.area !== undefined && writer.area !== 'shell' && writer.runsAs !== 'greeter') return null;
  const level = lineLevel(entry);
  if (level !== undefined && level > LOG_INFO) return null;
  // The component's own text with it, where it names an errno: only those that say the part did not work.
  const errno = errnoIn(error.text);
  const telling = errno === null || DEVICE_FAILED[area].program.has(errno.code);
  return {
    component: error.component,
    ...(error.name === 'org.freedesktop.Secret.Error.IsLocked' && { subject: LOGIN_KEYRING_SUBJECT }),
    raise: telling,
    severity: 'error',
    kernel: false,
    title: format(_('{component} answered with an error: {cause}'), {
      component: error.component,
      cause: cleanLine(error.text ? `${error.name}: ${error.text}` : error.name, 160),
    }),
  };
}

/**
 * What a line of `area`'s component says has failed, or null when the line is not that component's at err or
 * worse. A result with `raise` false is the component's error without a cause to name: claimed, and quiet.
 */
export function componentFailure(area: DesktopArea, entry: JournalEntry, writers: Writers): ComponentFailure | null {
  if (isKernel(entry)) return kernelFailure(area, entry);
  if (entry.transport === 'audit') return denialFailure(area, entry);
  return programFailure(area, entry, writers) ?? callerOfComponent(area, entry, writers);
}
