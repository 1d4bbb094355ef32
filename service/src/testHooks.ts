// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Test hooks: environment variables with which the detection corpus
// (test/corpus) makes a machine of its own the service's, where that machine
// cannot be a real one. Unset in every real session; the service logs each one
// that is set, so that one never goes unnoticed. Every read of them is here, behind
// STEWARD_RELEASE: a release build (build/build.mjs --release) leaves them out.

export interface TestHooks {
  /**
   * STEWARD_TEST_SYSTEM_JOURNAL: a journal directory that stands for the machine's system journal. The
   * journal.system source follows it, and info.show_logs reads it where it would read `--system`.
   */
  systemJournal?: string;
  /**
   * STEWARD_TEST_USER_JOURNAL: a journal directory that stands for the user's journal, holding only the user's
   * own lines. The journal.user source follows it, and info.show_logs reads it where it would read `--user`.
   */
  userJournal?: string;
  /**
   * STEWARD_TEST_CONFIG_ROOT: a directory that stands for the machine's `/` where config.show_error reads a
   * configuration file (/etc/nginx/nginx.conf is read as <root>/etc/nginx/nginx.conf) and config.validate
   * looks for it, and where a proposal about a file looks whether it is still there (fixes/goneWatch.ts); their
   * rules on which files they show or check apply to the path as the program named it.
   */
  configRoot?: string;
  /**
   * STEWARD_TEST_DPKG_ROOT: a directory that stands for the machine's `/` where dpkg's database is read
   * (<root>/var/lib/dpkg/status and updates/): what packages.repair_system would finish, and whether it did;
   * also where info.gpu_driver_versions, info.filesystem_errors, info.block_device, info.memory_use and info.thermal
   * read the kernel's files (<root>/sys, <root>/proc).
   */
  dpkgRoot?: string;
  /**
   * STEWARD_TEST_PROGRAMS_ROOT: a directory that stands for the machine's `/` where the desktop components' programs
   * and the package database that lists them are read (findings/writers.ts): the programs of the session whose
   * journal a test gives the service (the desktop gym's root filesystem, the corpus's machine).
   */
  programsRoot?: string;
  /**
   * STEWARD_TEST_SESSION_UID: the session's user, where a test runs the service as another (as root, for the
   * corpus's cases and the desktop gym's session of uid 1000): whose lines are the session's (findings/writers.ts).
   */
  sessionUid?: number;
  /**
   * STEWARD_TEST_JOURNAL_SOCKET: a Unix stream socket that stands for journald's /run/systemd/journal/stdout,
   * where the service sends its log when stderr is not the journal; a path with no socket stands for a machine
   * without journald, so the log goes to steward.log in the state directory.
   */
  journalSocket?: string;
  /**
   * STEWARD_TEST_DOCS_ROOT: a directory that stands for the machine's `/` where the documentation index looks
   * for man pages and documents (/usr/share/man is read as <root>/usr/share/man), so that a test's service
   * does not index the test machine's documentation in the background.
   */
  docsRoot?: string;
  /**
   * STEWARD_TEST_NIXOS_ROOT: a directory that stands for the machine's `/` where the service looks for NixOS
   * (<root>/etc/NIXOS, <root>/run/current-system) and its configuration (<root>/etc/nixos).
   */
  nixosRoot?: string;
  /**
   * STEWARD_TEST_GPU_ROOT: a directory that stands for the machine's `/` where the GPU facts are read
   * (<root>/dev/nvidiactl, <root>/dev/dri, <root>/usr/share/vulkan/icd.d, <root>/proc/driver/nvidia/version).
   */
  gpuRoot?: string;
  /**
   * STEWARD_TEST_BACKEND_STAND_IN: a module the backend probe loads in place of node-llama-cpp's build for the
   * backends it names, standing in for a GPU that cannot run here.
   */
  backendStandIn?: string;
  /**
   * STEWARD_TEST_REDACTION_GATE: a file the redaction thread waits for before it redacts a long text, having
   * written the count of texts held so far to <gate>.held; it removes the gate as it goes on. A test so holds a
   * redaction under way for as long as it needs, and sees what the service answers meanwhile.
   */
  redactionGate?: string;
  /**
   * STEWARD_TEST_MICROPHONE_STAND_IN: a 16-bit mono WAV file that stands in for the microphone: each Listen
   * hears it in real time, then silence.
   */
  microphoneStandIn?: string;
  /**
   * STEWARD_TEST_SPEAKER_STAND_IN: a directory that stands in for the loudspeaker: what Speak reads aloud is
   * written there as WAV files (utterance-1.wav, …).
   */
  speakerStandIn?: string;
  /**
   * STEWARD_TEST_UPTIME_SECONDS: how long the machine stands for having run when the service starts (counting on
   * from there): the clock judges a clock never synchronised against it, where a test's machine has just booted or
   * has run for days.
   */
  uptimeSeconds?: number;
}

const absolute = (value: string | undefined) => (value?.startsWith('/') && value.length > 1 ? value : undefined);

// hooksFrom and probeEnvFrom are reached only through the branch that STEWARD_RELEASE rules out: esbuild keeps
// the dead branch's text but leaves out what only it uses, which is every name of a hook.
export function testHooks(env: NodeJS.ProcessEnv = process.env): TestHooks {
  return STEWARD_RELEASE ? {} : hooksFrom(env);
}

/** The environment that hands the backend probe its one hook, the stand-in; undefined without it. */
export function backendProbeEnv(hooks: TestHooks): NodeJS.ProcessEnv | undefined {
  return STEWARD_RELEASE ? undefined : probeEnvFrom(hooks);
}

function probeEnvFrom({ backendStandIn }: TestHooks): NodeJS.ProcessEnv | undefined {
  return backendStandIn ? { STEWARD_TEST_BACKEND_STAND_IN: backendStandIn } : undefined;
}

function hooksFrom(env: NodeJS.ProcessEnv): TestHooks {
  const systemJournal = absolute(env.STEWARD_TEST_SYSTEM_JOURNAL);
  const userJournal = absolute(env.STEWARD_TEST_USER_JOURNAL);
  const configRoot = absolute(env.STEWARD_TEST_CONFIG_ROOT);
  const dpkgRoot = absolute(env.STEWARD_TEST_DPKG_ROOT);
  const journalSocket = absolute(env.STEWARD_TEST_JOURNAL_SOCKET);
  const docsRoot = absolute(env.STEWARD_TEST_DOCS_ROOT);
  const nixosRoot = absolute(env.STEWARD_TEST_NIXOS_ROOT);
  const gpuRoot = absolute(env.STEWARD_TEST_GPU_ROOT);
  const backendStandIn = absolute(env.STEWARD_TEST_BACKEND_STAND_IN);
  const redactionGate = absolute(env.STEWARD_TEST_REDACTION_GATE);
  const microphoneStandIn = absolute(env.STEWARD_TEST_MICROPHONE_STAND_IN);
  const speakerStandIn = absolute(env.STEWARD_TEST_SPEAKER_STAND_IN);
  const programsRoot = absolute(env.STEWARD_TEST_PROGRAMS_ROOT);
  const sessionUid = /^\d{1,10}$/.test(env.STEWARD_TEST_SESSION_UID ?? '')
    ? Number(env.STEWARD_TEST_SESSION_UID)
    : undefined;
  const uptimeSeconds = /^\d{1,10}$/.test(env.STEWARD_TEST_UPTIME_SECONDS ?? '')
    ? Number(env.STEWARD_TEST_UPTIME_SECONDS)
    : undefined;
  return {
    ...(systemJournal && { systemJournal }),
    ...(userJournal && { userJournal }),
    ...(configRoot && { configRoot }),
    ...(dpkgRoot && { dpkgRoot }),
    ...(journalSocket && { journalSocket }),
    ...(docsRoot && { docsRoot }),
    ...(nixosRoot && { nixosRoot }),
    ...(gpuRoot && { gpuRoot }),
    ...(backendStandIn && { backendStandIn }),
    ...(redactionGate && { redactionGate }),
    ...(microphoneStandIn && { microphoneStandIn }),
    ...(speakerStandIn && { speakerStandIn }),
    ...(programsRoot && { programsRoot }),
    ...(sessionUid !== undefined && { sessionUid }),
    ...(uptimeSeconds !== undefined && { uptimeSeconds }),
  };
}
