// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { failureCause } from '../../../service/src/fixes/failureCause.js';

describe('why a unit failed', () => {
  it('takes systemd’s own exit status over D-Bus first: a setup step, but not one that can pass', () => {
    expect(failureCause([], { result: 'exit-code', exitCode: 203 })).toEqual(
      jasmine.objectContaining({ kind: 'setup', step: 'EXEC', status: 203 }),
    );
    expect(failureCause([], { result: 'exit-code', exitCode: 217 })).toEqual(
      jasmine.objectContaining({ kind: 'setup', step: 'USER' }),
    );
    expect(failureCause([], { result: 'exit-code', exitCode: 204 }).kind).toBe('unknown');
    expect(failureCause([], { result: 'exit-code', exitCode: 1 }).kind).toBe('unknown');
  });

  it('reads systemd’s words where D-Bus no longer has them', () => {
    for (const [line, step] of [
      ['x.service: Main process exited, code=exited, status=200/CHDIR', 'CHDIR'],
      ['x.service: control process exited, code=exited status=226', 'NAMESPACE'],
      ['x.service: Failed at step GROUP spawning /usr/bin/x: No such process', 'GROUP'],
      ['x.service: Failed to locate executable /usr/bin/x: No such file or directory', 'EXEC'],
      // systemd 257, seen in the gym: EnvironmentFile= names a file that is not there (Result "resources").
      ['pe.service: Failed to load environment files: No such file or directory', 'ENVIRONMENT_FILE'],
    ])
      expect(failureCause([line!]))
        .withContext(line!)
        .toEqual(jasmine.objectContaining({ kind: 'setup', step }));
    expect(failureCause(['x.service: Main process exited, code=exited, status=1/FAILURE']).kind).toBe('unknown');
  });

  it('takes a refusal for a permission cause, with the file it names, in a shell’s, Python’s and Node’s words', () => {
    for (const [line, path] of [
      ['/bin/sh: 1: cannot create /var/lib/gym-stats/count: Permission denied', '/var/lib/gym-stats/count'],
      ["PermissionError: [Errno 13] Permission denied: '/srv/app/state.json'", '/srv/app/state.json'],
      ["Error: EACCES: permission denied, open '/var/log/app/out.log'", '/var/log/app/out.log'],
    ])
      expect(failureCause([line!]))
        .withContext(line!)
        .toEqual({ kind: 'permission', path: path!, evidence: line! });
    expect(failureCause(["x.service: Failed with result 'exit-code'.", 'Permission denied'])).toEqual({
      kind: 'permission',
      evidence: 'Permission denied',
    });
  });

  it('takes a port below 1024 refused to a user for a privileged port, in Node’s, Python’s and nginx’s words', () => {
    for (const [line, port] of [
      ['gym-web: listen EACCES: permission denied 0.0.0.0:81', 81],
      ["PermissionError: [Errno 13] error while attempting to bind on address ('0.0.0.0', 80): permission denied", 80],
      ['nginx: [emerg] bind() to 0.0.0.0:80 failed (13: Permission denied)', 80],
      ['bind: Permission denied (port 8443)', undefined],
    ] as const)
      expect(failureCause([line]))
        .withContext(line)
        .toEqual({ kind: 'permission', ...(port && { privilegedPort: port }), evidence: line });
  });

  it('takes a PID file that never came for the cause of a failed start, unless the daemon said its own error', () => {
    const lines = [
      "legacy.service: Can't open PID file '/run/legacy/legacy.pid' (yet?) after start: No such file or directory",
      'puma.service: PID file /srv/puma/tmp/puma.pid not readable (yet?) after start: No such file or directory',
      'PID file /opt/jboss/tmp/hc.pid not readable (yet?) after start.',
    ];
    const paths = ['/run/legacy/legacy.pid', '/srv/puma/tmp/puma.pid', '/opt/jboss/tmp/hc.pid'];
    for (const [index, line] of lines.entries())
      for (const result of ['timeout', 'protocol'])
        expect(failureCause([line], { result }))
          .withContext(`${line} (${result})`)
          .toEqual({ kind: 'pid-file', path: paths[index]!, evidence: line });
    // The race nginx is known for: the file came a moment later and the start succeeded.
    expect(failureCause([lines[0]!], { result: 'exit-code' }).kind).not.toBe('pid-file');
    // PostgreSQL's cluster failed first; its missing PID file only follows from that.
    expect(failureCause(['pg_ctl: error: could not start server', lines[0]!], { result: 'protocol' }).kind).toBe(
      'program-error',
    );
  });

  it('tells a held port, a full disk, a configuration line and a masked requirement apart', () => {
    expect(
      failureCause(['(98)Address already in use: AH00072: make_sock: could not bind to address [::]:443']),
    ).toEqual(jasmine.objectContaining({ kind: 'port-in-use', port: 443 }));
    expect(failureCause(['OSError: [Errno 98] Address already in use'])).toEqual(
      jasmine.objectContaining({ kind: 'port-in-use', port: undefined }),
    );
    expect(failureCause(['write error: No space left on device']).kind).toBe('no-space');
    expect(failureCause(['/etc/ssh/sshd_config: line 24: Bad configuration option: X'])).toEqual(
      jasmine.objectContaining({ kind: 'config-line', path: '/etc/ssh/sshd_config', line: 24 }),
    );
    expect(failureCause(['a.service: Cannot add dependency job, ignoring: Unit b.service is masked.'])).toEqual(
      jasmine.objectContaining({ kind: 'masked-dependency', unit: 'b.service' }),
    );
  });

  it('takes a timeout, a watchdog or a signal for a cause that can pass', () => {
    for (const result of ['timeout', 'watchdog', 'signal'])
      expect(failureCause([], { result }).kind).withContext(result).toBe('transient');
  });
  it('takes any runtime’s system error for its cause: a port, space and refusal by errno, the rest as a system error', () => {
    // Java (https://github.com/mrniko/netty-socketio/issues/125) and Rust (https://github.com/axelarnetwork/tofnd/issues/268)
    expect(failureCause(['java.net.BindException: Address already in use']).kind).toBe('port-in-use');
    expect(failureCause(['Error: Address already in use (os error 98)']).kind).toBe('port-in-use');
    expect(failureCause(["OSError: [Errno 122] Disk quota exceeded: '/home/ann/x'"]).kind).toBe('no-space');
    for (const [line, code, object] of [
      [
        "Error: ENOENT: no such file or directory, open '/etc/gym-jotter/settings.json'",
        'ENOENT',
        { path: '/etc/gym-jotter/settings.json' },
      ],
      [
        "OSError: [Errno 30] Read-only file system: '/srv/gym-reports/daily.csv'",
        'EROFS',
        { path: '/srv/gym-reports/daily.csv' },
      ],
      ['OSError: [Errno 24] Too many open files', 'EMFILE', {}],
      ['dial tcp 127.0.0.1:5432: connect: connection refused', 'ECONNREFUSED', { host: '127.0.0.1', port: 5432 }],
      ['dial tcp: lookup db.example on 10.0.0.1:53: no such host', 'EAI_NONAME', { host: 'db.example' }],
    ] as const)
      expect(failureCause([line]))
        .withContext(line)
        .toEqual({
          kind: 'system-error',
          error: jasmine.objectContaining({ errno: jasmine.objectContaining({ code }), ...object }),
          evidence: line,
        });
  });

  it('takes Node’s error line over the fields it prints after it, and never systemd’s PID file line', () => {
    const lines = [
      "Error: ENOENT: no such file or directory, open '/etc/gym-jotter/settings.json'",
      '  errno: -2,',
      "  code: 'ENOENT',",
      "  syscall: 'open',",
    ];
    expect(failureCause(lines)).toEqual(jasmine.objectContaining({ kind: 'system-error', evidence: lines[0]! }));
    expect(failureCause([...lines.slice(1), lines[0]!])).toEqual(
      jasmine.objectContaining({ kind: 'system-error', evidence: lines[0]! }),
    );
  });

  it('names the command the shell could not find (status 127) in dash’s, bash’s, busybox’s, zsh’s and env’s words', () => {
    for (const line of [
      'sh: 1: rsync: not found',
      '/usr/local/bin/gym-backup: 3: rsync: not found',
      'bash: line 1: rsync: command not found',
      '/home/me/bin/sync.sh: line 12: rsync: command not found',
      'sh: rsync: not found',
      'zsh:1: command not found: rsync',
      '/usr/bin/env: ‘rsync’: No such file or directory',
    ])
      expect(failureCause([line], { result: 'exit-code', exitCode: 127 }))
        .withContext(line)
        .toEqual(jasmine.objectContaining({ kind: 'missing-command', command: 'rsync' }));
    // A path is the program's own file, and a setting "not found" is no command.
    expect(failureCause(['sh: 1: /opt/x/run: not found']).kind).not.toBe('missing-command');
    expect(failureCause(['config key: not found']).kind).not.toBe('missing-command');
  });

  it('names an interface or local address the program was told of and the machine lacks', () => {
    expect(failureCause(['dnsmasq: unknown interface gym5'])).toEqual(
      jasmine.objectContaining({ kind: 'interface', missing: jasmine.objectContaining({ name: 'gym5' }) }),
    );
    expect(failureCause(['Cannot find device "wg0"'])).toEqual(
      jasmine.objectContaining({ kind: 'interface', missing: jasmine.objectContaining({ name: 'wg0' }) }),
    );
    expect(failureCause(['dnsmasq: no interface with address 10.9.0.1'])).toEqual(
      jasmine.objectContaining({ kind: 'interface', missing: jasmine.objectContaining({ address: '10.9.0.1' }) }),
    );
    // D-Bus's and COM's interfaces are no network interfaces.
    expect(failureCause(['GDBus.Error: Unknown interface org.gtk.Actions.Extra']).kind).not.toBe('interface');
    expect(failureCause(['unknown interface {00000000-0000-0000-c000-000000000046}']).kind).not.toBe('interface');
  });

  it('takes a daemon’s line saying it stops for its own error', () => {
    expect(failureCause(['sshd: no hostkeys available -- exiting.'], { result: 'exit-code', exitCode: 1 })).toEqual(
      jasmine.objectContaining({ kind: 'program-error', evidence: 'sshd: no hostkeys available -- exiting.' }),
    );
  });
});
