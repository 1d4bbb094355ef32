// `npm run corpus`: every case of test/corpus/cases/ through the real service
// (test/corpus/README.md), scored per class against test/corpus/baseline.json.
//   node dist/corpus/run.js [--update-baseline] [--cases DIR]
//
// One service run for the whole corpus: the cases are written an hour apart
// into one journal directory that the service follows, in waves that each end
// with a marker line, so the runner knows when the service has read a wave and
// can read the evidence of every finding before later lines push it out.
// The units that a case's service-manager lines name exist in the systemd mock
// in the `failed` state, as they were on the reporter's machine when it logged them.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Variant } from '@jellybrick/dbus-next';
import { callMethod } from '../../service/src/dbus/client.js';
import { appendToJournal, type ExportEntry } from '../support/journal.js';
import { startPrivateBus } from '../support/privateBus.js';
import { BUS_NAME, OBJECT_PATH, quietWatch, startConfiguredService, waitFor } from '../support/service.js';
import { addService, fail, startMockSystemd, stopMockSystemd } from '../support/systemdMock.js';
import { makeTempDir } from '../support/tempDir.js';
import { baselineOf, baselineSchema, shortfalls, table } from './baseline.js';
import { CASES_DIR, loadCases } from './cases.js';
import { score, type PlacedCase, type SeenFinding, type SeenProposal } from './score.js';
import { failedUnits, TrustedFields } from './writer.js';

const HOUR_US = 3_600_000_000n;
const LINE_US = 1_000_000n;
const WAVE = 40;
const BASELINE = join(process.cwd(), 'test', 'corpus', 'baseline.json');
const RESULTS = join(process.cwd(), 'test-results', 'corpus.json');
const markerUnit = (wave: number) => `steward-corpus-wave-${wave}.service`;

type Dict = Record<string, Variant>;
const json = (value: unknown, space?: number) =>
  JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v), space);
const plain = (dict: Dict) => Object.fromEntries(Object.entries(dict).map(([k, v]) => [k, v.value as unknown]));

async function main() {
  const { values } = parseArgs({ options: { 'update-baseline': { type: 'boolean' }, cases: { type: 'string' } } });
  const started = Date.now();
  const cases = loadCases(values.cases ?? CASES_DIR);
  const waves = Array.from({ length: Math.ceil(cases.length / WAVE) }, (_, i) => cases.slice(i * WAVE, (i + 1) * WAVE));
  // The corpus replays the past: case i owns hour i (and each wave's marker the hour after it) up to now.
  const slots = BigInt(cases.length + waves.length + 1);
  const base = ((BigInt(Date.now()) * 1000n) / HOUR_US) * HOUR_US - slots * HOUR_US;

  const bus = await startPrivateBus();
  const client = await bus.connect();
  const systemd = await startMockSystemd(bus, client);
  const home = await makeTempDir('steward-corpus-');
  try {
    const units = new Set([...cases.flatMap((c) => failedUnits(c.lines)), ...waves.map((_, i) => markerUnit(i))]);
    // The mock's object paths take only these characters: template and escaped units stay unknown to it.
    for (const unit of [...units].filter((u) => /^[A-Za-z0-9._-]+$/.test(u))) {
      await addService(client, unit);
      await fail(client, unit, { status: 1 });
    }
    const journal = join(home.path, 'journal');
    await mkdir(journal);
    const fields = new TrustedFields();
    // journalctl needs a journal to follow before the service starts; it begins at its tail.
    await appendToJournal(journal, [
      fields.entry(
        { writer: 'systemd', message: 'Reached target multi-user.target - Multi-User System.' },
        base - HOUR_US,
      ),
    ]);
    const service = await startConfiguredService(bus, client, home.path, {
      watch: quietWatch({ journal: { system: false, user: false, directories: [journal] } }),
    });
    const call = async (iface: string, member: string, signature = '', body: unknown[] = []) =>
      callMethod(client, {
        destination: BUS_NAME,
        path: OBJECT_PATH,
        interface: `${BUS_NAME}.${iface}`,
        member,
        signature,
        body,
      });
    const list = async (iface: string) =>
      ((await call(iface, 'List', 'a{sv}', [{ state: new Variant('s', 'all') }]))[0] as Dict[]).map(plain);

    const placed: PlacedCase[] = [];
    const seen = new Map<string, SeenFinding & { count: number; lastSeen: bigint }>();
    let slot = 0n;
    for (const [w, wave] of waves.entries()) {
      const entries: ExportEntry[] = [];
      for (const corpusCase of wave) {
        const startUs = base + slot++ * HOUR_US;
        placed.push({ corpusCase, startUs, endUs: startUs + HOUR_US });
        corpusCase.lines.forEach((line, i) => entries.push(fields.entry(line, startUs + BigInt(i) * LINE_US)));
      }
      const marker = markerUnit(w);
      entries.push(
        fields.entry(
          { writer: 'systemd', message: `${marker}: Failed with result 'exit-code'.` },
          base + slot++ * HOUR_US,
        ),
      );
      await appendToJournal(journal, entries);
      await waitFor(
        async () => (await list('Findings')).some((f) => f.subject === marker),
        `wave ${w + 1} to be read`,
        60_000,
      );
      await readEvidence(call, await list('Findings'), seen);
    }
    // Proposals follow findings asynchronously: settled when two looks a second apart agree.
    let last = '';
    await waitFor(
      async () => {
        const now = json(await list('Proposals'));
        const settled = now === last;
        last = now;
        if (!settled) await new Promise((resolve) => setTimeout(resolve, 1000));
        return settled;
      },
      'the proposals to settle',
      120_000,
    );
    const markers = new Set(waves.map((_, i) => markerUnit(i)));
    const findings = [...seen.values()].filter((f) => !markers.has(f.subject));
    const proposals: SeenProposal[] = (await list('Proposals')).map((p) => ({
      findingId: String(p['finding-id']),
      createdUs: BigInt(p.created as bigint),
      actions: (p.actions as Dict[]).map((a) => String(a.name!.value)),
    }));
    await service.stop();

    const result = score(placed, findings, proposals);
    console.log(table(result));
    console.log(
      `\n${cases.length} cases, ${findings.length} findings, ${proposals.length} proposals in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    if (result.unplaced.length > 0)
      console.log(`findings outside every case: ${result.unplaced.map((f) => `${f.kind} ${f.subject}`).join(', ')}`);
    await mkdir(join(RESULTS, '..'), { recursive: true });
    await writeFile(RESULTS, `${json(result, 2)}\n`);

    if (values['update-baseline']) {
      await writeFile(BASELINE, `${JSON.stringify(baselineOf(result), null, 2)}\n`);
      console.log(`wrote ${BASELINE}`);
      return;
    }
    const below = shortfalls(result, baselineSchema.parse(JSON.parse(await readFile(BASELINE, 'utf8'))));
    if (below.length > 0) {
      console.error(`below the baseline (test/corpus/baseline.json):\n${below.join('\n')}`);
      process.exitCode = 1;
    }
  } finally {
    await stopMockSystemd(systemd);
    await bus.stop();
    await home.remove();
  }
}

/** Adds the evidence of every finding that is new or grew since the last look. */
async function readEvidence(
  call: (iface: string, member: string, signature?: string, body?: unknown[]) => Promise<unknown[]>,
  listed: Record<string, unknown>[],
  seen: Map<string, SeenFinding & { count: number; lastSeen: bigint }>,
) {
  for (const f of listed) {
    const id = String(f.id);
    const count = Number(f.count);
    const lastSeen = BigInt(f['last-seen'] as bigint);
    const known = seen.get(id);
    if (known && known.count === count && known.lastSeen === lastSeen) continue;
    const [finding] = (await call('Findings', 'Get', 's', [id])) as [Dict];
    const evidence = (finding.evidence!.value as Dict[]).map((e) => BigInt(e.time!.value as bigint));
    seen.set(id, {
      id,
      kind: String(f.kind),
      subject: String(f.subject),
      evidenceUs: [...new Set([...(known?.evidenceUs ?? []), ...evidence])],
      count,
      lastSeen,
    });
  }
}

await main();
