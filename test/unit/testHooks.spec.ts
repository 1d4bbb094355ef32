// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { testHooks } from '../../service/src/testHooks.js';

describe('test hooks', () => {
  it('are off in a real session, and take only absolute directories', () => {
    expect(testHooks({ HOME: '/home/user' })).toEqual({});
    expect(testHooks({ STEWARD_TEST_SYSTEM_JOURNAL: 'journal', STEWARD_TEST_CONFIG_ROOT: '/' })).toEqual({});
    expect(
      testHooks({
        STEWARD_TEST_SYSTEM_JOURNAL: '/tmp/corpus/system',
        STEWARD_TEST_USER_JOURNAL: '/tmp/corpus/user',
        STEWARD_TEST_CONFIG_ROOT: '/tmp/corpus/root',
        STEWARD_TEST_DPKG_ROOT: '/tmp/corpus/root',
        STEWARD_TEST_JOURNAL_SOCKET: '/tmp/corpus/journal',
        STEWARD_TEST_DOCS_ROOT: '/tmp/docs',
        STEWARD_TEST_NIXOS_ROOT: '/tmp/corpus/nixos',
        STEWARD_TEST_PROGRAMS_ROOT: '/tmp/corpus/programs',
        STEWARD_TEST_SESSION_UID: '1000',
        STEWARD_TEST_UPTIME_SECONDS: '3600',
      }),
    ).toEqual({
      systemJournal: '/tmp/corpus/system',
      userJournal: '/tmp/corpus/user',
      configRoot: '/tmp/corpus/root',
      dpkgRoot: '/tmp/corpus/root',
      journalSocket: '/tmp/corpus/journal',
      docsRoot: '/tmp/docs',
      nixosRoot: '/tmp/corpus/nixos',
      programsRoot: '/tmp/corpus/programs',
      sessionUid: 1000,
      uptimeSeconds: 3600,
    });
    // Only a number is a uid.
    expect(testHooks({ STEWARD_TEST_SESSION_UID: 'root' })).toEqual({});
    expect(testHooks({ STEWARD_TEST_SESSION_UID: '-1' })).toEqual({});
    // Only whole seconds are an uptime.
    expect(testHooks({ STEWARD_TEST_UPTIME_SECONDS: '1.5' })).toEqual({});
    expect(testHooks({ STEWARD_TEST_UPTIME_SECONDS: 'long' })).toEqual({});
  });
});
