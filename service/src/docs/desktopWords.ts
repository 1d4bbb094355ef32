// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A desktop's words for what man pages name otherwise: a person asks for a "folder", an "app", the
// "speakers"; the pages say "directory", "application", "sink". Each group is words that name one thing,
// the man pages' word among them, as the pages themselves define it. A question's word finds passages
// with any word of its group, which count for less than the word itself. General words only: a table of one
// page's options would be a second index. Words the pages set apart are not grouped: apt-get(8)'s update
// reads the package lists, its upgrade installs.
const GROUPS: readonly (readonly string[])[] = [
  // coreutils, find, rsync and tar say "directory"; GNOME's Files says "folder".
  ['folder', 'folders', 'directory', 'directories'],
  // flatpak(1): "applications"; GNOME and phones: "apps".
  ['app', 'apps', 'application', 'applications'],
  // pactl(1): "sinks" are where sound is played, "sources" where it is recorded.
  ['speaker', 'speakers', 'headphones', 'sink'],
  ['microphone', 'mic', 'source'],
  // free(1), du(1), df(1): sizes in "mebibytes" (--mebi) and "gibibytes"; people say megabytes.
  ['megabytes', 'mebibytes', 'mebi'],
  ['gigabytes', 'gibibytes', 'gibi'],
  ['kilobytes', 'kibibytes', 'kibi'],
  // locale(7), localectl(1): the "locale" sets the language.
  ['language', 'locale'],
  // localectl(1): the keyboard's layout is its "keymap".
  ['layout', 'keymap'],
  // busctl(1), gsettings(1), udevadm(8) "monitor"; people watch.
  ['watch', 'monitor'],
  // systemd.service(5) and coredumpctl(1): a program that crashed "failed" or dumped core.
  ['crash', 'crashes', 'crashed', 'crashing', 'failure', 'core'],
  // grep(1) "searches for PATTERNS"; people search for a text, a word, a string.
  ['text', 'word', 'string', 'pattern', 'patterns'],
  // The pages print, show, display and list alike.
  ['show', 'print', 'display'],
  // Packages are removed, files deleted, people say either.
  ['delete', 'remove', 'uninstall'],
  // Settings are configuration to the pages.
  ['settings', 'setting', 'configuration', 'config'],
  // A computer is the pages' "machine" or "host".
  ['computer', 'machine', 'host'],
  // A drive or stick is a "disk" (lsblk(8), udisksctl(1)).
  ['drive', 'stick', 'disk'],
  // df(1) and du(1) report "space usage", journalctl(1) the journal's --disk-usage: people ask for the space.
  ['space', 'usage'],
  // journalctl(1) queries the systemd journal, whose "log entries" are what people call the logs.
  ['log', 'logs', 'journal'],
  // systemd-analyze(1) prints how long the boot took as "Startup finished in …".
  ['boot', 'startup'],
  // ln(1) "make links between files": what a desktop calls a shortcut.
  ['shortcut', 'link', 'symlink'],
  // shred(1) "overwrite a file to hide its contents": people erase or wipe it.
  ['erase', 'wipe', 'overwrite'],
  // systemd-detect-virt(1) detects "a virtualized environment": people ask about a virtual machine.
  ['virtual', 'virtualized', 'virtualization'],
  // passwd(1), login(1): an "account" is a user's.
  ['account', 'user'],
  // A program that runs is a "process" or a "command".
  ['program', 'process', 'command'],
  // Suspend is sleep to systemd-sleep(8) and logind.conf(5).
  ['suspend', 'suspending', 'sleep'],
  // Unpacking an archive is extracting it.
  ['unpack', 'extract'],
  // journalctl(1) "vacuums" the journal; resize2fs(8) "shrinks" a file system, lvreduce(8) "reduces" a volume.
  ['shrink', 'reduce', 'vacuum'],
  // systemd.resource-control(5) caps with "MemoryMax=" and "CPUQuota=", limits.conf(5) with "limits".
  ['limit', 'cap', 'max', 'maximum', 'quota'],
  // systemctl(1) "reset-failed", resolvectl(1) "flush-caches", ip(8) "flush": what people clear.
  ['clear', 'reset', 'flush'],
  // dpkg-query(1) -S searches for "packages that own files"; people ask which package a file belongs to.
  ['owns', 'own', 'owner', 'belongs'],
  // sudoers(5) "NOPASSWD", passwd(1): the pages' spelling of a password.
  ['password', 'passwd'],
  // sshd_config(5) "PasswordAuthentication", "PubkeyAuthentication": logging in is authenticating.
  ['login', 'logon', 'authentication'],
];

const ALTERNATIVES = new Map<string, readonly string[]>(
  GROUPS.flatMap((group) => group.map((word): [string, readonly string[]] => [word, group.filter((w) => w !== word)])),
);

/** The other words of `word`'s group, none when it has none. */
export function alternativesOf(word: string): readonly string[] {
  return ALTERNATIVES.get(word) ?? [];
}
