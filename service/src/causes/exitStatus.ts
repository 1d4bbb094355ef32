// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The exit statuses a unit's main process ends with that say more than "an error": systemd's own for a step of
// setting the process up that failed before the program ran, the LSB statuses systemd names, and those the shell
// and the dynamic loader give when the program did not run at all (src/basic/exit-status.c).
import { _, format, N_ } from '../i18n.js';

/**
 * systemd's exit statuses for a step of setting up the process that failed before the program ran
 * (src/basic/exit-status.c, "EXIT_CHDIR" … "EXIT_BPF"); each names what is missing or refused.
 */
export const SETUP_EXIT_STATUSES: Readonly<Record<number, string>> = {
  200: 'CHDIR',
  201: 'NICE',
  202: 'FDS',
  203: 'EXEC',
  204: 'MEMORY',
  205: 'LIMITS',
  206: 'OOM_ADJUST',
  207: 'SIGNAL_MASK',
  208: 'STDIN',
  209: 'STDOUT',
  210: 'CHROOT',
  211: 'IOPRIO',
  212: 'TIMERSLACK',
  213: 'SECUREBITS',
  214: 'SETSCHEDULER',
  215: 'CPUAFFINITY',
  216: 'GROUP',
  217: 'USER',
  218: 'CAPABILITIES',
  219: 'CGROUP',
  220: 'SETSID',
  221: 'CONFIRM',
  222: 'STDERR',
  224: 'PAM',
  225: 'NETWORK',
  226: 'NAMESPACE',
  227: 'NO_NEW_PRIVILEGES',
  228: 'SECCOMP',
  229: 'SELINUX_CONTEXT',
  230: 'PERSONALITY',
  231: 'APPARMOR_PROFILE',
  232: 'ADDRESS_FAMILIES',
  233: 'RUNTIME_DIRECTORY',
  235: 'CHOWN',
  236: 'SMACK_PROCESS_LABEL',
  237: 'KEYRING',
  238: 'STATE_DIRECTORY',
  239: 'CACHE_DIRECTORY',
  240: 'LOGS_DIRECTORY',
  241: 'CONFIGURATION_DIRECTORY',
  242: 'NUMA_POLICY',
  243: 'CREDENTIALS',
  245: 'BPF',
};

/** Setup steps whose failure can pass without a change to the unit: memory or a cgroup short for a moment. */
export const PASSING_SETUP_STEPS: ReadonlySet<string> = new Set(['MEMORY', 'CGROUP']);

/** What each setup step needs, in words, for the explanation. */
const SETUP_NEEDS: Readonly<Record<string, string>> = {
  EXEC: N_('the program in ExecStart= (missing or not executable)'),
  USER: N_('the user in User= (no such user)'),
  GROUP: N_('the group in Group= (no such group)'),
  CHDIR: N_('the directory in WorkingDirectory= (missing)'),
  NAMESPACE: N_('the paths its sandboxing settings name (ReadWritePaths=, PrivateTmp=…)'),
  CREDENTIALS: N_('the credentials in LoadCredential=/SetCredential='),
  CHROOT: N_('the directory in RootDirectory='),
  ENVIRONMENT_FILE: N_('the file in EnvironmentFile= (missing or unreadable)'),
  STDIN: N_('the file or socket given as its standard input'),
  STDOUT: N_('the file or socket given as its standard output'),
  STDERR: N_('the file or socket given as its standard error'),
  PAM: N_('the PAM session its PAMName= names'),
  APPARMOR_PROFILE: N_('the AppArmor profile in AppArmorProfile='),
  SELINUX_CONTEXT: N_('the SELinux context in SELinuxContext='),
  RUNTIME_DIRECTORY: N_('its RuntimeDirectory='),
  STATE_DIRECTORY: N_('its StateDirectory='),
  CACHE_DIRECTORY: N_('its CacheDirectory='),
  LOGS_DIRECTORY: N_('its LogsDirectory='),
  CONFIGURATION_DIRECTORY: N_('its ConfigurationDirectory='),
};

export function setupNeeds(step: string): string {
  const needs = SETUP_NEEDS[step];
  return needs ? _(needs) : format(_('what its {step} step sets up'), { step });
}

/** The LSB exit statuses systemd names (src/basic/exit-status.c) beside its own 2xx setup steps. */
export const LSB_EXIT_STATUSES: Readonly<Record<number, string>> = {
  1: 'FAILURE',
  2: 'INVALIDARGUMENT',
  3: 'NOTIMPLEMENTED',
  4: 'NOPERMISSION',
  5: 'NOTINSTALLED',
  6: 'NOTCONFIGURED',
  7: 'NOTRUNNING',
};

/** What the statuses that the dynamic loader and shells exit with say: the program did not run at all. */
export const NOT_RUN_STATUSES: Readonly<Record<number, string>> = {
  126: N_('a program it runs is there but could not be executed'),
  127: N_('a program it runs, or a shared library the program needs, was not found'),
};
