// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The desktop component whose code a process was running when the kernel stopped it at a fault: the file the kernel's
// line names (causes/kernelFault.ts), which the kernel reads from the process's own mapping of it, as one of the
// component's libraries by the name its project gives it, or as one of the component's programs (findings/writers.ts).
// Not the process's name, which it gives itself. A crash in a component's library is that component failing in
// whatever program loaded it: a sound library crashing a browser leaves it without sound, a printing one its dialog.
import { basename } from 'node:path';

import { kernelFaultOf } from '../causes/kernelFault.js';
import { DESKTOP_WRITERS, type DesktopArea, type DesktopWriter } from '../findings/writers.js';

interface Component {
  area: DesktopArea;
  component: string;
}

const LIBRARIES: readonly (Component & { file: RegExp })[] = [
  // PipeWire's libraries and SPA plug-ins: libpipewire-0.3.so.0, libpipewire-module-protocol-native.so, libspa-alsa.so.
  { file: /^lib(?:pipewire|spa)-/, area: 'sound', component: 'PipeWire' },
  { file: /^libwireplumber-/, area: 'sound', component: 'WirePlumber' },
  // libpulse.so.0, libpulse-simple.so.0, libpulsecore-16.1.so, libpulsecommon-16.1.so.
  { file: /^libpulse(?:core|common)?[-.]/, area: 'sound', component: 'PulseAudio' },
  { file: /^libasound\.so/, area: 'sound', component: 'ALSA' },
  { file: /^libcups(?:image)?\.so/, area: 'printing', component: 'CUPS' },
  { file: /^lib(?:cupsfilters|ppd)\.so/, area: 'printing', component: 'cups-filters' },
  { file: /^libgutenprint\.so/, area: 'printing', component: 'Gutenprint' },
  // HPLIP's, and its binary plug-in's libImageProcessor-x86_64.so.
  { file: /^lib(?:hpmud|hpip)\.so|^libImageProcessor-/, area: 'printing', component: 'HPLIP' },
  { file: /^libbluetooth\.so/, area: 'bluetooth', component: 'BlueZ' },
];

// The shell's programs are the extensions kind's (a crash of GNOME Shell), and the login screen runs the same ones; a
// writer that is a script (fake-hwclock) lists the shells that run it, which are nobody's component.
const SCRIPT_RUNNERS = new Set(['sh', 'dash', 'bash']);
const ownsPrograms = (area: DesktopArea, runsAs: DesktopWriter['runsAs'], files: readonly string[]) =>
  area !== 'shell' && runsAs !== 'greeter' && !files.some((file) => SCRIPT_RUNNERS.has(basename(file)));

let programs: ReadonlyMap<string, Component> | undefined;

/** Each component's programs by file name, as the kernel names the file of a program's own code. */
function programsByFile(): ReadonlyMap<string, Component> {
  programs ??= new Map(
    DESKTOP_WRITERS.flatMap(({ area, title, programs: files, runsAs }) =>
      area !== undefined && ownsPrograms(area, runsAs, files)
        ? files.map((file) => [basename(file), { area, component: title }] as const)
        : [],
    ),
  );
  return programs;
}

export interface FaultedComponent extends Component {
  /** The process, as it named itself. */
  comm: string;
  /** The file the kernel names. */
  object: string;
}

/** The desktop component a kernel line (without dmesg's time) says a process faulted in, or null. */
export function faultedComponentOf(text: string): FaultedComponent | null {
  const fault = kernelFaultOf(text);
  const object = fault?.object;
  if (!fault || object === undefined) return null;
  const component = LIBRARIES.find((library) => library.file.test(object)) ?? programsByFile().get(object);
  return component ? { area: component.area, component: component.component, comm: fault.comm, object } : null;
}
