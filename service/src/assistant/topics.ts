// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What a question or a finding is about, told by its words (a keyword match:
// cheap, predictable, never the model): each topic names the tools that look
// at it and the catalog's actions that act on it. Every tool's description and
// every action propose_action lists is prompt that a laptop CPU evaluates
// before the first word of an answer, so a question is shown its topics' tools
// and actions, not all of them.

export interface Topic {
  /** Word stems that point to it; a stem with a space or a path character is looked for in the whole text. */
  words: readonly string[];
  /** The tools that look at it. */
  tools: readonly string[];
  /** The catalog's actions for it: whole names, or a namespace ending in '.'. */
  actions: readonly string[];
}

const DOCS_WORDS = [
  'how to',
  'how do',
  'how can',
  'option',
  'flag',
  'man',
  'manual',
  'doc',
  'command',
  'config',
  'setting',
  'syntax',
  'parameter',
  'argument',
  'switch',
  '--',
];

const PACKAGE_ACTIONS = ['packages.', 'info.dpkg_audit'];

export const TOPICS: readonly Topic[] = [
  {
    words: ['disk', 'space', 'full', 'storage', 'drive', 'partition', 'save', 'saving', 'inode', 'big', 'large'],
    tools: ['disk_usage'],
    actions: [
      'files.',
      'journal.vacuum',
      'info.disk_usage',
      'info.inode_usage',
      'info.block_device',
      'info.disk_health',
      'info.filesystem_errors',
      'info.path_mount',
    ],
  },
  {
    words: ['slow', 'hot', 'fan', 'loud', 'cpu', 'memory', 'ram', 'process', 'program', 'busy', 'freez', 'hang', 'lag'],
    tools: ['top_processes'],
    actions: ['info.memory_use', 'info.oom_kill', 'info.thermal', 'info.lock_holder', 'info.port_holder'],
  },
  {
    words: [
      'service',
      'unit',
      'daemon',
      'timer',
      'start',
      'boot',
      'running',
      'failed',
      'crash',
      'backup',
      'print',
      'bluetooth',
    ],
    tools: ['unit_status'],
    actions: ['systemd.', 'info.unit_failure', 'info.path_access', 'info.open_files', 'info.coredump'],
  },
  {
    words: [
      'log',
      'journal',
      'error',
      'fail',
      'crash',
      'happen',
      'why',
      'warning',
      'boot',
      'yesterday',
      'night',
      'morning',
      'today',
    ],
    tools: ['search_journal'],
    actions: ['info.show_logs', 'info.auth_attempts'],
  },
  {
    words: [
      'network',
      'internet',
      'wifi',
      'wi-fi',
      'wlan',
      'ethernet',
      'connect',
      'online',
      'offline',
      'dns',
      'vpn',
      'web',
      'router',
    ],
    tools: ['network_status'],
    actions: [
      'network.',
      'info.dns_servers',
      'info.link_state',
      'info.network_device',
      'info.port_holder',
      'info.addresses',
    ],
  },
  {
    words: ['install', 'package', 'app', 'application', 'program', 'software', 'update', 'upgrade'],
    tools: ['search_packages'],
    actions: PACKAGE_ACTIONS,
  },
  {
    words: ['install', 'package', 'version', 'update', 'upgrade'],
    tools: ['package_status'],
    actions: PACKAGE_ACTIONS,
  },
  {
    words: ['fix', 'proposal', 'proposed', 'suggest', 'pending', 'approve', 'apply', 'applied'],
    tools: ['list_proposals'],
    actions: [],
  },
  {
    words: ['audit', 'history', 'applied', 'undo', 'undid', 'changed', 'did you', 'last fix'],
    tools: ['audit_history'],
    actions: [],
  },
  {
    words: ['file', 'config', 'setting', '.conf', '.ini', '/', '~'],
    tools: ['read_file'],
    actions: ['config.', 'info.lock_holder'],
  },
  // On NixOS, in place of search_packages and package_status: installing is editing the declaration.
  {
    words: [
      'nixos',
      'nix',
      'configuration',
      'install',
      'remove',
      'uninstall',
      'enable',
      'disable',
      'generation',
      'rollback',
      'roll back',
      'home-manager',
      'home manager',
      'flake',
    ],
    tools: ['nixos_config'],
    actions: ['nixos.'],
  },
  {
    words: ['nixos', 'nix', 'install', 'package', 'app', 'application', 'program', 'software', 'option', 'enable'],
    tools: ['nixos_search'],
    actions: ['nixos.'],
  },
  // The documentation: a question about how to do something, or about a command's options and settings.
  { words: DOCS_WORDS, tools: ['search_docs', 'read_doc'], actions: [] },
  // A program that crashed: its core dump, and a newer version of it.
  {
    words: ['crash', 'coredump', 'segfault', 'sigsegv', 'abort'],
    tools: [],
    actions: ['info.coredump', 'packages.update', 'flatpak.update'],
  },
  // The desktop's parts, which no tool of their own looks at: their findings and playbooks do.
  {
    words: ['bluetooth', 'headphone', 'headset', 'earbud', 'pair', 'wireless'],
    tools: [],
    actions: ['bluetooth.', 'info.bluetooth'],
  },
  { words: ['print'], tools: [], actions: ['printing.', 'info.printer'] },
  {
    words: ['sound', 'audio', 'speaker', 'volume', 'mute', 'headphone', 'microphone', 'pipewire', 'pulse'],
    tools: [],
    actions: ['sound.', 'info.sound'],
  },
  { words: ['clock', 'time', 'date', 'ntp', 'timezone'], tools: [], actions: ['clock.', 'info.clock'] },
  { words: ['extension', 'gnome', 'shell', 'panel', 'top bar'], tools: [], actions: ['extensions.', 'info.extension'] },
  {
    words: ['gpu', 'graphic', 'driver', 'nvidia', 'display', 'screen'],
    tools: [],
    actions: ['info.gpu_driver_versions'],
  },
];

/**
 * Listed for every question, whatever its topics: looking at a program's logs
 * and restarting a service suit most problems a question does not name.
 */
export const CORE_ACTIONS: readonly string[] = ['info.show_logs', 'systemd.restart_unit'];

// What a question is about is said at its start: a pasted log after it would only cost time, for every topic.
const TEXT_HEAD = 2000;

const wordsOf = (text: string) => text.split(/[^\p{L}\p{N}./~-]+/u).filter(Boolean);

function mentions(text: string, topic: Topic): boolean {
  const lower = text.slice(0, TEXT_HEAD).toLowerCase();
  const words = wordsOf(lower);
  return topic.words.some((stem) =>
    /[\s/~.]/.test(stem) ? lower.includes(stem) : words.some((word) => word.startsWith(stem)),
  );
}

/** The topics a question's words point to. */
export const topicsOf = (text: string): Topic[] => TOPICS.filter((topic) => mentions(text, topic));

/**
 * The topics of a finding, from its kind and subject split into words
 * ("unit-failed", "NetworkManager.service" → unit, failed, networkmanager,
 * service): Steward names its kinds, and a subject is a unit, a device or a
 * path, whose parts say what it is.
 */
export const topicsOfFinding = (finding: { kind: string; subject: string }): Topic[] =>
  topicsOf(`${finding.kind} ${finding.subject}`.replace(/[^\p{L}\p{N}]+/gu, ' '));

const covers = (pattern: string, name: string) => (pattern.endsWith('.') ? name.startsWith(pattern) : name === pattern);

/** Whether a topic lists the action; one no topic lists (a new one) is listed for every question, so none is lost. */
const inAnyTopic = (name: string) => TOPICS.some((topic) => topic.actions.some((pattern) => covers(pattern, name)));

/** The actions of `all` for these topics: the core ones, the topics' own, and those no topic lists, in `all`'s order. */
export function actionsFor(topics: readonly Topic[], all: readonly string[]): string[] {
  const patterns = [...CORE_ACTIONS, ...topics.flatMap((topic) => topic.actions)];
  return all.filter((name) => !inAnyTopic(name) || patterns.some((pattern) => covers(pattern, name)));
}

/** Whether a topic names the tool; one no topic names (a new one) is offered to every question. */
export const inAnyTopicTools = (tool: string) => TOPICS.some((topic) => topic.tools.includes(tool));
