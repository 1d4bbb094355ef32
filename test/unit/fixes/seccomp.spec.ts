// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The expert shell's seccomp program, read back instruction by instruction as the
// kernel would run it: aarch64's numbers are checked here, as the integration
// spec runs on the machine's own architecture only.
import { ARCHITECTURES, assemble, shellSeccompProgram } from '../../../service/src/fixes/actions/seccomp.js';

const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;
const KILL_PROCESS = 0x80000000;
const AF_UNIX = 1;
const AF_INET = 2;
const I386 = 0x40000003;
const ARM = 0x40000028;

/** Runs classic BPF over struct seccomp_data { nr, arch, ip, args[6] }; only the four kinds of instruction used. */
function runFilter(program: Buffer, arch: number, nr: number, args: bigint[] = []): number {
  const data = Buffer.alloc(64);
  data.writeInt32LE(nr, 0);
  data.writeUInt32LE(arch, 4);
  args.forEach((arg, index) => data.writeBigUInt64LE(arg, 16 + 8 * index));
  let accumulator = 0;
  for (let pc = 0; pc * 8 < program.length; pc += 1) {
    const code = program.readUInt16LE(pc * 8);
    const [jt, jf, k] = [
      program.readUInt8(pc * 8 + 2),
      program.readUInt8(pc * 8 + 3),
      program.readUInt32LE(pc * 8 + 4),
    ];
    if (code === 0x20) accumulator = data.readUInt32LE(k);
    else if (code === 0x15) pc += accumulator === k ? jt : jf;
    else if (code === 0x35) pc += accumulator >= k ? jt : jf;
    else if (code === 0x06) return k;
    else throw new Error(`unexpected instruction ${code.toString(16)}`);
  }
  throw new Error('the program ran off its end');
}

describe('the expert shell seccomp program', () => {
  const program = shellSeccompProgram();
  const { x86_64, aarch64 } = ARCHITECTURES;

  it('denies socket(AF_UNIX) with EPERM on x86_64 and aarch64, whatever the upper bits of the int', () => {
    for (const { audit, socket } of [x86_64, aarch64]) {
      expect(runFilter(program, audit, socket, [BigInt(AF_UNIX), 1n, 0n])).toBe(EPERM);
      expect(runFilter(program, audit, socket, [0xffffffff00000001n, 1n, 0n])).toBe(EPERM);
      expect(runFilter(program, audit, socket, [BigInt(AF_INET), 1n, 0n])).toBe(ALLOW);
    }
  });

  it("allows a socketpair and the other calls, by each architecture's own numbers", () => {
    // socketpair: 53 on x86_64, 199 on aarch64; read: 0 and 63; aarch64's 41 is pivot_root, not socket.
    expect(runFilter(program, x86_64.audit, 53, [BigInt(AF_UNIX)])).toBe(ALLOW);
    expect(runFilter(program, aarch64.audit, 199, [BigInt(AF_UNIX)])).toBe(ALLOW);
    expect(runFilter(program, x86_64.audit, 0)).toBe(ALLOW);
    expect(runFilter(program, aarch64.audit, 63)).toBe(ALLOW);
    expect(runFilter(program, aarch64.audit, 41, [BigInt(AF_UNIX)])).toBe(ALLOW);
  });

  it('denies io_uring on both, and every x32 call on x86_64', () => {
    for (const nr of [425, 426, 427]) {
      expect(runFilter(program, x86_64.audit, nr)).toBe(EPERM);
      expect(runFilter(program, aarch64.audit, nr)).toBe(EPERM);
    }
    expect(runFilter(program, x86_64.audit, 0x40000000 | 41, [BigInt(AF_UNIX)])).toBe(EPERM);
    expect(runFilter(program, x86_64.audit, 0x40000000)).toBe(EPERM);
  });

  it('kills a process of another architecture: 32-bit x86 and arm multiplex sockets through socketcall()', () => {
    expect(runFilter(program, I386, 102, [1n])).toBe(KILL_PROCESS);
    expect(runFilter(program, ARM, 281, [BigInt(AF_UNIX)])).toBe(KILL_PROCESS);
  });

  it('assembles jumps forward by label, and refuses a jump backwards or to no label', () => {
    const bytes = assemble([
      { op: 'load', offset: 4 },
      { op: 'jumpIfEqual', value: 7, then: 'yes', else: 'no' },
      { op: 'label', name: 'no' },
      { op: 'return', value: 0 },
      { op: 'label', name: 'yes' },
      { op: 'return', value: 1 },
    ]);
    expect([...bytes]).toEqual([
      ...[0x20, 0, 0, 0, 4, 0, 0, 0],
      ...[0x15, 0, 1, 0, 7, 0, 0, 0],
      ...[0x06, 0, 0, 0, 0, 0, 0, 0],
      ...[0x06, 0, 0, 0, 1, 0, 0, 0],
    ]);
    expect(() =>
      assemble([
        { op: 'label', name: 'top' },
        { op: 'jumpIfEqual', value: 1, then: 'top' },
        { op: 'return', value: 0 },
      ]),
    ).toThrowError(/cannot jump/);
    expect(() => assemble([{ op: 'jumpIfEqual', value: 1, then: 'nowhere' }])).toThrowError(/no label nowhere/);
  });
});
