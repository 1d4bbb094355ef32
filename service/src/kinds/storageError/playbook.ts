// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// storage-error: the drive's health and what the kernel knows of it, or the file behind a loop device.
import { loopBacking } from '../../fixes/actions/blockDevice.js';
import { deviceState } from '../../fixes/playbooks/deviceState.js';
import { type Playbook, readLogs } from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';

/** A loop device's data is a file: its errors are that file's storage failing, not a drive that SMART knows. */
const LOOP_DEVICE = /^loop\d+$/;

/** What the kernel says of a loop device's file now, for the explanation; a detached one has none. */
async function loopFileState(device: string): Promise<string> {
  const backing = await loopBacking(device);
  if (!backing) return format(_('/dev/{device} is a loop device, attached to no file now.'), { device });
  return format(
    backing.deleted
      ? _(
          '/dev/{device} is a loop device: its data is the file {file}, deleted since, so these errors are reading or writing that file failing.',
        )
      : _(
          '/dev/{device} is a loop device: its data is the file {file}, so these errors are reading or writing that file failing, in the file system that holds it (a FUSE or network file system, or the disk under it).',
        ),
    { device, file: cleanLine(backing.file) },
  );
}

// A drive UDisks2 knows: its SMART health first, then what the kernel publishes of it. A loop device, or a disk
// UDisks2 does not know (it does not run, or the device is not its): what the kernel publishes (sysfs), which for
// a loop device names the file behind it and the file system that file is on.
export const storageError: Playbook = async (finding, tools) => {
  const device = finding.subject.replace(/^\/dev\//, '');
  const line = finding.evidence[0]?.text;
  const evidence = line ? format(_('The kernel reported: “{line}”.'), { line: cleanLine(line) }) : '';
  const title = _('Check the disk that reported errors');
  if (!/^[a-z][a-z0-9_-]*$/.test(device)) {
    return readLogs(finding, title, [evidence, _('The log shows which sectors failed.')].filter(Boolean).join(' '));
  }
  const kernelView = { name: 'info.block_device', params: { device } };
  if (LOOP_DEVICE.test(device)) {
    const draft = readLogs(
      finding,
      _('Check the file behind the loop device that reported errors'),
      [
        evidence,
        await loopFileState(device),
        _(
          'Copy what matters from it while it still reads. The first step shows the file, the file system it is on and where the loop device is mounted.',
        ),
      ]
        .filter(Boolean)
        .join(' '),
    );
    return { ...draft, actions: [kernelView, ...draft.actions] };
  }
  const health = { name: 'info.disk_health', params: { device } };
  const smart = (await tools.preview(health)) !== null;
  const shown = await tools.preview(kernelView);
  const kernelKnows = shown !== null && !shown.changesNothing;
  const next = smart
    ? kernelKnows
      ? _('The first step shows the drive’s own health (SMART); the next, what the kernel knows of it.')
      : _('The first step shows the drive’s own health (SMART).')
    : format(
        kernelKnows
          ? _(
              'UDisks2 does not run here or does not know {device}, so the drive’s own health (SMART) cannot be read: the first step shows what the kernel knows of it (size, model, error counters, mounts).',
            )
          : _(
              'UDisks2 does not run here or does not know {device}, and the kernel has no disk of that name now: the log shows what failed.',
            ),
        { device },
      );
  const draft = readLogs(
    finding,
    title,
    [
      evidence,
      await deviceState(finding),
      _('A disk that reports read or write errors may be failing: back up what matters now, before anything else.'),
      next,
    ]
      .filter(Boolean)
      .join(' '),
  );
  return { ...draft, actions: [...(smart ? [health] : []), ...(kernelKnows ? [kernelView] : []), ...draft.actions] };
};
