// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The gym's own checks, made here on this machine (a system whose commands run on the host) rather than in a booted
// one: the same shell tests, against a port this spec holds and folders it makes.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

import { checkSteps, duplicateProposals, type OpenProposal } from '../gym/proposalChecks.js';
import type { CommandResult, GymSystem } from '../gym/system.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const host: Pick<GymSystem, 'exec'> = {
  exec: (argv) =>
    new Promise<CommandResult>((resolve) => {
      const [command = 'false', ...args] = argv;
      execFile(command, args, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    }),
};
const system = host as GymSystem;

const proposal = (
  id: string,
  findingId: string,
  actions: { name: string; params?: Record<string, unknown> }[],
  why = '',
): OpenProposal & { why: string } => ({
  id,
  'finding-id': findingId,
  subject: 'gym-app.service',
  actions: actions.map(({ name, params }) => ({ name, params: JSON.stringify(params ?? {}) })),
  why,
});

const restart = { name: 'systemd.restart_unit', params: { unit: 'gym-app.service' } };

describe('the gym’s rules for every scenario', () => {
  it('names a finding with two open proposals, and no proposal without a finding', () => {
    const open = [proposal('p1', 'f1', []), proposal('p2', 'f1', []), proposal('p3', 'f2', []), proposal('p4', '', [])];
    expect(duplicateProposals(open)).toEqual(['2 open proposals (p1, p2) for one finding']);
    expect(duplicateProposals(open.slice(2))).toEqual([]);
  });

  describe('checks on the machine', () => {
    let server: Server;
    let port: number;
    let temp: TempDir;

    beforeAll(async () => {
      server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
      temp = await makeTempDir();
    });

    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
      await temp.remove();
    });

    it('fail a port held for a program that could not bind it, and pass it for one that could not reach it', async () => {
      const check = { name: 'info.port_holder', params: { port } };
      const inUse = await checkSteps(system, [
        proposal('p1', 'f1', [check, restart], 'OSError: [Errno 98] Address already in use'),
      ]);
      expect(inUse).toEqual({
        made: 1,
        failed: 1,
        restartsWhileFailing: [jasmine.stringContaining('systemd.restart_unit offered while info.port_holder')],
      });
      const refused = await checkSteps(system, [
        proposal('p1', 'f1', [check, restart], 'connect ECONNREFUSED 127.0.0.1'),
      ]);
      expect(refused).toEqual({ made: 1, failed: 0, restartsWhileFailing: [] });
    });

    it('fail a path whose folder is missing for the unit’s user, and pass one it may create', async () => {
      const access = (path: string) => ({
        name: 'info.path_access',
        params: { path, unit: 'gym-app.service', scope: 'user' },
      });
      const missing = await checkSteps(system, [
        proposal('p1', 'f1', [access(join(temp.path, 'gone/settings.json')), restart]),
      ]);
      expect(missing.failed).toBe(1);
      expect(missing.restartsWhileFailing.length).toBe(1);
      // Without a restart offered, a failing check is counted and breaks no rule.
      const waiting = await checkSteps(system, [proposal('p1', 'f1', [access(join(temp.path, 'gone/settings.json'))])]);
      expect(waiting).toEqual({ made: 1, failed: 1, restartsWhileFailing: [] });
      const creatable = await checkSteps(system, [proposal('p1', 'f1', [access(join(temp.path, 'count')), restart])]);
      expect(creatable).toEqual({ made: 1, failed: 0, restartsWhileFailing: [] });
    });

    it('pass a folder with room on a writable file system, and leave checks the gym cannot make from outside', async () => {
      const result = await checkSteps(system, [
        proposal('p1', 'f1', [
          { name: 'info.disk_usage', params: { path: join(temp.path, 'not-yet/file') } },
          { name: 'info.path_mount', params: { path: temp.path } },
          { name: 'info.open_files', params: { unit: 'gym-app.service', scope: 'system' } },
          restart,
        ]),
      ]);
      expect(result).toEqual({ made: 2, failed: 0, restartsWhileFailing: [] });
    });
  });
});
