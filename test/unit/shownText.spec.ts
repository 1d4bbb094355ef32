// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The extension's one sanitizer (extension/src/shared/shownText.ts) and the places of the extension that run
// under Node: the notification's title, body and button, and the words on a proposal's button. The menu, the
// quick chat and the search results are read on screen in GNOME Shell (test/e2e/hostileText.spec.ts).
import { buttonLabel, type Proposal, proposalFrom } from '../../extension/src/shared/model.js';
import { jobFrom } from '../../extension/src/shared/model.js';
import { shownText } from '../../extension/src/shared/shownText.js';
import {
  LINE_BREAK,
  type News,
  notificationFor,
  resultNotification,
  shownNotification,
} from '../../extension/src/shell/notificationPolicy.js';
import { ATTACKS, HostileText, propertySeeds, unsafeCharacter } from '../support/hostileText.js';

const translations = {
  _: (text: string) => text,
  ngettext: (singular: string, plural: string, n: number) => (n === 1 ? singular : plural),
};

// GNOME Shell's findUrls (js/misc/util.js), which decides what a notification's body underlines and opens on a
// click: as in 46 to 48, and the domain part as changed in 49. The e2e spec asks the real one.
const balancedParens = '\\([^\\s()<>]+\\)';
const leadingJunk = '[\\s`(\\[{\'\\"<\u00AB\u201C\u2018]';
const notTrailingJunk = '[^\\s`!()\\[\\]{};:\'\\".,<>?\u00AB\u00BB\u200E\u200F\u201C\u201D\u2018\u2019\u202A\u202C]';
const gnomeUrls = (domain: string) =>
  new RegExp(
    `(^|${leadingJunk})((?:(?:http|https|ftp)://|www\\d{0,3}[.]|${domain})(?:[^\\s()<>]+|${balancedParens})+(?:${balancedParens}|${notTrailingJunk}))`,
    'gi',
  );
const GNOME_URLS = [gnomeUrls('[a-z0-9.\\-]+[.][a-z]{2,4}/'), gnomeUrls('([a-z0-9\\-]+[.])+[a-z]{2,4}/')];
const linksIn = (text: string) => GNOME_URLS.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[2]));

/** A proposal about a broken extension whose name, explanation and button come from outside. */
const extensionProposal = (name: string, label: string | undefined): Proposal =>
  proposalFrom({
    id: '4',
    'finding-id': '2',
    title: `Turn off the extension ${name}`,
    explanation: `The extension ${name} failed as GNOME Shell started.`,
    state: 'open',
    'one-click': true,
    'vouched-by': 'gnome-shell',
    'explanation-by': 'steward',
    actions: [
      {
        name: 'extensions.disable',
        title: 'Turn a GNOME Shell extension off',
        risk: 'low',
        'read-only': false,
        preview: `Turn off the extension ${name} (weather@example.org)`,
        ...(label !== undefined && { label }),
        details: [],
      },
    ],
  });
const news = (proposal: Proposal): News => ({ kind: 'proposal', proposal, severity: 'error' });

describe("the extension's shown text", () => {
  it('takes out escapes, controls, bidi overrides and invisible characters, and bounds the length', () => {
    expect(shownText(ATTACKS.ippStateMessage)).toBe('Printer on fire eton REPLACE TONER now');
    expect(shownText(ATTACKS.ippStateMessage, { multiline: true })).toBe('Printer on fire\neton REPLACE TONER\nnow');
    expect(shownText('a\u200bb\u2060c\ufeffd\u{e0041}e\u061cf\u00adg\tf')).toBe('abcdefg f');
    expect(shownText('x'.repeat(100), { maxChars: 10 })).toBe(`${'x'.repeat(9)}…`);
    expect(shownText(`ab${'\u{1f600}'.repeat(5)}`, { maxChars: 4 })).toBe('ab…');
  });

  it('leaves markup as text: GNOME Shell escapes it in notifications, and St labels take plain text', () => {
    expect(shownText('Weather <b>Pro</b> &amp;')).toBe('Weather <b>Pro</b> &amp;');
  });

  it('breaks what GNOME Shell would make a link, with nothing to see', () => {
    const text = shownText(ATTACKS.linkInName, { unlinked: true });
    expect(linksIn(ATTACKS.linkInName).length).toBe(4);
    expect(linksIn(text)).toEqual([]);
    expect(text.replaceAll('\u2060', '')).toBe(ATTACKS.linkInName);
  });

  describe('in a notification', () => {
    it('has no link in its body where an extension’s name holds a URL, and keeps its markup as text', () => {
      const shown = shownNotification(
        notificationFor([news(extensionProposal(ATTACKS.linkInName, 'x'))], translations),
      );
      expect(linksIn(shown.body)).toEqual([]);
      expect(shown.body.replaceAll('\u2060', '')).toContain(ATTACKS.linkInName);
      expect(shown.title).toBe(`Turn off the extension ${ATTACKS.linkInName}`);
    });

    it("names the Apply button in the catalog's words with the name shortened, as the service labels it", () => {
      const label = 'Turn off the extension Install the security update now !!!!!!!… (weather@example.org)';
      const proposal = extensionProposal(ATTACKS.buttonWords, label);
      expect(shownNotification(notificationFor([news(proposal)], translations)).applyLabel).toBe(label);
    });

    it('never takes the button’s words from outside: a service before revision 18 gets the action’s title', () => {
      const proposal = extensionProposal(ATTACKS.buttonWords, undefined);
      expect(buttonLabel(proposal.actions[0]!)).toBe('Turn a GNOME Shell extension off');
      expect(notificationFor([news(proposal)], translations).applyLabel).toBe('Turn a GNOME Shell extension off');
    });

    it('cleans the printer’s state message in a result', () => {
      const job = jobFrom({ id: '1', state: 'not-fixed', summary: `Not resumed: ${ATTACKS.ippStateMessage}` });
      const shown = shownNotification(resultNotification(job, translations));
      for (const text of [shown.title, ...shown.body.split(LINE_BREAK)]) expect(unsafeCharacter(text)).toBeNull();
    });
  });

  it('leaves nothing unsafe, no link where asked, and a bounded length in random Unicode', () => {
    for (const seed of propertySeeds()) {
      const random = new HostileText(seed);
      for (let index = 0; index < 10; index += 1) {
        const text = random.string();
        const line = shownText(text, { maxChars: 80 });
        expect(unsafeCharacter(line))
          .withContext(`seed ${seed}: ${JSON.stringify(text)}`)
          .toBeNull();
        expect(line.length).toBeLessThanOrEqual(80);
        expect(shownText(line, { maxChars: 80 })).toBe(line);
        const block = shownText(text, { multiline: true });
        expect(unsafeCharacter(block, { lines: true }))
          .withContext(`seed ${seed}`)
          .toBeNull();
        const unlinked = shownText(text, { multiline: true, unlinked: true, maxChars: 200 });
        expect(unsafeCharacter(unlinked.replaceAll('\u2060', ''), { lines: true }))
          .withContext(`seed ${seed}`)
          .toBeNull();
        expect(linksIn(unlinked))
          .withContext(`seed ${seed}: ${JSON.stringify(unlinked)}`)
          .toEqual([]);
        expect(unlinked.length).toBeLessThanOrEqual(200);
      }
    }
  });

  it('leaves nothing unsafe in a notification or on a button made of random Unicode', () => {
    for (const seed of propertySeeds(100)) {
      const random = new HostileText(seed);
      const proposal = extensionProposal(random.string(), random.string());
      proposal.explanation = random.string();
      proposal.unconfirmedReporter = seed % 2 ? random.string() : '';
      const job = jobFrom({ id: '1', state: 'fixed', summary: random.string(), 'can-undo': true });
      for (const shown of [
        shownNotification(notificationFor([news(proposal)], translations)),
        shownNotification(notificationFor([news(proposal), news({ ...proposal, id: '5' })], translations)),
        shownNotification(resultNotification(job, translations)),
      ]) {
        const context = `seed ${seed}: ${JSON.stringify(shown)}`;
        expect(unsafeCharacter(shown.title)).withContext(context).toBeNull();
        // Its lines apart, each its own line on screen (LINE_BREAK, which GNOME Shell keeps); none within a line.
        for (const line of shown.body.split(LINE_BREAK))
          expect(unsafeCharacter(line.replaceAll('\u2060', '')))
            .withContext(context)
            .toBeNull();
        expect(linksIn(shown.body)).withContext(context).toEqual([]);
        expect(unsafeCharacter(shown.applyLabel ?? ''))
          .withContext(context)
          .toBeNull();
      }
      expect(unsafeCharacter(buttonLabel(proposal.actions[0]!))).toBeNull();
      expect(buttonLabel(proposal.actions[0]!).length).toBeLessThanOrEqual(120);
    }
  });
});
