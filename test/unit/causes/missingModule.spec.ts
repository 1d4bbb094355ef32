// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The lines as the runtimes print them: CPython 3 (ModuleNotFoundError, import.c's "No module named %R") and 2,
// Node 20's CommonJS and ESM loaders, Perl 5.36 and 5.38, Ruby 3's require, glibc's ld.so.
import { arch } from 'node:process';

import { missingModuleIn } from '../../../service/src/causes/missingModule.js';

describe('a module a program could not load', () => {
  it('reads Python’s module, and searches its package folder and single file where packages install them', () => {
    const found = missingModuleIn("ModuleNotFoundError: No module named 'yaml.constructor'", ['/usr/lib/python3.12']);
    expect(found).toEqual({
      runtime: 'python',
      name: 'yaml.constructor',
      files: [
        '/usr/lib/python3/dist-packages/yaml/__init__.py',
        '/usr/lib/python3/dist-packages/yaml.py',
        '/usr/lib/python3.12/site-packages/yaml/__init__.py',
        '/usr/lib/python3.12/site-packages/yaml.py',
      ],
    });
    expect(missingModuleIn('ImportError: No module named requests')?.name).toBe('requests');
  });

  it('reads Node’s require() and ESM loader, scoped packages whole and a file inside one as its package', () => {
    expect(missingModuleIn("Error: Cannot find module 'express'")?.files).toContain(
      '/usr/share/nodejs/express/package.json',
    );
    const esm = "Error [ERR_MODULE_NOT_FOUND]: Cannot find package '@fastify/static' imported from /srv/app/index.js";
    expect(missingModuleIn(esm)?.name).toBe('@fastify/static');
    expect(missingModuleIn("Error: Cannot find module 'lodash/fp'")?.name).toBe('lodash');
  });

  it('leaves a program’s own missing file to the path checks: it is no package', () => {
    expect(missingModuleIn("Error: Cannot find module '/srv/app/config.js'")).toBeNull();
    expect(missingModuleIn("Error: Cannot find module './routes'")).toBeNull();
    expect(missingModuleIn('cannot load such file -- /etc/app/settings (LoadError)')).toBeNull();
    expect(missingModuleIn('cannot load such file -- ../../etc/shadow (LoadError)')).toBeNull();
  });

  it('reads Perl’s module and looks in the @INC folders a package installs to, not /usr/local', () => {
    const line =
      "Can't locate JSON/XS.pm in @INC (you may need to install the JSON::XS module) (@INC contains: /etc/perl " +
      '/usr/local/lib/x86_64-linux-gnu/perl/5.36.0 /usr/local/share/perl/5.36.0 /usr/lib/x86_64-linux-gnu/perl5/5.36 ' +
      '/usr/share/perl5) at /usr/local/bin/gym-feed line 3.';
    expect(missingModuleIn(line)).toEqual({
      runtime: 'perl',
      name: 'JSON::XS',
      files: ['/usr/lib/x86_64-linux-gnu/perl5/5.36/JSON/XS.pm', '/usr/share/perl5/JSON/XS.pm'],
    });
    const newer =
      "Can't locate Text/CSV.pm in @INC (you may need to install the Text::CSV module) (@INC entries checked: /usr/share/perl5)";
    expect(missingModuleIn(newer)?.files).toEqual(['/usr/share/perl5/Text/CSV.pm']);
  });

  it('reads Ruby’s require', () => {
    const line =
      "<internal:/usr/lib/ruby/3.1.0/rubygems/core_ext/kernel_require.rb>:85:in `require': cannot load such file -- nokogiri (LoadError)";
    expect(missingModuleIn(line)).toEqual(
      jasmine.objectContaining({
        runtime: 'ruby',
        name: 'nokogiri',
        files: jasmine.arrayContaining(['/usr/lib/ruby/vendor_ruby/nokogiri.rb']),
      }),
    );
  });

  it('reads the loader’s missing library, not the program it names first', () => {
    const line =
      '/usr/bin/gym-imager: error while loading shared libraries: libpng16.so.16: cannot open shared object file: No such file or directory';
    const found = missingModuleIn(line);
    expect(found?.name).toBe('libpng16.so.16');
    expect(found?.files).toContain('/usr/lib64/libpng16.so.16');
    if (arch === 'x64') expect(found?.files).toContain('/usr/lib/x86_64-linux-gnu/libpng16.so.16');
  });

  it('finds nothing in lines that only look alike', () => {
    expect(missingModuleIn('Error: ENOENT: no such file or directory, open /etc/app.json')).toBeNull();
    expect(missingModuleIn('Loaded module yaml from cache')).toBeNull();
  });
});
