// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The netlink source: `ip monitor` has no JSON mode, so its output is only a
// trigger; after a debounce the state is re-read with `ip -json … show` and a
// `link` event goes out for each interface whose state changed.
import { execFile } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

import type { Logger } from '../logging.js';
import type { BackoffOptions } from '../restartBackoff.js';
import type { EventSource, LinkState, WatchEvent } from './events.js';
import { SupervisedChild } from './supervisedChild.js';

export interface NetworkSourceOptions {
  log: Logger;
  /** How to run `ip`, e.g. ['ip', 'netns', 'exec', ns, 'ip'] in tests. */
  command?: string[];
  debounceMs?: number;
  restart?: BackoffOptions;
}

interface IpLink {
  ifname: string;
  flags?: string[];
  operstate?: string;
  link_type?: string;
  /** The bridge or bond it is a port of. */
  master?: string;
  addr_info?: { local?: string; prefixlen?: number }[];
}

interface IpRoute {
  dst?: string;
  gateway?: string;
  dev?: string;
}

/** "default via 10.0.0.1", "10.0.0.0/24": a route as `ip route` prints it, without its device. */
export function routeText(route: IpRoute): string {
  return [route.dst ?? 'default', ...(route.gateway ? ['via', route.gateway] : [])].join(' ');
}

/** What a link holds now: its addresses and the routes through it, and whether that is anything of the machine's. */
interface Held {
  addresses: string[];
  routes: string[];
  carried: boolean;
}

/** IPv6's link-local addresses and routes (fe80::/10), and IPv4's (169.254.0.0/16): every link has its own. */
const LINK_LOCAL = /^(?:fe[89ab][0-9a-f]:|169\.254\.)/i;

/** Whether a link carries anything of the machine's: an address or route beyond the link-local ones, or a master. */
export function carriesTraffic(addresses: readonly string[], routes: readonly string[], master?: string): boolean {
  return master !== undefined || [...addresses, ...routes].some((place) => !LINK_LOCAL.test(place));
}

const run = promisify(execFile);

/** Up: operstate UP, or UNKNOWN (drivers that report no state) with UP and LOWER_UP flags. */
export function linkIsUp(link: IpLink): boolean {
  const flags = link.flags ?? [];
  return (
    link.operstate === 'UP' || (link.operstate === 'UNKNOWN' && flags.includes('UP') && flags.includes('LOWER_UP'))
  );
}

export class NetworkSource implements EventSource {
  readonly name = 'network';
  readonly #log: Logger;
  readonly #program: string;
  /** Arguments before the `ip` ones: ['netns', 'exec', ns, 'ip'] runs it in a namespace. */
  readonly #prefix: string[];
  readonly #debounceMs: number;
  readonly #monitor: SupervisedChild;
  #emit: ((event: WatchEvent) => void) | null = null;
  #debounceTimer: NodeJS.Timeout | null = null;
  #reading: Promise<void> | null = null;
  #readAgain = false;
  #stopped = true;
  /** The last state reported, by interface name. */
  #links = new Map<string, LinkState>();
  /** What each link held at the last read, reported with a link that goes down. */
  #held = new Map<string, Held>();

  constructor(options: NetworkSourceOptions) {
    this.#log = options.log;
    [this.#program = 'ip', ...this.#prefix] = options.command ?? ['ip'];
    this.#debounceMs = options.debounceMs ?? 200;
    this.#monitor = new SupervisedChild({
      label: 'ip monitor',
      source: this.name,
      log: options.log,
      restart: options.restart ?? { initialDelayMs: 1000, maxDelayMs: 60_000 },
      command: () => ({ program: this.#program, args: [...this.#prefix, 'monitor', 'link', 'address', 'route'] }),
      attach: (child) =>
        createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', () => this.#trigger()),
      // Read only once the monitor is exec'd (it subscribes right after, well before the read's own `ip` runs),
      // so a change lands in the snapshot or reaches the monitor. Also catches up on changes while one was down.
      spawned: () => this.#read(),
    });
  }

  /** The running `ip monitor`'s process id, if one runs (for tests). */
  get pid(): number | undefined {
    return this.#monitor.pid;
  }

  async start(emit: (event: WatchEvent) => void): Promise<void> {
    this.#emit = emit;
    this.#stopped = false;
    this.#links.clear();
    this.#held.clear();
    await this.#monitor.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#debounceTimer) clearTimeout(this.#debounceTimer);
    this.#debounceTimer = null;
    await Promise.all([this.#monitor.stop(), this.#reading]);
  }

  #trigger(): void {
    this.#monitor.healthy();
    // Not reset by later lines, so a steady stream of changes cannot postpone the read forever.
    if (this.#debounceTimer) return;
    this.#debounceTimer = setTimeout(() => {
      this.#debounceTimer = null;
      void this.#read();
    }, this.#debounceMs);
  }

  /** Re-reads the state; a trigger during a read causes one more read after it. */
  #read(): Promise<void> {
    if (this.#reading) {
      this.#readAgain = true;
      return this.#reading;
    }
    this.#reading = (async () => {
      do {
        this.#readAgain = false;
        await this.#readOnce();
      } while (this.#readAgain && !this.#stopped);
      this.#reading = null;
    })();
    return this.#reading;
  }

  async #readOnce(): Promise<void> {
    const [links, routes4, routes6] = await Promise.all([
      this.#ipJson<IpLink[]>(['-json', 'address', 'show']),
      this.#ipJson<IpRoute[]>(['-json', 'route', 'show']),
      this.#ipJson<IpRoute[]>(['-6', '-json', 'route', 'show']),
    ]).catch((error: Error) => {
      this.#log.warning('could not read the network state', { source: this.name, error: error.message });
      return [];
    });
    if (!links || !routes4 || !routes6 || this.#stopped) return;
    const routes = [...routes4, ...routes6];
    const hasDefaultRoute = routes.some((route) => (route.dst ?? 'default') === 'default');
    // Read before this read's links replace what each held: where the default route went out.
    const lostDefaultRoutes = hasDefaultRoute
      ? []
      : [...this.#held].flatMap(([name, { routes: held }]) =>
          held.filter((route) => route.startsWith('default')).map((route) => `${route} dev ${name}`),
        );
    const seen = new Set<string>();
    for (const link of links) {
      if (link.link_type === 'loopback' || link.flags?.includes('LOOPBACK')) continue;
      seen.add(link.ifname);
      const addresses = (link.addr_info ?? []).flatMap(({ local, prefixlen }) =>
        local ? [`${local}/${prefixlen}`] : [],
      );
      const linkRoutes = routes.filter((route) => route.dev === link.ifname).map(routeText);
      const held = { addresses, routes: linkRoutes, carried: carriesTraffic(addresses, linkRoutes, link.master) };
      const before = this.#held.get(link.ifname);
      this.#held.set(link.ifname, held);
      const state: LinkState = { name: link.ifname, up: linkIsUp(link), hasDefaultRoute, carries: held.carried };
      const previous = this.#links.get(link.ifname);
      if (
        previous?.up === state.up &&
        previous.hasDefaultRoute === state.hasDefaultRoute &&
        previous.carries === state.carries
      )
        continue;
      this.#links.set(link.ifname, state);
      const wentDown = previous?.up === true && !state.up && before;
      const reported = {
        ...state,
        ...(wentDown ? { had: before } : {}),
        ...(lostDefaultRoutes.length > 0 ? { lostDefaultRoutes } : {}),
      };
      this.#emit?.({ type: 'link', at: new Date(), link: reported });
    }
    // A removed interface is forgotten, not reported down: unplugging is not a failure.
    for (const name of this.#links.keys()) if (!seen.has(name)) this.#links.delete(name);
    for (const name of this.#held.keys()) if (!seen.has(name)) this.#held.delete(name);
  }

  async #ipJson<T>(args: string[]): Promise<T> {
    const { stdout } = await run(this.#program, [...this.#prefix, ...args], { timeout: 10_000 });
    // Tolerate empty output, as for a command that found nothing to show.
    return JSON.parse(stdout.trim() || '[]') as T;
  }
}
