// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

import { createLogger } from '../../service/src/logging.js';
import type { LinkState, WatchEvent } from '../../service/src/watch/events.js';
import { NetworkSource } from '../../service/src/watch/network.js';
import { waitFor } from '../support/service.js';

const run = promisify(execFile);

describe('NetworkSource in a network namespace', () => {
  let ns: string;
  let source: NetworkSource | null;
  let links: LinkState[];
  let logLines: string[];

  /** Runs `ip -n <ns> …`. */
  const ip = async (...args: string[]): Promise<void> => void (await run('ip', ['-n', ns, ...args]));

  /** The states reported for `name`, in order. */
  const statesOf = (name: string): Omit<LinkState, 'name'>[] =>
    links
      .filter((link) => link.name === name)
      .map(({ up, hasDefaultRoute, carries }) => ({ up, hasDefaultRoute, carries }));

  const waitForState = (name: string, up: boolean, hasDefaultRoute: boolean, carries?: boolean): Promise<void> =>
    waitFor(
      () => {
        const last = statesOf(name).at(-1);
        return (
          last?.up === up &&
          last.hasDefaultRoute === hasDefaultRoute &&
          (carries === undefined || last.carries === carries)
        );
      },
      `${name} up=${up} hasDefaultRoute=${hasDefaultRoute}; seen ${JSON.stringify(links)}`,
    );

  async function startSource(): Promise<NetworkSource> {
    source = new NetworkSource({
      log: createLogger({ level: 'debug', journal: false, write: (line) => logLines.push(line) }),
      command: ['ip', 'netns', 'exec', ns, 'ip'],
      debounceMs: 50,
      restart: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    await source.start((event: WatchEvent) => {
      if (event.type === 'link') links.push(event.link);
    });
    return source;
  }

  beforeEach(async () => {
    // Creating namespaces and links needs root; CI runs these tests as root, so fail, never skip.
    if (process.getuid?.() !== 0)
      throw new Error('the NetworkSource tests create network namespaces: run them as root');
    ns = `steward-test-${randomBytes(4).toString('hex')}`;
    source = null;
    links = [];
    logLines = [];
    await run('ip', ['netns', 'add', ns]);
    // A veth pair, not a dummy link: some kernels (this sandbox's) lack the dummy type.
    // v0's carrier follows v1, which stays up.
    await ip('link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    await ip('link', 'set', 'v1', 'up');
  });

  afterEach(async () => {
    await source?.stop();
    if (ns) await run('ip', ['netns', 'del', ns]);
  });

  it('reports the initial state, then link up/down and default route changes', async () => {
    await startSource();
    // v1 is set up but has no carrier while its peer v0 is down.
    await waitForState('v1', false, false);
    await waitForState('v0', false, false);
    expect(links.map((link) => link.name)).not.toContain('lo');

    await ip('link', 'set', 'v0', 'up');
    await waitForState('v0', true, false);
    await ip('address', 'add', '10.99.0.1/24', 'dev', 'v0');
    // An address beyond the link-local one: the link now carries something of the machine's.
    await waitForState('v0', true, false, true);
    await ip('route', 'add', 'default', 'dev', 'v0');
    await waitForState('v0', true, true);
    // The default route belongs to the machine, not to one link: every link reports it.
    await waitForState('v1', true, true);
    await ip('route', 'del', 'default');
    await waitForState('v0', true, false);
    await ip('link', 'set', 'v0', 'down');
    await waitForState('v0', false, false);
    await ip('link', 'set', 'v0', 'up');
    await waitForState('v0', true, false);

    // One event per change: none repeated, none between. Down, it keeps its address, and so still carries.
    expect(statesOf('v0')).toEqual([
      { up: false, hasDefaultRoute: false, carries: false },
      { up: true, hasDefaultRoute: false, carries: false },
      { up: true, hasDefaultRoute: false, carries: true },
      { up: true, hasDefaultRoute: true, carries: true },
      { up: true, hasDefaultRoute: false, carries: true },
      { up: false, hasDefaultRoute: false, carries: true },
      { up: true, hasDefaultRoute: false, carries: true },
    ]);
    // v1, the spare end, never held more than its link-local address.
    expect(statesOf('v1').every((state) => state.carries === false)).toBeTrue();
    // Going down, it says what the link held just before: its address and the route of its subnet (with the
    // IPv6 link-local ones, once the kernel has added them).
    // Losing the default route, every link says where it went out.
    expect(links.filter((link) => link.lostDefaultRoutes).map((link) => [link.name, link.lostDefaultRoutes])).toEqual(
      jasmine.arrayWithExactContents([
        ['v0', ['default dev v0']],
        ['v1', ['default dev v0']],
      ]),
    );
    expect(links.filter((link) => link.name === 'v0' && link.had).map((link) => link.had)).toEqual([
      {
        addresses: jasmine.arrayContaining(['10.99.0.1/24']) as unknown as string[],
        routes: jasmine.arrayContaining(['10.99.0.0/24']) as unknown as string[],
        carried: true,
      },
    ]);
  });

  it('sees an IPv6 default route', async () => {
    await startSource();
    await waitForState('v0', false, false);
    await ip('link', 'set', 'v0', 'up');
    await ip('-6', 'route', 'add', 'default', 'dev', 'v0');
    await waitForState('v0', true, true);
  });

  it('restarts a killed ip monitor and reports changes after it', async () => {
    const started = await startSource();
    await waitForState('v0', false, false);
    const firstPid = started.pid;
    expect(firstPid).toBeDefined();
    process.kill(firstPid as number, 'SIGKILL');
    await ip('link', 'set', 'v0', 'up');
    await waitForState('v0', true, false);
    await waitFor(() => started.pid !== undefined && started.pid !== firstPid, 'a new ip monitor');
    expect(logLines.join('\n')).toContain('ip monitor exited; restarting');

    await ip('link', 'set', 'v0', 'down');
    await waitForState('v0', false, false);
  });

  it('stop() ends ip monitor for good', async () => {
    const started = await startSource();
    await waitForState('v0', false, false);
    const pid = started.pid as number;
    await started.stop();
    expect(started.pid).toBeUndefined();
    expect(() => process.kill(pid, 0)).toThrowError(/ESRCH/);
  });
});
