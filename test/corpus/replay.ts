// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Replays corpus cases through the real service: one simulated machine
// (simulatedMachine.ts: private buses, mocks of the user's and PID 1's systemd,
// NetworkManager and systemd-resolved) and one service following its system
// and user journals (stand-ins, through the service's test hooks), for the
// whole corpus.
//
// The cases are written an hour apart (so no detector window joins two) into
// the past, in waves that each end with a marker line in each journal written
// to: once the markers' findings and proposals are listed, the service has
// read the wave and proposed on it, and the runner reads the evidence of every
// new or grown finding before later lines can push it out of the store's
// first-and-latest window. Before each wave is written, the units its cases'
// lines show are loaded into the managers in the state those lines leave them
// in (machine.ts), and its files put in place.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import { Variant } from '@jellybrick/dbus-next';

import { readAllPages } from '../../service/src/cli/paging.js';
import { callMethod } from '../../service/src/dbus/client.js';
import { appendToJournal, type ExportEntry } from '../support/journal.js';
import { childrenOf } from '../support/processes.js';
import { BUS_NAME, OBJECT_PATH, quietWatch, startConfiguredService, waitFor } from '../support/service.js';
import { makeTempDir } from '../support/tempDir.js';
import { CONDITION_TIMEOUT_MS } from '../support/timeouts.js';
import type { CorpusCase, CorpusLine } from './cases.js';
import { machineWaves } from './machine.js';
import type { PlacedCase, SeenFinding, SeenProposal } from './score.js';
import { SimulatedMachine } from './simulatedMachine.js';
import { journalOf, TrustedFields } from './writer.js';

const run = promisify(execFile);
const HOUR_US = 3_600_000_000n;
const SERVICE_LOG = join(process.cwd(), 'test-results', 'corpus-service.log');
const LINE_US = 1_000_000n;
// One case a wave: a finding that two cases of a wave share (a CPU's throttling, a resolver's failures)
// keeps only its first and latest evidence, so the cases between would lose theirs; and each case gets
// exactly its own machine's units. Larger waves are faster but score those cases as missed.
const WAVE = 1;
/** How many of the newest findings and proposals a look while a wave is read takes: a wave makes a few. */
const NEWEST = 64;
const markerUnit = (wave: number, manager: 'system' | 'user' = 'system') =>
  `steward-corpus-wave-${wave}${manager === 'user' ? '-user' : ''}.service`;
const markerFailed = (unit: string) => `${unit}: Failed with result 'exit-code'.`;

type Dict = Record<string, Variant>;
const plain = (dict: Dict) => Object.fromEntries(Object.entries(dict).map(([k, v]) => [k, v.value]));
const seenProposal = (p: Record<string, unknown>): SeenProposal => ({
  findingId: String(p['finding-id']),
  createdUs: BigInt(p.created as bigint),
  actions: (p.actions as Dict[]).map((a) => String(a.name!.value)),
  steps: (p.actions as Dict[]).map((a) => ({
    name: String(a.name!.value),
    params: JSON.parse(String(a.params!.value)) as unknown,
  })),
  state: String(p.state),
});
export const json = (value: unknown, space?: number) =>
  JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v), space);

export interface WaveTime {
  wave: number;
  cases: string[];
  ms: number;
}

export interface Replay {
  placed: PlacedCase[];
  findings: SeenFinding[];
  /** The proposals at the end of the run. */
  proposals: SeenProposal[];
  /** Per case, the proposals as they stood once its wave was read and proposed on (see score). */
  proposalsAfter: Map<string, SeenProposal[]>;
  /** The waves that took longest from writing to proposals: a stall shows here before it fails a run. */
  slowestWaves: WaveTime[];
  /** How often the service started a journal follower again because it went quiet with entries unread, per journal. */
  quietRestarts: Record<string, number>;
}

/**
 * Replays `cases` in order. The cases of `sealed` (the sealed part, test/corpus/README.md) go last and are never
 * named: a wave of them is "sealed" in the slowest waves and in a stall's error, and a stall there leaves no
 * service log (it would hold their lines); a stall before them leaves one that holds none of theirs.
 */
export async function replayCorpus(cases: CorpusCase[], sealed: ReadonlySet<CorpusCase> = new Set()): Promise<Replay> {
  const firstSealed = cases.findIndex((c) => sealed.has(c));
  if (firstSealed >= 0 && cases.slice(firstSealed).some((c) => !sealed.has(c))) {
    throw new Error('the sealed cases must come after the others');
  }
  const named = (wave: CorpusCase[]) => (wave.some((c) => sealed.has(c)) ? ['sealed'] : wave.map((c) => c.id));
  const waves = machineWaves(cases, WAVE);
  // Case i owns hour i, each wave's marker the hour after its last case, and the last hour ends now.
  const slots = BigInt(cases.length + waves.length + 1);
  const base = ((BigInt(Date.now()) * 1000n) / HOUR_US) * HOUR_US - slots * HOUR_US;

  const machine = await SimulatedMachine.start(cases);
  const { client } = machine;
  const home = await makeTempDir('steward-corpus-');
  try {
    // The replayed journals are this machine's system and user journals, not extra directories: the test hooks
    // say so. journald keeps a user's lines in that user's journal, the rest in the system's.
    const journals = { system: join(home.path, 'system-journal'), user: join(home.path, 'user-journal') };
    const fields = new TrustedFields();
    // The service starts following at each journal's tail, so the journals must exist first.
    const booted: Record<keyof typeof journals, CorpusLine> = {
      system: { writer: 'systemd', message: 'Reached target multi-user.target - Multi-User System.' },
      user: { writer: 'user-manager', message: 'Reached target default.target - Main User Target.' },
    };
    for (const which of ['system', 'user'] as const) {
      await mkdir(journals[which]);
      await appendToJournal(journals[which], [fields.entry(booted[which], base - HOUR_US)]);
    }
    const service = await startConfiguredService(
      machine.session,
      client,
      home.path,
      { logLevel: 'debug', watch: quietWatch({ journal: { system: true, user: true, directories: [] } }) },
      { ...machine.env, STEWARD_TEST_SYSTEM_JOURNAL: journals.system, STEWARD_TEST_USER_JOURNAL: journals.user },
    );
    const call = async (iface: string, member: string, signature = '', body: unknown[] = []) =>
      callMethod(client, {
        destination: BUS_NAME,
        path: OBJECT_PATH,
        interface: iface ? `${BUS_NAME}.${iface}` : BUS_NAME,
        member,
        signature,
        body,
      });
    // `newest`: only the first so many, newest first (proposals by id, findings by when last seen), for the looks
    // repeated while a wave is read: a whole list each time costs the service more with every wave.
    const list = async (iface: string, newest?: number) =>
      (
        await readAllPages((page) => call(iface, 'List', 'a{sv}', [page]), {
          state: new Variant('s', 'all'),
          ...(newest !== undefined && { limit: new Variant('u', newest) }),
        })
      ).map(plain);

    const placed: PlacedCase[] = [];
    const proposalsAfter = new Map<string, SeenProposal[]>();
    const seen = new Map<string, SeenFinding & { count: number; lastSeen: bigint }>();
    /** Adds the evidence of every finding that is new or grew since the last look. */
    const readEvidence = async () => {
      for (const f of await list('Findings')) {
        const id = String(f.id);
        const count = Number(f.count);
        const lastSeen = BigInt(f['last-seen'] as bigint);
        const known = seen.get(id);
        if (known?.count === count && known.lastSeen === lastSeen) continue;
        const [finding] = (await call('Findings', 'Get', 's', [id])) as [Dict];
        const evidence = (finding.evidence!.value as Dict[]).map((e) => BigInt(e.time!.value as bigint));
        const evidenceUs = [...new Set([...(known?.evidenceUs ?? []), ...evidence])];
        seen.set(id, { id, kind: String(f.kind), subject: String(f.subject), evidenceUs, count, lastSeen });
      }
    };

    let slot = 0n;
    // The service's log, kept where CI keeps results, when a wave is not read: the stall is in there.
    const waitOrDump = async (condition: () => Promise<boolean>, what: string, timeoutMs: number, open = true) =>
      waitFor(condition, what, timeoutMs).catch(async (error: unknown) => {
        if (!open)
          throw new Error(`${(error as Error).message} (a sealed wave: no service log is kept)`, { cause: error });
        // What journalctl itself reads now tells a marker that was never written from one the service missed.
        const tails = await Promise.all(
          Object.values(journals).map(async (dir) => {
            const args = ['--directory', dir, '--lines=3', '--no-pager', '--output=short-full'];
            const { stdout } = await run('journalctl', args).catch((e: { stdout?: string }) => ({ stdout: e.stdout }));
            return `== journalctl ${args.join(' ')}\n${stdout ?? ''}`;
          }),
        );
        const children = childrenOf(service.process.pid!).map((c) => `${c.pid} ${c.comm}`);
        await mkdir(dirname(SERVICE_LOG), { recursive: true });
        await writeFile(SERVICE_LOG, `${service.log()}\n${tails.join('\n')}\n== children: ${children.join(', ')}\n`);
        throw new Error(`${(error as Error).message} (the service's log: ${SERVICE_LOG})`, { cause: error });
      });
    const waveTimes: WaveTime[] = [];
    for (const [w, { cases: wave, units }] of waves.entries()) {
      const waveStarted = performance.now();
      const entries: ExportEntry[] = [];
      for (const corpusCase of wave) {
        const startUs = base + slot++ * HOUR_US;
        placed.push({ corpusCase, startUs, endUs: startUs + HOUR_US });
        corpusCase.lines.forEach((line, i) => entries.push(fields.entry(line, startUs + BigInt(i) * LINE_US)));
      }
      await machine.setUnits(units);
      await machine.setFiles(wave.flatMap((c) => c.files ?? []));
      // A marker in each journal the wave wrote to (the system's always), an hour after the wave: the service
      // follows the two journals apart.
      const markerUs = base + slot++ * HOUR_US;
      const written = new Set(['system' as const, ...entries.map(journalOf)]);
      const subjects: string[] = [];
      for (const which of written) {
        const marker = markerUnit(w, which);
        subjects.push(marker);
        await machine.setUnit(which, marker, 'failed');
        const writer = which === 'system' ? 'systemd' : 'user-manager';
        const lines = entries.filter((entry) => journalOf(entry) === which);
        lines.push(fields.entry({ writer, message: markerFailed(marker) }, markerUs));
        await appendToJournal(journals[which], lines);
      }
      let markerIds: unknown[] = [];
      const read = async () => {
        markerIds = (await list('Findings', NEWEST))
          .filter((f) => subjects.includes(String(f.subject)))
          .map((f) => f.id);
        return markerIds.length === subjects.length;
      };
      const open = !wave.some((c) => sealed.has(c));
      await waitOrDump(
        read,
        `the service to read wave ${w + 1} (${named(wave).join(', ')})`,
        CONDITION_TIMEOUT_MS,
        open,
      );
      await readEvidence();
      // Once the markers have their proposals and the proposer considers nothing more, the wave's findings had
      // theirs considered, while the units and files were this wave's. The markers alone do not say it: a finding
      // an earlier case shares (one file) is drafted again beside them, not before.
      const proposed = async () => {
        const findingIds = new Set((await list('Proposals', NEWEST)).map((p) => p['finding-id']));
        if (!markerIds.every((id) => findingIds.has(id))) return false;
        const [status] = (await call('', 'GetStatus')) as [Dict];
        return status.considering?.value === 0;
      };
      await waitOrDump(proposed, `the proposals of wave ${w + 1}`, CONDITION_TIMEOUT_MS, open);
      const now = (await list('Proposals')).map(seenProposal);
      for (const corpusCase of wave) proposalsAfter.set(corpusCase.id, now);
      waveTimes.push({ wave: w + 1, cases: named(wave), ms: performance.now() - waveStarted });
    }
    // Proposals follow findings asynchronously: settled when two looks a second apart agree.
    let last = '';
    const settled = async () => {
      const now = json(await list('Proposals'));
      if (now === last) return true;
      last = now;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return false;
    };
    await waitFor(settled, 'the proposals to settle', 120_000);
    const markers = new Set(waves.flatMap((_, i) => [markerUnit(i), markerUnit(i, 'user')]));
    const findings = [...seen.values()].filter((f) => !markers.has(f.subject));
    const ids = new Set(findings.map((f) => f.id));
    const proposals = (await list('Proposals')).map(seenProposal).filter((p) => ids.has(p.findingId));
    await service.stop();
    const quietRestarts: Record<string, number> = {};
    for (const line of service
      .log()
      .split('\n')
      .filter((each) => each.includes('stopped reporting entries'))) {
      const source = /source=(\S+)/.exec(line)?.[1] ?? 'a journal';
      quietRestarts[source] = (quietRestarts[source] ?? 0) + 1;
    }
    return {
      quietRestarts,
      placed,
      findings,
      proposals,
      proposalsAfter,
      slowestWaves: waveTimes.sort((a, b) => b.ms - a.ms).slice(0, 5),
    };
  } finally {
    await machine.stop();
    await home.remove();
  }
}
