// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { configSchema } from '../../service/src/config.js';
import { createRedactor, REDACTED, redactSecrets } from '../../service/src/engine/redact.js';
import { userPatternProblem } from '../../service/src/userPattern.js';
import { innocentLines, secrets } from '../fixtures/secrets.js';

describe('redactSecrets', () => {
  it('takes out each secret and keeps what identifies it', () => {
    for (const { text, secret, remains } of secrets) {
      const { text: redacted, count } = redactSecrets(text);
      expect(redacted).withContext(text).toContain(remains);
      expect(redacted).withContext(text).not.toContain(secret);
      expect(count).withContext(text).toBeGreaterThan(0);
    }
  });

  it('leaves ordinary lines alone: ids, hashes, paths, public keys, journal lines', () => {
    for (const line of innocentLines) {
      expect(redactSecrets(line)).withContext(line).toEqual({ text: line, count: 0 });
    }
  });

  it("takes a keyfile's value of several words, under its [section] header only", () => {
    const keyfile = '[wifi-security]\nkey-mgmt=wpa-psk\npsk=Home Wifi 2024!\n';
    expect(redactSecrets(keyfile).text).toBe(`[wifi-security]\nkey-mgmt=wpa-psk\npsk=${REDACTED}\n`);
    const logLine = 'psk=hunter2 in NetworkManager was rejected';
    expect(redactSecrets(logLine).text).toBe(`psk=${REDACTED} in NetworkManager was rejected`);
  });

  it('finds every secret in a text that holds many', () => {
    const text = secrets.map((sample) => sample.text).join('\n');
    const { text: redacted } = redactSecrets(text);
    for (const { secret } of secrets) expect(redacted).withContext(secret).not.toContain(secret);
  });
});

describe('createRedactor', () => {
  const redact = createRedactor([String.raw`ACME-[0-9a-f]{16}`, String.raw`employee #\d+`]);

  it("takes out every match of the user's patterns, as well as the built-in secrets", () => {
    const text = 'ticket ACME-0123456789abcdef and ACME-fedcba9876543210 from employee #4711, password=hunter22';
    expect(redact(text)).toEqual({
      text: `ticket ${REDACTED} and ${REDACTED} from ${REDACTED}, password=${REDACTED}`,
      count: 4,
    });
  });

  it('still passes the whole corpus, and leaves ordinary lines alone', () => {
    for (const { text, secret, remains } of secrets) {
      expect(redact(text).text).withContext(text).toContain(remains);
      expect(redact(text).text).withContext(text).not.toContain(secret);
    }
    for (const line of innocentLines) expect(redact(line)).withContext(line).toEqual({ text: line, count: 0 });
  });

  it('gives the same answer each time, and leaves redactSecrets without the user patterns', () => {
    const text = 'build ACME-0123456789abcdef failed';
    expect(redact(text)).toEqual(redact(text));
    expect(redactSecrets(text)).toEqual({ text, count: 0 });
  });

  it('ignores what a pattern matches empty, rather than garbling the text', () => {
    const text = 'disk sda1 is full; see ticket ACME-0123456789abcdef';
    expect(createRedactor(['x*', 'ACME-[0-9a-f]{16}'])(text)).toEqual({
      text: `disk sda1 is full; see ticket ${REDACTED}`,
      count: 1,
    });
  });

  it('works with no user patterns as redactSecrets does', () => {
    const plain = createRedactor([]);
    for (const { text } of secrets) expect(plain(text)).withContext(text).toEqual(redactSecrets(text));
  });
});

describe("the user's patterns", () => {
  it('run in time linear in the text: a backtracking pattern on a long line cannot freeze the service', () => {
    // (a+)+$ takes exponential time in a backtracking engine on "aaa…a!"; RE2's engine scans it once.
    const redact = createRedactor(['(a+)+$', String.raw`(x+x+)+y`]);
    const line = `${'a'.repeat(50_000)}!`;
    expect(redact(line)).toEqual({ text: line, count: 0 });
    expect(redact(`${'x'.repeat(50_000)}`).count).toBe(0);
    expect(redact('aaaa').text).toBe(REDACTED);
  });

  it('are refused when RE2 cannot run them, with its reason', () => {
    expect(userPatternProblem(String.raw`(\w+)\1`)).toContain('invalid escape sequence');
    expect(userPatternProblem('(?<=token=)\\w+')).not.toBeNull();
    expect(userPatternProblem(String.raw`(?<ticket>ACME-\d+)`)).toBeNull();
    expect(() => configSchema.parse({ assistant: { redactPatterns: [String.raw`(a)\1`] } })).toThrowError(
      /linear time.*backreferences and lookaround are not supported/s,
    );
  });
});

describe("the project's own rules for forms the vendored rules miss by design", () => {
  const hidden = (text: string, secret: string) =>
    expect(redactSecrets(text).text).withContext(text).not.toContain(secret);

  it('hide a provider token with a fixed prefix however low its entropy', () => {
    hidden('pushed with glpat-aaaaaaaaaaaaaaaaaaaa today', 'aaaaaaaaaaaaaaaaaaaa');
    hidden('runner token glrt-0000000000000000000000 registered', '0000000000000000000000');
  });

  it('hide an age secret key in any case and of any length', () => {
    hidden('age-secret-key-1qyqszqgpqyqszqgpqyqszqgpqyqszqgp', 'qyqszqgpqyqszqgpqyqszqgpqyqszqgp');
    hidden('AGE-SECRET-KEY-1QYQSZQGPQYQSZQGP', 'QYQSZQGPQYQSZQGP');
  });

  it("hide a BIP-39 seed phrase by its word list, and leave prose of the list's words alone", () => {
    const phrase = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
    expect(redactSecrets(`my seed: ${phrase}`).text).toBe('my seed: [REDACTED]');
    const prose = 'please check your network cable and then restart the router before you call support again';
    expect(redactSecrets(prose).text).toBe(prose);
  });
});
