import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { callerIdentity, describeIdentity } from '../../service/src/dbus/callerIdentity.js';
import { startPrivateBus, type PrivateBus } from '../support/privateBus.js';

// A bus peer that pretends to be GNOME Shell in everything it controls: its process title (which is also what
// /proc/PID/cmdline shows) and its comm.
const PRETENDER = `
  const { sessionBus } = await import('@jellybrick/dbus-next');
  process.title = 'gnome-shell --mode=user';
  const bus = sessionBus({ busAddress: process.env.BUS });
  await new Promise((resolve) => bus.on('connect', resolve));
  console.log(bus.name);
  setInterval(() => undefined, 1000);
`;

describe("the audit trail's caller", () => {
  let bus: PrivateBus;
  let pretender: ChildProcess;
  let name: string;

  beforeAll(async () => {
    bus = await startPrivateBus();
    pretender = spawn(process.execPath, ['--input-type=module', '-e', PRETENDER], {
      env: { ...process.env, BUS: bus.address },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [chunk] = (await once(pretender.stdout!, 'data')) as [Buffer];
    name = chunk.toString().trim();
  });

  afterAll(async () => {
    pretender.kill();
    await bus.stop();
  });

  it("is named by the bus's credentials and the running executable, not by its own process title", async () => {
    const client = await bus.connect();
    const identity = await callerIdentity(client, name);
    expect(identity).toEqual(
      jasmine.objectContaining({ pid: pretender.pid!, uid: process.getuid!(), executable: process.execPath }),
    );
    const described = describeIdentity(identity);
    expect(described).toBe(`${name} (pid ${pretender.pid}, uid ${process.getuid!()}, ${process.execPath})`);
    expect(described).not.toContain('gnome-shell');
  });
});
