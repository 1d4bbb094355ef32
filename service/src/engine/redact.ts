// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Secrets are taken out of text before it leaves the computer for a remote
// model: logs and config files quoted into a prompt often carry them.
// Each rule keeps what identifies the line (the key name, the URL's host) and
// replaces only the secret, so the model can still reason about it.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { wordlist } from '@scure/bip39/wordlists/english.js';
import { RE2JS } from 're2js';

import { compileUserPattern } from '../userPattern.js';
import { bounded } from './boundedPattern.js';
import { replaceGitleaksSecrets } from './gitleaks.js';
import { RedactionThread } from './redactionThread.js';

export const REDACTED = '[REDACTED]';

interface Rule {
  pattern: RegExp;
  /** The replacement; `$<keep>` keeps the named group in front of the secret. A function gets the match. */
  replace: string | ((match: string, groups: Record<string, string | undefined>) => string);
}

// Key names whose values are secrets: db_password, client_secret, GITHUB_TOKEN, smtp_pass, psk,
// wpa_passphrase, Azure's AccountKey and SharedAccessKey, NetworkManager's wep-key0, MAILGUN_KEY,
// kubeconfig's client-key-data, npm's _auth…
const SECRET_KEY = String.raw`(?:[A-Za-z0-9_.-]{0,48}(?:passw(?:or)?d|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|account[_-]?key|private[_-]?key|credentials?|session[_-]?key|psk|wep[_-]?key\d*|key[_-]?data)[A-Za-z0-9_.-]{0,48}|(?:[A-Za-z0-9]{0,48}[_.-])?pass|[A-Za-z0-9_.-]{0,48}[_-]key|_auth)`;

// A value after its key: double-quoted, single-quoted (each after the quote the key rule kept), or bare.
const SECRET_VALUE = String.raw`(?:(?<=")(?:[^"\\\n]|\\.){3,4096}(?=")|(?<=')[^'\n]{3,4096}(?=')|[^\s"',;}]{3,4096})`;

// Names of lines whose whole value is a secret, in YAML, INI and env files: "password: two words".
const SECRET_LINE_KEY = String.raw`[\w.-]{0,48}(?:passw(?:or)?d|passphrase|secret|psk|pwd|token)[\w.-]{0,48}`;

const keep = (pattern: RegExp): Rule => ({ pattern, replace: `$<keep>${REDACTED}` });
const whole = (pattern: RegExp): Rule => ({ pattern, replace: REDACTED });

// Cookie attributes are not secrets; every other name=value in a cookie header is.
const COOKIE_ATTRIBUTE = /^(?:path|domain|expires|max-age|samesite|secure|httponly|priority|partitioned)$/i;

function redactCookies(match: string, groups: Record<string, string | undefined>): string {
  const values = (groups.cookies ?? '').replace(/([^\s=;]+)=([^;\s]+)/g, (pair, name: string) =>
    COOKIE_ATTRIBUTE.test(name) ? pair : `${name}=${REDACTED}`,
  );
  return `${groups.keep ?? ''}${values}`;
}

const UNBOUNDED_RULES: Rule[] = [
  // Private key blocks, whole: PEM of every kind (RSA, EC, PKCS#8, OpenSSH's own format for
  // ed25519 and RSA keys) and PGP's; also inside JSON strings, where the newlines are "\n".
  {
    // The body runs to the next "-----": its END line, or the next block when a copy was cut short.
    pattern: /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----(?:[^-]|-(?!----)){0,32768}(?:-----END \1-----)?/g,
    replace: `-----BEGIN $1----- ${REDACTED} -----END $1-----`,
  },
  // The SSH2 (RFC 4716) private key format of ssh.com and older PuTTYgen exports.
  {
    pattern:
      /---- BEGIN SSH2 (ENCRYPTED )?PRIVATE KEY ----(?:[^-]|-(?!---)){0,32768}(?:---- END SSH2 (?:ENCRYPTED )?PRIVATE KEY ----)?/g,
    replace: `---- BEGIN SSH2 $1PRIVATE KEY ---- ${REDACTED} ---- END SSH2 $1PRIVATE KEY ----`,
  },
  // PuTTY's .ppk: the private lines and their MAC.
  keep(
    /(?<keep>Private-Lines:\s*\d+\s*)[A-Za-z0-9+/=\s]{0,32768}?(?:Private-MAC:\s*[0-9a-fA-F]+|(?![A-Za-z0-9+/=\s]))/g,
  ),
  // A JSON Web Key's private members.
  keep(/(?<keep>"(?:d|p|q|dp|dq|qi|k)"\s*:\s*")[A-Za-z0-9_-]{16,}(?=")/g),
  // Bare key material: DER keys start "MII" in base64, OpenSSH's own format "b3BlbnNzaC1rZXktdjE".
  whole(/\b(?:MII[A-Za-z0-9+/]{56,}|b3BlbnNzaC1rZXktdjE[A-Za-z0-9+/]{20,})={0,2}/g),
  // WireGuard keys handed to wg on the command line.
  keep(/(?<keep>\bprivate-?key\b[^A-Za-z0-9+/\n]{0,20}(?:echo\s+)?)[A-Za-z0-9+/]{42,43}=/gi),
  // user:password@ in URLs (https, postgres, redis, amqp…): the password may hold "@", "/" and "#".
  keep(/(?<keep>\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/@]*:)[^\s?]+(?=@[^\s@/#]+(?:[/:?#]|\s|$))/gi),
  // A token as the URL's user name: Sentry DSNs, git remotes with a token.
  keep(/(?<keep>\b[a-z][a-z0-9+.-]{0,31}:\/\/)[A-Za-z0-9_-]{20,}(?=@)/gi),
  // HTTP authorization headers and bearer tokens.
  keep(/(?<keep>\b(?:Proxy-)?Authorization\s*:\s*(?:Basic|Bearer|Token|Digest)?\s*)[^\s"',;]+/gi),
  keep(/(?<keep>\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/g),
  // Cookie headers, and cookie jars in Netscape's format (name and value last).
  { pattern: /(?<keep>\b(?:Set-)?Cookie:[ \t]*)(?<cookies>[^\n]*)/gi, replace: redactCookies },
  keep(/^(?<keep>\S+\t(?:TRUE|FALSE)\t\S+\t(?:TRUE|FALSE)\t\d+\t[^\t\n]+\t)[^\t\n]+$/gm),
  // Signatures and tokens in query strings: Azure SAS "sig", AWS and Google signed URLs, access tokens.
  keep(
    /(?<keep>[?&](?:sig|signature|x-goog-signature|x-amz-signature|x-amz-security-token|token|access_token|id_token|refresh_token|api_key|apikey|key|auth|client_secret|password|secret)=)[^&\s#"']+/gi,
  ),
  // Docker's config.json: "auth" holds base64 of user:password.
  keep(/(?<keep>"auth"\s*:\s*")[A-Za-z0-9+/=]{4,}(?=")/g),
  // .netrc: "machine host login user password secret", on one line or several.
  keep(/(?<keep>\b(?:machine|login)\s+\S+\s+password\s+)\S+/g),
  // .pgpass: host:port:database:user:password.
  keep(/^(?<keep>[^:\s]+:(?:\d+|\*):[^:\s]+:[^:\s]+:)\S+$/gm),
  // The wpa_passphrase command: wpa_passphrase SSID PASSPHRASE.
  keep(/(?<keep>\bwpa_passphrase\s+(?:"[^"]*"|'[^']*'|\S+)\s+)(?:"[^"]*"|'[^']*'|\S+)/g),
  // Passwords on command lines: curl -u user:pass, mysql -pPASS, sshpass -p, docker login -p, openssl pass:,
  // smbclient -U user%pass, ldapsearch -w, redis-cli -a, htpasswd -b, nmcli … password X, echo X | sudo -S.
  keep(/(?<keep>(?:^|\s)(?:-u|--user)[\s=]['"]?[^\s:'"]+:)[^\s'"]+/g),
  keep(/(?<keep>\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\b[^\n|;]*?\s-p)[^\s'"-][^\s'"]*/g),
  keep(/(?<keep>\bsshpass\s+(?:-[a-oq-z]\S*\s+)*-p\s*)\S+/g),
  keep(
    /(?<keep>\b(?:docker|podman|buildah|skopeo|helm)\s+(?:registry\s+)?login\b[^\n|;]*?\s(?:-p|--password)[\s=])\S+/g,
  ),
  keep(/(?<keep>-pass(?:in|out)?\s+pass:)\S+/g),
  keep(/(?<keep>\s(?:-U|--user(?:name)?)[\s=]['"]?[^\s%'"]+%)[^\s'"]+/g),
  keep(/(?<keep>\bldap\w+\b[^\n|;]*?\s-w\s+)\S+/g),
  keep(/(?<keep>\bredis-cli\b[^\n|;]*?\s-a\s+)\S+/g),
  keep(/(?<keep>\bhtpasswd\s+(?:-\w+\s+)*-\w*b\w*\s+(?:-\w+\s+)*\S+\s+\S+\s+)\S+/g),
  keep(
    /(?<keep>\bnmcli\b[^\n|;]*?\b(?:password|wifi-sec\.psk|802-11-wireless-security\.psk)\s+)(?:"[^"]*"|'[^']*'|\S+)/g,
  ),
  keep(/(?<keep>\becho\s+)(?:"[^"]*"|'[^']*'|\S+)(?=\s*\|\s*sudo\s+(?:-\w+\s+)*-S)/g),
  // A secret's name and value separated by a space on a command line: "secret_access_key VALUE".
  keep(/(?<keep>\b[a-z_]*(?:secret|password|token)[a-z_]*\s+)[A-Za-z0-9/+=_-]{16,}/g),
  // Server directives: requirepass, masterauth.
  keep(/^(?<keep>\s*(?:requirepass|masterauth|masteruser-password)\s+)(?:"[^"]*"|'[^']*'|\S+)/gm),
  // XML elements and .NET appSettings whose name says secret.
  keep(/(?<keep><(?<tag>[\w:.-]*(?:passw(?:or)?d|secret|token|api[_-]?key|apikey|pass))>)[^<\n]+(?=<\/\k<tag>>)/gi),
  keep(/(?<keep>\bkey\s*=\s*"[^"]*(?:secret|password|passwd|token|pwd|key)[^"]*"\s+value\s*=\s*")[^"]+/gi),
  // PHP's define('DB_PASSWORD', '…') and WordPress's keys and salts.
  keep(
    /(?<keep>\bdefine\s*\(\s*['"][A-Z0-9_]*(?:PASSWORD|PASS|KEY|SALT|SECRET|TOKEN)[A-Z0-9_]*['"]\s*,\s*['"])[^'"\n]+/g,
  ),
  // OpenVPN's inline credentials: the second line is the password.
  keep(/(?<keep><auth-user-pass>\s*\n[^\n]*\n)[^\n]+/g),
  // Webhook URLs, whose path is the secret: Slack's and Discord's.
  keep(/(?<keep>\bhttps:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9_/-]+/g),
  keep(/(?<keep>\bhttps:\/\/(?:(?:ptb|canary)\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/)[A-Za-z0-9_-]+/g),
  // A YAML key whose value is on the following indented lines (plain, literal | or folded >).
  keep(
    new RegExp(
      String.raw`(?<keep>^[ \t]*-?[ \t]*${SECRET_LINE_KEY}:[ \t]*(?:[|>][-+]?)?[ \t]*\n)(?:[ \t]+\S[^\n]*(?:\n|$))+`,
      'gim',
    ),
  ),
  // A whole line's value in YAML ("password: two words") and INI ("password = two words"); not after a bare "=",
  // which in a log line is followed by prose ("psk=… in NetworkManager").
  keep(
    new RegExp(
      String.raw`^(?<keep>[ \t]*-?[ \t]*["']?${SECRET_LINE_KEY}["']?(?::|[ \t]+=)[ \t]+)(?![ \t"'|>\[{])(?=[^\n]*\S[ \t]+\S)[^\n#]{3,}?(?=[ \t]*$)`,
      'gim',
    ),
  ),
  // A keyfile's line ("psk=Home Wifi 2024!" under [wifi-security] in a NetworkManager connection): only up to 40 lines below a
  // [section] header, since a log line such as "psk=… in NetworkManager" has prose after the value.
  keep(
    new RegExp(
      String.raw`^(?<keep>${SECRET_LINE_KEY}=)(?<=^\[[^\]\n]+\][ \t]*\n(?:[^\n]*\n){0,40}[^\n]*)(?![ \t"'])(?=[^\n]*\S[ \t]+\S)[^\n]{3,}?(?=[ \t]*$)`,
      'gim',
    ),
  ),
  // key = value, key: value, "key": "value", KEY=value in configs, env files, JSON and command lines.
  // A quoted value is taken to its closing quote, spaces and JSON escapes included (psk="two words").
  // After a colon comes a space or a quote, as in YAML and JSON: "pam_unix(passwd:chauthtok)" is no secret.
  keep(
    new RegExp(
      String.raw`(?<keep>(?:["']?\b${SECRET_KEY}["']?\s*(?:=|:(?=[\s"']))\s*|--${SECRET_KEY}[= ])["']?)(?!\[REDACTED\]|-----BEGIN )${SECRET_VALUE}`,
      'gi',
    ),
  ),
  // Tokens recognisable by their form alone that gitleaks' rules (gitleaks.ts) miss: AWS's documented EXAMPLE keys,
  // GitHub tokens of other lengths, OpenAI and Anthropic keys, Google OAuth secrets, Hugging Face tokens with
  // digits, Docker Hub, Vault, Tailscale, Atlassian, Notion, Doppler, Mailgun, SendGrid's other form.
  whole(/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g),
  whole(/\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{40,}\b/g),
  whole(/\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\b/g),
  whole(/\bGOCSPX-[A-Za-z0-9_-]{20,}/g),
  whole(/\bhf_[A-Za-z0-9]{30,}\b/g),
  whole(/\bdckr_pat_[A-Za-z0-9_-]{20,}/g),
  whole(/\bhv[sbr]\.[A-Za-z0-9_-]{24,}/g),
  whole(/\btskey-[A-Za-z0-9-]{20,}/g),
  whole(/\bATATT3[A-Za-z0-9_=-]{20,}/g),
  whole(/\b(?:secret|ntn)_[A-Za-z0-9]{40,}\b/g),
  whole(/\bdp\.(?:st|ct|sa|scim|audit|pt)\.[A-Za-z0-9._-]{20,}/g),
  whole(/\bkey-[a-z0-9]{32}\b/g),
  whole(/\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g),
  // Tokens with a fixed prefix, whatever their entropy or length: gitleaks' rules leave out the low-entropy ones by
  // design, and a weak token that leaks is still a token. GitLab's personal, deploy, runner, trigger, OAuth, CI/CD,
  // feed, incoming mail and agent tokens; age's secret keys in any case and length.
  whole(/\bgl(?:pat|dt|rt|ptt|oas|soat|cbt|ffct|imt|agent)-[A-Za-z0-9_-]{8,}/g),
  whole(/\bAGE-SECRET-KEY-1[02-9ac-hj-np-z]{8,}/gi),
  // Telegram bot tokens: the bot's numeric id, a colon, 35 characters starting with AA (also inside api URLs: /bot<token>/).
  whole(/(?<!\d)\d{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/g),
  // Discord bot tokens: the bot's id in base64, a timestamp, an HMAC.
  whole(/\b[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}\b/g),
  // Matrix (Synapse) access tokens.
  whole(/\bsyt_[A-Za-z0-9_-]{4,}_[A-Za-z0-9]{10,}_[A-Za-z0-9]{6}\b/g),
  // Bitcoin private keys in wallet import format (compressed K/L, uncompressed 5), base58.
  whole(/\b(?:[KL][1-9A-HJ-NP-Za-km-z]{51}|5[HJK][1-9A-HJ-NP-Za-km-z]{49})\b/g),
  // A key in libgcrypt's S-expression format (GnuPG's private-keys-v1.d), whole after its head: the advanced
  // S-expression runs on over indented lines (the extended format's "Key:"); the canonical one holds binary
  // numbers, line breaks among them, so the next 16 KiB go with it.
  keep(/(?<keep>\((?:protected-)?private-key\b)(?:[^\n]|\n[ \t]){1,16384}/g),
  keep(/(?<keep>\(\d+:(?:protected-)?private-key)[\s\S]{1,16384}/g),
  // Secret parameters of such a key quoted alone: d, p, q, u, x, their hex wrapped over lines.
  keep(
    /(?<keep>\((?:d|p|q|u|x)\s+)(?:#[0-9A-Fa-f\s]{16,8192}#|\|[A-Za-z0-9+/=\s]{16,8192}\||[0-9]+:[^)]{8,})(?=\s*\))/g,
  ),
];

// A secret and the text that names it fit in a few hundred characters; the rules for key blocks and long values
// say their own, larger bounds.
const RULES: Rule[] = UNBOUNDED_RULES.map(({ pattern, replace }) => ({
  pattern: bounded(pattern, 256),
  replace,
}));

// Base64 runs long enough to wrap a secret: a Kubernetes secret, a docker config, an encoded key.
const BASE64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])/g;
const PRINTABLE = /^[\t\n\r\x20-\x7e]*$/;
const SECRET_WORDS = /PRIVATE KEY|passw(?:or)?d|secret|token|"auth"\s*:/i;

/** A base64 run whose decoded text holds a secret, replaced whole. */
function redactWrapped(text: string, rules: readonly Rule[]): Redaction {
  let count = 0;
  const result = text.replace(BASE64_RUN, (run) => {
    const decoded = Buffer.from(run, run.includes('-') || run.includes('_') ? 'base64url' : 'base64').toString(
      'latin1',
    );
    if (decoded.length < 8 || !PRINTABLE.test(decoded)) return run;
    if (!SECRET_WORDS.test(decoded) && applyAllRules(rules, decoded).count === 0) return run;
    count += 1;
    return REDACTED;
  });
  return { text: result, count };
}

export interface Redaction {
  text: string;
  /** How many secrets were replaced. */
  count: number;
}

/** `text` with every secret the rules recognise replaced by [REDACTED]. */
export function redactSecrets(text: string): Redaction {
  return redactWith(RULES, [], text);
}

/**
 * A redactor with the built-in rules and the user's own regular expressions
 * (assistant.redactPatterns, already validated), compiled once; each whole match becomes [REDACTED].
 */
export function createRedactor(userPatterns: string[]): (text: string) => Redaction {
  const compiled = userPatterns.map(compileUserPattern);
  return (text) => redactWith(RULES, compiled, text);
}

function redactWith(rules: readonly Rule[], userPatterns: readonly RE2JS[], text: string): Redaction {
  const built = applyAllRules(rules, text);
  const wrapped = redactWrapped(built.text, rules);
  let count = built.count + wrapped.count;
  let result = wrapped.text;
  for (const pattern of userPatterns) {
    const matched = replaceMatches(pattern, result);
    count += matched.count;
    result = matched.text;
  }
  return { text: result, count };
}

function replaceMatches(pattern: RE2JS, text: string): Redaction {
  const matcher = pattern.matcher(text);
  let result = '';
  let from = 0;
  let count = 0;
  while (matcher.find()) {
    // A pattern that matches the empty string (a*) hides nothing, and would only garble the text.
    if (matcher.end() === matcher.start()) continue;
    result += text.slice(from, matcher.start()) + REDACTED;
    from = matcher.end();
    count += 1;
  }
  return { text: result + text.slice(from), count };
}

/**
 * The project's own rules for what gitleaks lacks (key = value, URLs, command lines, key blocks that keep their
 * kind), then gitleaks' rules for the tokens that are left.
 */
function applyAllRules(rules: readonly Rule[], text: string): Redaction {
  const own = applyRules(rules, text);
  const phrases = redactSeedPhrases(own.text);
  const maintained = replaceGitleaksSecrets(phrases.text, REDACTED);
  return { text: maintained.text, count: own.count + phrases.count + maintained.count };
}

// A wallet's seed phrase (BIP-39): 12 to 24 words of its word list, which no other secret rule sees. Prose never
// runs to twelve of them in a row: the list has none of "the", "a", "of", "and", "is", "to".
const SEED_WORDS = new Set(wordlist);
const WORD_RUN = /\b[a-z]{3,8}(?:[ \t]+[a-z]{3,8}){11,23}\b/g;
const SEED_LENGTH = 12;

function redactSeedPhrases(text: string): Redaction {
  let count = 0;
  const result = text.replace(WORD_RUN, (run) => {
    const words = run.split(/[ \t]+/);
    let kept = '';
    let phrase: string[] = [];
    const flush = () => {
      if (phrase.length >= SEED_LENGTH) {
        count += 1;
        kept += `${REDACTED} `;
      } else if (phrase.length > 0) kept += `${phrase.join(' ')} `;
      phrase = [];
    };
    for (const word of words) {
      if (SEED_WORDS.has(word)) phrase.push(word);
      else {
        flush();
        kept += `${word} `;
      }
    }
    flush();
    const redacted = kept.trimEnd();
    return redacted === words.join(' ') ? run : redacted;
  });
  return { text: result, count };
}

function applyRules(rules: readonly Rule[], text: string): Redaction {
  let count = 0;
  let result = text;
  for (const { pattern, replace } of rules) {
    result = result.replace(pattern, (...args: unknown[]) => {
      count += 1;
      const groups = (typeof args.at(-1) === 'object' ? args.at(-1) : {}) as Record<string, string | undefined>;
      if (typeof replace === 'function') return replace(args[0] as string, groups);
      const groupOne = typeof args[1] === 'string' ? args[1] : '';
      return replace.replace('$<keep>', groups.keep ?? '').replaceAll('$1', groupOne);
    });
  }
  return { text: result, count };
}

export interface RedactionSettings {
  redactLocal: boolean;
  redactPatterns: string[];
}

// The redactors made here say what the redaction thread needs to do their work: the user's patterns, or that
// the text stays as it is (a local model the user did not ask to redact for).
const threadable = new WeakMap<(text: string) => string, () => { patterns: string[] } | 'unchanged'>();

/** The built-in rules and the user's patterns as they are now; the patterns are compiled again only when they change. */
export function settingsRedactor(patterns: () => string[]): (text: string) => string {
  let compiled: { patterns: string[]; redact: (text: string) => Redaction } | null = null;
  const redact = (text: string) => {
    const current = patterns();
    if (compiled?.patterns !== current) compiled = { patterns: current, redact: createRedactor(current) };
    return compiled.redact(text).text;
  };
  threadable.set(redact, () => ({ patterns: patterns() }));
  return redact;
}

/** The built-in rules alone. */
export const builtInRedactor = settingsRedactor(() => []);

/**
 * What text bound for a model goes through: the rules and the user's patterns
 * for a remote endpoint always, for a local model when the user asked.
 */
export function modelRedactor(settings: () => RedactionSettings, remote: () => boolean): (text: string) => string {
  const redact = settingsRedactor(() => settings().redactPatterns);
  const active = () => settings().redactLocal || remote();
  const redactIfActive = (text: string) => (active() ? redact(text) : text);
  threadable.set(redactIfActive, () => (active() ? { patterns: settings().redactPatterns } : 'unchanged'));
  return redactIfActive;
}

// A long text goes to the redaction thread, so that one long message never holds up the D-Bus calls of others.
// It is redacted there whole: a cut, wherever it fell, could part a secret from the line that makes it one (a
// value on the line after its key, a .netrc entry's machine line).
const THREAD_LENGTH = 4 * 1024;

// Built beside the service (dist/service/steward-redaction.js); a bundle without it (a unit spec) redacts here.
const THREAD_SCRIPT = fileURLToPath(new URL('./steward-redaction.js', import.meta.url));
let thread: RedactionThread | null | undefined;

function redactionThread(): RedactionThread | null {
  thread ??= existsSync(THREAD_SCRIPT) ? new RedactionThread(THREAD_SCRIPT) : null;
  return thread;
}

/**
 * `redact(text)`; a long text in the redaction thread when `redact` is one of the redactors made here (a megabyte
 * of the worst input takes seconds), else here, whole.
 */
export async function redactLongText(text: string, redact: (text: string) => string): Promise<string> {
  if (text.length <= THREAD_LENGTH) return redact(text);
  const work = threadable.get(redact)?.();
  if (work === 'unchanged') return text;
  const worker = work && redactionThread();
  if (work && worker) {
    try {
      return await worker.redact(text, work.patterns);
    } catch {
      // A thread that failed (out of memory, killed) leaves the text to be redacted here.
    }
  }
  return redact(text);
}
