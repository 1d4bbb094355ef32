// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The service's one sanitizer (untrustedText.ts) and every place of the service where outside text meets a
// person: what an action says for approval (the catalog), the proposals, jobs, audit records and findings its
// D-Bus replies carry, and what the CLI prints. Random Unicode goes through each.
import { Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { findingLine } from '../../service/src/cli/findings.js';
import {
  formatAction,
  formatHistory,
  formatJobs,
  formatProposal,
  formatProposals,
  unpack,
} from '../../service/src/cli/proposalsReport.js';
import { evidenceVariant, findingDict } from '../../service/src/findings/findingsInterface.js';
import type { ActionContext, ActionDefinition } from '../../service/src/fixes/action.js';
import { Catalog } from '../../service/src/fixes/catalog.js';
import { jobDict, proposalDict } from '../../service/src/fixes/proposalsInterface.js';
import { MAX_LABEL_LENGTH } from '../../service/src/fixes/shownNames.js';
import type { Job, Proposal } from '../../service/src/fixes/store.js';
import { printerActions } from '../../service/src/kinds/printing/actions.js';
import type { CupsClient } from '../../service/src/kinds/printing/cupsClient.js';
import { PRINTER_STOPPED } from '../../service/src/kinds/printing/stateDetector.js';
import { cleanLine, cleanText, MAX_NAME_LENGTH, shownName, terminalJson } from '../../service/src/untrustedText.js';
import { findingWithEvidence } from '../support/findingFixture.js';
import { ATTACKS, HostileText, propertySeeds, unsafeCharacter } from '../support/hostileText.js';

const context = {} as ActionContext;
const signal = new AbortController().signal;

/** Every string in a D-Bus dictionary, however nested. */
function stringsIn(value: unknown): string[] {
  if (value instanceof Variant) return stringsIn(value.value);
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

/** A catalog action whose every word but the template's comes from `outside`. */
function echoAction(outside: () => string): ActionDefinition {
  return {
    name: 'test.echo',
    title: 'Echo a name',
    params: z.object({ name: z.string() }),
    risk: 'low',
    needsAuthorization: false,
    readOnly: false,
    preview: async ({ name }) => ({
      summary: `Turn off ${String(name)} (${outside()})`,
      details: [outside(), outside()],
      changesNothing: false,
    }),
    run: async () => ({ summary: outside(), undo: { action: 'test.echo', params: {}, summary: outside() } }),
    verify: async () => ({ ok: true, observed: outside() }),
  };
}

function proposalWith(text: () => string): Proposal {
  const now = new Date();
  return {
    id: 1,
    findingId: 2,
    kind: 'printer-stopped',
    subject: text(),
    title: text(),
    explanation: text(),
    state: 'open',
    actions: [
      {
        name: 'printing.resume_printer',
        params: { printer: 'office' },
        title: text(),
        risk: 'low',
        needsAuthorization: true,
        readOnly: false,
        answer: text(),
        preview: { summary: text(), details: [text(), text()], changesNothing: false, label: text() },
        policy: 'ask',
      },
    ],
    trust: { origin: 'playbook', vouchedBy: null, reportedBy: text(), explanationBy: 'steward' },
    createdAt: now,
    updatedAt: now,
  };
}

function jobWith(text: () => string): Job {
  return {
    id: 3,
    proposalId: 1,
    action: 'printing.resume_printer',
    params: { printer: 'office' },
    subject: text(),
    state: 'failed',
    summary: text(),
    undo: { impossible: text() },
    undoOf: null,
    undoneBy: null,
    caller: text(),
    createdAt: new Date(),
    finishedAt: new Date(),
  };
}

describe('text from outside, as the service shows it', () => {
  describe('the sanitizer', () => {
    it('takes out escapes, controls, bidi overrides and invisible characters, and keeps the words', () => {
      expect(cleanLine(ATTACKS.ippStateMessage)).toBe('Printer on fire eton REPLACE TONER now');
      expect(cleanText(ATTACKS.ippStateMessage)).toBe('Printer on fire\neton REPLACE TONER\nnow');
      expect(cleanLine('a\u200bb\u2060c\ufeffd\u{e0041}e\u061cf\u00adg')).toBe('abcdefg');
      // The joiners scripts and emoji need stay; a lone surrogate becomes the replacement character.
      expect(cleanLine('\u{1f469}\u200d\u{1f4bb} می\u200cخواهم \ud800')).toBe(
        '\u{1f469}\u200d\u{1f4bb} می\u200cخواهم \ufffd',
      );
      expect(cleanLine(`e${'\u0301'.repeat(30)}`)).toBe(`e${'\u0301'.repeat(4)}`);
    });

    it('bounds the length with an ellipsis, never between the halves of a surrogate pair', () => {
      expect(cleanLine('x'.repeat(600))).toBe(`${'x'.repeat(499)}…`);
      expect(cleanLine(`ab${'\u{1f600}'.repeat(5)}`, 4)).toBe('ab…');
      expect(cleanText('one\ntwo\nthree', { max: 6 })).toBe('one\nt…');
      expect(shownName(`  Weather\n\n  ${'Pro '.repeat(40)}`)).toBe(`Weather${' Pro'.repeat(8)}…`);
      expect(shownName('x'.repeat(100)).length).toBe(MAX_NAME_LENGTH);
    });

    it('writes JSON a terminal cannot be made to act on, and that parses to the same value', () => {
      const value = { title: ATTACKS.ippStateMessage, c1: '\u009b2J\u0085', bidi: '\u202e\u2066' };
      const json = terminalJson(value);
      expect(unsafeCharacter(json)).toBeNull();
      expect(JSON.parse(json)).toEqual(value);
    });

    it('leaves nothing unsafe in random Unicode, bounded, and cleans its own output to itself', () => {
      for (const seed of propertySeeds()) {
        const random = new HostileText(seed);
        for (let index = 0; index < 10; index += 1) {
          const text = random.string();
          const line = cleanLine(text, 80);
          expect(unsafeCharacter(line))
            .withContext(`seed ${seed}: ${JSON.stringify(text)}`)
            .toBeNull();
          expect(line.length).toBeLessThanOrEqual(80);
          expect(cleanLine(line, 80)).toBe(line);
          const block = cleanText(text);
          expect(unsafeCharacter(block, { lines: true }))
            .withContext(`seed ${seed}`)
            .toBeNull();
          expect(cleanText(block)).toBe(block);
          const name = shownName(text);
          expect(unsafeCharacter(name)).withContext(`seed ${seed}`).toBeNull();
          expect(name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
          expect(JSON.parse(terminalJson(text))).toBe(text);
          expect(unsafeCharacter(terminalJson(text)))
            .withContext(`seed ${seed}`)
            .toBeNull();
        }
      }
    });
  });

  describe('what an action says for approval', () => {
    const stopped = (stateMessage: string) =>
      ({
        printers: async () => [
          { name: 'office', state: PRINTER_STOPPED, stateMessage, reasons: [], acceptingJobs: true },
        ],
      }) as unknown as CupsClient;

    it("cleans a printer's own IPP state message in the resume step's details", async () => {
      const resume = new Catalog(printerActions(stopped(ATTACKS.ippStateMessage))).get('printing.resume_printer');
      const preview = await resume!.preview({ printer: 'office' }, context);
      expect(preview.details[0]).toBe('Printer office is stopped: Printer on fire eton REPLACE TONER now');
      for (const line of [preview.summary, ...preview.details]) expect(unsafeCharacter(line)).toBeNull();
    });

    it("labels the button with the catalog's words and the name shortened", async () => {
      const action = new Catalog([echoAction(() => 'x')]).get('test.echo')!;
      const preview = await action.preview({ name: ATTACKS.buttonWords }, context);
      expect(preview.summary).toBe(`Turn off ${ATTACKS.buttonWords} (x)`);
      expect(preview.label).toBe(`Turn off ${shownName(ATTACKS.buttonWords)} (x)`);
    });

    it('leaves nothing unsafe in its summary, label, details, result, undo and check, whatever it is given', async () => {
      for (const seed of propertySeeds(50)) {
        const random = new HostileText(seed);
        const action = new Catalog([echoAction(() => random.string())]).get('test.echo')!;
        const params = { name: random.string() };
        const preview = await action.preview(params, context);
        const outcome = await action.run(params, context, { progress: () => undefined, signal });
        const verification = await action.verify(params, context);
        const undo = 'impossible' in outcome.undo ? outcome.undo.impossible : outcome.undo.summary;
        for (const line of [preview.summary, preview.label ?? '', ...preview.details, undo, verification.observed])
          expect(unsafeCharacter(line)).withContext(`seed ${seed}`).toBeNull();
        expect(unsafeCharacter(outcome.summary, { lines: true }))
          .withContext(`seed ${seed}`)
          .toBeNull();
        expect(preview.label?.length).toBeLessThanOrEqual(MAX_LABEL_LENGTH);
        expect(preview.label).toMatch(/^Turn off /);
      }
    });
  });

  describe('in D-Bus replies', () => {
    it('cleans a proposal title that a name from a log line made', () => {
      const title = 'Turn off the extension evil\u202efdp.exe@x\nApproved by IT';
      const dict = proposalDict({ ...proposalWith(() => 'x'), title });
      expect(dict.title?.value).toBe('Turn off the extension evilfdp.exe@x Approved by IT');
    });

    it('names a stored action without a label by its title alone', () => {
      const proposal = proposalWith(() => 'x');
      const [action] = proposal.actions;
      delete action!.preview.label;
      action!.title = 'Resume a stopped printer';
      action!.preview.summary = `Resume printer ${ATTACKS.buttonWords}`;
      const [dict] = proposalDict(proposal).actions!.value as Record<string, Variant>[];
      expect(dict!.label?.value).toBe('Resume a stopped printer');
    });

    it('leave nothing unsafe in a proposal, a job or a finding, whatever was stored', () => {
      for (const seed of propertySeeds(50)) {
        const random = new HostileText(seed);
        const text = () => random.string();
        const multiLine = new Set<string>();
        const proposal = proposalDict(proposalWith(text));
        for (const key of ['explanation'] as const) multiLine.add(String(proposal[key]?.value));
        const [action] = proposal.actions!.value as Record<string, Variant>[];
        multiLine.add(String(action!.answer?.value));
        const job = jobDict(jobWith(text));
        multiLine.add(String(job.summary?.value));
        const finding = findingDict(
          findingWithEvidence('printer-stopped', text(), {
            title: text(),
            explanation: text(),
            likelyCause: text(),
            reportedBy: text(),
          }),
        );
        const evidence = evidenceVariant([{ kind: 'journal', text: text(), at: new Date() }]);
        multiLine.add(String(finding.explanation?.value));
        for (const value of [proposal, job, finding, evidence].flatMap(stringsIn))
          expect(unsafeCharacter(value, { lines: multiLine.has(value) }))
            .withContext(`seed ${seed}: ${JSON.stringify(value)}`)
            .toBeNull();
      }
    });
  });

  describe('in the CLI', () => {
    const asClient = (dict: Record<string, Variant>) => unpack(dict) as Record<string, unknown>;

    it("prints the IPP state message of `steward proposals` without its escapes (an older service's reply)", () => {
      const proposal = proposalWith(() => 'x');
      proposal.actions[0]!.preview.details = [ATTACKS.ippStateMessage];
      const reply = asClient({
        ...proposalDict(proposal),
        // As an older service sent it: the details as they were stored.
        actions: new Variant('aa{sv}', [
          {
            ...(proposalDict(proposal).actions!.value as Record<string, Variant>[])[0],
            details: new Variant('as', [ATTACKS.ippStateMessage]),
            preview: new Variant('s', ATTACKS.ippStateMessage),
          },
        ]),
        title: new Variant('s', ATTACKS.ippStateMessage),
      });
      for (const output of [formatProposal(reply), formatProposals([reply], true)]) {
        expect(output).not.toContain('\u001b');
        expect(output).not.toContain('\u202e');
        expect(output).toContain('REPLACE TONER');
      }
    });

    it('prints nothing unsafe of random proposals, jobs, history and findings', () => {
      for (const seed of propertySeeds(50)) {
        const random = new HostileText(seed);
        const text = () => random.string();
        const hostile = (dict: Record<string, Variant>) =>
          Object.fromEntries(Object.entries(unpack(dict) as Record<string, unknown>).map(([key]) => [key, text()]));
        const proposal = { ...asClient(proposalDict(proposalWith(text))), title: text(), explanation: text() };
        const action = {
          name: 'printing.resume_printer',
          title: text(),
          preview: text(),
          details: [text()],
          answer: text(),
        };
        const job = hostile(jobDict(jobWith(text)));
        const record = { time: 0, event: text(), action: text(), result: text(), caller: text() };
        const finding = { id: '1', severity: text(), title: text(), count: 2, state: 'active', 'last-seen': 0 };
        const outputs = [
          formatProposals([{ ...proposal, actions: [action] }], true),
          formatProposal({ ...proposal, actions: [action], evidence: [{ time: 0, text: text() }] }),
          formatAction(action),
          formatJobs([job], false),
          formatHistory([record]),
          findingLine(finding),
        ];
        for (const output of outputs)
          expect(unsafeCharacter(output, { lines: true }))
            .withContext(`seed ${seed}: ${JSON.stringify(output)}`)
            .toBeNull();
      }
    });
  });
});
