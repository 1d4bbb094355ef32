// Kernel lines as the detectors read them. journald strips the "[ 1234.567890] " time that dmesg prints, but
// lines pasted from dmesg (or dmesg -T: "[Mon Jun 20 09:18:02 2016] ") or an old syslog keep it: the detectors
// read both the same way.
const DMESG_TIME = /^(?:\[\s*(?:\d+\.\d+|[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})\]\s*)+/;

/** The message without a leading dmesg time stamp. */
export function withoutDmesgTime(message: string): string {
  return message.replace(DMESG_TIME, '');
}
