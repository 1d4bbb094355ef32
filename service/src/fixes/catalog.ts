// The action catalog: every action Steward can take, by name. Nothing outside
// it can run, and every call's parameters pass its schema first.
import { StewardError } from '../dbus/errors.js';
import type { ActionDefinition } from './action.js';
import { configActions } from './actions/config.js';
import { fileActions } from './actions/files.js';
import { infoActions } from './actions/info.js';
import { journalActions } from './actions/journal.js';
import { networkActions } from './actions/network.js';
import { packageActions } from './actions/packages.js';
import { systemdActions } from './actions/systemd.js';

export interface ValidatedCall {
  action: ActionDefinition;
  params: Record<string, unknown>;
}

export class Catalog {
  private readonly actions: Map<string, ActionDefinition>;

  constructor(actions: readonly ActionDefinition[]) {
    this.actions = new Map(actions.map((action) => [action.name, action]));
  }

  names(): string[] {
    return [...this.actions.keys()].sort();
  }

  /** Every action, sorted by name. */
  all(): ActionDefinition[] {
    return [...this.actions.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): ActionDefinition | undefined {
    return this.actions.get(name);
  }

  /** The action and its parsed parameters; InvalidArgs for an unknown action or parameters outside its schema. */
  validate(name: string, params: unknown): ValidatedCall {
    const action = this.actions.get(name);
    if (!action) throw new StewardError('InvalidArgs', `"${name.slice(0, 100)}" is not an action Steward knows`);
    const parsed = action.params.safeParse(params);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'parameters'}: ${issue.message}`);
      throw new StewardError('InvalidArgs', `Parameters of ${name} are not valid: ${problems.join('; ')}`);
    }
    return { action, params: parsed.data };
  }
}

export function createCatalog(): Catalog {
  return new Catalog([
    ...systemdActions,
    ...packageActions,
    ...networkActions,
    ...fileActions,
    ...journalActions,
    ...configActions,
    ...infoActions,
  ] as ActionDefinition[]);
}
