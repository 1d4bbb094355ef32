// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the audio daemons' and the kernel's own lines say of the sound devices, read as the programs print them.
// Each rule is one program's structure (PipeWire's log topics, PulseAudio's level prefix, the kernel's
// "<driver> <device>: " prefix) with the error it reports (an errno's text, a probe's failure), never one
// machine's sentence.
//
// What is not read, and why:
// - "snd_pcm_drop: No such device", "close failed: No such device": a USB headset unplugged while playing; the
//   device is gone because the user took it away.
// - PipeWire's and PulseAudio's "Error opening PCM device …" while they probe a card's profiles: they try every
//   profile and keep the ones that open (logged at info level).
// - "mod.rt: RTKit error …", "could not set nice-level": PipeWire runs without real-time priority, sound plays.
// - the kernel's "warning: No matching ASoC machine driver found" (SOF falls back to a generic machine driver) and
//   "Direct firmware load … failed" alone (the driver tries several names; its own error line says when none loaded).
import { errnosOf, errnoTextPattern } from '../../causes/errno.js';
import {
  kernelComponentOf,
  pendingProbeReason,
  probeDeferred,
  probeStillPending,
  reportedAtInfoOrGraver,
} from '../../desktop/componentLines.js';
import { kernelText } from '../../findings/detectors/journal.js';
import { _, format } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { JournalEntry } from '../../watch/events.js';

export interface DeviceProblem {
  /** The device the line names (an ALSA device, a PipeWire node, a PCI address), when it names one. */
  device?: string;
  title: string;
}

// PipeWire before 0.3.40 prefixed "[E][000000038.312224][file.c:1436 function()] ".
const OLD_PIPEWIRE_PREFIX = /^\[([EWIDT])\]\[[\d.]+\]\[[^\]]*\] /;
// PipeWire 0.3.40 and later on its standard error (spa/support/logger.c), where the service runs without the journal
// or a person ran it by hand: "[E][12125.973616] spa.alsa     | [      alsa-pcm.c:  618 spa_alsa_open()] ", the
// timestamp local ("[03:17:02.118734]") where asked. The level letter and the topic are the journal's priority and
// topic form.
const STDERR_PIPEWIRE_PREFIX = /^\[([EWIDT])\]\[[\d.:]+\] ([\w.-]+) *\| \[ *[\w.-]+: *\d+ [\w]+\(\)\] /;
// PipeWire's log topic, "spa.alsa: ", "pw.node: ", "mod.adapter: " (0.3.40+).
const TOPIC = /^((?:spa|pw|mod)\.[\w.-]+): /;
// spa/plugins/alsa/alsa-pcm.c: "'hw:0,11': playback open failed: Device or resource busy" (the device quoted
// since 0.3.50), and ACP's "Error opening low-level control device 'hw:0': No such file or directory".
const OPEN_FAILED = /^(.+?): (?:playback|capture) open failed: (.+)$/;
const CONTROL_OPEN = /^Error opening low-level control device '([^']+)': (.+)$/;
// src/pipewire/impl-node.c: "(alsa_output.pci-0000_01_00.1.pro-output-11-49) suspended -> error (Start error: …)".
const NODE_ERROR = /^\(([^)]+)\) \w+ -> error \((.+)\)$/;
// The errnos that say a device cannot be used: EBUSY (another program holds it), ENODEV and ENXIO (it is gone).
const DEVICE_ERRNO = errnoTextPattern(errnosOf(['EBUSY', 'ENODEV', 'ENXIO']));
// And from ALSA's own calls on the device (PipeWire's spa.alsa, its snd_pcm_* and snd_ctl_* calls, whose errors it
// logs as errors: alsa-pcm.c's CHECK(), alsa-udev.c): EIO (the device failed), EPIPE and ESTRPIPE (its stream broke;
// "after recover": recovering did not help), EBADFD (the stream is in no state to play), EINVAL (the device refused
// every configuration: "Broken configuration: no configurations available"), ENOENT, EACCES and EPERM (its node in
// /dev/snd is missing or not the session's), ETIMEDOUT (it did not answer). Elsewhere a broken pipe is a client that
// went away, a missing file a configuration fragment.
const ALSA_ERRNO = errnoTextPattern(
  errnosOf(['EIO', 'EPIPE', 'ESTRPIPE', 'EBADFD', 'EINVAL', 'ENOENT', 'EACCES', 'EPERM', 'ETIMEDOUT']),
);
// An ALSA device by its name as alsa-lib takes it ("hw:1", "hw:0,3", "front:1,0"): PipeWire 0.3's SPA plugins and
// its media session logged without a topic ("can't open control for card hw:1: No such file or directory", an
// spa_log_error), so the device they name says the line is ALSA's.
const ALSA_DEVICE = /(?:^|[\s'"(])((?:hw|plughw|front|surround\d+|iec958|hdmi|sysdefault|dmix|dsnoop):[\w,]+)/;
// spa.alsa's lines about one device start with its name, with "p" or "c" for its playback or capture stream where
// PipeWire opened one: "hw:3,0: snd_pcm_start: Broken pipe", "hdmi:1p: (0 suppressed) snd_pcm_avail after recover: …".
const SPA_DEVICE = /^'?([a-z]\w*:[\w,.-]+)'?: /;
// Operations on a device being closed or drained after it went away: an unplug, not a failure.
const CLOSING = /\b(?:snd_pcm_drop|snd_pcm_drain|close failed)\b/;
// WirePlumber's Lua scripts: "wplua: [string "alsa.lua"]:182: attempt to concatenate a nil value …"; the script
// that handles devices or policy stops there. Read on the line's first line: wplua's error handler logs the message
// and Lua's stack traceback as one entry (modules/module-lua-scripting/wplua/wplua.c, "%s\n%s").
const LUA_ERROR =
  /^(?:wplua|m-lua-scripting|script\/[\w-]+): (?:\[string "([^"]+)"\]|((?:[\w.-]+\/)*[\w.-]+\.lua)):\d+: (.+)$/;
// PulseAudio's own prefix: on stderr the level, the thread and the file, "E: [pulseaudio] module-alsa-card.c: "; in
// the journal and syslog, where the priority holds the level, the thread and file ("[alsa-sink-ALC256 Analog]
// alsa-sink.c: ") or the file alone ("alsa-util.c: "), as its log meta settings and version print them.
const PULSE_PREFIX = /^(?:([EWNID]): )?(?:\[([^\]]*)\] )?([\w.-]+\.c): /;
// daemon/main.c's last words when the daemon does not come up, in every version's wording (0.9's "Module load failed."
// and lower-case "failed to initialize daemon.", later "Failed to initialize daemon.", "Daemon startup failed."), and
// pulsecore/core-util.c's when it cannot make its own runtime or state directory ("Failed to create secure directory
// (/run/user/1000/pulse): Permission denied"): it exits, and the session has no sound server. Not main.c's
// "pa_pid_file_create() failed.": another daemon of the session already runs ("Daemon already running.").
const PULSE_NOT_STARTED =
  /^(?:(?:Daemon startup failed|Failed to initialize daemon|Module load failed|Daemon startup without any loaded modules, refusing to work)\.|Failed to create secure directory \([^)]*\): .+)$/i;
// PulseAudio's ALSA sink and source (modules/alsa/alsa-sink.c, alsa-source.c) drive one device each from their I/O
// thread: an error of theirs is that device failing to play or record ("ALSA woke us up to write new data to the
// device, but there was actually nothing to write", "Error opening PCM device front:0: …"), read where its stderr
// prefix names the file. The thread is named after the device it drives: "alsa-sink-ALC256 Analog".
const PULSE_DEVICE_FILE = /^alsa-(?:sink|source)\.c$/;
// PulseAudio's reports of an ALSA driver that answers its timing calls wrongly (alsa-util.c's pa_alsa_safe_avail(),
// pa_alsa_safe_delay(), pa_alsa_safe_mmap_begin(); alsa-sink.c's and alsa-source.c's wake-ups): each is logged as an
// error, ends "Most likely this is a bug in the ALSA driver '<driver>'", and PulseAudio prints it nowhere else. Read
// whatever level a copied journal kept: the words are the error's own.
const ALSA_DRIVER_REPORT =
  /\bbug in the ALSA driver '[^']*'|\bALSA woke us up to (?:write|read) new data\b|\bWe were woken up with POLL(?:OUT|IN) set\b|\breturned a value that is exceptionally large\b/;
const PULSE_DEVICE_THREAD = /^alsa-(?:sink|source)-(.+)$/;
// module-alsa-card.c, module.c: the card could not be set up at all.
const NO_PROFILE = /^Failed to find a working profile\.?$/;
const ALSA_MODULE_FAILED =
  /^Failed to load module "(module-alsa-(?:card|sink|source))" \(argument: "(.*)"\): initialization failed/;
const CARD_NAME = /\bcard_name="([^"]+)"/;
const LOG_ERR = 3;

/** What an audio daemon's own line says of a device or of itself; `program` is the daemon's. */
export function daemonProblem(program: string, entry: JournalEntry): DeviceProblem | null {
  return program === 'pulseaudio' ? pulseProblem(entry) : pipewireProblem(program, entry);
}

interface PipewireLine {
  /** Whether it came in PipeWire's format before 0.3.40, which named no topic. */
  old: boolean;
  /** Its log topic, "spa.alsa", where it names one. */
  topic: string | undefined;
  /** The line after the level, the topic and the source location. */
  rest: string;
}

// src/pipewire/conf.c and the daemon's main(): a module its configuration requires did not load, and the daemon
// exits ("could not load mandatory module \"libpipewire-module-protocol-native\": Resource temporarily unavailable",
// then "failed to create context: …"). Nothing of the session's sound runs until it starts.
const NOT_STARTED =
  /^(?:[\w.]+ )?(?:0x[\da-f]+: )?(?:could not load mandatory module "?([^":]+)"?|failed to create context): (.+)$/;
// WirePlumber's daemon ending its start because PipeWire did not answer (src/main.c, WP_EXIT_UNAVAILABLE).
const WIREPLUMBER_NO_PIPEWIRE = /^Failed to connect to PipeWire$/;
// The media session's policy (policy-node.c, in pipewire-media-session or, before 0.3.20, in the daemon itself) found
// no device for a stream and failed it ("no node found for 41, stream error"; its "…, waiting reconnect" is info).
const NO_NODE_FOR_STREAM = /^(?:[\w.-]+ )?(?:0x[\da-f]+: )?no node found for \d+(?:, stream error)?$/;
const POLICY_NODE = 'ms.mod.policy-node';
const POLICY_NODE_OLD = /^\[[EW]\]\[[\d.]+\]\[policy-node\.c:\d+ \w+\(\)\] /;

/** A PipeWire line less its prefixes, or null where the level it printed says it is no error or warning. */
function pipewireLine(message: string): PipewireLine | null {
  const stderr = STDERR_PIPEWIRE_PREFIX.exec(message);
  if (stderr) {
    if (stderr[1] !== 'E' && stderr[1] !== 'W') return null;
    return { old: false, topic: stderr[2], rest: message.slice(stderr[0].length) };
  }
  const old = OLD_PIPEWIRE_PREFIX.exec(message);
  if (old && old[1] !== 'E') return null;
  const text = old ? message.slice(old[0].length) : message;
  const topic = TOPIC.exec(text);
  return { old: old !== null, topic: topic?.[1], rest: topic ? text.slice(topic[0].length) : text };
}

const firstLine = (text: string) => text.split('\n', 1)[0] ?? '';

// WirePlumber's ALSA monitor makes each sound card a device of PipeWire's ALSA plugin, by the SPA factory's name:
// "api.alsa.enum.udev" finds the cards, "api.alsa.acp.device" or "api.alsa.pcm.device" drives one. A factory that
// does not load or start is said by lib/wp/device.c ("SPA handle 'api.alsa.acp.device' could not be loaded; is it
// installed?", a notice: the plugin is missing, or the card's device failed to start), then by the monitor script
// ("Failed to create 'api.alsa.acp.device' device", a warning), and for the whole plugin by 0.4's and 0.5's
// "PipeWire's ALSA SPA plugin is missing or broken". The card, or every card, is not offered to the session. The
// cameras' (api.libcamera.*, api.v4l2.*) and Bluetooth's factories are not sound cards.
const ALSA_FACTORY_FAILED =
  /^(?:[\w-]+: )?(?:SPA handle '(api\.alsa\.[\w.-]+)' could not be loaded\b|Failed to create '(api\.alsa\.[\w.-]+)' device$|PipeWire's ALSA SPA plugin is missing or broken\b)/;
/** The monitor that enumerates the cards, which the plugin's own notice is about. */
const ALSA_MONITOR = 'api.alsa.enum.udev';
// PipeWire's ALSA card layer (spa/plugins/alsa/acp: alsa-ucm.c, acp.c) checking a card's UCM configuration against
// what the card has: a device whose channels the card does not have ("Error in ALSA UCM profile for
// _ucm0007.hw:USB,0 (HiFi: Direct 2: source): CaptureChannels=20 > avail 18"), then for the card "Errors in ALSA UCM
// profile for card Scarlett 18i20", when it marks the card "[ALSA UCM error]" in its description: some of the card's
// inputs or outputs are connected nowhere. Notices, at whatever level the session manager's writer gave them; not its
// first try's debug line, before it opens the device again with every channel it has.
const UCM_PROFILE_ERRORS = /^Errors? in ALSA UCM profile for (?:card (.+)|(\S+) \(.+)$/;

function pipewireProblem(program: string, entry: JournalEntry): DeviceProblem | null {
  if (streamWithoutDevice(entry.message)) return { title: _('No sound device was found for a stream') };
  const line = pipewireLine(entry.message);
  if (!line) return null;
  const { old, topic, rest } = line;
  if (program === 'wireplumber' && WIREPLUMBER_NO_PIPEWIRE.test(rest))
    return { title: format(_('{program} could not start: {reason}'), { program, reason: rest }) };
  const start = NOT_STARTED.exec(rest);
  if (start) return { title: format(_('{program} could not start: {reason}'), { program, reason: start[2] ?? '' }) };
  const lua = program === 'wireplumber' ? LUA_ERROR.exec(firstLine(topic ? `${topic}: ${rest}` : rest)) : null;
  if (lua) return { title: format(_('WirePlumber’s script {script} failed'), { script: lua[1] ?? lua[2] ?? '' }) };
  const factory = program === 'wireplumber' ? ALSA_FACTORY_FAILED.exec(rest) : null;
  if (factory) {
    const device = factory[1] ?? factory[2] ?? ALSA_MONITOR;
    return {
      device,
      title: format(_('WirePlumber could not set up sound cards: PipeWire’s ALSA device {factory} did not start'), {
        factory: device,
      }),
    };
  }
  const ucm = (!topic || topic === 'spa.alsa') && reportedAtInfoOrGraver(entry) ? UCM_PROFILE_ERRORS.exec(rest) : null;
  if (ucm) {
    const device = cleanLine(ucm[1] ?? ucm[2] ?? '', 80);
    return {
      device,
      title: format(
        _('The ALSA UCM profile of {device} does not match the card: some of its inputs or outputs are missing'),
        {
          device,
        },
      ),
    };
  }
  const open = OPEN_FAILED.exec(rest) ?? CONTROL_OPEN.exec(rest);
  if (open && (!topic || topic === 'spa.alsa')) return cannotOpen(open[1] ?? '', open[2] ?? '');
  const node = topic === 'pw.node' ? NODE_ERROR.exec(rest) : null;
  if (node) return cannotOpen(node[1] ?? '', node[2] ?? '');
  const named = !topic && !old ? ALSA_DEVICE.exec(rest) : null;
  const alsa = topic === 'spa.alsa' || (old && /\bsnd_pcm_\w+/.test(rest)) || named !== null;
  const errno = DEVICE_ERRNO.exec(rest) ?? (alsa ? ALSA_ERRNO.exec(rest) : null);
  if (!errno || CLOSING.test(rest) || (!topic && !old && !alsa)) return null;
  const device = (topic === 'spa.alsa' ? SPA_DEVICE.exec(rest)?.[1] : undefined) ?? named?.[1];
  return {
    ...(device && { device }),
    title: format(_('{program} cannot use a sound device: {reason}'), { program, reason: errno[1] ?? '' }),
  };
}

/** The media session's policy failing a stream: in PipeWire's old form, the journal's, or standard error's. */
function streamWithoutDevice(message: string): boolean {
  const old = POLICY_NODE_OLD.exec(message);
  if (old) return NO_NODE_FOR_STREAM.test(message.slice(old[0].length));
  if (message.startsWith(`${POLICY_NODE}: `)) return NO_NODE_FOR_STREAM.test(message.slice(POLICY_NODE.length + 2));
  const line = pipewireLine(message);
  return line?.topic === POLICY_NODE && NO_NODE_FOR_STREAM.test(line.rest);
}

function cannotOpen(quoted: string, reason: string): DeviceProblem {
  const device = quoted.replace(/^'(.*)'$/, '$1');
  return { device, title: format(_('The sound device {device} could not be opened: {reason}'), { device, reason }) };
}

/** PulseAudio's ALSA sink or source failing, named by the device its thread drives ("alsa-sink-ALC256 Analog"). */
function pulseDeviceFailed(thread: string | undefined, text: string): DeviceProblem {
  const device = PULSE_DEVICE_THREAD.exec(thread ?? '')?.[1];
  return {
    ...(device && { device }),
    title: format(_('PulseAudio’s sound device failed: {line}'), { line: cleanLine(text, 160) }),
  };
}

function pulseProblem(entry: JournalEntry): DeviceProblem | null {
  const prefix = PULSE_PREFIX.exec(entry.message);
  // Information and debugging lines: the profile probing tries what may not open.
  if (prefix && (prefix[1] === 'I' || prefix[1] === 'D')) return null;
  const text = prefix ? entry.message.slice(prefix[0].length) : entry.message;
  if (PULSE_NOT_STARTED.test(text)) return { title: _('PulseAudio did not start') };
  if (NO_PROFILE.test(text)) return { title: _('PulseAudio could not set up a sound card') };
  const module = ALSA_MODULE_FAILED.exec(text);
  if (module) {
    const device = CARD_NAME.exec(module[2] ?? '')?.[1];
    return device
      ? { device, title: format(_('PulseAudio could not set up the sound card {device}'), { device }) }
      : { title: _('PulseAudio could not set up a sound card') };
  }
  const errno = DEVICE_ERRNO.exec(text);
  const isError = prefix?.[1] ? prefix[1] === 'E' : entry.priority !== undefined && entry.priority <= LOG_ERR;
  if (ALSA_DRIVER_REPORT.test(text)) return pulseDeviceFailed(prefix?.[2], text);
  if (!isError || CLOSING.test(text)) return null;
  const file = prefix?.[3];
  if (!errno && file !== undefined && PULSE_DEVICE_FILE.test(file)) return pulseDeviceFailed(prefix?.[2], text);
  if (!errno) return null;
  return {
    title: format(_('{program} cannot use a sound device: {reason}'), {
      program: 'pulseaudio',
      reason: errno[1] ?? '',
    }),
  };
}

// The HD-audio controller's codec probe (hda_controller.c, azx_probe_codecs; hda_intel.c and SOF's hda.c before it):
// "no codecs found!", "no hda codecs found!", and "no codecs initialized" where codecs answered but none could be
// created (-ENXIO).
const NO_CODECS = /\bno (?:hda )?codecs (?:found|initialized)\b/i;
// sof: "error: request firmware intel/sof/sof-cfl.ri failed err: -2", "error: tplg request firmware … failed err: -2",
// "SOF firmware and/or topology file not found." (6.8+).
const FIRMWARE_MISSING = /\brequest firmware (\S+) failed err: -\d+|\bSOF firmware and\/or topology file not found\b/;
// sof and ASoC failing to bring the card up: "error: failed to load DSP firmware -2", "error: failed to boot DSP
// firmware -110", "error: sof_probe_work failed
// err: -19", "error: no matching ASoC machine driver found - aborting probe", "ASoC: failed to instantiate card -22".
const PROBE_FAILED =
  /\berror: (?:failed to (?:load|boot) DSP (?:firmware|topology)|sof_probe_work failed)\b|\baborting probe\b|\bASoC: failed to instantiate card\b|\bsnd_soc_register_card failed\b/;
// A codec driver's identity check at probe finding another chip, or none, at the codec's address (Realtek's ASoC
// codecs: rt286.c, rt5640.c, rt5645.c, rt5651.c, rt5670.c…, "Device with ID register 0xffff8d85 is not rt5645 or
// rt5650", -ENODEV): the board's card has no codec to play through.
const CODEC_ABSENT = /^Device with ID register (?:0x)?[\da-f]+ is not \w/i;
// HD-audio's codec configuration finding no driver for a codec, not even the generic parser (hda_bind.c,
// snd_hda_codec_configure: codec_err "Unable to bind the codec", the codec then unregistered; a debug line since 5.16,
// where the controller probes it again).
const CODEC_UNBOUND = /^Unable to bind the codec\b/;
// ALSA's own summary at the end of its start when built into the kernel (sound/last.c): "ALSA device list:" and, where
// no driver registered a card, "  No soundcards found.".
const NO_SOUNDCARDS = /^\s*No soundcards found\.?\s*$/;

// The HD-audio controller and its codecs not talking (hda_controller.c's "No response from codec, resetting bus: last
// cmd=…", "azx_get_response timeout, switching to polling mode", hdac's "CORB reset timeout#2, CORBRP = 65535",
// hda_codec.c's "no AFG or MFG node found": the codec has no audio function the driver could use), whatever the
// level the kernel gave them (some are warnings): the card does not play.
const CODEC_SILENT =
  /\b(?:No response from codec|azx_get_response timeout|CORB reset timeout|no AFG or MFG node found)\b/;

/** What the kernel's sound drivers say when a card does not come up. */
export function kernelProblem(entry: JournalEntry): DeviceProblem | null {
  if (NO_SOUNDCARDS.test(kernelText(entry)))
    return { device: 'ALSA', title: _('No sound card: the kernel found none') };
  const component = kernelComponentOf(entry);
  if (component?.area !== 'sound') return null;
  const { driver, rest } = component;
  const device = component.device || driver;
  if (probeStillPending(rest)) {
    const reason = cleanLine(pendingProbeReason(rest), 120);
    return {
      device,
      title: reason
        ? format(_('No sound card: the kernel never finished setting up {device} ({reason})'), { device, reason })
        : format(_('No sound card: the kernel never finished setting up {device}'), { device }),
    };
  }
  if (NO_CODECS.test(rest))
    return { device, title: format(_('No sound card: {driver} found no codec on {device}'), { driver, device }) };
  const firmware = FIRMWARE_MISSING.exec(rest);
  if (firmware) {
    return firmware[1]
      ? { device, title: format(_('No sound card: the firmware file {file} is missing'), { file: firmware[1] }) }
      : { device, title: format(_('No sound card: the firmware for {device} is missing'), { device }) };
  }
  if (CODEC_SILENT.test(rest))
    return { device, title: format(_('No sound: the sound card’s codec on {device} does not answer'), { device }) };
  if (CODEC_ABSENT.test(rest))
    return { device, title: format(_('No sound card: no {driver} codec answered on {device}'), { driver, device }) };
  if (CODEC_UNBOUND.test(rest))
    return { device, title: format(_('No sound: no driver took the sound card’s codec {device}'), { device }) };
  if (PROBE_FAILED.test(rest) && !probeDeferred(rest))
    return { device, title: format(_('No sound card: {driver} could not set up {device}'), { driver, device }) };
  return null;
}
