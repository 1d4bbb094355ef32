// Throwaway: replays the TUNING part (test/corpus/cases only) through the detectors directly, no service.
import { createDetectors } from './service/src/findings/detectors/index.js';
import { Writers } from './service/src/findings/writers.js';
import { parseJournalLine } from './service/src/watch/journalEntry.js';
import { CLASS_KINDS, loadCases } from './test/corpus/cases.js';
import { journalOf, SYSTEMD_EXE, TrustedFields } from './test/corpus/writer.js';

const only = process.argv[2];
const verbose = process.argv.includes('-v');
const cases = loadCases().filter((c) => !only || only === 'all' || (c.expect.class ?? 'benign') === only);
const ALL_EXES = [SYSTEMD_EXE, ...loadCases().flatMap((c) => c.lines.flatMap((l) => (typeof l.writer === "object" ? [l.writer.exe] : [])))];
const byClass = new Map<string, { n: number; hit: number; miss: string[] }>();
let t = 1_700_000_000_000_000n;
for (const c of cases) {
  const exes = ALL_EXES;
  const writers = new Writers(1000).assumeInstalled(exes);
  const detectors = createDetectors({ writers });
  const first = detectors.filter((d) => !d.runsLast);
  const last = detectors.filter((d) => d.runsLast);
  const tf = new TrustedFields();
  const kinds: string[] = [];
  const titles: string[] = [];
  for (const line of c.lines) {
    t += 1_000_000n;
    const e = tf.entry(line, t) as Record<string, unknown>;
    const obj: Record<string, string> = { __CURSOR: `c${t}`, __REALTIME_TIMESTAMP: String(t) };
    for (const [k, v] of Object.entries(e)) if (k !== 'realtime') obj[k] = String(v);
    const entry = parseJournalLine(JSON.stringify(obj), journalOf(e as never) === 'system');
    if (entry instanceof Error) throw entry;
    const event = { type: 'journal' as const, at: new Date(Number(t / 1000n)), entry };
    const outs = [];
    for (const d of first) outs.push(...d.detect(event as never));
    const claimed = outs.length > 0 || first.some((d) => d.claims?.(event as never) === true);
    for (const d of last) outs.push(...d.detect(event as never, claimed));
    for (const o of outs) if ('report' in o) { kinds.push(o.report.kind); titles.push(`${o.report.kind}[${o.report.subject}] ${o.report.title}`); }
  }
  t += 3_600_000_000n;
  const cls = c.expect.class ?? 'benign';
  const s = byClass.get(cls) ?? { n: 0, hit: 0, miss: [] };
  s.n++;
  const ok = c.expect.class === null ? kinds.length === 0 : kinds.some((k) => (CLASS_KINDS[c.expect.class!] as readonly string[]).includes(k));
  if (ok) s.hit++;
  else s.miss.push(`${c.id}: ${[...new Set(titles)].join(' | ') || 'nothing'}`);
  if (verbose) console.log(`${ok ? 'ok  ' : 'MISS'} ${c.id}: ${[...new Set(titles)].join(' | ')}`);
  byClass.set(cls, s);
}
for (const [cls, s] of byClass) {
  console.log(`${cls}: ${s.hit}/${s.n} ${((100 * s.hit) / s.n).toFixed(1)}%${cls === 'benign' ? ' (quiet)' : ''}`);
  if (!verbose) for (const m of s.miss) console.log(`   ${m.slice(0, 300)}`);
}
