// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import agentsXml from '../../../dbus-interfaces/io.github.steward.Steward1.Agents.xml';
import chatXml from '../../../dbus-interfaces/io.github.steward.Steward1.Chat.xml';
import findingsXml from '../../../dbus-interfaces/io.github.steward.Steward1.Findings.xml';
import modelsXml from '../../../dbus-interfaces/io.github.steward.Steward1.Models.xml';
import proposalsXml from '../../../dbus-interfaces/io.github.steward.Steward1.Proposals.xml';
import settingsXml from '../../../dbus-interfaces/io.github.steward.Steward1.Settings.xml';
import voiceXml from '../../../dbus-interfaces/io.github.steward.Steward1.Voice.xml';
import coreXml from '../../../dbus-interfaces/io.github.steward.Steward1.xml';
import { type InterfaceSpec, parseIntrospection } from './introspection.js';

export const BUS_NAME = 'io.github.steward.Steward1';
export const OBJECT_PATH = '/io/github/steward/Steward1';
export const CORE_INTERFACE = 'io.github.steward.Steward1';
export const MODELS_INTERFACE = 'io.github.steward.Steward1.Models';
export const CHAT_INTERFACE = 'io.github.steward.Steward1.Chat';
export const FINDINGS_INTERFACE = 'io.github.steward.Steward1.Findings';
export const PROPOSALS_INTERFACE = 'io.github.steward.Steward1.Proposals';
export const SETTINGS_INTERFACE = 'io.github.steward.Steward1.Settings';
export const AGENTS_INTERFACE = 'io.github.steward.Steward1.Agents';
export const VOICE_INTERFACE = 'io.github.steward.Steward1.Voice';

function single(xml: string, name: string): InterfaceSpec {
  const spec = parseIntrospection(xml).find((i) => i.name === name);
  if (!spec) throw new Error(`the interface XML does not declare ${name}`);
  return spec;
}

export const coreSpec = single(coreXml, CORE_INTERFACE);
export const modelsSpec = single(modelsXml, MODELS_INTERFACE);
export const chatSpec = single(chatXml, CHAT_INTERFACE);
export const findingsSpec = single(findingsXml, FINDINGS_INTERFACE);
export const proposalsSpec = single(proposalsXml, PROPOSALS_INTERFACE);
export const settingsSpec = single(settingsXml, SETTINGS_INTERFACE);
export const agentsSpec = single(agentsXml, AGENTS_INTERFACE);
export const voiceSpec = single(voiceXml, VOICE_INTERFACE);
/** Every interface of the service, in the order the types are generated. */
export const stewardSpecs = [
  coreSpec,
  modelsSpec,
  chatSpec,
  findingsSpec,
  proposalsSpec,
  settingsSpec,
  agentsSpec,
  voiceSpec,
];
export const API_VERSION = Number(coreSpec.annotations['io.github.steward.ApiVersion']);
