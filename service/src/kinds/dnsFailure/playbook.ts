// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// dns-failure: which servers this machine asks, the resolver started where it is down.
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';

import { unitStatusOrNull } from '../../fixes/playbooks/unitState.js';
import { logsStep, type Playbook, type PlaybookTools } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';
import { resolverState } from './actions.js';

// systemd-resolved's own words for an answer that did not validate (resolved-dns-transaction.c).
const DNSSEC_FAILED = /DNSSEC validation failed/;
const RESOLVED_UNIT = 'systemd-resolved.service';
// resolved's stub listeners: a resolv.conf that names one depends on resolved running.
const RESOLVED_STUB = /^\s*nameserver\s+127\.0\.0\.5[34]\s*$/m;

/** The resolver's unit when resolv.conf sends every lookup to it and it is not running now. */
async function resolverDown(tools: PlaybookTools): Promise<{ unit: string; scope: 'system'; state: string } | null> {
  const conf = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  if (!RESOLVED_STUB.test(conf)) return null;
  const status = await unitStatusOrNull(RESOLVED_UNIT, 'system', tools);
  if (!status || status.activeState === 'active' || status.activeState === 'activating') return null;
  return { unit: RESOLVED_UNIT, scope: 'system', state: status.activeState };
}

export const dnsFailure: Playbook = async (finding, tools) => {
  const server = isIP(finding.subject) ? finding.subject : undefined;
  const show = { name: 'info.dns_servers', params: server ? { server } : {} };
  const resolver = await resolverState(tools.context).catch(() => null);
  if (finding.evidence.some((evidence) => DNSSEC_FAILED.test(evidence.text)) || finding.title.startsWith('DNSSEC')) {
    const inUse = resolver?.scopes.flatMap((scope) => (scope.current ? [scope.current] : [])) ?? [];
    return {
      title: _('See which DNS answer did not validate'),
      explanation: format(
        _(
          '{title}. systemd-resolved checked the answer’s DNSSEC signatures and they did not hold{servers}. ' +
            'When only this name fails, its owner’s signatures are wrong (expired, missing keys) and only they can fix it; ' +
            'when every name fails, the server or the network in between drops DNSSEC’s records, or the clock is wrong. ' +
            'Flushing the cache asks the same server again and changes nothing; turning validation off (DNSSEC=allow-downgrade ' +
            'or no in resolved.conf) is a choice about trust that Steward leaves to you.',
        ),
        {
          title: finding.title,
          servers: inUse.length > 0 ? format(_(' (asked: {servers})'), { servers: inUse.join(', ') }) : '',
        },
      ),
      actions: [show, logsStep(finding)],
    };
  }
  const down = resolver ? null : await resolverDown(tools);
  if (down) {
    return {
      title: format(_('Start the DNS resolver ({unit})'), { unit: down.unit }),
      explanation: format(
        _(
          '{title}. /etc/resolv.conf sends every lookup to systemd-resolved, which is {state}: no name resolves until it runs again.',
        ),
        { title: finding.title, state: down.state },
      ),
      actions: [
        { name: 'systemd.restart_unit', params: { unit: down.unit, scope: down.scope } },
        logsStep(finding, { unit: down.unit, scope: down.scope }),
      ],
    };
  }
  if (!resolver) {
    return {
      title: _('See which DNS servers this machine uses'),
      explanation: format(
        _(
          '{title}. This machine does not resolve through systemd-resolved: the first step shows the servers ' +
            '/etc/resolv.conf names and what wrote it. Steward changes no resolver it does not manage through its own ' +
            'D-Bus API, so nothing is run: the program that wrote the file (or its network settings) is where to change them.',
        ),
        { title: finding.title },
      ),
      actions: [show, logsStep(finding)],
    };
  }
  return {
    title: server
      ? format(_('See why DNS server {server} fails'), { server })
      : _('See which DNS server this machine asks'),
    explanation: format(
      server
        ? _(
            '{title}. systemd-resolved fell back to plainer queries with {server}: the server (or something between) ' +
              'dropped or garbled its answers. The first step shows which servers are configured and which is in use; ' +
              'once the network is fine again, resolved can be told to retry the server’s full features. ' +
              'A server that never answers has to be replaced in the network settings.',
          )
        : _(
            '{title}. The first step shows which DNS servers are configured and which one is in use: a lookup that ' +
              'fails on every name points at that server or the link to it, not at a cache.',
          ),
      { title: finding.title, server: server ?? '' },
    ),
    actions: [show, ...(server ? [{ name: 'network.reset_dns_features', params: {} }] : []), logsStep(finding)],
  };
};
