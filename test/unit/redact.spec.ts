import { REDACTED, redactSecrets } from '../../service/src/engine/redact.js';

// Real-looking secrets as they turn up in logs, config files and shell history
// (every one made up), each with what must stay visible around it.
const secrets: [string, string][] = [
  ['DATABASE_URL=postgres://app:Tr0ub4dor&3@db.internal:5432/app', `postgres://app:${REDACTED}@db.internal:5432/app`],
  ['fetching https://alice:hunter2@git.example.com/repo.git', `https://alice:${REDACTED}@git.example.com/repo.git`],
  ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9abc.def', `Authorization: Bearer ${REDACTED}`],
  ['curl -H "Authorization: token ghp_abcdefghijklmnopqrstuvwxyz0123456789"', `Authorization: token ${REDACTED}`],
  ['export GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789', `GITHUB_TOKEN=${REDACTED}`],
  ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', `aws_secret_access_key = ${REDACTED}`],
  ['key id AKIAIOSFODNN7EXAMPLE used from 10.0.0.5', `key id ${REDACTED} used from 10.0.0.5`],
  ['"api_key": "sk-proj-Abcdefghijklmnopqrstuvwxyz012345"', `"api_key": "${REDACTED}"`],
  ['openai key sk-Abcdefghijklmnopqrstuvwxyz0123456789 rejected', `openai key ${REDACTED} rejected`],
  ['password: correct-horse-battery-staple', `password: ${REDACTED}`],
  ['smtp_pass=S3cr3t!Pass', `smtp_pass=${REDACTED}`],
  ['mysql --password=Pa55word -u root', `--password=${REDACTED} -u root`],
  ['SLACK_WEBHOOK token xoxb-123456789012-abcdefghijkl', `token ${REDACTED}`],
  ['maps key AIzaSyA-abcdefghijklmnopqrstuvwxyz12345 over quota', `maps key ${REDACTED} over quota`],
  ['gitlab glpat-abcdefghij1234567890 expired', `gitlab ${REDACTED} expired`],
  [
    'session eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end',
    `session ${REDACTED} end`,
  ],
  ['psk=MyWifiPassphrase123 in NetworkManager', `psk=${REDACTED} in NetworkManager`],
];

describe('redactSecrets', () => {
  it('takes out each secret and keeps what identifies it', () => {
    for (const [text, expected] of secrets) {
      const { text: redacted, count } = redactSecrets(text);
      expect(redacted).withContext(text).toContain(expected);
      expect(count).withContext(text).toBeGreaterThan(0);
    }
  });

  it('removes private keys whole', () => {
    const key = [
      'key file contents:',
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
      'QyNTUxOQAAACBkZXhhbXBsZWtleWRvbm90dXNlZGV4YW1wbGVrZXlkb25vdHVzZQAAAJg=',
      '-----END OPENSSH PRIVATE KEY-----',
      'done',
    ].join('\n');
    const { text } = redactSecrets(key);
    expect(text).toBe(
      `key file contents:\n-----BEGIN OPENSSH PRIVATE KEY----- ${REDACTED} -----END OPENSSH PRIVATE KEY-----\ndone`,
    );
  });

  it('leaves ordinary log lines alone', () => {
    const ordinary = [
      "bluetooth.service: Failed with result 'exit-code'.",
      'Accepted publickey for alice from 192.168.178.23 port 53122 ssh2: ED25519 SHA256:Vq3n8vL9dX1eT4uWkz0yFz9mA8cR2bP7sH6jN5tQ1eU',
      'pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/1 ruser=alice rhost=  user=alice',
      'Failed password for invalid user admin from 203.0.113.7 port 41234 ssh2',
      'gnome-keyring-daemon: the password was changed',
      'https://example.com/docs/password-reset is the help page',
      'token bucket refilled: 5 tokens',
      'EXT4-fs (nvme0n1p2): mounted filesystem with ordered data mode.',
    ];
    for (const line of ordinary) {
      expect(redactSecrets(line)).withContext(line).toEqual({ text: line, count: 0 });
    }
  });
});
