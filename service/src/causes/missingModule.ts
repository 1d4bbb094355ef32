// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A module or library a program could not load, in the words its runtime prints (Python, Node, Perl, Ruby, the
// dynamic loader), and the files a package that provides it would install, for PackageKit's SearchFiles. Lines are
// untrusted text: the name is kept only when it is one the runtime could have meant (no path of its own, no spaces),
// and only the package PackageKit answers is ever offered.
import { arch } from 'node:process';

export interface MissingModule {
  runtime: 'python' | 'node' | 'perl' | 'ruby' | 'library';
  /** The module or library as the line names it ("yaml", "JSON::XS", "libssl.so.3"). */
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
  return null;
}
