// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type {
  Machine,
  MountUsage,
  NetworkStatus,
  ProcessInfo,
  SystemSummary,
} from '../../service/src/assistant/machine.js';
import type { AssistantTool, ToolContext } from '../../service/src/assistant/tool.js';
import { MAX_TOOL_OUTPUT } from '../../service/src/assistant/tool.js';
import { diskUsageTool } from '../../service/src/assistant/tools/disk.js';
import { networkStatusTool } from '../../service/src/assistant/tools/network.js';
import { topProcessesTool } from '../../service/src/assistant/tools/processes.js';
import { systemSummaryTool } from '../../service/src/assistant/tools/system.js';

const GB = 1e9;

/** A context whose machine has only the methods a tool uses. */
const contextWith = (machine: Partial<Machine>): ToolContext =>
  ({ machine, signal: new AbortController().signal, readableRoots: [] }) as unknown as ToolContext;

const run = (tool: AssistantTool, params: unknown, machine: Partial<Machine>) =>
  tool.run(tool.params.parse(params), contextWith(machine));

describe('the assistant’s system, disk, process and network tools', () => {
  describe('system_summary', () => {
    const summary: SystemSummary = {
      os: 'Debian GNU/Linux 13 (trixie)\u001b[31m',
      kernel: '6.12.48-amd64',
      hostname: 'desk',
      uptimeSeconds: 3 * 86_400 + 4 * 3600 + 12 * 60 + 30,
      cpu: { model: 'AMD Ryzen 7 7840U', cores: 16, load: [0.52, 0.6, 1] },
      memory: { totalBytes: 32 * GB, availableBytes: 20.45 * GB, swapTotalBytes: 0, swapFreeBytes: 0 },
      gpus: ['AMD (driver amdgpu)', 'NVIDIA (driver nvidia)'],
      battery: { percent: 57, state: 'Discharging' },
    };

    it('writes a few compact lines', async () => {
      expect(systemSummaryTool.name).toBe('system_summary');
      expect(systemSummaryTool.progress).toBe('reading the system summary…');
      expect(await run(systemSummaryTool, {}, { systemSummary: async () => summary })).toBe(
        [
          'OS: Debian GNU/Linux 13 (trixie), kernel 6.12.48-amd64, host desk',
          'Up 3 d 4 h 12 min',
          'CPU: AMD Ryzen 7 7840U × 16 cores, load 0.52 0.60 1.00',
          'Memory: 11.6 GB used of 32.0 GB, 20.4 GB available',
          'Swap: none',
          'GPUs: AMD (driver amdgpu); NVIDIA (driver nvidia)',
          'Battery: 57%, Discharging',
        ].join('\n'),
      );
    });

    it('says so when there is no GPU or battery, and shows swap in use', async () => {
      const bare = {
        ...summary,
        uptimeSeconds: 59 * 60,
        memory: { ...summary.memory, swapTotalBytes: 2 * GB, swapFreeBytes: 1.5 * GB },
        gpus: [],
        battery: null,
      };
      const text = await run(systemSummaryTool, {}, { systemSummary: async () => bare });
      expect(text).toContain('Up 59 min\n');
      expect(text).toContain('Swap: 0.5 GB used of 2.0 GB');
      expect(text).toContain('GPUs: none found');
      expect(text).toContain('Battery: none');
    });
  });

  describe('disk_usage', () => {
    const home: MountUsage = {
      mount: '/home',
      device: '/dev/nvme0n1p3',
      fsType: 'ext4',
      sizeBytes: 500 * GB,
      usedBytes: 412.3 * GB,
      availableBytes: 87.7 * GB,
      inodesUsedPercent: 12,
    };
    const root: MountUsage = {
      ...home,
      mount: '/',
      fsType: 'btrfs',
      usedBytes: 50 * GB,
      availableBytes: 450 * GB,
      inodesUsedPercent: null,
    };
    const mounts = async () => [root, home];

    it('writes one line per mount', async () => {
      expect(diskUsageTool.name).toBe('disk_usage');
      expect(diskUsageTool.progress).toBe('checking disk usage…');
      expect(await run(diskUsageTool, {}, { mounts })).toBe(
        [
          '/  btrfs  50.0 GB of 500.0 GB used (10%), 450.0 GB free, no inode limit',
          '/home  ext4  412.3 GB of 500.0 GB used (82%), 87.7 GB free, inodes 12%',
        ].join('\n'),
      );
    });

    it('shows only the filesystem holding the path asked about', async () => {
      expect(await run(diskUsageTool, { mount: '/home/alice/Videos' }, { mounts })).toMatch(/^\/home {2}ext4 [^\n]*$/);
      expect(await run(diskUsageTool, { mount: '/homework' }, { mounts })).toMatch(/^\/ {2}btrfs [^\n]*$/);
    });

    it('lists the largest directories in the home directory, saying when the scan stopped early', async () => {
      const largestDirectories = jasmine.createSpy('largestDirectories').and.resolveTo({
        root: '/home/alice',
        largest: [
          { path: '/home/alice/.cache', bytes: 5.2 * GB },
          { path: '/home/alice/.cache/thumbnails', bytes: 4.1 * GB },
          { path: '/home/alice/\u001b]0;owned\u0007Music', bytes: 800e6 },
        ],
        partial: true,
      });
      const text = await run(
        diskUsageTool,
        { largest_in_home: true },
        { mounts, largestDirectories, home: () => '/home/alice' },
      );
      expect(largestDirectories).toHaveBeenCalledOnceWith('/home/alice', 8, 200_000);
      expect(text.split('\n').slice(2)).toEqual([
        'Largest directories in /home/alice (the scan stopped early: sizes are lower bounds):',
        '  /home/alice/.cache  5.2 GB',
        '  /home/alice/.cache/thumbnails  4.1 GB',
        '  /home/alice/Music  800.0 MB',
      ]);
    });

    it('keeps the output bounded on a machine with many mounts', async () => {
      const many = Array.from({ length: 300 }, (_, i) => ({ ...home, mount: `/media/disk${i}` }));
      const text = await run(diskUsageTool, {}, { mounts: async () => many });
      expect(text.length).toBeLessThan(MAX_TOOL_OUTPUT);
      expect(text).toContain('… and 280 more filesystems');
    });

    it('rejects a relative path and a mount no filesystem holds', async () => {
      expect(diskUsageTool.params.safeParse({ mount: 'home' }).success).toBeFalse();
      expect(diskUsageTool.params.safeParse({ largest_in_home: 'yes' }).success).toBeFalse();
      await expectAsync(run(diskUsageTool, { mount: '/home' }, { mounts: async () => [] })).toBeRejectedWithError(
        'No filesystem shown here holds /home.',
      );
    });
  });

  describe('top_processes', () => {
    const process = (
      pid: number,
      cpuPercent: number,
      memoryBytes: number,
      command = `/usr/bin/p${pid}`,
    ): ProcessInfo => ({
      pid,
      name: `p${pid}`,
      user: 'alice',
      cpuPercent,
      memoryBytes,
      command,
    });
    const processes = async () =>
      Array.from({ length: 40 }, (_, i) => process(1000 + i, i % 7 === 0 ? 90 - i : i / 10, (40 - i) * 1e8));

    it('lists the programs using the most CPU by default, eight of them', async () => {
      expect(topProcessesTool.name).toBe('top_processes');
      expect(topProcessesTool.progress).toBe('looking at running programs…');
      const lines = (await run(topProcessesTool, {}, { processes })).split('\n');
      expect(lines[0]).toBe('40 processes; the 8 using the most CPU:');
      expect(lines[1]).toMatch(/^ +PID +CPU +MEMORY USER +NAME +COMMAND$/);
      expect(lines.length).toBe(10);
      expect(lines[2]).toBe('   1000   90.0%    4.0 GB alice      p1000            /usr/bin/p1000');
      expect(lines.slice(2, 8).map((line) => line.trim().split(/ +/)[0])).toEqual([
        '1000',
        '1007',
        '1014',
        '1021',
        '1028',
        '1035',
      ]);
    });

    it('ranks by memory within the limit asked for', async () => {
      const lines = (await run(topProcessesTool, { sort_by: 'memory', limit: 3 }, { processes })).split('\n');
      expect(lines[0]).toBe('40 processes; the 3 using the most memory:');
      expect(lines.slice(2).map((line) => line.trim().split(/ +/)[0])).toEqual(['1000', '1001', '1002']);
    });

    it('cuts long command lines and removes escape sequences from them', async () => {
      const long = `/usr/bin/evil \u001b[2J\u001b]0;title\u0007${'x'.repeat(300)}`;
      const text = await run(topProcessesTool, { limit: 1 }, { processes: async () => [process(7, 1, 1e6, long)] });
      const line = text.split('\n')[2] ?? '';
      expect(line).not.toContain('\u001b');
      expect(line).toContain('/usr/bin/evil x');
      const command = line.slice(line.indexOf('/usr/bin/evil'));
      expect(command.length).toBe(120);
      expect(command.endsWith('…')).toBeTrue();
    });

    it('rejects a limit out of bounds and an unknown ranking', () => {
      expect(topProcessesTool.params.safeParse({ limit: 500 }).success).toBeFalse();
      expect(topProcessesTool.params.safeParse({ limit: 0 }).success).toBeFalse();
      expect(topProcessesTool.params.safeParse({ limit: 2.5 }).success).toBeFalse();
      expect(topProcessesTool.params.safeParse({ sort_by: 'disk' }).success).toBeFalse();
    });
  });

  describe('network_status', () => {
    const status: NetworkStatus = {
      connectivity: 'limited',
      links: [
        { name: 'lo', state: 'unknown', addresses: ['127.0.0.1/8', '::1/128'] },
        { name: 'wlp2s0', state: 'up', addresses: ['192.168.1.20/24', 'fe80::1/64'] },
        { name: 'enp3s0', state: 'down', addresses: [] },
      ],
      routes: [
        { destination: 'default', gateway: '192.168.1.1', device: 'wlp2s0' },
        { destination: '192.168.1.0/24', gateway: null, device: 'wlp2s0' },
        { destination: 'default', gateway: null, device: 'wg0' },
      ],
      dnsServers: ['192.168.1.1', 'fd00::1'],
    };

    it('writes connectivity, the links but loopback, the default routes and the DNS servers', async () => {
      expect(networkStatusTool.name).toBe('network_status');
      expect(networkStatusTool.progress).toBe('checking the network…');
      expect(await run(networkStatusTool, {}, { network: async () => status })).toBe(
        [
          'Connectivity: limited',
          'Links:',
          '  wlp2s0 up: 192.168.1.20/24, fe80::1/64',
          '  enp3s0 down',
          'Default routes: via 192.168.1.1 on wlp2s0; on wg0',
          'DNS servers: 192.168.1.1, fd00::1',
        ].join('\n'),
      );
    });

    it('stays bounded with many container links', async () => {
      const links = Array.from({ length: 200 }, (_, i) => ({
        name: `veth${i}`,
        state: 'up',
        addresses: Array.from({ length: 20 }, (_, j) => `fe80::${i}:${j}/64`),
      }));
      const text = await run(
        networkStatusTool,
        {},
        { network: async () => ({ ...status, links, routes: [], dnsServers: [] }) },
      );
      expect(text.length).toBeLessThan(MAX_TOOL_OUTPUT);
      expect(text).toContain('  … and 184 more links');
      expect(text).toContain(' and 14 more\n');
      expect(text).toContain('Default routes: none\nDNS servers: none');
    });
  });
});
