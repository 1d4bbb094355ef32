// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The commands of `steward`, one entry each: the dispatcher, `steward help`,
// the man page and the shell completions are all made from this table.
// Adding a command is adding an entry here.
import { N_ } from '../i18n.js';
import { mcpCommand, mcpOptions } from '../mcp/command.js';
import { apiKeyCommand } from './apiKey.js';
import { applyCommand, approved, undoCommand } from './apply.js';
import { UsageError } from './argv.js';
import { askCommand, chatCommand, sendOptions } from './chat.js';
import type { CommandDefinition } from './commandDefinition.js';
import { configCommand } from './config.js';
import { confirmCommand } from './confirm.js';
import { fetchStatus } from './coreStatus.js';
import { docsCommand } from './docs.js';
import { doctorCommand } from './doctor.js';
import { builtSetup, evalCommand } from './eval.js';
import { findingsCommand } from './findings.js';
import { helpCommand } from './help.js';
import { modelsCommand } from './models.js';
import { nixosCommand } from './nixos.js';
import { historyCommand, jobsCommand, parseLimit, proposalsCommand } from './proposals.js';
import {
  logsCommand,
  reloadCommand,
  restartCommand,
  startCommand,
  statusCommand,
  stopCommand,
} from './serviceControl.js';
import { sessionsCommand } from './sessions.js';
import { uninstallCommand } from './uninstall.js';
import { listenCommand, sayCommand } from './voice.js';

const limitOf = (text: string | undefined) => {
  const limit = parseLimit(text);
  if (typeof limit === 'string') throw new UsageError(limit);
  return limit;
};

export const COMMANDS: readonly CommandDefinition[] = [
  {
    name: 'status',
    forms: [{ args: '', summary: N_('Show what the Steward service is doing') }],
    details: N_('The exit status is 3 when the service is not running.'),
    options: ['json'],
    maxArgs: 0,
    run: async ({ bus, json }) => statusCommand(await bus(), json),
  },
  {
    name: 'start',
    forms: [{ args: '', summary: N_('Start the service') }],
    options: [],
    maxArgs: 0,
    run: async ({ bus }) => startCommand(await bus()),
  },
  {
    name: 'stop',
    forms: [{ args: '', summary: N_('Stop the service (it starts again when it is next needed)') }],
    details: N_('Through systemd when it runs the service, else by signalling the process the bus names.'),
    options: [],
    maxArgs: 0,
    run: async ({ bus }) => stopCommand(await bus()),
  },
  {
    name: 'restart',
    forms: [{ args: '', summary: N_('Stop the service and start it again') }],
    options: [],
    maxArgs: 0,
    run: async ({ bus }) => restartCommand(await bus()),
  },
  {
    name: 'reload',
    forms: [{ args: '', summary: N_('Read the configuration file again') }],
    details: N_('A hand edit of the file applies by itself within a second; this is for when it did not.'),
    options: [],
    maxArgs: 0,
    run: async ({ bus }) => reloadCommand(await bus()),
  },
  {
    name: 'logs',
    forms: [{ args: '', summary: N_("Show the service's log") }],
    details: N_(
      "Its unit's journal under systemd; else its lines in your journal; without a journal, steward.log in its state directory. The service need not be running.",
    ),
    options: ['follow', 'lines'],
    maxArgs: 0,
    run: ({ values }) => logsCommand({ follow: values.follow ?? false, lines: values.lines }),
  },
  {
    name: 'doctor',
    forms: [{ args: '', summary: N_('Check what this machine lets Steward do, and how to get what is missing') }],
    details: N_(
      'The exit status is 0 even with capabilities missing, 1 if the service is degraded or still starting, 3 if it is not running.',
    ),
    options: ['json'],
    maxArgs: 0,
    run: async ({ bus, json }) => doctorCommand(await bus(), json),
  },
  {
    name: 'findings',
    forms: [
      { args: '', summary: N_('List what Steward noticed') },
      { args: 'show ID', summary: N_('Show a finding with its evidence') },
      { args: 'ignore KIND [SUBJECT]', summary: N_('Stop announcing a kind of finding') },
      { args: 'unignore KIND [SUBJECT]', summary: N_('Announce a kind of finding again') },
    ],
    options: ['json', 'all', 'after-first'],
    maxArgs: 3,
    run: async ({ bus, args, values, json }) =>
      findingsCommand(await bus(), args, {
        json,
        all: values.all ?? false,
        afterFirst: values['after-first'] ?? false,
      }),
  },
  {
    name: 'proposals',
    forms: [
      { args: '', summary: N_('List the fixes waiting for your approval') },
      { args: 'show ID', summary: N_('Show a proposal with the exact effect of each action and its evidence') },
    ],
    options: ['json', 'all'],
    maxArgs: 2,
    run: async ({ bus, args, values, json }) => proposalsCommand(await bus(), args, { json, all: values.all ?? false }),
  },
  {
    name: 'apply',
    forms: [{ args: 'ID [ACTION]', summary: N_('Apply a proposed fix, after showing what it does') }],
    options: ['yes'],
    maxArgs: 2,
    run: async ({ bus, args, values }) => applyCommand(await bus(), args, { yes: values.yes ?? false }),
  },
  {
    name: 'undo',
    forms: [{ args: 'JOB', summary: N_('Undo a fix that ran') }],
    options: ['yes'],
    maxArgs: 1,
    run: async ({ bus, args, values }) => undoCommand(await bus(), args, { yes: values.yes ?? false }),
  },
  {
    name: 'confirm',
    forms: [
      {
        args: '',
        summary: 'Keep the NixOS changes that wait for confirmation; unconfirmed ones are switched back',
      },
    ],
    options: ['json'],
    maxArgs: 0,
    run: async ({ bus, json }) => confirmCommand(await bus(), { json }),
  },
  {
    name: 'jobs',
    forms: [{ args: '', summary: N_('List the fixes that ran, and how they ended') }],
    options: ['json', 'undoable'],
    maxArgs: 0,
    run: async ({ bus, values, json }) => jobsCommand(await bus(), { json, undoable: values.undoable ?? false }),
  },
  {
    name: 'history',
    forms: [{ args: '', summary: N_('Show the audit trail of every proposal, approval and fix') }],
    options: ['json', 'limit'],
    maxArgs: 0,
    run: async ({ bus, values, json }) => historyCommand(await bus(), { json, limit: limitOf(values.limit) }),
  },
  {
    name: 'chat',
    forms: [{ args: '', summary: N_('Talk with Steward, continuing the latest conversation') }],
    details: N_(
      'At a terminal, /help lists the commands of the conversation. Piped, it reads one question a line from standard input; --json prints one event a line.',
    ),
    options: ['json', 'new', 'session', 'max-tokens', 'temperature', 'seed', 'no-tools', 'require-tool'],
    maxArgs: 0,
    run: async ({ bus, values, json }) =>
      chatCommand(await bus(), { session: values.session, new: values.new ?? false, json, send: sendOptions(values) }),
  },
  {
    name: 'listen',
    forms: [{ args: '', summary: N_('Listen to the microphone and print what was said') }],
    details: N_(
      'Recognised on this computer with the installed speech model; the words are shown on standard error as they are recognised, and what was said is printed on standard output when you stop talking. Ctrl+C stops listening and prints what was heard. steward ask "$(steward listen)" asks it.',
    ),
    options: ['json'],
    maxArgs: 0,
    run: async ({ bus, json }) => listenCommand(await bus(), { json }),
  },
  {
    name: 'say',
    forms: [{ args: '[TEXT]', summary: N_('Read a text aloud') }],
    details: N_('Without TEXT, it is read from standard input. The command returns at once; the service reads on.'),
    options: [],
    run: async ({ bus, args }) => sayCommand(await bus(), args),
  },
  {
    name: 'ask',
    forms: [{ args: '[QUESTION]', summary: N_('Ask one question; the answer is printed as it is generated') }],
    details: N_(
      'Each question starts a new conversation unless --session or --continue says which to continue. Without QUESTION, it is read from standard input. The tools consulted are shown on standard error, the fixes proposed at the end. Ctrl+C stops the answer (exit status 130).',
    ),
    options: ['json', 'session', 'continue', 'max-tokens', 'temperature', 'seed', 'no-tools', 'require-tool'],
    run: async ({ bus, args, values, json }) =>
      askCommand(await bus(), args, {
        session: values.session,
        continueLatest: values.continue ?? false,
        json,
        sendOptions: sendOptions(values),
      }),
  },
  {
    name: 'sessions',
    forms: [
      { args: '', summary: N_('List the conversations, the latest first') },
      { args: 'show ID', summary: N_('Show a conversation') },
      { args: 'rm ID', summary: N_('Delete a conversation') },
    ],
    details: N_('ID can be any unique prefix of a conversation’s id, such as the eight characters the list shows.'),
    options: ['json'],
    maxArgs: 2,
    run: async ({ bus, args, json }) => sessionsCommand(await bus(), args, json),
  },
  {
    name: 'models',
    forms: [
      { args: '[list]', summary: N_("List the installed models (Steward's and Ollama's)") },
      { args: 'pull URI', summary: N_('Download a model (an https URL or hf:USER/REPO/FILE.gguf)') },
      {
        args: 'import FILE',
        summary: N_('Copy a GGUF file you already have into the store (--link: link it instead)'),
      },
      { args: 'use ID', summary: N_('Make a model the active one') },
      { args: 'rm ID', summary: N_("Delete a model from Steward's store (asks first for the active one)") },
      { args: 'recommend', summary: N_('Recommend a model for this machine') },
      { args: 'speech', summary: N_('List the speech models, installed and to pull') },
      { args: 'pull speech:NAME', summary: N_('Download a speech model for steward listen and the quick chat') },
      { args: 'rm speech:NAME', summary: N_('Delete a speech model') },
    ],
    details: N_(
      'The first model pulled or imported becomes the active one, unless one already is. Pulls and imports are checked the same way: a GGUF file, with the SHA-256 given by --sha256 or the server. A speech model is an archive from sherpa-onnx’s releases (NAME from “steward models speech”, or the URL of a NAME.tar.bz2), checked against the SHA-256 given by --sha256 or the catalog’s; where the catalog has none, the one it arrived with is recorded and shown.',
    ),
    options: ['json', 'sha256', 'link', 'yes'],
    maxArgs: 2,
    run: async ({ bus, args, values, json }) =>
      modelsCommand(await bus(), args, {
        json,
        sha256: values.sha256,
        link: values.link ?? false,
        yes: values.yes ?? false,
      }),
  },
  {
    name: 'api-key',
    forms: [{ args: 'URL', summary: N_('Save the API key of a remote endpoint in your keyring (read from stdin)') }],
    options: [],
    maxArgs: 1,
    run: async ({ bus, args }) => {
      const [url] = args;
      if (url === undefined) throw new UsageError('“api-key” takes the URL of the endpoint');
      return apiKeyCommand(await bus(), url);
    },
  },
  {
    name: 'config',
    forms: [
      { args: '', summary: N_('Show the configuration in effect, defaults included, as JSON') },
      { args: 'set PATH VALUE', summary: N_('Change a setting, e.g. “config set inference.threads 2”') },
      { args: 'unset PATH', summary: N_('Remove a setting, so that its default applies') },
    ],
    details: N_(
      'VALUE is JSON, or else text. A change that lets Steward do or send more asks you to confirm it first.',
    ),
    options: [],
    maxArgs: 3,
    run: async ({ bus, args }) => configCommand(await bus(), args),
  },
  {
    name: 'eval',
    forms: [
      { args: '--model PATH|URL', summary: N_('Score a model on the evaluation scenarios, without the service') },
    ],
    details: N_(
      'A GGUF file runs locally; an http(s)://…/v1 URL is an OpenAI-compatible endpoint (its API key from STEWARD_EVAL_API_KEY).',
    ),
    options: ['model', 'remote-model', 'corpus', 'category', 'verbose', 'max-tokens', 'json'],
    maxArgs: 0,
    run: ({ values }) => evalCommand(values, builtSetup(import.meta.url)),
  },
  {
    name: 'docs',
    forms: [
      {
        args: 'search WORDS…',
        summary: N_(
          'Search the installed documentation the assistant reads (man pages, GNOME help, info manuals, READMEs)',
        ),
      },
      { args: 'read REF', summary: N_('Show one section, e.g. “sshd_config(5)#AuthenticationMethods”') },
      { args: 'build', summary: N_('Build the index now, or bring it up to date, without waiting for the service') },
    ],
    details: N_(
      'Reads the index the service builds in the background; no running service is needed. A page alone (“ssh(1)”) lists its sections. Before the index exists, search and read say how far along the service is, or offer to build it (--yes builds it without asking).',
    ),
    options: ['json', 'limit', 'yes'],
    run: ({ bus, args, values, json }) =>
      docsCommand(args, {
        json,
        limit: limitOf(values.limit),
        yes: values.yes ?? false,
        serviceStatus: async () => fetchStatus(await bus()),
        confirm: (question) => approved(false, question),
      }),
  },
  {
    name: 'nixos',
    forms: [
      {
        args: 'show [ATTRPATH]',
        summary: 'Show the NixOS configuration Steward manages, its imports, and what it sets below ATTRPATH',
      },
      {
        args: 'search WORDS|NAME',
        summary: 'Search the packages and options of the nixpkgs this system was built from',
      },
      { args: 'generations', summary: "List the system's and Home Manager's generations, newest first" },
    ],
    details:
      'Reads the files, the profile links and the system’s own nixpkgs (the flake input or channel on disk) directly; no running service is needed. An exact name is checked: one that does not exist gets the nearest real names.',
    options: ['json', 'limit'],
    run: ({ args, values, json }) => nixosCommand(args, { json, limit: limitOf(values.limit) }),
  },
  {
    name: 'mcp',
    forms: [{ args: '', summary: N_("Serve Steward's read-only tools and propose_fix to an AI agent over MCP") }],
    details: N_(
      'Speaks MCP on standard input and output, as agents start it; with --http, Streamable HTTP on 127.0.0.1 with a bearer token written to $XDG_RUNTIME_DIR/steward/mcp-http.json. No tool applies, dismisses or undoes anything: an agent proposes, you decide.',
    ),
    options: ['http', 'port'],
    maxArgs: 0,
    run: async ({ bus, values }) => {
      const options = mcpOptions(values);
      if (typeof options === 'string') throw new UsageError(options);
      return mcpCommand(await bus(), options);
    },
  },
  {
    name: 'uninstall',
    forms: [{ args: '', summary: N_('Remove Steward, as installed for your user') }],
    details: N_(
      'Stops the service, disables the extension and removes every file the install wrote; your configuration, state and models stay unless --purge. A copy that a package manager installed is removed by it: the command says how.',
    ),
    options: ['purge'],
    maxArgs: 0,
    run: ({ values }) => uninstallCommand(values.purge ?? false),
  },
  {
    name: 'help',
    forms: [{ args: '[COMMAND]', summary: N_('Show the help of a command, or this overview') }],
    options: [],
    maxArgs: 1,
    run: ({ args }) => Promise.resolve(helpCommand(COMMANDS, args)),
  },
];

export const commandNamed = (name: string) => COMMANDS.find((command) => command.name === name);
