// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { API_VERSION } from '../../service/src/dbus/interfaces.js';
import { parseJsonObject } from '../support/json.js';

// Checks on the built extension against the extensions.gnome.org review rules.
// `npm test` builds before it runs the specs.
const UUID = 'steward@steward.github.io';
const dir = join('dist', 'extension', UUID);
const read = (file: string) => readFileSync(join(dir, file), 'utf8');

describe('the built extension', () => {
  it('has the metadata EGO and GNOME Shell need', () => {
    const metadata = parseJsonObject(read('metadata.json'));
    expect(metadata.uuid).toBe(UUID);
    expect(metadata['shell-version']).toEqual(['46', '47', '48', '49', '50', '51']);
    expect(metadata['settings-schema']).toBe('org.gnome.shell.extensions.steward');
    expect(metadata['gettext-domain']).toBe(UUID);
    expect(metadata.description).toContain('Steward service');
    expect(metadata['version-name']).toBe(parseJsonObject(readFileSync('package.json', 'utf8')).version);
    expect(metadata['session-modes']).toBeUndefined();
    expect(metadata.version).toBeUndefined();
  });

  const scripts = () =>
    readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.js'));

  it('imports only what GJS provides and its own files', () => {
    expect(scripts()).toContain('extension.js');
    for (const script of scripts()) {
      const code = read(script);
      const specifiers = [...code.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]!);
      const unresolvable = specifiers.filter((s) =>
        s.startsWith('.')
          ? !existsSync(join(dir, dirname(script), s))
          : !/^(gi|resource):\/\//.test(s) && !['gettext', 'system', 'cairo'].includes(s),
      );
      expect(unresolvable).withContext(script).toEqual([]);
      expect(code)
        .withContext(script)
        .not.toMatch(/require\(|@girs\//);
    }
  });

  it('is readable: one file per source, formatted, no transpiler helpers or source maps', () => {
    expect(scripts().sort()).toEqual([
      'client/bus.js',
      'client/errors.js',
      'client/generated.js',
      'client/interfaces.js',
      'client/osRelease.js',
      'client/serviceHelp.js',
      'client/stewardClient.js',
      'client/types.js',
      'extension.js',
      'prefs.js',
      'prefs/modelPage.js',
      'prefs/prefsContext.js',
      'prefs/prefsModel.js',
      'prefs/safetyPage.js',
      'prefs/serviceGroup.js',
      'prefs/shortcutGroup.js',
      'prefs/shortcutPage.js',
      'prefs/watchingPage.js',
      'shared/chatTranscript.js',
      'shared/model.js',
      'shared/serviceStatus.js',
      'shared/shortcutSettings.js',
      'shared/shownText.js',
      'shared/text.js',
      'shell/chat/answerView.js',
      'shell/chat/modelSetup.js',
      'shell/chat/proposalCard.js',
      'shell/chat/quickChat.js',
      'shell/confirmationAgent.js',
      'shell/indicator.js',
      'shell/indicatorMenu.js',
      'shell/layout.js',
      'shell/notificationPolicy.js',
      'shell/notifications.js',
      'shell/searchProvider.js',
      'shell/searchResults.js',
      'shell/shortcut.js',
      'shell/stewardState.js',
    ]);
    for (const script of scripts()) {
      const code = read(script);
      expect(code.split('\n').filter((line) => line.length > 120))
        .withContext(script)
        .toEqual([]);
      expect(code)
        .withContext(script)
        .not.toMatch(/__publicField|__decorate|__async|__awaiter|sourceMappingURL/);
    }
  });

  it('builds every proxy from the interface XML, inlined at build time', () => {
    const interfaces = read(join('client', 'interfaces.js'));
    for (const suffix of ['', '.Chat', '.Findings', '.Proposals', '.Models', '.Settings'])
      expect(interfaces).toContain(`<interface name="io.github.steward.Steward1${suffix}">`);
    expect(interfaces).toContain(`export const API_VERSION = ${API_VERSION};`);
    expect(read(join('client', 'stewardClient.js'))).toContain('Gio.DBusProxy.makeProxyWrapper(info.xml)');
  });

  it('contains no build files, maps, TypeScript or translation sources', () => {
    const files = readdirSync(dir, { recursive: true }).map(String);
    expect(files.filter((f) => /\.(map|ts|po|pot)$|tsconfig|package\.json/.test(f))).toEqual([]);
    expect(files).toContain(join('schemas', 'org.gnome.shell.extensions.steward.gschema.xml'));
    expect(existsSync(join(dir, 'stylesheet.css'))).toBeTrue();
  });

  it('has every icon the indicator can show', () => {
    for (const name of [
      'steward-symbolic',
      'steward-attention-symbolic',
      'steward-offline-symbolic',
      'steward-paused-symbolic',
      'steward-thinking-symbolic',
    ]) {
      expect(existsSync(join(dir, 'icons', `${name}.svg`)))
        .withContext(name)
        .toBeTrue();
    }
  });
});

describe('the translation template', () => {
  it('is generated with the strings of the indicator and the schema', () => {
    const pot = readFileSync(join('dist', 'po', `${UUID}.pot`), 'utf8');
    expect(pot).toContain('msgid "Steward service is not running"');
    expect(pot).toContain('msgid "Start Steward"');
    expect(pot).toContain('msgid "Open quick chat"');
    expect(pot).toContain('msgid "Pause Steward"');
    expect(pot).toContain('msgid "Apply"');
    expect(pot).toContain('msgid "Copy _Diagnostics"');
  });
});
