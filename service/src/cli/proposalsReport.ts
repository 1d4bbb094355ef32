// Text for `steward proposals`, `jobs` and `history`, from the replies of the
// Proposals interface after unpack().
import { Variant } from '@jellybrick/dbus-next';

export type Dict = Record<string, unknown>;

/** Turns an a{sv} reply into plain JSON-friendly values, nested dictionaries and arrays included. */
export function unpack(value: unknown): unknown {
  if (value instanceof Variant) return unpack(value.value);
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(unpack);
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unpack(item)]));
  }
  return value;
}

const str = (value: unknown) => (typeof value === 'string' ? value : '');
const list = (value: unknown) => (Array.isArray(value) ? (value as unknown[]) : []);
export const actionsOf = (proposal: Dict) => list(proposal.actions) as Dict[];

export const when = (micros: unknown) => new Date(Number(micros) / 1000).toLocaleString();

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → "1.5 KiB": binary units, one decimal below 10 of a unit. */
export function humanBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

/** "medium risk, needs your password": what the user weighs before approving. */
export function actionTraits(action: Dict): string {
  return [
    `${str(action.risk)} risk`,
    action['read-only'] ? 'read-only' : '',
    action['needs-authorization'] ? 'needs your password' : '',
    action.policy === 'never' ? 'blocked by your settings' : action.policy === 'auto' ? 'applied automatically' : '',
  ]
    .filter(Boolean)
    .join(', ');
}

const heading = (proposal: Dict) =>
  `${str(proposal.id).padStart(4)}  ${str(proposal.state).padEnd(9)}  ${str(proposal.title)}`;

export function formatProposals(proposals: Dict[], all: boolean): string {
  if (proposals.length === 0) return all ? 'Steward has proposed nothing yet.\n' : 'No fixes are waiting.\n';
  const width = Math.max(...proposals.flatMap(actionsOf).map((action) => str(action.name).length));
  return proposals
    .map((proposal) =>
      [
        heading(proposal),
        ...actionsOf(proposal).map(
          (action) => `        ${str(action.name).padEnd(width)}  ${actionTraits(action)} — ${str(action.preview)}`,
        ),
      ].join('\n'),
    )
    .map((block) => `${block}\n`)
    .join('');
}

/** One action with its exact effect, indented by `indent`. */
export function formatAction(action: Dict, indent = '  '): string {
  const lines = [
    `${indent}${str(action.name)}: ${str(action.title)} (${actionTraits(action)})`,
    `${indent}  ${str(action.preview)}`,
    ...list(action.details).map((line) => `${indent}    ${str(line)}`),
  ];
  if (typeof action.bytes === 'number') lines.push(`${indent}    Size: ${humanBytes(action.bytes)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Who reported the problem when the system does not vouch for it, and whose words the explanation is: a
 * program's own log line is its claim, and the model's explanation is its opinion.
 */
function provenance(proposal: Dict): string[] {
  return [
    proposal['vouched-by'] === '' && proposal['reported-by']
      ? `Reported by ${str(proposal['reported-by'])}; the system has not confirmed it. Review before applying.\n`
      : '',
    proposal.origin === 'model' ? 'Suggested by the model, not by a Steward playbook.\n' : '',
  ];
}

export function formatProposal(proposal: Dict): string {
  const about = [str(proposal.kind), str(proposal.subject)].filter(Boolean).join(' ');
  const finding = str(proposal['finding-id']);
  const evidence = list(proposal.evidence) as Dict[];
  const explanation = str(proposal.explanation);
  return [
    `${heading(proposal)}\n`,
    `About: ${about}${finding ? ` (finding ${finding})` : ''}, proposed ${when(proposal.created)}\n`,
    ...provenance(proposal),
    `\n${proposal['explanation-by'] === 'model' && explanation ? `The model says: ${explanation}` : explanation}\n\nActions:\n`,
    ...actionsOf(proposal).map((action) => formatAction(action)),
    evidence.length > 0 ? 'Evidence:\n' : '',
    ...evidence.map((item) => `  ${when(item.time)}  ${str(item.text)}\n`),
  ].join('');
}

export function formatJobs(jobs: Dict[], undoable: boolean): string {
  if (jobs.length === 0) return undoable ? 'Nothing can be undone.\n' : 'No fixes have run yet.\n';
  return jobs.map((job) => `${jobLine(job)}\n`).join('');
}

export function jobLine(job: Dict): string {
  const links = [
    job['undo-of'] ? `undoes job ${str(job['undo-of'])}` : '',
    job['undone-by'] ? `undone by job ${str(job['undone-by'])}` : '',
    job['can-undo'] ? `can undo: ${str(job.undo)}` : '',
  ].filter(Boolean);
  return (
    `${str(job.id).padStart(4)}  ${str(job.state).padEnd(14)}  ${when(job.created)}  ` +
    `${str(job.action)} ${str(job.subject)}: ${str(job.summary)}${links.length > 0 ? ` [${links.join('; ')}]` : ''}`
  );
}

export function formatHistory(records: Dict[]): string {
  if (records.length === 0) return 'Nothing has happened yet.\n';
  return records
    .map(
      (record) =>
        `${when(record.time)}  ${str(record.event).padEnd(10)}  ${str(record.action) || '-'}  ${str(record.caller)}` +
        `${record.result ? `  ${str(record.result)}` : ''}\n`,
    )
    .join('');
}
