// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Steward as a person meets it in a session of their language, for the screens a reviewer reads (the contact
// sheet) and the specs that read them: the service started in the session's language with a remote engine and an
// API key file, a failed backup unit (the user's service manager a stand-in on the shell's session bus), a journal,
// and a scripted model (a STAND-IN) that speaks the session's language, as a real one answers in it.
import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../../service/src/dbus/client.js';
import { appendToJournal, unitFailure } from '../../support/journal.js';
import { type OpenAIServer, startOpenAIServer } from '../../support/openaiServer.js';
import { DISK_FULL_SCRIPT, type Script, scriptedReply } from '../../support/replayModel.js';
import {
  BUS_NAME,
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  startConfiguredService,
  waitFor,
} from '../../support/service.js';
import { addService, fail, startMockSystemd, stopMockSystemd } from '../../support/systemdMock.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';
import type { ShellSession } from './session.js';
import { shellEval } from './shell.js';

/** What the scripted model says in each language: the person asks in theirs, and it answers in it. */
export interface ModelWords {
  question: string;
  answer: string;
  /** Its explanation of a finding, and the likely cause. */
  explanation: string;
  cause: string;
}

export const LANGUAGES = [
  {
    tag: 'en',
    locale: undefined,
    words: {
      question: DISK_FULL_SCRIPT.question,
      answer: 'Your thumbnail cache is the biggest item. I proposed clearing it; apply it if you agree.',
      explanation: 'The backup script stopped with an error of its own.',
      cause: 'its destination disk is not connected',
    },
  },
  {
    tag: 'de',
    locale: 'de_DE.UTF-8',
    words: {
      question: 'Meine Festplatte ist voll, was kann ich freigeben?',
      answer:
        'Ihr Vorschaubild-Zwischenspeicher ist der größte Posten. Ich habe vorgeschlagen, ihn zu leeren; ' +
        'wenden Sie es an, wenn Sie einverstanden sind.',
      explanation: 'Das Sicherungsskript hat mit einem eigenen Fehler geendet.',
      cause: 'sein Zieldatenträger ist nicht angeschlossen',
    },
  },
  {
    tag: 'fr',
    locale: 'fr_FR.UTF-8',
    words: {
      question: 'Mon disque est plein, que puis-je libérer\u202f?',
      answer:
        'Le cache des vignettes est le plus gros élément. J’ai proposé de le vider\u202f; appliquez-le si vous ' +
        'êtes d’accord.',
      explanation: 'Le script de sauvegarde s’est arrêté sur une erreur qui lui est propre.',
      cause: 'son disque de destination n’est pas branché',
    },
  },
] as const satisfies readonly { tag: string; locale: string | undefined; words: ModelWords }[];

export const FAILED_UNIT = 'backup.service';
/** A unit whose failure (a start that timed out) Steward offers to restart: its Apply gives the Undo notification. */
export const RESTARTED_UNIT = 'sync.service';

/** The chat's conversation in `words`' language: the disk-full script with the person's question and its answer. */
export function diskFullScript(words: ModelWords): Script {
  return {
    question: words.question,
    turns: [...DISK_FULL_SCRIPT.turns.slice(0, -1), { text: words.answer }],
  };
}

export interface StewardScreens {
  service: RunningService;
  server: OpenAIServer;
  journal: string;
  keyFile: string;
  /** Fails `unit` in systemd's state and with its journal line, as a unit that failed does. */
  failUnit(unit: string, how: Parameters<typeof fail>[2]): Promise<void>;
  /** Proposals.List, its dictionaries unpacked. */
  proposals(): Promise<Record<string, unknown>[]>;
  /** Proposals.Apply of a waiting proposal's change. */
  apply(proposalId: string, action: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts Steward in `session` as a person of `language` meets it (see the top of this file). */
export async function startStewardScreens(
  session: ShellSession,
  language: (typeof LANGUAGES)[number],
): Promise<StewardScreens> {
  let home: TempDir | undefined;
  let systemd: ChildProcess | undefined;
  let server: OpenAIServer | undefined;
  let service: RunningService | undefined;
  const stop = async () => {
    await service?.stop();
    await server?.close();
    if (systemd) await stopMockSystemd(systemd);
    await home?.remove();
  };
  try {
    home = await makeTempDir('steward-screens-');
    const bus = { address: session.busAddress, connect: async () => session.bus, stop: async () => undefined };
    systemd = await startMockSystemd(bus, session.bus);
    for (const unit of [FAILED_UNIT, RESTARTED_UNIT]) await addService(session.bus, unit);
    const journal = join(home.path, 'journal');
    await mkdir(journal);
    const { words } = language;
    server = await startOpenAIServer({
      reply: scriptedReply([diskFullScript(words)]),
      apiKey: 'sk-screenshots',
      jsonStrings: { explanation: words.explanation, likelyCause: words.cause },
    });
    const keyFile = join(home.path, 'config', 'steward', 'api-key');
    await mkdir(join(home.path, 'config', 'steward'), { recursive: true });
    await writeFile(keyFile, 'sk-screenshots\n', { mode: 0o600 });
    const thumbnails = join(home.path, '.cache', 'thumbnails', 'large');
    await mkdir(thumbnails, { recursive: true });
    for (let n = 0; n < 8; n++) await writeFile(join(thumbnails, `${n}.png`), Buffer.alloc(256 * 1024, n));
    service = await startConfiguredService(
      bus,
      session.bus,
      home.path,
      {
        watch: quietWatch({ journal: { system: false, user: false, directories: [journal] }, units: true }),
        inference: { engine: 'remote', remote: { url: server.url, model: 'test-model', apiKeyFile: keyFile } },
      },
      // The service speaks the session's language, as the user's service manager passes it on.
      language.locale ? { LANG: language.locale } : {},
    );
    const started = { service, server };
    const proposals = async () => {
      const [list] = await callMethod(session.bus, {
        destination: BUS_NAME,
        path: OBJECT_PATH,
        interface: `${BUS_NAME}.Proposals`,
        member: 'List',
        signature: 'a{sv}',
        body: [{}],
      });
      return (list as Record<string, Variant>[]).map((dict) =>
        Object.fromEntries(Object.entries(dict).map(([key, value]) => [key, value.value])),
      );
    };
    return {
      ...started,
      journal,
      keyFile,
      async failUnit(unit, how) {
        await fail(session.bus, unit, how);
        await appendToJournal(journal, [unitFailure(unit)]);
      },
      proposals,
      async apply(proposalId, action) {
        await callMethod(session.bus, {
          destination: BUS_NAME,
          path: OBJECT_PATH,
          interface: `${BUS_NAME}.Proposals`,
          member: 'Apply',
          signature: 'ss',
          body: [proposalId, action],
        });
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** JavaScript for the shell: whether a notification of Steward's is in the tray. */
export const NOTIFIED = `Main.messageTray.getSources().some((source) => source.title === 'Steward' && source.notifications.length > 0)`;

/** JavaScript for the shell: Steward's notifications, as plain values. */
export const NOTIFICATIONS = `Main.messageTray.getSources().filter((source) => source.title === 'Steward')
  .flatMap((source) => source.notifications.map((n) => ({
    title: n.title, body: n.body, actions: n.actions.map((action) => action.label),
  })))`;

export interface ShownNotification {
  title: string;
  body: string;
  actions: string[];
}

/** Steward's notifications in the tray now. */
export const notificationsIn = async (session: ShellSession) =>
  (await shellEval(session.bus, NOTIFICATIONS)) as ShownNotification[];

/**
 * Closes every notification of Steward's but those titled `keep`, as a person closes them. The tray can then stay
 * hidden with a banner still queued (seen in GNOME Shell 48 when the banner on screen is the one closed): blocking
 * and unblocking banners, as the calendar does as it opens and closes, has it show the next one.
 */
export async function closeNotificationsBut(session: ShellSession, keep: string): Promise<void> {
  await shellEval(
    session.bus,
    `Main.messageTray.getSources().filter((source) => source.title === 'Steward').forEach((source) =>
      source.notifications.filter((n) => n.title !== ${JSON.stringify(keep)}).forEach((n) => n.destroy()))`,
  );
  await shellEval(session.bus, 'Main.messageTray.bannerBlocked = true; Main.messageTray.bannerBlocked = false');
}

/** Waits until the banner on screen is the notification titled `title`, and expands it as the pointer does. */
export async function expandBanner(session: ShellSession, title: string): Promise<void> {
  await waitFor(
    async () => (await shellEval(session.bus, 'Main.messageTray._notification?.title ?? null')) === title,
    `the banner "${title}"`,
    60_000,
  );
  await shellEval(session.bus, 'Main.messageTray._banner?.expand(false)');
}
