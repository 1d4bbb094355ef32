// Network actions: reconnect a NetworkManager connection, and flush
// systemd-resolved's DNS cache. Both ask polkit on the system bus.
import type { Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';
import { callMethod } from '../../dbus/client.js';
import { StewardError } from '../../dbus/errors.js';
import type { ActionContext, ActionDefinition } from '../action.js';
import { ACTIVATED, CONNECTIVITY_FULL, NetworkConnections, type ActiveConnection } from './networkConnections.js';
import { AUTHORIZED_CALL, systemBusOf, systemCall } from './polkit.js';

const reconnectParams = z.object({ connection: z.uuid().optional() });
type ReconnectParams = z.infer<typeof reconnectParams>;

async function findConnection({ connection }: ReconnectParams, context: ActionContext) {
  const connections = new NetworkConnections(systemBusOf(context));
  return { connections, active: await connections.find(connection) };
}

const noConnection = ({ connection }: ReconnectParams) =>
  connection === undefined
    ? 'There is no active network connection'
    : `No active network connection has UUID ${connection}`;

const named = (connection: ActiveConnection) => `"${connection.id}"`;

const reconnect: ActionDefinition<ReconnectParams> = {
  name: 'network.reconnect',
  title: 'Reconnect to the network',
  params: reconnectParams,
  risk: 'low',
  // polkit's network-control, which active local sessions usually have without a password.
  needsAuthorization: true,
  readOnly: false,
  async preview(params, context) {
    const { active } = await findConnection(params, context);
    if (!active) return { summary: noConnection(params), details: [], changesNothing: true };
    return {
      summary: `Reconnect ${named(active)}`,
      details: [
        `Disconnect ${named(active)} (${active.type}, UUID ${active.uuid}) and connect it again`,
        'The network is down for a few seconds meanwhile',
      ],
      changesNothing: false,
    };
  },
  async run(params, context, { progress, signal }) {
    const { connections, active } = await findConnection(params, context);
    if (!active) throw new StewardError('NotFound', `${noConnection(params)} to reconnect.`);
    progress(null, `Reconnecting ${named(active)}…`);
    await connections.reconnect(active, signal);
    progress(1, `Reconnected ${named(active)}`);
    return {
      summary: `Reconnected ${named(active)}`,
      undo: { impossible: 'a reconnect cannot be undone: the connection was only taken down and brought back up' },
    };
  },
  async verify(params, context) {
    const { connections, active } = await findConnection(params, context);
    if (!active || active.state !== ACTIVATED) {
      return { ok: false, observed: active ? `${named(active)} is not connected yet` : noConnection(params) };
    }
    if ((await connections.connectivity()) === CONNECTIVITY_FULL) {
      return { ok: true, observed: `${named(active)} is connected and the internet is reachable` };
    }
    return {
      ok: true,
      observed: `${named(active)} is connected, but NetworkManager does not report the internet as reachable`,
    };
  },
};

const RESOLVED = 'org.freedesktop.resolve1';
const RESOLVED_PATH = '/org/freedesktop/resolve1';
const RESOLVED_MANAGER = `${RESOLVED}.Manager`;
const RESOLVED_IN_WORDS = 'systemd-resolved (the DNS resolver)';

/** How many answers systemd-resolved holds in its caches. */
async function cachedAnswers(context: ActionContext): Promise<number> {
  const [statistics] = (await systemCall(
    callMethod(
      systemBusOf(context),
      {
        destination: RESOLVED,
        path: RESOLVED_PATH,
        interface: 'org.freedesktop.DBus.Properties',
        member: 'Get',
        signature: 'ss',
        body: [RESOLVED_MANAGER, 'CacheStatistics'],
      },
      { autoStart: false },
    ),
    RESOLVED_IN_WORDS,
  )) as [Variant<[bigint, bigint, bigint]>];
  return Number(statistics.value[0]);
}

const flushDns: ActionDefinition = {
  name: 'network.flush_dns',
  title: 'Forget cached DNS answers',
  params: z.object({}),
  risk: 'low',
  needsAuthorization: true,
  readOnly: false,
  async preview(_params, context) {
    const cached = await cachedAnswers(context);
    return {
      summary: 'Forget every cached DNS answer (systemd-resolved)',
      details: [`systemd-resolved holds ${cached} cached answers; names are looked up afresh after this`],
      changesNothing: cached === 0,
    };
  },
  async run(_params, context, { progress }) {
    progress(null, 'Flushing the DNS cache…');
    await systemCall(
      callMethod(
        systemBusOf(context),
        { destination: RESOLVED, path: RESOLVED_PATH, interface: RESOLVED_MANAGER, member: 'FlushCaches' },
        AUTHORIZED_CALL,
      ),
      RESOLVED_IN_WORDS,
    );
    progress(1, 'Flushed the DNS cache');
    return {
      summary: 'Flushed the DNS cache',
      undo: { impossible: 'forgotten DNS answers cannot be restored; they are looked up again when needed' },
    };
  },
  async verify(_params, context) {
    // resolved has no read-back for a flush; its cache size is the closest, and new lookups refill it at once.
    const cached = await cachedAnswers(context);
    return {
      ok: true,
      observed: `systemd-resolved took the flush and now holds ${cached} cached answers (lookups since refill it)`,
    };
  },
};

export const networkActions = [reconnect, flushDns];
