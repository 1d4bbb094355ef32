// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { CHANGE_AREAS } from '../../../service/src/fixes/action.js';
import { createCatalog } from '../../../service/src/fixes/catalog.js';
import { ConfirmWindows } from '../../../service/src/fixes/confirmWindow.js';
import { KINDS } from '../../../service/src/kinds/index.js';
import { nixosActions } from '../../../service/src/nixos/actions.js';

describe('the catalog', () => {
  it('says what every change acts on, and nothing for a step that only reads', () => {
    const everywhere = (onNixos: boolean) =>
      createCatalog({
        kinds: KINDS,
        expertShell: () => true,
        nixos: {
          actions: nixosActions({ confirmMs: () => 1000, windows: new ConfirmWindows() }),
          active: () => onNixos,
        },
      }).all();
    const actions = [...everywhere(false), ...everywhere(true)];
    expect(actions.map((action) => action.name)).toContain('nixos.set_option');
    expect(actions.map((action) => action.name)).toContain('packages.install');
    for (const action of actions)
      if (action.readOnly) expect(action.changes).withContext(action.name).toBeUndefined();
      else expect(CHANGE_AREAS).withContext(action.name).toContain(action.changes!);
  });
});
