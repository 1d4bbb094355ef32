// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A journal line as one desktop component's: which component wrote it (a program, as findings/writers.ts proves it
// from journald's trusted fields, or one of the kernel's drivers, by the prefix the kernel puts before its devices'
// lines), how grave its writer said it was (journald's priority, or the level the program printed itself), and the
// cause it names in its component's own structure: an errno (the kernel's negative numbers, strerror's words), a
// D-Bus error name, a firmware file. No program's sentence is read here: what a detector makes of a line comes from
// who wrote it and these structures.
import { type Errno, errnosOf, errnoTextPattern } from '../causes/errno.js';
import { kernelText } from '../findings/detectors/journal.js';
import { DESKTOP_WRITERS, type DesktopArea, type Writers } from '../findings/writers.js';
import { cleanLine } from '../untrustedText.js';
import type { JournalEntry } from '../watch/events.js';

/** syslog's levels, as journald's PRIORITY holds them. */
export const LOG_CRIT = 2;
export const LOG_ERR = 3;
export const LOG_WARNING = 4;
export const LOG_NOTICE = 5;
export const LOG_INFO = 6;

export interface KernelComponent {
  area: DesktopArea;
  /** The driver or subsystem that printed the line: "btusb", "snd_hda_intel", "rtc_cmos", "Bluetooth". */
  driver: string;
  /** The device it named, "hci0", "0000:00:1f.3", "rtc0", or '' where it named none. */
  device: string;
  /** The line after the kernel's prefixes. */
  rest: string;
}

// Bluetooth's core and its drivers (bt_dev_err): "Bluetooth: hci0: …", older kernels "Bluetooth: hci0 …", a
// driver's own "Bluetooth: btusb: …", the driver core's "bluetooth hci0: …".
const BLUETOOTH_CORE = /^Bluetooth: (?:(hci\d+):? |([\w-]+): )?/;
// dev_err()'s "<driver> <device>: " and pr_err()'s "<module>: ".
const DRIVER_PREFIX = /^([\w.-]+)(?: ([\w.:@-]+))?: /;
// Lines that name their source file (__FILE__) where others name their module, as the RTC class's hctosys did before
// Linux 3.17: "/home/builder/linux/drivers/rtc/hctosys.c: unable to open rtc device (rtc0)". The file is the module.
const SOURCE_FILE_PREFIX = /^(?:\S*\/)?drivers\/[\w/-]+\/([\w-]+)\.c: /;
// A device that no bus, class or driver holds prints with dev_driver_string's empty name, a space, before its own:
// ASoC's PCM runtimes, named after their DAI links (soc-pcm.c, " iDisp3: ASoC: hw_params BE failed -22"). ASoC's
// mark after the name says whose they are.
const UNBOUND_ASOC_DEVICE = /^ ([\w.:@-]+): (ASoC: .*)$/s;
// Drivers by the area they serve. Bluetooth's: btusb, btintel, btrtl, btbcm, btmtk*, btqca, btnxpuart, btsdio, btmrvl*,
// the UART line disciplines hci_uart, hci_bcm, hci_h5…; the old USB and PCMCIA ones. Sound's: ALSA's snd_*/snd-*
// modules, Sound Open Firmware (sof-*), Intel's SST (intel_sst_acpi…), Skylake and AVS drivers, AMD's audio
// co-processor's (acp_pdm_mach, acp6x…; never acpi), HD-audio's bus (hdaudio, hda*), the older SST driver's platform
// and machine devices (haswell-pcm-audio, broadwell-audio, the Bay Trail and Cherry Trail boards' bytcr_*, bytcht_*,
// byt-*, cht-bsw-*), the platform drivers ASoC names "<platform>-audio" or "<platform>-pcm-audio" (baytrail-pcm-audio,
// a board's "imx-…-audio", a HAT's audioinjector-audio), SoundWire, ASoC's generic machine drivers (asoc-simple-card,
// asoc-audio-graph-card), and the codecs and amplifiers of ASoC and HD-audio (Cirrus cs35l41/cs42l42/cs42448/cs42xx8,
// TI tas2781/tas5805m/tlv320*/pcm512x, Maxim max98*, Realtek rt5682/rt711…, Dialog da7219, Nuvoton nau88*, Everest
// es83*, Wolfson wm*, Freescale sgtl5000, AKM ak4*, Analog Devices adau*/ssm*, the generic hdmi-audio-codec). The
// clock's: the real-time clocks (rtc, rtc_cmos, rtc-pcf8563…) and the kernel's setting of the system time from them
// (hctosys). Printing's: the USB printer class driver.
const DRIVER_AREAS: readonly [RegExp, DesktopArea][] = [
  [
    /^(?:bt(?:usb|intel(?:_pcie)?|rtl|bcm|mtk\w*|qca|qcomsmd|nxpuart|sdio|mrvl(?:_sdio)?|wilink)|hci_\w+|bluetooth|ath3k|bcm203x|bpa10x|bfusb|bluecard_cs|bt3c_cs|dtl1_cs)$/,
    'bluetooth',
  ],
  [
    /^(?:snd[_-][\w.-]+|sof[_-][\w.-]+|sst[\w-]*|intel[_-]sst[\w-]*|acp(?:\d|[_-])[\w-]*|skl[\w-]*|avs[\w-]*|catpt|[a-z][\w-]*-(?:pcm-)?audio|bytc(?:r|ht)_[\w-]+|byt-[\w-]+|cht-bsw-[\w-]+|hdaudio|hda[_-][\w-]+|soundwire[\w-]*|sdw[_-][\w-]+|asoc-[\w-]+|cs3[45]l\d+[\w-]*|cs4[23]l\d+[\w-]*|cs4\d[\dx]{2,}[\w-]*|tas\d{4}[\w-]*|tlv320[\w-]+|pcm\d{3,4}[\w-]*|max98\d+[\w-]*|rt\d{3,4}[\w-]*|da72\d+|nau88\d+|es83\d+|wm\d{4}[\w-]*|sgtl5000|ak4\d{3}[\w-]*|adau\d{4}[\w-]*|ssm\d{4}[\w-]*|hdmi-audio-codec)$/i,
    'sound',
  ],
  [/^(?:rtc(?:[_-][\w-]+)?|hctosys)$/, 'clock'],
  [/^usblp\d*$/, 'printing'],
];
/** The name a USB audio device's lines go by: they carry the USB device's prefix, not the driver's. */
export const USB_AUDIO_DRIVER = 'usb-audio';
// USB audio (sound/usb) prints through the USB device, "usb 1-4: …", with its own marks: the interface and
// alternate setting ("1:3: cannot get freq …"), its functions' names ("uac_clock_source_is_valid(): …"), or its
// endpoint's stream not starting (endpoint.c, snd_usb_endpoint_start: "cannot submit urb 0, error -28: not enough
// bandwidth", the USB core's errno in usb_error_string's words; not logged where the device was unplugged).
const USB_AUDIO =
  /^(?:\d+:\d+: |(?:uac\w*|snd_usb_\w+|parse_audio_\w+|usb_audio_\w+|__uac_\w+)\(\): |cannot submit urb \d+, error -\d+: )/;

function areaOfDriver(driver: string): DesktopArea | undefined {
  return DRIVER_AREAS.find(([pattern]) => pattern.test(driver))?.[1];
}

// The parallel port printer driver's report of the printer's status, without a colon (drivers/char/lp.c,
// lp_check_status): "lp0 out of paper", "lp0 off-line", "lp0 on fire".
const LP_STATUS = /^(lp\d+) (out of paper|off-line|on fire)$/;

// The driver core's word, once the boot's probing is over (drivers/base/dd.c, deferred_probe_timeout_work_func), on
// each device whose driver still waits for what it needs: "deferred probe pending", and since Linux 5.9 the reason
// its driver last gave (dev_err_probe, "<driver>: <message>"). The device prints under its bus while no driver holds
// it ("platform sof_sdw: deferred probe pending: sof_sdw: snd_soc_register_card failed -517", "pci 0000:00:1f.3: …"):
// the driver in the reason, else the device's own name, says whose it is.
const PROBE_PENDING = /^deferred probe pending(?:: (?:([\w.-]+): )?(.*))?$/;

/** Whether the kernel's line is the driver core's word that a device's probe never finished. */
export function probeStillPending(rest: string): boolean {
  return PROBE_PENDING.test(rest);
}

/** The reason the driver core gives for a probe still put off, with its driver's name; '' where it gives none. */
export function pendingProbeReason(rest: string): string {
  const [, driver, reason = ''] = PROBE_PENDING.exec(rest) ?? [];
  return (driver ? `${driver}: ${reason}` : reason).trim();
}

/** The driver core's line on a probe still put off, as the component of the driver it names. */
function pendingProbeComponent(busDriver: string, device: string, rest: string): KernelComponent | null {
  const pending = PROBE_PENDING.exec(rest);
  if (!pending) return null;
  const named = pending[1];
  for (const driver of [named, busDriver, device]) {
    const area = driver ? areaOfDriver(driver) : undefined;
    if (driver && area) return { area, driver, device, rest };
  }
  return null;
}

/** The desktop component of the kernel's line, by the driver's prefix, or null for every other driver's. */
export function kernelComponentOf(entry: JournalEntry): KernelComponent | null {
  const text = kernelText(entry);
  const lp = LP_STATUS.exec(text);
  if (lp) return { area: 'printing', driver: 'lp', device: lp[1] ?? '', rest: lp[2] ?? '' };
  const core = BLUETOOTH_CORE.exec(text);
  if (core) {
    const named = core[2];
    const driver = named && areaOfDriver(named) === 'bluetooth' ? named : 'Bluetooth';
    const device = core[1] ?? '';
    const rest = text.slice(core[0].length);
    // "Bluetooth: hci0: …", or a driver of its own: the core's bare lines ("Bluetooth: Core ver 2.22") are its own.
    return { area: 'bluetooth', driver, device: device || (HCI.exec(rest)?.[1] ?? ''), rest };
  }
  const file = SOURCE_FILE_PREFIX.exec(text);
  const fileArea = file?.[1] !== undefined ? areaOfDriver(file[1]) : undefined;
  if (file?.[1] !== undefined && fileArea)
    return { area: fileArea, driver: file[1], device: '', rest: text.slice(file[0].length) };
  const unbound = UNBOUND_ASOC_DEVICE.exec(text);
  if (unbound) return { area: 'sound', driver: 'ASoC', device: unbound[1] ?? '', rest: unbound[2] ?? '' };
  const prefix = DRIVER_PREFIX.exec(text);
  if (!prefix) return hdaCodecComponent(text);
  const driver = prefix[1] ?? '';
  const device = prefix[2] ?? '';
  const rest = text.slice(prefix[0].length);
  const pending = pendingProbeComponent(driver, device, rest);
  if (pending) return pending;
  const area = areaOfDriver(driver);
  // A Bluetooth driver's device is the controller's bus address: the adapter is the HCI device it names, if any.
  if (area) return { area, driver, device: area === 'bluetooth' ? (HCI.exec(text)?.[1] ?? '') : device, rest };
  if (driver === 'usb' && device && USB_AUDIO.test(rest))
    return { area: 'sound', driver: USB_AUDIO_DRIVER, device, rest };
  const holder = driver === 'usb' && device ? USBFS_CLAIMED.exec(rest)?.[1] : undefined;
  const holderArea = holder ? areaOfDriver(holder) : undefined;
  if (holder && holderArea) return { area: holderArea, driver: holder, device, rest };
  // The RTC class's setting of the system time prints through the clock's own device, whatever its driver
  // (acpi-tad, efi, a PMIC's or a power controller's): "acpi-tad ACPI000E:00: hctosys: unable to read the hardware clock".
  if (device && rest.startsWith('hctosys: ')) return { area: 'clock', driver, device, rest };
  // ASoC's own lines name the card's driver first: "sof-audio-pci-intel-tgl 0000:00:1f.3: ASoC: …" is caught above;
  // a machine driver's "<card> <device>: ASoC: …" is ASoC's too, and so is its report of an ASoC core call that
  // failed ("audioinjector-octo soc:sound: snd_soc_register_card failed (-517)"), whatever the board's driver is named.
  if (rest.startsWith('ASoC: ') || ASOC_CALL_FAILED.test(rest)) return { area: 'sound', driver, device, rest };
  return null;
}

const HCI = /\b(hci\d+)\b/;
// An HD-audio codec is a device the HDA bus names (sound/hda/hdac_device.c, "hdaudioC0D2"; ASoC's HDA bus,
// "ehdaudio0D2"), whatever its driver is called: some drivers' names have spaces ("HDMI HDA Codec ehdaudio0D2: HDMI:
// failed to get afg sub nodes"), and the driver core names the driver alone before its probe's failure ("HDMI HDA
// Codec: probe of ehdaudio0D2 failed with error -22").
const HDA_CODEC_PREFIX = /^([\w.-]+(?: [\w.-]+){1,3}) ((?:hdaudioC|ehdaudio)\d+D\d+): /;
const HDA_CODEC_PROBE = /^([\w.-]+(?: [\w.-]+){1,3}): (probe of ((?:hdaudioC|ehdaudio)\d+D\d+) failed with error -\d+)/;

function hdaCodecComponent(text: string): KernelComponent | null {
  const codec = HDA_CODEC_PREFIX.exec(text);
  if (codec)
    return { area: 'sound', driver: codec[1] ?? '', device: codec[2] ?? '', rest: text.slice(codec[0].length) };
  const probe = HDA_CODEC_PROBE.exec(text);
  return probe ? { area: 'sound', driver: probe[1] ?? '', device: probe[3] ?? '', rest: probe[2] ?? '' } : null;
}

// The ASoC core's calls a machine driver reports by name: snd_soc_register_card, devm_snd_soc_register_card,
// snd_soc_register_component…
const ASOC_CALL_FAILED = /^(?:devm_)?snd_soc_\w+(?:\(\))? failed\b/;

/**
 * usbfs refusing a program's configuration of a device while a kernel driver holds one of its interfaces
 * (drivers/usb/core/devio.c, proc_setconfig: the request fails with EBUSY, logged as a warning): "usb 1-3.1: usbfs:
 * interface 0 claimed by usblp while 'usb' sets config #1", CUPS's USB backend kept from the printer by the kernel's
 * printer driver. The part that does not work is the one whose driver holds the interface.
 */
export const USBFS_CLAIMED = /^usbfs: interface \d+ claimed by ([\w-]+) while '[^']*' sets config #\d+/;

// GLib ends the program at its fatal messages, which it prints first (glib/gtestutils.c, g_assertion_message: a
// g_assert that failed or g_assert_not_reached, "wireplumber:ERROR:../src/core.c:42:wp_core_init: assertion failed:
// (self != NULL)", GLib's TAP output adding "Bail out! " before it; glib/gmessages.c: g_error, always fatal,
// "** (gnome-shell:1234): ERROR **: 10:02:03.123: …" on standard error). The program aborted there, whatever level
// journald was given: not GLib's CRITICAL and WARNING, after which it goes on.
const GLIB_FATAL =
  /^(?:Bail out! )?(?:[\w.-]+:)?ERROR:\S+?:\d+:\w*:? (.+)$|^(?:\*\* )?(?:\([\w.-]+:\d+\): )?(?:[\w.-]+-)?ERROR \*\*: (?:\d\d:\d\d:\d\d\.\d+: )?(.+)$/;

/** GLib's own words where it ended the program (a failed check's or g_error's message), or null. */
export function glibFatalIn(message: string): string | null {
  const fatal = GLIB_FATAL.exec(message);
  return fatal ? (fatal[1] ?? fatal[2] ?? '') : null;
}

// The levels programs print themselves, where journald's is that of their standard error (info): PipeWire before
// 0.3.40 "[E][…]", PulseAudio's "E: [thread] file.c: ", CUPS's error_log "E [date] ", GLib's "** (prog:1): CRITICAL **"
// and "Domain-CRITICAL **", chronyd's "Fatal error : ", ipp-usb's "! " before its subsystem (logger.go:
// LogMessage.Error marks its lines "!", the others " ", "+", "-", ">", "<": "! PNP Bus 001 Device 006: Device
// initialization timed out", "! USB[1]: zero-size read"; its log files put the time first, "15-12-2020 15:54:03: !
// PNP …"). alsa-lib reports through its error handler alone ("ALSA lib pcm.c:8545:(snd_pcm_recover) underrun
// occurred"): every such line is an error. So does HPLIP (its hp backend, hpcups and hpmud): its BUG() macro is
// syslog(LOG_ERR, __FILE__ " " __LINE__ ": " …), "io/hpmud/musb.c 1132: invalid usb_open: LIBUSB_ERROR_ACCESS", and its
// DBG() twin is compiled out of released builds; a report that copied the line without its level still has the mark.
// A program's own "error: " before its words marks its errors (greetd's log lines: "error: check_children: greeter
// exited without creating a session", "error: authentication error: pam_authenticate: AUTH_ERR"; OpenSSH's error()).
const HPLIP_BUG = /^(?:[\w-]+\/)+[\w-]+\.(?:c|cpp) \d+: /;
const OWN_LEVEL: readonly [RegExp, (match: RegExpExecArray) => number | undefined][] = [
  [/^\[([EWINDT])\]\[/, (m) => letterLevel(m[1])],
  [/^([EWNID]): \[[^\]]*\] /, (m) => letterLevel(m[1])],
  // cupsd's error_log (scheduler/log.c): X emerg, A alert, C crit, E error, W warn, N notice, I info, D and d debug.
  [/^([XACEWNIDd]) \[\d{2}\/\w{3}\/\d{4}:[^\]]*\] /, (m) => letterLevel(m[1]?.toUpperCase())],
  [/^(?:\(\S+:\d+\): )?(?:[\w-]+-)?(ERROR|CRITICAL|WARNING) \*\*/, (m) => (m[1] === 'WARNING' ? LOG_WARNING : LOG_ERR)],
  [/^Fatal error : /, () => LOG_CRIT],
  [/^(?:\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}: )?! (?:[A-Z][\w-]*(?:\[\d+\])?[: ]|auth: |panic: )/, () => LOG_ERR],
  [/^ALSA lib [\w./-]+:\d+:\(\w+\) /, () => LOG_ERR],
  [HPLIP_BUG, () => LOG_ERR],
  [/^error: /, () => LOG_ERR],
];

function letterLevel(letter: string | undefined): number | undefined {
  switch (letter) {
    case 'X':
    case 'A':
    case 'C':
    case 'E':
      return LOG_ERR;
    case 'W':
      return LOG_WARNING;
    case 'N':
      return 5;
    case 'I':
      return 6;
    case 'D':
    case 'T':
      return 7;
    default:
      return undefined;
  }
}

/** How grave the writer said the line was: the level it printed itself, else journald's priority. */
export function lineLevel(entry: JournalEntry): number | undefined {
  for (const [pattern, level] of OWN_LEVEL) {
    const match = pattern.exec(entry.message);
    if (match) return level(match) ?? entry.priority;
  }
  return entry.priority;
}

// The errnos a device's or a peer's failure gives, and a time daemon's, from the shared table (Linux's numbers and
// glibc's words).
const ERRNOS = errnosOf([
  'EPERM',
  'ENOENT',
  'EIO',
  'ENXIO',
  'EAGAIN',
  'ENOMEM',
  'EACCES',
  'EBUSY',
  'ENODEV',
  'EINVAL',
  'EPIPE',
  'ENOSYS',
  'ELOOP',
  'EBADRQC',
  'ENODATA',
  'ETIME',
  'ENOLINK',
  'ECOMM',
  'EPROTO',
  'EBADFD',
  'EILSEQ',
  'ESTRPIPE',
  'ENOPROTOOPT',
  'EPROTONOSUPPORT',
  'EOPNOTSUPP',
  'EAFNOSUPPORT',
  'EADDRNOTAVAIL',
  'ECONNABORTED',
  'ECONNRESET',
  'ENOTCONN',
  'ESHUTDOWN',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'EALREADY',
  'ENOMEDIUM',
  'ECANCELED',
  'ENOKEY',
  'ERFKILL',
]);

const ERRNO_WORDS = errnoTextPattern(ERRNOS, 'i');
// The kernel's negative errnos as drivers print them: "(-110)", "err -110", "error -2", "Error: -2", "failed: -19",
// "returned -5", "ret=-110", "status -71".
const KERNEL_ERRNO = /(?:\(|\berr(?:or|no)?:? ?=?|\bfailed:? |\breturned |\bret ?=? ?|\bstatus |, |: )-(\d{1,3})\b/i;
// An errno by its name: "ETIMEDOUT", "-EIO".
const ERRNO_NAME = /\b(E[A-Z]{2,})\b/g;

// EPROBE_DEFER (517), the driver core's "not yet": a driver whose codec, clock or DAI has not registered returns it and
// is probed again once they have ("snd_soc_register_card failed (-517)", "ASoC: failed to init link …: -517"). A board
// logs it several times on boots where its card then comes up; the driver's own line says when the card did not.
const PROBE_DEFERRED =
  /(?:\(|\berr(?:or|no)?:? ?=?|\bfailed:? |\breturned |\bret ?=? ?|, |: | )-517\b|\bEPROBE_DEFER\b/;

/** Whether the kernel's line is a driver's probe put off until what it needs has registered. */
export function probeDeferred(text: string): boolean {
  return PROBE_DEFERRED.test(text);
}

/** The errno `text` names: by the kernel's negative number, strerror's words or its name. */
export function errnoIn(text: string): Errno | null {
  const number = KERNEL_ERRNO.exec(text)?.[1];
  const byNumber = number !== undefined ? ERRNOS.find((errno) => errno.number === Number(number)) : undefined;
  if (byNumber) return byNumber;
  const words = ERRNO_WORDS.exec(text)?.[1]?.toLowerCase();
  const byWords = words ? ERRNOS.find((errno) => errno.text.toLowerCase() === words) : undefined;
  if (byWords) return byWords;
  for (const [, name] of text.matchAll(ERRNO_NAME)) {
    const byName = ERRNOS.find((errno) => errno.code === name);
    if (byName) return byName;
  }
  return null;
}

// A D-Bus error's name: "org.freedesktop.DBus.Error.TimedOut", "org.bluez.Error.Failed",
// "net.reactivated.Fprint.Error.NoSuchDevice".
const DBUS_ERROR = /\b((?:[A-Za-z_][\w-]*\.)+Error\.[A-Za-z_]\w*)\b/;

export function dbusErrorIn(text: string): string | null {
  return DBUS_ERROR.exec(text)?.[1] ?? null;
}

/** A desktop component's own D-Bus error, as a caller of it printed it. */
export interface ComponentDbusError {
  area: DesktopArea;
  /** The component that answered with it, in a person's words. */
  component: string;
  /** The error's whole name: "org.bluez.Error.Failed". */
  name: string;
  /** The text the component gave with it, where the line has it: "br-connection-page-timeout". */
  text: string;
}

const names = (...list: string[]) => new Set(list);

// The components that define an error namespace of their own on the bus (each service's D-Bus API), and which of
// their errors say it did not do what it was asked rather than a state the caller met: an adapter switched off,
// an operation already under way, a reader the machine does not have, a refusal by policy. The Secret Service
// (GNOME Keyring, and KWallet or KeePassXC where they serve it) counts only with "IsLocked": the keyring the session
// should have unlocked at sign-in is locked.
const DBUS_NAMESPACES: readonly {
  prefix: string;
  area: DesktopArea;
  component: string;
  fails: (name: string) => boolean;
}[] = [
  {
    prefix: 'org.bluez.Error.',
    area: 'bluetooth',
    component: 'BlueZ',
    fails: (name) =>
      !names(
        'NotReady',
        'Blocked',
        'InProgress',
        'AlreadyConnected',
        'AlreadyExists',
        'DoesNotExist',
        'NotConnected',
        'NotAuthorized',
        'NotPermitted',
        'NotAvailable',
        'NotSupported',
        'Rejected',
        'Canceled',
        'AuthenticationCanceled',
        'AuthenticationRejected',
        'InvalidArguments',
        'InvalidLength',
        'InvalidOffset',
        'InvalidValueLength',
      ).has(name),
  },
  {
    prefix: 'net.reactivated.Fprint.Error.',
    area: 'sign-in',
    component: 'fprintd',
    fails: (name) =>
      !names(
        'NoSuchDevice',
        'NoEnrolledPrints',
        'NoActionInProgress',
        'InvalidFingername',
        'FingerAlreadyEnrolled',
        'PermissionDenied',
      ).has(name),
  },
  {
    prefix: 'org.freedesktop.home1.',
    area: 'sign-in',
    component: 'systemd-homed',
    fails: (name) => !names('HomeBusy', 'TooManyOperations', 'HomeActive', 'HomeNotReferenced').has(name),
  },
  {
    // GDM's session worker (daemon/gdm-session-worker-common.c), as the lock screen and the login screen print its
    // answers: "GDBus.Error:org.gnome.DisplayManager.SessionWorker.Error.ServiceUnavailable". Not a request the
    // worker was not ready for (WrongState, OutstandingRequest, InReauthSession): the shell asks again.
    prefix: 'org.gnome.DisplayManager.SessionWorker.Error.',
    area: 'sign-in',
    component: 'GDM',
    fails: (name) => !names('WrongState', 'OutstandingRequest', 'InReauthSession').has(name),
  },
  {
    prefix: 'org.freedesktop.Secret.Error.',
    area: 'sign-in',
    component: 'the keyring',
    fails: (name) => name === 'IsLocked',
  },
  {
    prefix: 'org.freedesktop.timedate1.',
    area: 'clock',
    component: 'systemd-timedated',
    fails: (name) => name !== 'AutomaticTimeSyncEnabled',
  },
];

// GLib's form of a remote error, "GDBus.Error:org.bluez.Error.Failed: br-connection-page-timeout", and the plain
// "org.bluez.Error.Failed: …" or "(org.bluez.Error.Failed)" others print; the component's text follows the name.
const DOTTED_NAME = /\b((?:[A-Za-z_][\w-]*\.)+[A-Za-z_]\w*)/g;
const TEXT_AFTER = /^:\s*([^\n]*)/;

/** The first desktop component's error named in `text` that says it failed, or null. */
export function componentDbusErrorIn(text: string): ComponentDbusError | null {
  for (const match of text.matchAll(DOTTED_NAME)) {
    const name = match[1] ?? '';
    const space = DBUS_NAMESPACES.find((candidate) => name.startsWith(candidate.prefix));
    if (!space) continue;
    const short = name.slice(space.prefix.length);
    if (!/^\w+$/.test(short) || !space.fails(short)) continue;
    const after = text.slice((match.index ?? 0) + name.length);
    return { area: space.area, component: space.component, name, text: (TEXT_AFTER.exec(after)?.[1] ?? '').trim() };
  }
  return null;
}

// A firmware file as the drivers name them: a path under /lib/firmware's folders or a file of the firmware kinds
// (Intel's .sfi and .ddc, Broadcom's .hcd, Qualcomm's .tlv, SOF's .ri and topologies, the many .bin and .fw).
const FIRMWARE_FILE =
  /\b((?:[\w.-]+\/)*[\w.+-]+\.(?:sfi|ddc|hcd|tlv|bseq|sbcf|ri|tplg|bin|fw|ucode|wmfw|nvm|dfu|hex|img))\b/;

export function firmwareFileIn(text: string): string | null {
  return FIRMWARE_FILE.exec(text)?.[1] ?? null;
}

// The kernel's words for an operation that did not work, as drivers print them (dev_err's wording across the tree,
// not one driver's): "failed", "cannot", "unable", "error", "timed out", "timeout", "not found", "invalid".
const KERNEL_FAILURE = /\b(?:fail(?:ed|ure|s)?|cannot|can't|unable|errors?|timed? ?out|timeout|not found)\b/i;

/** Whether the kernel's line says an operation did not work. */
export function saysFailed(text: string): boolean {
  return KERNEL_FAILURE.test(text);
}

// The words programs print for an operation of theirs that did not work, whatever the program and its logging
// (GLib's g_warning and g_message, syslog(3), systemd's log_*_errno "Failed to …", Qt's qWarning): "failed",
// "failure(s)", "failing", "unable to", "cannot", "can't", "couldn't", "could not". Not GLib's programming-error
// criticals ("assertion 'x != NULL' failed"), which every GLib program logs on sessions that work, nor a count of
// none ("exited with no errors").
const PROGRAM_FAILURE = /\b(?:fail(?:ed|ing|ures?)|unable to|cannot|can't|couldn't|could not)\b/i;
const NOT_A_FAILURE = /\bassertion\b.*\bfailed\b|\bno (?:errors|failures)\b/i;

/** Whether a program's own line says an operation of its own did not work. */
export function programSaysFailed(text: string): boolean {
  return PROGRAM_FAILURE.test(text) && !NOT_A_FAILURE.test(text);
}

/**
 * Whether the writer gave the line a level at which it reports what happened (info or graver), not debug. A line a
 * program logs at notice or info still says failed in its own words where its component has one job (the time
 * daemons, the sign-in programs, a print job's backend), and journald's default for a program's standard error is
 * info: the level tells a debug line from the others, the words tell the failure.
 */
export function reportedAtInfoOrGraver(entry: JournalEntry): boolean {
  const level = lineLevel(entry);
  return level !== undefined && level <= LOG_INFO;
}

/** The program that wrote a line, as one of the desktop's components. */
export interface ProgramComponent {
  area: DesktopArea;
  name: string;
  title: string;
}

// alsa-lib's own error reporter (error.c, snd_lib_error_default), in whatever program uses it: "ALSA lib
// pcm_dmix.c:1032:(snd_pcm_dmix_open) unable to open slave".
const ALSA_LIB = /^ALSA lib [\w./-]+:\d+:\(\w+\) /;

/**
 * The component that wrote `entry`: a proven program's, or the sound library inside one of the session's programs,
 * whose own structure (alsa-lib's error reporter) says it is alsa-lib speaking. That one is a report only: its
 * process could be anyone's of the session, so it vouches for nothing and the sound kind offers no change for it.
 */
export function programComponentOf(entry: JournalEntry, writers: Writers): ProgramComponent | null {
  const writer = writers.provenWriter(entry);
  if (writer?.area) return { area: writer.area, name: writer.name, title: writer.title };
  const { _UID: uid, _COMM: comm } = entry.fields;
  if (writer || !ALSA_LIB.test(entry.message) || (uid !== String(writers.sessionUid) && uid !== '0')) return null;
  return { area: 'sound', name: 'alsa-lib', title: `ALSA (${cleanLine(comm ?? '?', 32)})` };
}

/** A mandatory access control's refusal of a desktop component, as the kernel's audit line words it. */
export interface MacDenial {
  area: DesktopArea;
  /** The component in a person's words, from findings/writers.ts: "CUPS’s printer drivers". */
  component: string;
  /** The security module that refused: "AppArmor", "SELinux". */
  by: string;
  /** What it was refused: the file, device or socket it named, or the operation. */
  target: string;
}

// AppArmor's audit record (security/apparmor/lib.c, audit.c), printed by the kernel: 'apparmor="DENIED"
// operation="open" class="file" profile="/usr/sbin/cupsd" name="/dev/bus/usb/001/004" pid=… comm="usb" …'. The
// profile is the confined program's path (a child profile after "//"), attached by root's policy: the kernel says
// which program it refused. A capability it refused ("capable", "capname=") is left out: confined daemons probe
// capabilities they can do without.
const APPARMOR_DENIED = /\bapparmor="DENIED"/;
const AUDIT_FIELD = (name: string) => new RegExp(`\\b${name}=(?:"([^"]*)"|(\\S+))`);
const PROFILE = AUDIT_FIELD('profile');
const OPERATION = AUDIT_FIELD('operation');
const NAME = AUDIT_FIELD('name');
// SELinux's AVC record (security/selinux/avc.c): 'avc:  denied  { read write } for  pid=… comm="usb" name="lp0" …
// scontext=system_u:system_r:cupsd_t:s0-s0:c0.c1023 tcontext=… tclass=chr_file permissive=0'. The source context's
// type is the policy's domain for the program; permissive=1 logs what it would have refused and refuses nothing.
const AVC_DENIED = /\bavc:\s+denied\s+\{([^}]*)\}/;
const SOURCE_TYPE = /\bscontext=[^:\s]+:[^:\s]+:([\w]+)/;
const PERMISSIVE = /\bpermissive=1\b/;
// The reference policy's domains of the desktop's system components (refpolicy's cups, ntp, chronyd, timedatex,
// bluetooth and alsa modules). Not the display managers' xdm_t: it runs the whole greeter, whose denials are noise.
const SELINUX_DOMAINS: Readonly<Record<string, DesktopArea>> = {
  cupsd_t: 'printing',
  cupsd_config_t: 'printing',
  cupsd_lpd_t: 'printing',
  cups_pdf_t: 'printing',
  hplip_t: 'printing',
  colord_t: 'printing',
  ntpd_t: 'clock',
  chronyd_t: 'clock',
  timedatex_t: 'clock',
  hwclock_t: 'clock',
  bluetooth_t: 'bluetooth',
  alsa_t: 'sound',
};

const fieldOf = (pattern: RegExp, text: string) => {
  const match = pattern.exec(text);
  return match ? (match[1] ?? match[2]) : undefined;
};

/** The desktop component an AppArmor profile confines: its program, or a program in one of its folders. */
function writerOfProgram(path: string) {
  return DESKTOP_WRITERS.find(
    (writer) =>
      writer.area !== undefined &&
      (writer.programs.includes(path) ||
        (writer.programFolders?.includes(path.slice(0, path.lastIndexOf('/'))) ?? false)),
  );
}

/** The kernel's audit line refusing a desktop component something, or null. Only the kernel's lines are read. */
export function macDenialOf(text: string): MacDenial | null {
  if (APPARMOR_DENIED.test(text)) {
    const profile = fieldOf(PROFILE, text)?.split('//')[0];
    const operation = fieldOf(OPERATION, text);
    const target = fieldOf(NAME, text);
    const writer = profile ? writerOfProgram(profile) : undefined;
    if (!writer?.area || operation === 'capable' || target === undefined) return null;
    return { area: writer.area, component: writer.title, by: 'AppArmor', target };
  }
  const avc = AVC_DENIED.exec(text);
  if (!avc || PERMISSIVE.test(text)) return null;
  const domain = fieldOf(SOURCE_TYPE, text);
  const area = domain ? SELINUX_DOMAINS[domain] : undefined;
  if (!domain || !area) return null;
  const target = fieldOf(NAME, text) ?? (avc[1] ?? '').trim();
  return { area, component: domain, by: 'SELinux', target };
}
