import { Variant } from '@jellybrick/dbus-next';
import { formatStatus, unpackStatus } from '../../service/src/cli/statusReport.js';

describe('steward status output', () => {
  const record = unpackStatus({
    version: new Variant('s', '0.1.0'),
    'api-version': new Variant('u', 1),
    state: new Variant('s', 'degraded'),
    'state-reason': new Variant('s', 'Config is broken.'),
    capabilities: new Variant('as', ['journal.user', 'packagekit']),
    pid: new Variant('u', 42),
    'started-at': new Variant('x', 1_700_000_000_000_000n),
    'config-file': new Variant('s', '/home/a/.config/steward/config.json'),
    'config-valid': new Variant('b', false),
    'state-directory': new Variant('s', '/home/a/.local/state/steward'),
  });

  it('unpacks variants and 64-bit integers into plain JSON values', () => {
    expect(record['started-at']).toBe(1_700_000_000_000_000);
    expect(JSON.parse(JSON.stringify(record))).toEqual(jasmine.objectContaining({ pid: 42, state: 'degraded' }));
  });

  it('prints a short human summary', () => {
    const text = formatStatus(record);
    expect(text).toContain('Steward 0.1.0 (API 1): degraded\n  Config is broken.\n');
    expect(text).toContain('Capabilities:  journal.user, packagekit');
    expect(text).toContain('(invalid, defaults in use)');
    expect(text).toContain('(pid 42)');
  });
});
