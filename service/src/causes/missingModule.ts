// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A module, library or command a program could not load or run, in the words its runtime prints (Python, Node, Perl,
// Ruby, the dynamic loader, the shell's status 127), and the files a package that provides it would install, for
// PackageKit's SearchFiles. Lines are
// untrusted text: the name is kept only when it is one the runtime could have meant (no path of its own, no spaces),
// and only the package PackageKit answers is ever offered.
import { arch } from 'node:process';

export interface MissingModule {
  runtime: 'python' | 'node' | 'perl' | 'ruby' | 'library' | 'command';
  /** The module, library or command as the line names it ("yaml", "JSON::XS", "libssl.so.3", "rsync"). */
  name: string;
  /** Absolute paths the providing package would install, any one of which is enough. */
  files: string[];
}

// Python 3's "ModuleNotFoundError: No module named 'yaml'", Python 2's "ImportError: No module named yaml".
const PYTHON = /\bNo module named '?([A-Za-z_][\w.]*)'?/;
// Node's require(): "Cannot find module 'express'"; its ESM loader: "Cannot find package 'express' imported from …".
// A name starts with a letter or digit (npm's rule): "./routes" and "/srv/app/x.js" are the program's own files.
const NODE = /\bCannot find (?:module|package) '((?:@\w[\w.-]*\/)?\w[\w.-]*)(?:\/[^']*)?'/;
// "Can't locate JSON/XS.pm in @INC (you may need to install the JSON::XS module) (@INC contains: /etc/perl …)";
// Perl 5.38 says "(@INC entries checked: …)".
const PERL = /\bCan't locate ((?:\w+\/)*\w+\.pm) in @INC\b/;
const PERL_INC = /\(@INC (?:contains|entries checked): ([^)]*)\)/;
// Ruby: "cannot load such file -- nokogiri (LoadError)".
const RUBY = /\bcannot load such file -- ([\w./-]+)/;
// ld.so: "/usr/bin/x: error while loading shared libraries: libssl.so.3: cannot open shared object file".
const LIBRARY = /error while loading shared libraries: ([\w.+-]+\.so(?:\.[\d.]+)?): cannot open shared object file/;

// The shell's status 127, a command not on its PATH: dash's "sh: 1: rsync: not found" (a script's "/x.sh: 3: …", its
// exec builtin's "exec: rsync: not found"), bash's "bash: line 1: rsync: command not found", busybox's "sh: rsync: not
// found", zsh's "zsh:1: command not found: rsync", and env's "/usr/bin/env: ‘python’: No such file or directory".
// A name with a '/' is a file of the program's own, not a package's command.
const COMMAND = String.raw`([\w][\w.+-]*)`;
const SHELL_NOT_FOUND = new RegExp(
  String.raw`(?:^|\s)(?:\/[\w./+-]*|(?:ba|da|k|z|a)?sh)(?:: (?:line )?\d+)?: (?:exec: )?${COMMAND}: (?:command )?not found\b`,
);
const ZSH_NOT_FOUND = new RegExp(String.raw`\bzsh:(?:\d+:)? command not found: ${COMMAND}`);
const ENV_NOT_FOUND = new RegExp(String.raw`\benv: ['‘"]${COMMAND}['’"]: No such file or directory`);
/** Where a package puts a command: the usual bin folders of a PATH. */
const BIN_DIRS = ['/usr/bin', '/usr/sbin', '/bin', '/sbin'];

/** The command the shell (or env) could not find, or null. */
export function missingCommandIn(line: string): string | null {
  return SHELL_NOT_FOUND.exec(line)?.[1] ?? ZSH_NOT_FOUND.exec(line)?.[1] ?? ENV_NOT_FOUND.exec(line)?.[1] ?? null;
}

/** Where Debian's multiarch libraries live for this machine's architecture. */
const TRIPLET: Record<string, string> = {
  x64: 'x86_64-linux-gnu',
  arm64: 'aarch64-linux-gnu',
  arm: 'arm-linux-gnueabihf',
  ia32: 'i386-linux-gnu',
  ppc64: 'powerpc64le-linux-gnu',
  riscv64: 'riscv64-linux-gnu',
  s390x: 's390x-linux-gnu',
};

/** The module the line says could not be loaded, with the files to search for; `pythonDirs` are this machine's. */
export function missingModuleIn(line: string, pythonDirs: readonly string[] = []): MissingModule | null {
  const python = PYTHON.exec(line)?.[1];
  if (python) {
    // A package's own folder (its __init__.py) or a single module's file, for "a.b" the top package "a".
    const top = python.split('.')[0] ?? python;
    const dirs = ['/usr/lib/python3/dist-packages', ...pythonDirs.map((dir) => `${dir}/site-packages`)];
    return {
      runtime: 'python',
      name: python,
      files: dirs.flatMap((dir) => [`${dir}/${top}/__init__.py`, `${dir}/${top}.py`]),
    };
  }
  const node = NODE.exec(line)?.[1];
  if (node) {
    const dirs = ['/usr/share/nodejs', '/usr/lib/nodejs', '/usr/lib/node_modules'];
    return { runtime: 'node', name: node, files: dirs.map((dir) => `${dir}/${node}/package.json`) };
  }
  const perl = PERL.exec(line)?.[1];
  if (perl) {
    // A package installs under /usr, never under /usr/local (the administrator's own).
    const inc = (PERL_INC.exec(line)?.[1] ?? '')
      .split(/\s+/)
      .filter((dir) => dir.startsWith('/usr/') && !dir.startsWith('/usr/local/'));
    const dirs = inc.length > 0 ? inc : ['/usr/share/perl5', `/usr/lib/${TRIPLET[arch] ?? arch}/perl5`];
    return {
      runtime: 'perl',
      name: perl.replace(/\.pm$/, '').replaceAll('/', '::'),
      files: dirs.map((dir) => `${dir}/${perl}`),
    };
  }
  const ruby = RUBY.exec(line)?.[1];
  if (ruby && !ruby.startsWith('/') && !ruby.split('/').includes('..')) {
    const dirs = ['/usr/lib/ruby/vendor_ruby', '/usr/share/ruby/vendor_ruby', '/usr/share/rubygems-integration/all'];
    return { runtime: 'ruby', name: ruby, files: dirs.map((dir) => `${dir}/${ruby}.rb`) };
  }
  const library = LIBRARY.exec(line)?.[1];
  if (library) {
    const triplet = TRIPLET[arch];
    const dirs = [...(triplet ? [`/usr/lib/${triplet}`, `/lib/${triplet}`] : []), '/usr/lib64', '/usr/lib'];
    return { runtime: 'library', name: library, files: dirs.map((dir) => `${dir}/${library}`) };
  }
  const command = missingCommandIn(line);
  if (command) return { runtime: 'command', name: command, files: BIN_DIRS.map((dir) => `${dir}/${command}`) };
  return null;
}
