// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The real polkitd on the gym's system bus, one for every kind whose daemon asks it: it knows the actions of
// cups-pk-helper and of PackageKit, as the host's packages install them. Steward runs as root here, whom polkitd
// authorizes for every action itself, before any rule or agent (the test rule startPolkit installs is never
// consulted): where Steward runs as the person, polkit asks them through their desktop's agent, which the gym does
// not exercise.
import { type Polkit, startPolkit } from '../../support/polkit.js';
import type { GymPart } from './scenario.js';

const POLICIES = [
  '/usr/share/polkit-1/actions/org.opensuse.cupspkhelper.mechanism.policy',
  '/usr/share/polkit-1/actions/org.freedesktop.packagekit.policy',
];
/** The action startPolkit's test rule names; never asked for, as above. */
const RULED_ACTION = 'org.opensuse.cupspkhelper.mechanism.printer-enable';

let polkit: Polkit | undefined;

export const polkitdPart: GymPart = {
  name: 'polkitd',
  async start({ systemBus }) {
    polkit = await startPolkit(POLICIES, RULED_ACTION, systemBus);
    return {};
  },
  async stop() {
    await polkit?.stop();
    polkit = undefined;
  },
};
