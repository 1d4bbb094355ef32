// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Each line is a runtime's own output, copied from the public report cited beside it.
import { ERRNO_TABLE } from '../../../service/src/causes/errno.js';
import { type SystemError, systemErrorIn, systemErrorOf } from '../../../service/src/causes/systemError.js';

type Expected = Partial<Omit<SystemError, 'errno' | 'line'>> & { code: string };

function expectError(line: string, { code, ...object }: Expected) {
  const error = systemErrorIn(line);
  expect(error?.errno.code).withContext(line).toBe(code);
  expect({ path: error?.path, port: error?.port, host: error?.host })
    .withContext(line)
    .toEqual({ path: object.path, port: object.port, host: object.host });
}

describe('the system error a program’s line carries', () => {
  it('keeps one table of Linux’s errno names, numbers and strerror texts', () => {
    expect(new Set(ERRNO_TABLE.map((entry) => entry.code)).size).toBe(ERRNO_TABLE.length);
    expect(new Set(ERRNO_TABLE.map((entry) => entry.number)).size).toBe(ERRNO_TABLE.length);
    for (const code of ['ENOENT', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'EADDRINUSE'])
      expect(ERRNO_TABLE.some((entry) => entry.code === code))
        .withContext(code)
        .toBeTrue();
  });

  it('reads a port in use in C’s, Python’s, Go’s, Rust’s, Java’s and Node’s words', () => {
    // nginx (ngx_inet.c's "bind() to %V failed"): https://github.com/Hearen/AboutShell/issues/18
    expectError('bind() to 0.0.0.0:80 failed (98: Address already in use)', { code: 'EADDRINUSE', port: 80 });
    // Python's traceback: https://github.com/0ang3el/aem-hacker/issues/28
    expectError('OSError: [Errno 98] Address already in use', { code: 'EADDRINUSE' });
    // Go's net package: https://github.com/bluenviron/mediamtx/issues/939 and https://github.com/WWBN/AVideo/issues/7854
    expectError('2022/05/06 18:13:12 ERR listen tcp :8888: bind: address already in use', {
      code: 'EADDRINUSE',
      port: 8888,
    });
    expectError('listen tcp4 0.0.0.0:80: bind: address already in use', { code: 'EADDRINUSE', port: 80 });
    // glog's prefix names the source file and line: https://github.com/ARwMq9b6/dnsproxy/issues/8
    expectError('E0811 09:56:00.630759   39164 main.go:26] listen tcp :53: bind: address already in use', {
      code: 'EADDRINUSE',
      port: 53,
    });
    // Rust's io::Error: https://github.com/axelarnetwork/tofnd/issues/268
    expectError('Error: Address already in use (os error 98)', { code: 'EADDRINUSE' });
    // Jetty: https://github.com/OAuth-Apis/apis/issues/19
    expectError(
      '2013-09-01 18:41:27.021:WARN:oejuc.AbstractLifeCycle:FAILED SelectChannelConnector@0.0.0.0:8080: java.net.BindException: Address already in use',
      { code: 'EADDRINUSE', port: 8080 },
    );
    // Node: https://github.com/slack-samples/javascript-announcement-bot/issues/20, https://github.com/robertklep/nefit-easy-http-server/issues/18
    expectError('Error: listen EADDRINUSE: address already in use :::3000', { code: 'EADDRINUSE', port: 3000 });
    expectError('{ Error: listen EADDRINUSE 127.0.0.1:3000', { code: 'EADDRINUSE', host: '127.0.0.1', port: 3000 });
    // uvicorn (asyncio's create_server): https://github.com/BrainDriveAI/OpenWebUI_CondaInstaller/issues/1, as Linux words it
    expectError(
      "ERROR:    [Errno 98] error while attempting to bind on address ('0.0.0.0', 8080): address already in use",
      { code: 'EADDRINUSE', port: 8080 },
    );
    // systemd's socket unit (socket.c): its own line
    expectError('Failed to create listening socket ([::]:7071): Address already in use', {
      code: 'EADDRINUSE',
      port: 7071,
    });
  });

  it('reads a missing file with the path it names, before or after the words', () => {
    // Node: https://github.com/zhongkai/wxtodo-server/issues/3
    expectError("Error: ENOENT: no such file or directory, open '/data/release/sdk.config.json'", {
      code: 'ENOENT',
      path: '/data/release/sdk.config.json',
    });
    // Go's os.PathError: https://github.com/langhuihui/monibuca/issues/298
    expectError(
      'read config file failed server=2 error=open /Users/Library/Caches/JetBrains/GoLand2024.3/tmp/GoLand/config-dev.yaml: no such file or directory',
      { code: 'ENOENT', path: '/Users/Library/Caches/JetBrains/GoLand2024.3/tmp/GoLand/config-dev.yaml' },
    );
    // Java's java.io: https://github.com/yehray/yugioh/issues/1
    expectError(
      '[java] java.io.FileNotFoundException: /Users/yehray/IdeaProjects/yugioh/src/com/game/cards/YugiDeck.csv (No such file or directory)',
      { code: 'ENOENT', path: '/Users/yehray/IdeaProjects/yugioh/src/com/game/cards/YugiDeck.csv' },
    );
    // Java's java.nio names the exception only, the path after it
    expectError('java.nio.file.NoSuchFileException: /etc/app/keystore.jks', {
      code: 'ENOENT',
      path: '/etc/app/keystore.jks',
    });
    // Rust: https://github.com/stegos/stegos/issues/505
    expectError('Failed to read log4rs config file: No such file or directory (os error 2)', { code: 'ENOENT' });
    // The loader names the program first and the library it lacks by its name alone (the gym's library-missing)
    expectError(
      '/usr/local/bin/gym-lister: error while loading shared libraries: libgymcolr.so.1: cannot open shared object file: No such file or directory',
      { code: 'ENOENT' },
    );
    // Python: the path after the words
    expectError("FileNotFoundError: [Errno 2] No such file or directory: '/etc/gym-app/settings.json'", {
      code: 'ENOENT',
      path: '/etc/gym-app/settings.json',
    });
    // C's perror() given the call and its argument, as the gym's c-config-missing program prints it
    expectError('open(/etc/gym-cprobe/probe.conf): No such file or directory', {
      code: 'ENOENT',
      path: '/etc/gym-cprobe/probe.conf',
    });
    // Rust's io::Error after the path: its words, then its number (the gym's rust-file-missing program, rustc 1.85)
    expectError('/etc/gym-rsweather/weather.toml: No such file or directory (os error 2)', {
      code: 'ENOENT',
      path: '/etc/gym-rsweather/weather.toml',
    });
  });

  it('reads a refusal, a read-only file system, a full disk and a quota', () => {
    // Java's java.nio: https://github.com/hosh-shell/hosh/issues/74
    expectError('java.nio.file.AccessDeniedException: /tmp/KSDownloadAction.mMjQifWXyB', {
      code: 'EACCES',
      path: '/tmp/KSDownloadAction.mMjQifWXyB',
    });
    // Java's text wins over its class: https://github.com/elunez/eladmin/pull/142
    expectError('java.io.FileNotFoundException: /tmpip2region.db (Permission denied)', {
      code: 'EACCES',
      path: '/tmpip2region.db',
    });
    // Go: https://github.com/ARwMq9b6/dnsproxy/issues/8
    expectError('E0811 09:55:40.950978   39150 main.go:26] listen tcp :53: bind: permission denied', {
      code: 'EACCES',
      port: 53,
    });
    // Python: https://github.com/sabeechen/hassio-google-drive-backup/issues/301
    expectError("OSError: [Errno 30] Read-only file system: '/data/stop_addon_state.json'", {
      code: 'EROFS',
      path: '/data/stop_addon_state.json',
    });
    expectError("OSError: [Errno 28] No space left on device: '/tmp/x'", { code: 'ENOSPC', path: '/tmp/x' });
    // btrfs's kernel line names the negative errno
    expectError('BTRFS: error (device dm-0 state EA) in __btrfs_free_extent:3092: errno=-28 No space left', {
      code: 'ENOSPC',
    });
    expectError('write /home/ann/data.db: disk quota exceeded', { code: 'EDQUOT', path: '/home/ann/data.db' });
    expectError('ls: cannot open directory /root: Operation not permitted', { code: 'EPERM', path: '/root' });
    // Rust's io::Error, its words and number after the path (the gym's rust-permission-fixed and rust-readonly-bind)
    expectError('cannot write /var/lib/gym-rscount/count: Permission denied (os error 13)', {
      code: 'EACCES',
      path: '/var/lib/gym-rscount/count',
    });
    expectError('cannot write /srv/gym-rsthumbs/index: Read-only file system (os error 30)', {
      code: 'EROFS',
      path: '/srv/gym-rsthumbs/index',
    });
  });

  it('reads running out of file descriptors, the process’s and the system’s', () => {
    // Python: https://github.com/ComparativeGenomicsToolkit/cactus/issues/763
    expectError('OSError: [Errno 24] Too many open files', { code: 'EMFILE' });
    // Go's net/http: https://github.com/drk1wi/Modlishka/issues/117
    expectError('Accept error: accept tcp [::]:443: accept4: too many open files; retrying in 1s', {
      code: 'EMFILE',
    });
    expectError('Error: ENFILE: file table overflow, open', { code: 'ENFILE' });
    expectError('socket: Too many open files in system', { code: 'ENFILE' });
  });

  it('reads a refused or timed-out connection with the address it was to', () => {
    // Node: https://github.com/Paxa/postbird/issues/124
    expectError('Error: connect ECONNREFUSED 127.0.0.1:5432', {
      code: 'ECONNREFUSED',
      host: '127.0.0.1',
      port: 5432,
    });
    // Go's net.OpError
    expectError('dial tcp 127.0.0.1:5432: connect: connection refused', {
      code: 'ECONNREFUSED',
      host: '127.0.0.1',
      port: 5432,
    });
    // libpq: https://github.com/tines/rails-pg-adapter/pull/15
    expectError('connection to server at "10.1.209.231", port 5432 failed: Connection refused', {
      code: 'ECONNREFUSED',
      port: 5432,
    });
    // Node: https://github.com/kartikey54/VaccineAvailabilityNotifier/issues/77 and https://github.com/Meowhal/osu-ahr/issues/144
    expectError('Error: connect ETIMEDOUT 192.241.219.151:6667', {
      code: 'ETIMEDOUT',
      host: '192.241.219.151',
      port: 6667,
    });
    expectError('dial tcp 10.0.0.5:5432: i/o timeout', { code: 'ETIMEDOUT', host: '10.0.0.5', port: 5432 });
    expectError('java.net.ConnectException: Connection refused', { code: 'ECONNREFUSED' });
  });

  it('reads a name that did not resolve with the host it was for', () => {
    // Go's resolver: https://github.com/krakend/krakend-ce/issues/514, https://github.com/pocketbase/pocketbase/issues/52
    expectError('dial tcp: lookup xxxx on 127.0.0.11:53: no such host', { code: 'EAI_NONAME', host: 'xxxx' });
    expectError('2022/07/10 13:38:36 listen tcp: lookup localhost on 45.90.28.20:53: no such host', {
      code: 'EAI_NONAME',
      host: 'localhost',
    });
    // https://github.com/rc452860/vnet/issues/10
    expectError('DBServiceMonitor: dial tcp: lookup ll on 127.0.0.53:53: server misbehaving', {
      code: 'EAI_FAIL',
      host: 'll',
    });
    // Python: https://github.com/techwithtim/Chat-Web-App/issues/7
    expectError('socket.gaierror: [Errno -3] Temporary failure in name resolution', { code: 'EAI_AGAIN' });
    // Node: https://github.com/Meowhal/osu-ahr/issues/144
    expectError('getaddrinfo ENOTFOUND irc.ppy.sh', { code: 'EAI_NONAME', host: 'irc.ppy.sh' });
    // Java: https://github.com/fortify-ps/FortifyBugTrackerUtility/issues/24, https://github.com/Amab/SWADroid/issues/50
    expectError('java.net.UnknownHostException: http: Name or service not known', {
      code: 'EAI_NONAME',
      host: 'http',
    });
    expectError(
      'java.net.UnknownHostException: Unable to resolve host "swad.ugr.es": No address associated with hostname',
      { code: 'EAI_NODATA', host: 'swad.ugr.es' },
    );
    // iputils' ping prints the name before gai_strerror's text
    expectError('ping: db.example: Name or service not known', { code: 'EAI_NONAME', host: 'db.example' });
  });

  it('finds nothing in a line without a system error, nor in an unknown code or number', () => {
    for (const line of [
      'Started Gym worker.',
      'ERROR: something went wrong',
      '[Errno 10048] only one usage of each socket address is normally permitted',
      'at 10:30:15 the job ran',
    ])
      expect(systemErrorIn(line)).withContext(line).toBeNull();
  });

  it('takes the first error of a unit’s last lines', () => {
    const lines = [
      'Traceback (most recent call last):',
      '  File "/usr/lib/python3.13/socketserver.py", line 473, in server_bind',
      'OSError: [Errno 98] Address already in use',
    ];
    expect(systemErrorOf(lines)?.errno.code).toBe('EADDRINUSE');
    expect(systemErrorOf(['nothing here'])).toBeNull();
  });
});
