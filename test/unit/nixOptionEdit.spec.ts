// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { editNixModule, nixLiteral } from '../../service/src/nixos/nixEdits.js';
import { parseNix } from '../../service/src/nixos/nixParser.js';

const MODULE = `{ config, pkgs, ... }:

{
  networking.hostName = "old"; # the name
  time.timeZone = config.something;
  boot.kernelParams = [ "quiet" ];
}
`;

describe('setting a NixOS option to a typed value', () => {
  it('spells each type as a Nix literal, a string never as code', () => {
    expect(nixLiteral(true)).toBe('true');
    expect(nixLiteral(42)).toBe('42');
    expect(nixLiteral('a "b" ${c} \\ d\n')).toBe('"a \\"b\\" \\${c} \\\\ d\\n"');
    expect(nixLiteral(['x', 'y'])).toBe('[ "x" "y" ]');
    expect(nixLiteral([])).toBe('[ ]');
    expect(() => nixLiteral(1.5)).toThrowError(RangeError);
    // The escaped string parses as one string, whatever it held.
    const parsed = parseNix(`{ a = ${nixLiteral('"; b = ${builtins.exec}; #')}; }`);
    expect(parsed.type === 'attrs' && parsed.bindings.length).toBe(1);
  });

  it('replaces a literal in place, keeping the comment beside it', () => {
    const result = editNixModule(MODULE, { kind: 'set-option', option: 'networking.hostName', value: 'steward' });
    expect(result).toEqual({ status: 'changed', text: MODULE.replace('"old"', '"steward"') });
    const list = editNixModule(MODULE, { kind: 'set-option', option: 'boot.kernelParams', value: ['quiet', 'splash'] });
    expect(list).toEqual({ status: 'changed', text: MODULE.replace('[ "quiet" ]', '[ "quiet" "splash" ]') });
  });

  it('adds an option the file does not set, beside the bindings that share its first name', () => {
    const result = editNixModule(MODULE, { kind: 'set-option', option: 'networking.firewall.enable', value: false });
    expect(result).toEqual({
      status: 'changed',
      text: MODULE.replace('# the name\n', '# the name\n  networking.firewall.enable = false;\n'),
    });
  });

  it('changes nothing already set so, and refuses to overwrite an expression the user wrote', () => {
    expect(editNixModule(MODULE, { kind: 'set-option', option: 'networking.hostName', value: 'old' })).toEqual({
      status: 'unchanged',
      why: 'networking.hostName is already "old"',
    });
    expect(editNixModule(MODULE, { kind: 'set-option', option: 'time.timeZone', value: 'UTC' })).toEqual({
      status: 'refused',
      why: 'time.timeZone is set by an expression, not a plain value',
    });
    expect(editNixModule(MODULE, { kind: 'set-option', option: 'hostName', value: 'x' }).status).toBe('refused');
  });
});
