// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Reads the screen as a screen reader does: the session's accessibility bus (at-spi2-core), the
// applications registered on it (GNOME Shell, the preferences' GTK window) and their accessible
// trees, with each object's role, name, description, states and text, and its actions.
import type { EventEmitter } from 'node:events';

import { type MessageBus, sessionBus, type Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../../service/src/dbus/client.js';
import { waitFor } from '../../support/service.js';

const ACCESSIBLE = 'org.a11y.atspi.Accessible';
const REGISTRY_ROOT: Ref = { bus: 'org.a11y.atspi.Registry', path: '/org/a11y/atspi/accessible/root' };

/** AtspiStateType, in the order of its bits (at-spi2-core's atspi-constants.h). */
const STATE_NAMES = [
  'invalid',
  'active',
  'armed',
  'busy',
  'checked',
  'collapsed',
  'defunct',
  'editable',
  'enabled',
  'expandable',
  'expanded',
  'focusable',
  'focused',
  'has-tooltip',
  'horizontal',
  'iconified',
  'modal',
  'multi-line',
  'multiselectable',
  'opaque',
  'pressed',
  'resizable',
  'selectable',
  'selected',
  'sensitive',
  'showing',
  'single-line',
  'stale',
  'transient',
  'vertical',
  'visible',
  'manages-descendants',
  'indeterminate',
  'required',
  'truncated',
  'animated',
  'invalid-entry',
  'supports-autocompletion',
  'selectable-text',
  'is-default',
  'visited',
  'checkable',
  'has-popup',
  'read-only',
] as const;

export type AccessibleState = (typeof STATE_NAMES)[number];

/** at-spi2-core's older role names, as its newer versions name the same roles (GTK 4.18 says "button"). */
const ROLE_NAMES: Record<string, string> = { 'push button': 'button', 'check box': 'checkbox' };

/** Where an accessible object lives: its connection's unique name and its object path. */
export interface Ref {
  bus: string;
  path: string;
}

export interface AccessibleNode {
  ref: Ref;
  /** The role as AT-SPI names it: "button", "label", "checkbox", "frame"… */
  role: string;
  name: string;
  description: string;
  states: Set<AccessibleState>;
  /** The text of an object with the Text interface (a label, an entry). */
  text?: string;
  /** The names of its actions ("click", "activate"…). */
  actions: string[];
  children: AccessibleNode[];
}

/** Decodes AT-SPI's state set: two 32-bit words, bit n set for state n. */
export function decodeStates(words: number[]): Set<AccessibleState> {
  const states = new Set<AccessibleState>();
  STATE_NAMES.forEach((name, bit) => {
    if (((words[Math.floor(bit / 32)] ?? 0) >>> (bit % 32)) & 1) states.add(name);
  });
  return states;
}

/**
 * The accessibility bus of a session whose /tmp is `sessionTmp` on this machine. The session bus
 * starts the bus launcher when asked for its address, as it does for any application.
 */
export async function openAccessibilityBus(session: MessageBus, sessionTmp: string): Promise<AccessibilityBus> {
  const [address] = (await callMethod(session, {
    destination: 'org.a11y.Bus',
    path: '/org/a11y/bus',
    interface: 'org.a11y.Bus',
    member: 'GetAddress',
  })) as [string];
  // A socket path inside the session is under its /tmp (XDG_RUNTIME_DIR too), which this machine sees at sessionTmp.
  const hostAddress = address.replace(/(unix:path=)\/tmp\//, (_match, prefix: string) => `${prefix}${sessionTmp}/`);
  const bus = sessionBus({ busAddress: hostAddress });
  const events = bus as unknown as EventEmitter;
  await new Promise<void>((resolve, reject) => {
    bus.once('connect', () => resolve());
    events.once('error', reject);
  });
  events.on('error', () => undefined);
  return new AccessibilityBus(bus);
}

export class AccessibilityBus {
  constructor(private readonly _bus: MessageBus) {}

  close(): void {
    this._bus.disconnect();
  }

  /** The applications registered with the accessibility registry, by their accessible names. */
  async applications(): Promise<{ name: string; ref: Ref }[]> {
    const apps = await this._children(REGISTRY_ROOT);
    return Promise.all(apps.map(async (ref) => ({ name: await this._property(ref, 'Name').catch(() => ''), ref })));
  }

  /** The first top-level object (window) of any application whose name contains `title`. */
  async window(title: string): Promise<Ref | undefined> {
    for (const app of await this.applications()) {
      for (const ref of await this._children(app.ref).catch(() => [])) {
        if ((await this._property(ref, 'Name').catch(() => '')).includes(title)) return ref;
      }
    }
    return undefined;
  }

  /** Waits until some application shows a window whose name contains `title`. */
  async waitForWindow(title: string, timeoutMs = 60_000): Promise<Ref> {
    let found: Ref | undefined;
    await waitFor(async () => (found = await this.window(title)) !== undefined, `a window named ${title}`, timeoutMs);
    return found as Ref;
  }

  /** The application registered under `name` ("gnome-shell"). */
  async application(name: string): Promise<Ref> {
    const app = (await this.applications()).find((candidate) => candidate.name === name);
    if (!app) throw new Error(`no application named ${name} on the accessibility bus`);
    return app.ref;
  }

  /**
   * The tree under `ref` as it is now. With `showingOnly`, the subtrees of objects that are not
   * on screen are left out (a hidden page, a closed menu), which is what a person can see. An
   * object counts as sensitive only when its ancestors are too.
   */
  async tree(ref: Ref, { showingOnly = true } = {}, parentSensitive = true): Promise<AccessibleNode> {
    const [role, name, description, states, interfaces] = await Promise.all([
      this._call(ref, ACCESSIBLE, 'GetRoleName').then(([value]) => ROLE_NAMES[value as string] ?? (value as string)),
      this._property(ref, 'Name'),
      this._property(ref, 'Description'),
      this._call(ref, ACCESSIBLE, 'GetState').then(([words]) => decodeStates(words as number[])),
      this._call(ref, ACCESSIBLE, 'GetInterfaces').then(([names]) => names as string[]),
    ]);
    // GTK reports each widget's own sensitivity; a person sees it greyed out when any ancestor is not.
    if (!parentSensitive) states.delete('sensitive');
    const node: AccessibleNode = { ref, role, name, description, states, actions: [], children: [] };
    if (interfaces.includes('org.a11y.atspi.Text')) {
      node.text = (await this._call(ref, 'org.a11y.atspi.Text', 'GetText', 'ii', [0, -1]))[0] as string;
    }
    if (interfaces.includes('org.a11y.atspi.Action')) {
      const [actions] = (await this._call(ref, 'org.a11y.atspi.Action', 'GetActions')) as [[string, string, string][]];
      node.actions = actions.map(([actionName]) => actionName);
    }
    if (showingOnly && !states.has('showing') && role !== 'application') return node;
    // Objects can go while the tree is read (a page switching away): they are simply not there.
    const children = await this._children(ref).catch(() => []);
    for (const child of children) {
      const subtree = await this.tree(child, { showingOnly }, states.has('sensitive')).catch(() => undefined);
      if (subtree && (!showingOnly || subtree.states.has('showing'))) node.children.push(subtree);
    }
    return node;
  }

  /** Runs the object's action named `action` (a button's "click", a row's "activate"). */
  async act(node: AccessibleNode, action = node.actions[0]): Promise<void> {
    const index = node.actions.indexOf(action ?? '');
    if (index < 0)
      throw new Error(`the ${node.role} "${node.name}" has no action ${action}; it has ${node.actions.join(', ')}`);
    const [done] = await this._call(node.ref, 'org.a11y.atspi.Action', 'DoAction', 'i', [index]);
    if (!done) throw new Error(`the ${node.role} "${node.name}" refused ${action}`);
  }

  /** Where the object is on screen and how big, as a screen magnifier reads it (Component.GetExtents, screen). */
  async extents(node: AccessibleNode): Promise<{ x: number; y: number; width: number; height: number }> {
    const [[x, y, width, height]] = (await this._call(
      node.ref,
      'org.a11y.atspi.Component',
      'GetExtents',
      'u',
      [0],
    )) as [[number, number, number, number]];
    return { x, y, width, height };
  }

  /** Gives the object the keyboard focus, as Tab would. */
  async focus(node: AccessibleNode): Promise<void> {
    await this._call(node.ref, 'org.a11y.atspi.Component', 'GrabFocus');
  }

  private async _children(ref: Ref): Promise<Ref[]> {
    const [children] = (await this._call(ref, ACCESSIBLE, 'GetChildren')) as [[string, string][]];
    return children.map(([bus, path]) => ({ bus, path }));
  }

  private async _property(ref: Ref, name: string): Promise<string> {
    const [value] = (await this._call(ref, 'org.freedesktop.DBus.Properties', 'Get', 'ss', [ACCESSIBLE, name])) as [
      Variant<string>,
    ];
    return value.value;
  }

  private _call(ref: Ref, iface: string, member: string, signature = '', body: unknown[] = []): Promise<unknown[]> {
    return callMethod(
      this._bus,
      { destination: ref.bus, path: ref.path, interface: iface, member, signature, body },
      { timeoutMs: 10_000, autoStart: false },
    );
  }
}

/** Every node of `tree`, depth first. */
export function flatten(tree: AccessibleNode): AccessibleNode[] {
  return [tree, ...tree.children.flatMap(flatten)];
}

/** The nodes of `tree` with role `role` (any role when undefined) whose name matches `name`. */
export function findAll(tree: AccessibleNode, role: string | undefined, name: string | RegExp): AccessibleNode[] {
  return flatten(tree).filter(
    (node) =>
      (role === undefined || node.role === role) &&
      (typeof name === 'string' ? node.name === name : name.test(node.name)),
  );
}

/** The one node with `role` and `name`; fails naming what the tree shows instead. */
export function findOne(tree: AccessibleNode, role: string | undefined, name: string | RegExp): AccessibleNode {
  const found = findAll(tree, role, name);
  if (found.length === 0)
    throw new Error(`nothing ${role ?? ''} named ${String(name)} on screen; it shows:\n${describe(tree)}`);
  return found[0] as AccessibleNode;
}

/** What a person reads: every name, description and text on screen, in order, without repeats. */
export function visibleTexts(tree: AccessibleNode): string[] {
  const texts = flatten(tree).flatMap((node) => [node.name, node.description, node.text ?? '']);
  return [...new Set(texts.map((text) => text.trim()).filter(Boolean))];
}

/** The tree as indented lines ("button 'Download' [sensitive,showing]"), for failure messages and artifacts. */
export function describe(tree: AccessibleNode, depth = 0): string {
  const states = [...tree.states].filter((state) => !['enabled', 'visible', 'opaque'].includes(state)).join(',');
  const text = tree.text && tree.text !== tree.name ? ` text=${JSON.stringify(tree.text)}` : '';
  const description = tree.description ? ` (${JSON.stringify(tree.description)})` : '';
  const line = `${'  '.repeat(depth)}${tree.role} ${JSON.stringify(tree.name)}${description}${text} [${states}]`;
  return [line, ...tree.children.map((child) => describe(child, depth + 1))].join('\n');
}
