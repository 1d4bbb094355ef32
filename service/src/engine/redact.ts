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

// Key names whose values are secrets: db_password, client_secret, GITHUB_TOKEN, smtp_pass, psk,
// wpa_passphrase, Azure's AccountKey and SharedAccessKey, NetworkManager's wep-key0…
const SECRET_KEY = String.raw`(?:[A-Za-z0-9_.-]*(?:passw(?:or)?d|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|account[_-]?key|private[_-]?key|credentials?|session[_-]?key|psk|wep[_-]?key\d*)[A-Za-z0-9_.-]*|(?:[A-Za-z0-9]*[_.-])?pass)`;

// A value after its key: double-quoted, single-quoted (each after the quote the key rule kept), or bare.
const SECRET_VALUE = String.raw`(?:(?<=")(?:[^"\\\n]|\\.){3,}(?=")|(?<=')[^'\n]{3,}(?=')|[^\s"',;}]{3,})`;

const RULES: Rule[] = [
  // Private key blocks, whole: PEM of every kind (RSA, EC, PKCS#8, OpenSSH's own format for
  // ed25519 and RSA keys) and PGP's; also inside JSON strings, where the newlines are "\n".
  {
    pattern: /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?(?:-----END \1-----|$)/g,
    replace: `-----BEGIN $1----- ${REDACTED} -----END $1-----`,
  },
  // user:password@ in URLs (https, postgres, redis, amqp…).
  { pattern: /(?<keep>\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+(?=@)/gi, replace: `$<keep>${REDACTED}` },
  // HTTP authorization headers and bearer tokens.
  {
    pattern: /(?<keep>\bAuthorization\s*:\s*(?:Basic|Bearer|Token|Digest)?\s*)[^\s"',;]+/gi,
    replace: `$<keep>${REDACTED}`,
  },
  { pattern: /(?<keep>\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, replace: `$<keep>${REDACTED}` },
  // Docker's config.json: "auth" holds base64 of user:password.
  { pattern: /(?<keep>"auth"\s*:\s*")[A-Za-z0-9+/=]{4,}(?=")/g, replace: `$<keep>${REDACTED}` },
  // .netrc: "machine host login user password secret", on one line or several.
  { pattern: /(?<keep>\b(?:machine|login)\s+\S+\s+password\s+)\S+/g, replace: `$<keep>${REDACTED}` },
  // The wpa_passphrase command: wpa_passphrase SSID PASSPHRASE.
  {
    pattern: /(?<keep>\bwpa_passphrase\s+(?:"[^"]*"|'[^']*'|\S+)\s+)(?:"[^"]*"|'[^']*'|\S+)/g,
    replace: `$<keep>${REDACTED}`,
  },
  // Webhook URLs, whose path is the secret: Slack's and Discord's.
  {
    pattern: /(?<keep>\bhttps:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9_/-]+/g,
    replace: `$<keep>${REDACTED}`,
  },
  {
    pattern: /(?<keep>\bhttps:\/\/(?:(?:ptb|canary)\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/)[A-Za-z0-9_-]+/g,
    replace: `$<keep>${REDACTED}`,
  },
  // key = value, key: value, "key": "value", KEY=value in configs, env files, JSON and command lines.
  // A quoted value is taken to its closing quote, spaces and JSON escapes included (psk="two words").
  // After a colon comes a space or a quote, as in YAML and JSON: "pam_unix(passwd:chauthtok)" is no secret.
  {
    pattern: new RegExp(
      String.raw`(?<keep>(?:["']?\b${SECRET_KEY}["']?\s*(?:=|:(?=[\s"']))\s*|--${SECRET_KEY}[= ])["']?)(?!\[REDACTED\]|-----BEGIN )${SECRET_VALUE}`,
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
  // Stripe secret and restricted keys (publishable pk_ keys are public by design).
  { pattern: /\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}\b/g, replace: REDACTED },
  // npm access tokens, Hugging Face tokens.
  { pattern: /\bnpm_[A-Za-z0-9]{36}\b/g, replace: REDACTED },
  { pattern: /\bhf_[A-Za-z0-9]{30,}\b/g, replace: REDACTED },
  // Telegram bot tokens: the bot's numeric id, a colon, 35 characters starting with AA (also inside api URLs: /bot<token>/).
  { pattern: /(?<!\d)\d{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/g, replace: REDACTED },
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
  return applyRules(RULES, text);
}

/**
 * A redactor with the built-in rules and the user's own regular expressions
 * (assistant.redactPatterns, already validated), compiled once; each whole match becomes [REDACTED].
 */
export function createRedactor(userPatterns: string[]): (text: string) => Redaction {
  const rules = [
    ...RULES,
    ...userPatterns.map((source): Rule => ({ pattern: new RegExp(source, 'g'), replace: REDACTED })),
  ];
  return (text) => applyRules(rules, text);
}

function applyRules(rules: readonly Rule[], text: string): Redaction {
  let count = 0;
  let result = text;
  for (const { pattern, replace } of rules) {
    result = result.replace(pattern, (...args: unknown[]) => {
      // A user's pattern may match the empty string (a*): that hides nothing, and would only garble the text.
      if (args[0] === '') return '';
      count += 1;
      const groups = args.at(-1) as Record<string, string> | undefined;
      const groupOne = typeof args[1] === 'string' ? args[1] : '';
      return replace.replace('$<keep>', groups?.keep ?? '').replaceAll('$1', groupOne);
    });
  }
  return { text: result, count };
}

export interface RedactionSettings {
  redactLocal: boolean;
  redactPatterns: string[];
}

/**
 * What text bound for a model goes through: the rules and the user's patterns
 * for a remote endpoint always, for a local model when the user asked.
 * The patterns are compiled again only when the settings changed.
 */
export function modelRedactor(settings: () => RedactionSettings, remote: () => boolean): (text: string) => string {
  let compiled: { patterns: string[]; redact: (text: string) => Redaction } | null = null;
  return (text) => {
    const { redactLocal, redactPatterns } = settings();
    if (!redactLocal && !remote()) return text;
    if (compiled?.patterns !== redactPatterns)
      compiled = { patterns: redactPatterns, redact: createRedactor(redactPatterns) };
    return compiled.redact(text).text;
  };
}
