// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// dns-failure: name resolution failing, as systemd-resolved, NetworkManager and
// programs using glibc's resolver report it.
import { isDaemon, isJournal, type JournalEvent, journalEvidence } from '../../findings/detectors/journal.js';
import type { Detector, DetectorOutput } from '../../findings/types.js';
import { _, format } from '../../i18n.js';
import type { WatchEvent } from '../../watch/events.js';

export const DNS_FAILURE = 'dns-failure';

// Message ID from systemd's catalog (catalog/systemd.catalog.in: "DNSSEC validation failed"), with the
// DNS_QUESTION= and DNSSEC_RESULT= fields resolved sets on it.
const MESSAGE_DNSSEC_FAILURE = '1675d7f172174098b1108bf8c7dc8f5d';
// systemd-resolved (resolved-dns-server.c), since systemd 239: "Using degraded feature set UDP instead of
// UDP+EDNS0 for DNS server 192.168.1.1."; before (Ubuntu 18.04's 237): "Using degraded feature set (UDP) for DNS
// server 192.168.1.1."
const DEGRADED = /^Using degraded feature set \(?([\w+-]+)\)? (?:instead of \(?[\w+-]+\)? )?for DNS server (\S+?)\.?$/;
// … and when the grace period ends: "Grace period over, resuming full feature set (UDP+EDNS0) for DNS server 192.168.1.1."
const RESUMED = /^Grace period over, resuming full feature set \(?[\w+-]+\)? for DNS server (\S+?)\.?$/;
// systemd-resolved: "DNSSEC validation failed for question example.com IN A: signature-expired" (newer versions
// add the extended error after the result).
const DNSSEC_FAILED = /^DNSSEC validation failed for question (.+?): ([\w-]+)/;
// glibc's gai_strerror(EAI_AGAIN) as programs log it, apt's "Temporary failure resolving 'deb.debian.org'",
// and systemd-timesyncd/NetworkManager's "Failed to resolve <host>: …".
const TEMPORARY_FAILURE = /Temporary failure (?:in name resolution|resolving '([^']+)')/;
const FAILED_TO_RESOLVE = /^Failed to resolve (?:host ?name )?'?([\w.-]+)'?: /;
// curl's CURLE_COULDNT_RESOLVE_HOST, as NetworkManager's connectivity check, git and others log it:
// "… check for uri '…' failed with 'Could not resolve host: …'".
const COULD_NOT_RESOLVE = /\bCould not resolve host: '?([\w-]+(?:\.[\w-]+)+)/;
// dnsmasq (NetworkManager's and OpenWrt's resolver) with no upstream server: "no servers found in
// /run/NetworkManager/no-stub-resolv.conf, will retry".
const DNSMASQ_NO_SERVERS = /^no servers found in (\S+), will retry$/;
// BIND's named failing to reach other servers: "network unreachable resolving './NS/IN': 2001:7fe::53#53",
// "error (permission denied) resolving 'example.org/AAAA/IN': 2001:500:e::1#53".
const NAMED_RESOLVING = /^(?:error \(([^)]+)\)|(network unreachable|host unreachable|timed out)) resolving '([^'/]+)\//;

/** The program that wrote the line, by its name: which of the resolvers above it is. */
function program(event: JournalEvent): string {
  return event.entry.identifier ?? '';
}

export class DnsFailureDetector implements Detector {
  readonly kinds = [DNS_FAILURE];
  private readonly degraded = new Set<string>();

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return [];
    // resolved's word on a server is believed from its own unit and program only: a line in its name from anyone
    // else could raise, or resolve, a finding about the machine's resolver.
    return isDaemon(event.entry, 'systemd-resolved') ? this.resolved(event) : otherResolvers(event);
  }

  private resolved(event: JournalEvent): DetectorOutput[] {
    const { fields, message } = event.entry;
    const dnssec = DNSSEC_FAILED.exec(message);
    if (dnssec || fields.MESSAGE_ID === MESSAGE_DNSSEC_FAILURE) {
      const question = fields.DNS_QUESTION ?? dnssec?.[1];
      const result = fields.DNSSEC_RESULT ?? dnssec?.[2];
      return report(event, '', dnssecTitle(question, result));
    }
    const degraded = DEGRADED.exec(message);
    if (degraded) {
      const server = degraded[2] ?? '';
      this.degraded.add(server);
      return report(event, server, format(_('DNS server {server} is not answering properly'), { server }));
    }
    const resumed = RESUMED.exec(message);
    if (resumed && this.degraded.delete(resumed[1] ?? ''))
      return [{ resolve: { kind: DNS_FAILURE, subject: resumed[1] ?? '', at: event.at } }];
    return [];
  }
}

function otherResolvers(event: JournalEvent): DetectorOutput[] {
  const message = event.entry.message;
  const name = program(event);
  const temporary = TEMPORARY_FAILURE.exec(message);
  if (temporary) return report(event, '', lookupTitle(temporary[1]));
  const failed = FAILED_TO_RESOLVE.exec(message) ?? COULD_NOT_RESOLVE.exec(message);
  if (failed) return report(event, '', lookupTitle(failed[1]));
  if (name === 'dnsmasq' && DNSMASQ_NO_SERVERS.test(message))
    return report(event, '', _('The local DNS resolver has no DNS server to ask'));
  const named = name === 'named' ? NAMED_RESOLVING.exec(message) : null;
  // "." is the root zone: no name a person would recognise.
  if (named) return report(event, '', lookupTitle(named[3] === '.' ? undefined : named[3]));
  return [];
}

function lookupTitle(name: string | undefined): string {
  return name ? format(_('Name resolution failed for {name}'), { name }) : _('Name resolution failed');
}

function report(event: JournalEvent, subject: string, title: string): DetectorOutput[] {
  return [
    {
      report: {
        kind: DNS_FAILURE,
        severity: 'warning',
        subject,
        title,
        evidence: [journalEvidence(event)],
        at: event.at,
      },
    },
  ];
}

function dnssecTitle(question: string | undefined, result: string | undefined): string {
  // Translators: {result} is DNSSEC's own word for the failure, such as "signature-expired".
  if (question && result)
    return format(_('DNSSEC validation failed for {name} ({result})'), { name: question, result });
  if (question) return format(_('DNSSEC validation failed for {name}'), { name: question });
  if (result) return format(_('DNSSEC validation failed for a name ({result})'), { result });
  return _('DNSSEC validation failed for a name');
}
