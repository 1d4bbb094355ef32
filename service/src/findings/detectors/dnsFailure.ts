// dns-failure: name resolution failing, as systemd-resolved, NetworkManager and
// programs using glibc's resolver report it.
import type { WatchEvent } from '../../watch/events.js';
import type { Detector, DetectorOutput } from '../types.js';
import { isJournal, journalEvidence, type JournalEvent } from './journal.js';
import { _, format } from '../../i18n.js';

export const DNS_FAILURE = 'dns-failure';

const MESSAGE_DNSSEC_FAILURE = '1675d7f172174098b1108bf8c7dc8f5d';
// systemd-resolved (resolved-dns-server.c): "Using degraded feature set UDP instead of UDP+EDNS0 for DNS server 192.168.1.1."
const DEGRADED = /^Using degraded feature set (\S+) instead of (\S+) for DNS server (\S+?)\.?$/;
// … and when the grace period ends: "Grace period over, resuming full feature set (UDP+EDNS0) for DNS server 192.168.1.1."
const RESUMED = /^Grace period over, resuming full feature set \(\S+\) for DNS server (\S+?)\.?$/;
// systemd-resolved: "DNSSEC validation failed for question example.com IN A: signature-expired"
const DNSSEC_FAILED = /^DNSSEC validation failed for question (.+?): ([\w-]+)$/;
// glibc's gai_strerror(EAI_AGAIN) as programs log it, apt's "Temporary failure resolving 'deb.debian.org'",
// and systemd-timesyncd/NetworkManager's "Failed to resolve <host>: …".
const TEMPORARY_FAILURE = /Temporary failure (?:in name resolution|resolving '([^']+)')/;
const FAILED_TO_RESOLVE = /^Failed to resolve (?:host ?name )?'?([\w.-]+)'?: /;
// NetworkManager's connectivity check, with curl's error: "… check for uri '…' failed with 'Could not resolve host: …'"
const COULD_NOT_RESOLVE = /failed with 'Could not resolve host: ([\w.-]+?)\.?'$/;

export class DnsFailureDetector implements Detector {
  readonly kinds = [DNS_FAILURE];
  private readonly degraded = new Set<string>();

  detect(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event)) return [];
    const { entry } = event;
    const message = entry.message;
    if (entry.identifier === 'systemd-resolved') {
      const degraded = DEGRADED.exec(message);
      if (degraded) {
        this.degraded.add(degraded[3] ?? '');
        const server = degraded[3] ?? '';
        return report(event, server, format(_('DNS server {server} is not answering properly'), { server }));
      }
      const resumed = RESUMED.exec(message);
      if (resumed && this.degraded.delete(resumed[1] ?? ''))
        return [{ resolve: { kind: DNS_FAILURE, subject: resumed[1] ?? '', at: event.at } }];
      const dnssec = DNSSEC_FAILED.exec(message);
      if (dnssec || entry.fields.MESSAGE_ID === MESSAGE_DNSSEC_FAILURE) {
        const question = entry.fields.DNS_QUESTION ?? dnssec?.[1];
        const result = entry.fields.DNSSEC_RESULT ?? dnssec?.[2];
        return report(event, '', dnssecTitle(question, result));
      }
      return [];
    }
    const temporary = TEMPORARY_FAILURE.exec(message);
    if (temporary)
      return report(
        event,
        '',
        temporary[1]
          ? format(_('Name resolution failed for {name}'), { name: temporary[1] })
          : _('Name resolution failed'),
      );
    const failed = FAILED_TO_RESOLVE.exec(message) ?? COULD_NOT_RESOLVE.exec(message);
    if (failed) return report(event, '', format(_('Name resolution failed for {name}'), { name: failed[1] ?? '' }));
    return [];
  }
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
