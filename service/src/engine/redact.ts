// Secrets are taken out of text before it leaves the computer for a remote
// model: logs and config files quoted into a prompt often carry them.
// Each rule keeps what identifies the line (the key name, the URL's host) and
// replaces only the secret, so the model can still reason about it.

export const REDACTED = '[REDACTED]';

interface Rule {
  pattern: RegExp;
  /** The replacement; `$<keep>` keeps the named group in front of the secret. */
  replace: string;
}

// Key names whose values are secrets: db_password, client_secret, GITHUB_TOKEN, smtp_pass, psk…
const SECRET_KEY = String.raw`(?:[A-Za-z0-9_.-]*(?:passw(?:or)?d|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?|session[_-]?key|psk)[A-Za-z0-9_.-]*|(?:[A-Za-z0-9]*[_.-])?pass)`;

const RULES: Rule[] = [
  // PEM blocks: private keys of every kind, whole.
  {
    pattern: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    replace: `-----BEGIN $1PRIVATE KEY----- ${REDACTED} -----END $1PRIVATE KEY-----`,
  },
  // user:password@ in URLs (https, postgres, redis, amqp…).
  { pattern: /(?<keep>\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+(?=@)/gi, replace: `$<keep>${REDACTED}` },
  // HTTP authorization headers and bearer tokens.
  {
    pattern: /(?<keep>\bAuthorization\s*:\s*(?:Basic|Bearer|Token|Digest)?\s*)[^\s"',;]+/gi,
    replace: `$<keep>${REDACTED}`,
  },
  { pattern: /(?<keep>\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, replace: `$<keep>${REDACTED}` },
  // key = value, key: value, "key": "value", KEY=value in configs, env files, JSON and command lines.
  {
    pattern: new RegExp(
      String.raw`(?<keep>(?:["']?\b${SECRET_KEY}["']?\s*[:=]\s*|--${SECRET_KEY}[= ])["']?)(?!\[REDACTED\])[^\s"',;}]{3,}`,
      'gi',
    ),
    replace: `$<keep>${REDACTED}`,
  },
  // Tokens recognisable by their form alone.
  { pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, replace: REDACTED },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{40,}\b/g, replace: REDACTED },
  { pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/g, replace: REDACTED },
  { pattern: /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\b/g, replace: REDACTED },
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, replace: REDACTED },
  { pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g, replace: REDACTED },
  // JSON Web Tokens: header.payload.signature, base64url.
  { pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, replace: REDACTED },
];

export interface Redaction {
  text: string;
  /** How many secrets were replaced. */
  count: number;
}

/** `text` with every secret the rules recognise replaced by [REDACTED]. */
export function redactSecrets(text: string): Redaction {
  let count = 0;
  let result = text;
  for (const { pattern, replace } of RULES) {
    result = result.replace(pattern, (...args: unknown[]) => {
      count += 1;
      const groups = args.at(-1) as Record<string, string> | undefined;
      const groupOne = typeof args[1] === 'string' ? args[1] : '';
      return replace.replace('$<keep>', groups?.keep ?? '').replaceAll('$1', groupOne);
    });
  }
  return { text: result, count };
}
