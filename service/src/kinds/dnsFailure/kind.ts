// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Name resolution failing, as systemd-resolved, NetworkManager and glibc's resolver say it in the journal; the
// playbook shows which servers this machine asks and starts the resolver where resolv.conf depends on it.
import type { Kind } from '../kind.js';
import { dnsActions } from './actions.js';
import { DNS_FAILURE, DnsFailureDetector } from './detector.js';
import { dnsFailure } from './playbook.js';

export const dnsFailureKind: Kind = {
  name: 'dnsFailure',
  sources: () => [],
  detectors: () => [new DnsFailureDetector()],
  actions: () => dnsActions,
  playbooks: { [DNS_FAILURE]: dnsFailure },
};
