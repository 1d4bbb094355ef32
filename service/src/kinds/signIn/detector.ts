// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// sign-in-failure: signing in to the desktop or unlocking its screen failed, or the login keyring stayed locked
// at sign-in. Only the programs that run the desktop's PAM stack count, as findings/writers.ts proves them from
// journald's trusted fields (each its installed program, its user, its unit): gdm's session worker, LightDM, SDDM's
// helper and login(1) as root; the lock screens running as the session's user; unix_chkpwd, the setgid helper
// pam_unix runs to check a password for a process that is not root, as the session's user; systemd-homed in its
// unit. Their PAM modules speak through pam_syslog as "pam_module(service:type): …", read by that structure. Where
// a line's level says less than its words (gdm's warnings, the keyring daemon's notices, a journal copied without
// levels), a sign-in program's own word that something failed counts at any level but debug (ownFailure).
import { basename } from 'node:path';

import { isFaultSignal, signalNumber } from '../../causes/signals.js';
import { activationFailureTitle, busActivationFailure } from '../../desktop/busActivation.js';
import { componentFailure, LOGIN_KEYRING_SUBJECT } from '../../desktop/componentFailure.js';
import { lineLevel, LOG_ERR, programSaysFailed, reportedAtInfoOrGraver } from '../../desktop/componentLines.js';
import { ComponentUnitDetector } from '../../desktop/componentUnits.js';
import {
  FIRST_PERSON_UID,
  isJournal,
  isSystemManager,
  type JournalEvent,
  journalEvidence,
} from '../../findings/detectors/journal.js';
import { type Detector, type DetectorOutput, earliestDeadline, type HeldOutput } from '../../findings/types.js';
import type { DesktopWriter, Writers } from '../../findings/writers.js';
import { _, format } from '../../i18n.js';
import { cleanLine, shownName } from '../../untrustedText.js';
import type { JournalEntry, WatchEvent } from '../../watch/events.js';
import { isCoredumpRecord } from '../crash/coredumpDetector.js';
import { withoutOwnLogPrefix } from './logFiles.js';
import { isDesktopPamService, isHostsOwnPamService, PAM_LINE } from './pam.js';
import { pamAuditFailure } from './pamAudit.js';

export const SIGN_IN_FAILURE = 'sign-in-failure';

// The programs that host the desktop's PAM stack, by findings/writers.ts's names: gdm (daemon/gdm-session-worker.c),
// LightDM, SDDM (sddm-helper runs PAM for the greeter and the session) and util-linux's login, as root; the lock
// screens that check the password as the user (their pam_unix calls unix_chkpwd), and physlock, the console lock, as
// root; the other display managers (LXDM, greetd, Ly, SLiM, XDM, MDM) as root.
const PAM_HOSTS = new Set(['gdm', 'lightdm', 'sddm', 'login', 'screen-locker', 'console-locker', 'display-manager']);

// A module's failure: pam_unix's "authentication failure;", pam_faillock's "Consecutive login failures for user
// … account temporarily locked", pam_systemd_home's "Failed to …", pam_limits' "Too many logins (max 2) for alice"
// (its maxlogins refusing the session: PAM_PERM_DENIED), any module's refusal. Not failures: pam_unix's
// "conversation failed" and "auth could not identify password" (the person cancelled or nothing was typed, as a
// fingerprint or smartcard login does), and its "N more authentication failures" summary (each was told before).
const PAM_FAILURE =
  /authentication failure;|login failures|temporarily locked|^Failed to |^Too many logins\b|\b(?:denied|incorrect|locked)\b/i;
// The tally modules before pam_faillock (modules/pam_tally2/pam_tally2.c, pam_tally.c): "user alice (1000) tally 4,
// deny 3" once the count reached the limit, and "user alice (1000) has time limit [30s left] since last failure"
// while a lock-out lasts.
const TALLY = /^user \S+ \(\d+\) tally (\d+), deny (\d+)/;
const TALLY_WAIT = /^user \S+ \(\d+\) has time limit \[\d+s left\] since last failure/;
const TALLY_MODULES = new Set(['pam_tally', 'pam_tally2']);
// PAM's own return codes as pam_strerror words them (libpam/pam_strerror.c), which modules print with the code:
// pam_sss's "received for user alice: 7 (Authentication failure)", pam_systemd_home's "… : Authentication token is no
// longer valid; new one required". The ones that refuse a sign-in or the session it opens, each worded as only PAM
// words it.
const PAM_CODE_TEXTS = [
  'Authentication failure',
  'User not known to the underlying authentication module',
  'Authentication token is no longer valid; new one required',
  'Authentication service cannot retrieve authentication info',
  'Authentication service cannot retrieve user credentials',
  'Have exhausted maximum number of retries for service',
  'User account has expired',
  'User credentials expired',
  'Insufficient credentials to access authentication data',
  'Authentication information cannot be recovered',
  'Authentication token expired',
  'Authentication token lock busy',
  'Failure setting user credentials',
  'Cannot make/remove an entry for the specified session',
  'Failed to load module',
  'Error in service module',
  'System error',
  'Module is unknown',
  'Critical error - immediate abort',
];
// The codes pam_strerror words as other libraries do too (PAM_PERM_DENIED is strerror's EACCES): PAM's only where
// the line relays a PAM call's result.
const PAM_SHARED_CODE_TEXTS = ['Permission denied', 'Memory buffer error', 'Symbol not found'];
const anyOf = (texts: readonly string[]) =>
  new RegExp(texts.map((text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');
const PAM_ERRORS = anyOf(PAM_CODE_TEXTS);
const PAM_RESULT_ERRORS = anyOf([...PAM_CODE_TEXTS, ...PAM_SHARED_CODE_TEXTS]);
// The same codes by their names in libpam's headers, as pam_winbind and others print them ("PAM error: PAM_AUTH_ERR
// (7)").
const PAM_ERROR_NAMES =
  /\bPAM_(?:AUTH_ERR|USER_UNKNOWN|PERM_DENIED|CRED_INSUFFICIENT|CRED_UNAVAIL|CRED_EXPIRED|AUTHINFO_UNAVAIL|MAXTRIES|NEW_AUTHTOK_REQD|ACCT_EXPIRED|AUTHTOK_EXPIRED|CRED_ERR|SESSION_ERR|OPEN_ERR|SYSTEM_ERR|SERVICE_ERR|MODULE_UNKNOWN|ABORT)\b/;
// pam_unix's account stage (pam_unix_acct.c): "account alice has expired (account expired)", "expired password for
// user alice (root enforced)", "password for user alice is inactive"; its "check pass; user unknown" where the name
// typed is no user the system knows.
const PAM_ACCOUNT_REFUSED = /^account \S+ has expired|^expired password for user|\bis inactive$|\buser unknown$/;
// SDDM's helper relays what each PAM call returned (src/helper/backend/PamHandle.cpp): "[PAM] authenticate:
// Authentication failure", "[PAM] acctMgmt: User account has expired", "[PAM] openSession: …", the code in
// pam_strerror's words. The calls that decide whether the person gets in and gets a session; not closing one.
const SDDM_PAM_RESULT = /^\[PAM\] (?:authenticate|acctMgmt|chAuthTok|setCred|openSession|start): (.*)$/;
const PAM_NOT_A_FAILURE = /conversation failed|could not identify password|more authentication failures/;
// pam_unix's two lines for one try whose conversation brought no password: libpam's "conversation failed"
// (pam_vprompt.c, at err, in the module's name), then "auth could not identify password for [alice]"
// (pam_unix_auth.c, at crit). Once is a dialog cancelled or timed out, or a fingerprint that answered first, except
// at the lock screens below that have neither; a lock screen, which runs PAM only while the person unlocks, getting
// none again on the next try cannot take the password it is given.
const NO_PASSWORD = /^(?:conversation failed|auth could not identify password for \[([^\]]*)\])$/;
const NO_PASSWORD_TRY_ENDS = /^auth could not identify password/;
// The display managers' automatic login services (gdm's data/pam-autologin, LightDM's, SDDM's): their conversation
// answers no prompt (gdm's worker; LightDM's "Stopping PAM conversation, interaction requested but not supported"), as
// no one is there to type. pam_unix asking for a password there is the stack refusing the automatic login: the person
// is not in the group its pam_succeed_if lets through, or the stack is a password's.
const AUTOLOGIN_SERVICE = /^(?:gdm|lightdm|sddm)-autologin$/;

/** Whether a PAM module's line, by pam_syslog's parts, is an automatic login's stack asking for a password. */
const autologinAsked = (module: string, service: string, stage: string, text: string) =>
  AUTOLOGIN_SERVICE.test(service) && module === 'pam_unix' && stage === 'auth' && NO_PASSWORD_TRY_ENDS.test(text);

/** Whether a line, as a finding's evidence shows it, is an automatic login's stack asking for a password. */
export function saysAutologinRefused(text: string): boolean {
  const pam = PAM_LINE.exec(text);
  return pam !== null && autologinAsked(pam[1] ?? '', pam[2] ?? '', pam[3] ?? '', pam[4] ?? '');
}
// The lock screens that run pam_authenticate only once the person has typed a password and pressed Enter, and whose
// conversation answers every prompt with it (swaylock's pam.c, i3lock's conv_callback, waylock's converse): no dialog
// to cancel, no prompt to time out. pam_unix getting no password from them, even once, is the stack not taking the
// password typed.
const TYPED_PASSWORD_LOCKERS = new Set(['swaylock', 'i3lock', 'waylock']);
/** How long after a try without a password the next one counts as tried again. */
const RETRY_WINDOW_MS = 10 * 60_000;
// gnome-keyring's PAM module (pam/gkr-pam-module.c) logs as "gkr-pam: …": "couldn't unlock the login keyring.",
// "the password for the login keyring was invalid.", "gnome-keyring-daemon failed to start correctly, exit code: 1",
// "couldn't start the daemon". Not failures: its successes ("unlocked login keyring", "gnome-keyring-daemon started
// properly and unlocked keyring"), and "unable to locate daemon control file" at the auth stage, which every sign-in
// whose daemon starts with the session logs before "stashed password to try later in open session" (LightDM's and
// gdm's journals show the keyring unlocked right after it).
const KEYRING = /^gkr-pam: (.*)$/;
// gkr-pam's word that the keyring was unlocked after all: at the session stage, with the password it stashed at auth
// ("unlocked login keyring"), or by the daemon it started with it. A failure of its at auth that says anything but a
// refused password (GKD_CONTROL_RESULT_DENIED: "the password for the login keyring was invalid.", which no later stage
// tries again) waits this long for it: a display manager logs "couldn't unlock the login keyring." for its greeter's
// own sign-in, or before the daemon is up, and the person's keyring then opens seconds later.
const KEYRING_UNLOCKED =
  /^gkr-pam: (?:unlocked login keyring|gnome-keyring-daemon started properly and unlocked keyring)$/;
const KEYRING_REFUSED = /\binvalid\b/;
const KEYRING_WAIT_MS = 2 * 60_000;
// "gnome-keyring-daemon didn't start properly" (older) is the daemon failing to start, as "failed to start" is. "no
// password is available for user" is a sign-in without a password (a fingerprint): the module has nothing to unlock
// the keyring with, so it stays locked and apps ask for its password. At an automatic login, which the display
// manager's PAM service names ("pam_unix(gdm-autologin:session): session opened for user …"), that is the person's
// choice, and stays quiet (clearlinux/distribution#2442's working start).
const NO_PASSWORD_AVAILABLE = /^gkr-pam: no password is available for user\b/;
// Its own "error looking up user information" and "error stashing password for session" return PAM_SERVICE_ERR and
// PAM_AUTHTOK_RECOVER_ERR: the keyring gets no password.
const KEYRING_FAILURE = /couldn't|didn't|invalid|failed|\berror\b|\bno password is available\b/i;
// The keyring daemon's own word that the password it was handed at sign-in did not open the login keyring
// (daemon/gkd-main.c, gkd-login.c, control/gkd-control-client.c, from GNOME 2.22 to 48): "Couldn't unlock login
// keyring with provided password", "Failed to unlock login on startup", "couldn't unlock login keyring". Read only
// from the daemon itself, as findings/writers.ts proves it (its installed program, as the session's user).
const KEYRING_DAEMON_NOT_UNLOCKED = /\b(?:couldn't|could not|failed to|unable to) unlock (?:the )?login\b/i;
// KDE's wallet module (kwallet-pam's pam_kwallet.c, "pam_kwallet5(sddm:auth): pam_kwallet5: …") opens the wallet
// with the sign-in password as gkr-pam does the keyring, and says so when it cannot, at any stage: "Couldn't get
// password (it is empty)", "Fail into creating the hash", "Impossible to write walletKey to walletPipe", "could not
// execute kwalletd from …", "Empty or missing password, doing nothing". Not its trace of each call
// ("pam_sm_authenticate").
const WALLET_MODULES = new Set(['pam_kwallet', 'pam_kwallet5']);
const WALLET_FAILURE = /couldn't|could not|impossible|\bfail|empty or missing password/i;
/** The subject of a KDE wallet left closed at sign-in. */
const KDE_WALLET = 'KDE Wallet';
// PAM's own lines inside the program that runs it: a module's ("pam_env(gdm-password:setcred): …"), libpam's ("PAM
// unable to dlopen(…)", "PAM adding faulty module: …"), SDDM's relay of them ("[PAM] …"), gnome-keyring's module's.
const PAM_OWN = /^(?:pam_[\w-]+\(|PAM |\[PAM\] |gkr-pam: )/;
// A PAM module's own line: pam_syslog's "pam_unix(service:stage): …", and gnome-keyring's module's "gkr-pam: …".
const PAM_OWN_MODULE = /^(?:pam_[\w-]+\(|gkr-pam: )/;
// libpam's own lines (libpam/pam_dispatch.c, pam_handlers.c, pam_audit.c, through pam_syslog's "PAM" prefix) where the
// service's stack cannot let anyone in, whatever is typed: "no modules loaded for `swaylock' service" (no configuration
// for the service nor PAM's "other": every call returns PAM_PERM_DENIED), "_pam_init_handlers: could not open
// /etc/pam.conf" (no configuration at all: PAM_ABORT), "_pam_load_conf_file: unable to open config for system-auth"
// (a file the stack includes is not there: pam_handlers.c puts a handler that must fail, with the control "bad", in
// its place), "audit_open() failed: …" (the audit socket refused where the kernel has audit: PAM_SYSTEM_ERR on every
// call, by design), "audit_log_acct_message() failed: …" (libaudit refused the call's record for another reason than
// EPERM: pam_audit.c fails the call itself with PAM_SYSTEM_ERR, and logs nothing where it does not). A module that
// did not load is read below by whose module it is.
const LIBPAM_REFUSES_ALL =
  /^PAM (?:no modules loaded for `[^']*' service|_pam_init_handlers: could not open \S+|_pam_load_conf_file: unable to open config for \S+|audit_(?:open|log_acct_message)\(\) failed: .+)$/;
// libpam's word that a module the service's stack names did not load (pam_handlers.c: "PAM unable to dlopen(…): …",
// then "PAM adding faulty module: …"; the stack calls a failing handler in its place, PAM_MODULE_UNKNOWN).
const MODULE_NOT_LOADED = /^PAM (?:unable to dlopen\(([^)]+)\): .+|adding faulty module: (\S+))$/;
// Linux-PAM's own modules, each its tree has shipped: they come in libpam's own package (Debian's libpam-modules,
// Fedora's and Arch's pam), so a sign-in's stack naming one that does not load is PAM and its configuration out of
// step: an upgrade past a module the stack still names (pam_cracklib, pam_tally and pam_tally2 left in 1.5.0,
// pam_lastlog is not built since 1.5.3), or the module broken against the libraries; where the stack requires it, no
// one signs in. Not another package's module (KDE's wallet, ecryptfs, the keyring's): stacks name those as optional
// and go on where their package is not installed, as sign-ins that work log it. Nor the modules Linux-PAM builds only
// where the system has SELinux or the audit system (pam_selinux, pam_sepermit, pam_tty_audit).
const LINUX_PAM_MODULES = new Set(
  (
    'access canonicalize_user cracklib debug deny echo env exec faildelay faillock filter ftp group issue keyinit ' +
    'lastlog limits listfile localuser loginuid mail mkhomedir motd namespace nologin permit pwdb pwhistory radius ' +
    'rhosts rhosts_auth rootok securetty setquota shells stress succeed_if tally tally2 time timestamp umask unix ' +
    'userdb usertype warn wheel xauth'
  )
    .split(' ')
    .map((name) => `pam_${name}`),
);

/** The Linux-PAM module a libpam line says did not load, or null. */
function linuxPamModuleNotLoaded(text: string): string | null {
  const match = MODULE_NOT_LOADED.exec(text);
  const path = match?.[1] ?? match?.[2];
  const module = path === undefined ? undefined : basename(path).replace(/\.so$/, '');
  return module !== undefined && LINUX_PAM_MODULES.has(module) ? module : null;
}

/** The subject of a login keyring that stayed locked (playbook.ts explains it). */
export const LOGIN_KEYRING = LOGIN_KEYRING_SUBJECT;
// PAM's stages that decide whether the person gets in: a module's error there refuses the sign-in, whatever its
// wording (pam_sss's "Request to sssd failed", pam_krb5's, a fingerprint module's). Not setcred or session: pam_env's
// missing configuration file and the like are logged there on every sign-in that works.
const DECIDING_STAGES = new Set(['auth', 'account']);
// pam_systemd registers the sign-in's session with logind at the session stage (src/login/pam_systemd.c): its error
// there ("Failed to create session: Connection timed out", "Cannot create session: Already running in a session or
// user slice", since systemd 258 "Varlink call io.systemd.Login.CreateSession failed: …") is the session not made,
// and the desktop does not start. Not its closing one ("Failed to release session: …").
const SESSION_MAKER = 'pam_systemd';
const SESSION_CALL_FAILED = /\bfailed\b/i;
// pam_unix's account stage readying unix_chkpwd for a caller that is not root (pam_unix_acct.c): "setuid failed:
// Operation not permitted". Since Linux-PAM 1.6.0 (linux-pam#757) it logs that at debug and goes on, the helper's
// own verdict following; only a root caller's, at err, ends the stage. Its words alone, where a journal was copied
// without levels, are no refusal from a process that is not root.
const HELPER_SETUID = /^setuid failed\b/;
// pam_warn, which logs each call it gets at notice ("function=[pam_sm_authenticate] flags=0 service=[sddm-greeter] …",
// modules/pam_warn): the distributions put it in PAM's fallback stack, "other" (Fedora's, Arch's, Gentoo's: pam_deny
// and pam_warn), which runs for a service that has no configuration of its own and refuses every call. At a stage that
// decides the sign-in, the sign-in's service has no stack and no one gets in.
const FALLBACK_WARNING = 'pam_warn';
const RELEASING = /\brelease\b/i;
// unix_chkpwd (pam_unix's unix_chkpwd.c, passverify.c) has one job, and logs only where it could not do it:
// "password check failed for user (alice)", "could not obtain user info (alice)" where the user database did not
// answer, "inappropriate use of Unix helper binary [UID=1000]" where its caller ran it so that it could not check,
// each at notice or graver. Any line of its own but a debug one is the check not passing; the user where it names one.
const CHKPWD_USER = /\(([^)\s]+)\)\s*$/;
// The user a PAM line names: pam_unix's "user=alice", "for user alice", "user (alice)".
const USER = [
  /\buser=(\S+)/,
  /\bfor user (?:'|")?([\w.@-]+)/,
  /\buser \(([^)]+)\)/,
  /^account (\S+) has expired/,
  /^user (\S+) \(\d+\)/,
  /^Too many logins \(max \d+\) for (\S+)/,
  // pam_systemd_home's "Home of user alice is currently not active, …".
  /^Home of user (\S+) is\b/,
];
// systemd-homed's own words for an operation on a home that failed (home/homed-home.c, home_*_finish): "Authentication
// failed: Password for home rui is incorrect or not sufficient for authentication.", "Activation failed: Required key
// not available", "Unlocking failed: …".
const HOMED_FAILURE = /^(?:Authentication|Activation|Unlocking) failed: /;
const HOME_OF = /\bhome (\S+) is\b/;
// A sign-in's service manager (user@UID.service), which pam_systemd starts for the person's session and the login
// screen's alike: PID 1's child runs its PAM service ("systemd-user") as root before it becomes the manager, and says
// so where the stack refuses it (systemd's exec-invoke.c, setup_pam and its caller: "PAM failed: Cannot make/remove an
// entry for the specified session", then "user@1000.service: Failed to set up PAM session: Operation not permitted",
// and before systemd 249 "Failed at step PAM spawning /usr/lib/systemd/systemd: …"). Without it the session has no
// manager: GDM's login screen does not come up (systemd/systemd#6038), a person's session lacks its services.
// journald's _SYSTEMD_UNIT and _UID say whose manager's child wrote it.
const USER_MANAGER_UNIT = /^user@\d+\.service$/;
const MANAGER_PAM_REFUSED =
  /^(?:PAM failed: .+|user@\d+\.service: (?:Failed to set up PAM session: .+|Failed at step PAM spawning .+))$/;

/** The service manager's unit where its child, as root before it becomes the manager, wrote the line; else null. */
function managerChildUnit({ fields: { _UID: uid, _SYSTEMD_UNIT: unit } }: JournalEntry): string | null {
  return uid === '0' && unit && USER_MANAGER_UNIT.test(unit) ? unit : null;
}

// The units logind makes for a sign-in: the session's scope, the person's slice, service manager and runtime folder.
const SESSION_UNIT = /\b((?:session-[\w-]+\.scope)|(?:user-\d+\.slice)|(?:user(?:-runtime-dir)?@\d+\.service))\b/;

// SDDM's daemon on its helper's end (src/daemon/Auth.cpp, childExited): "Auth: sddm-helper exited with 1", with the
// helper's own status (src/auth/Auth.h, HelperExitStatus): 1 HELPER_AUTH_ERROR, 2 HELPER_SESSION_ERROR, 3
// HELPER_OTHER_ERROR, 4 HELPER_DISPLAYSERVER_ERROR, 5 HELPER_TTY_ERROR. Not a signal's number (9, 15): the greeter's
// helper ended when the person's session replaces it, or at shutdown. Past its own statuses the helper exits with its
// session's (src/helper/HelperApp.cpp, sessionFinished): 126 and 127 are the shell's for a session command it could
// not run or did not find, the person sent back to the login screen.
const SDDM_HELPER_EXIT = /^Auth: sddm-helper exited with ([1-5]|12[67])$/;
const SDDM_HELPER_STATUS = [
  '',
  'HELPER_AUTH_ERROR',
  'HELPER_SESSION_ERROR',
  'HELPER_OTHER_ERROR',
  'HELPER_DISPLAYSERVER_ERROR',
  'HELPER_TTY_ERROR',
];

/** SDDM's word that its helper ended with one of its failures, as the status's name (past them, its number), or null. */
function sddmHelperFailure(entry: JournalEntry, writer: string | undefined): string | null {
  if (writer !== 'sddm' || entry.fields._UID !== '0') return null;
  const status = SDDM_HELPER_EXIT.exec(entry.message)?.[1];
  if (status === undefined) return null;
  return SDDM_HELPER_STATUS[Number(status)] ?? status;
}

// LightDM's word on how a session it ran ended (src/session.c, session_watch_cb), for the greeter's and the person's
// alike: "Session pid=911: Exited with return value 127", "Session pid=5332: Terminated with signal 15". The session
// child exits with the status of the session's command (src/session-child.c), so a status other than 0 is the
// session or greeter failing: its command not found (127), Xsession or the greeter giving up. A signal counts where
// it is a program's own fault (causes/signals.ts), not LightDM's own SIGTERM ending a session.
const LIGHTDM_SESSION_ENDED =
  /^Session pid=\d+: (?:Exited with return value (?<status>[1-9]\d*)|Terminated with signal (?<signal>\d+))$/;

/** LightDM's word that a session it ran ended in failure, or false. */
function lightdmSessionFailed(entry: JournalEntry, writer: string | undefined): boolean {
  if (writer !== 'lightdm' || entry.fields._UID !== '0') return false;
  return endedInFailure(LIGHTDM_SESSION_ENDED.exec(entry.message)) !== null;
}

// gnome-session's word that the session it runs cannot go on (gsm-manager.c, 2.x to 49): a component the session
// requires (the shell, a window manager) ended and could not be restarted, "Unrecoverable failure in required component
// org.gnome.Shell.desktop", and "We failed, but the fail whale is dead. Sorry...." where it could not even show its
// "Oh no! Something has gone wrong" screen. Either way the person is sent back to the login screen. Read after GLib's
// prefix ("gnome-session-binary[…]: WARNING: …"), from the session's own gnome-session, and from the one GDM runs as
// its own account for the login screen (its greeter session requires the shell too): there, no login screen comes.
const SESSION_COMPONENT_LOST = /\bUnrecoverable failure in required component (\S+?)(?:\.desktop)?$/;
const FAIL_WHALE_DEAD = /\bWe failed, but the fail whale is dead\b/;

/** Whether a line, as a finding's evidence shows it, is gnome-session's word that the session ended for good. */
export const saysSessionLost = (text: string) => SESSION_COMPONENT_LOST.test(text) || FAIL_WHALE_DEAD.test(text);

/**
 * gnome-session's word that the session ended for good: the required component it lost ('' for none named), and
 * whether it was the login screen's session, or null.
 */
function sessionLost(
  entry: JournalEntry,
  writer: string | undefined,
  writers: Writers,
): { component: string; loginScreen: boolean } | null {
  const loginScreen = writer === 'login-screen' && writers.isProgramOf('gnome-session', entry.fields._EXE);
  if (writer !== 'gnome-session' && !loginScreen) return null;
  const lost = SESSION_COMPONENT_LOST.exec(entry.message);
  if (lost) return { component: lost[1] ?? '', loginScreen };
  return FAIL_WHALE_DEAD.test(entry.message) ? { component: '', loginScreen } : null;
}

function sessionLostTitle({ component, loginScreen }: { component: string; loginScreen: boolean }): string {
  const shown = cleanLine(component, 80);
  if (loginScreen)
    return component
      ? format(_('The login screen could not start or go on: {component}, which it needs, stopped'), {
          component: shown,
        })
      : _('The login screen could not start or go on, and could not say why');
  return component
    ? format(_('The desktop session could not start or go on: {component}, which it needs, stopped'), {
        component: shown,
      })
    : _('The desktop session could not start or go on, and could not say why');
}

// gdm's word that a sign-in did not get as far as a session, which it gives at debug only, as people turn gdm's debug
// on to report a sign-in that returns to the login screen: its manager's on the person's session failing to start
// (daemon/gdm-manager.c, on_session_start_failed, GDM 3.22 to 49: "GdmManager: session failed to start: Failed to
// execute child process …"), its worker's on PAM not starting at all (gdm-session-worker.c: "GdmSessionWorker: could
// not initialize PAM: (error code 28)", pam_start's code, the service's stack not loaded).
const GDM_SESSION_FAILED = /^GdmManager: session failed to start: (.+)$/s;
const GDM_PAM_NOT_STARTED = /^GdmSessionWorker: could not initialize PAM: \(error code (\d+)\)$/;
// Its worker's relay of what the PAM calls that decide a sign-in returned (gdm-session-worker.c,
// gdm_session_worker_authenticate_user and _authorize_user, GDM 2.20 to 49), as SDDM's helper relays them:
// "GdmSessionWorker: authentication returned 7: Authentication failure", "… user is not authorized to log in: User
// account has expired", PAM_MAXTRIES as "authentication service had too many retries", and since GDM 46
// PAM_MODULE_UNKNOWN as "authentication module unavailable": the service's stack names a module that did not load
// ("PAM adding faulty module: …"), and no one gets in. Not PAM_AUTHINFO_UNAVAIL's "authentication service
// unavailable": a fingerprint or smartcard conversation finding no finger enrolled or no card.
const GDM_PAM_RESULT = /^GdmSessionWorker: (?:authentication returned -?\d+|user is not authorized to log in): (.+)$/;
const GDM_TOO_MANY_RETRIES = /^GdmSessionWorker: authentication service had too many retries$/;
const GDM_MODULE_MISSING = /^GdmSessionWorker: authentication module unavailable$/;
// Its worker's word on how the session it started ended (session_worker_child_watch, GDM 2.20 to 49), the greeter's
// or the person's alike: "GdmSessionWorker: child (pid:2211) done (status:1)", as LightDM's "Exited with return
// value 1": the session's command failing, the person back at the login screen. A signal counts where it is a
// program's own fault, not the SIGTERM or SIGHUP that ends a session on purpose.
const GDM_CHILD_DONE =
  /^GdmSessionWorker: child \(pid:\d+\) done \((?:status:(?<status>[1-9]\d*)|signal:(?<signal>\d+))\)$/;
// The same end as the daemon relays it (GDM 3.x to 49): the session's "GdmSession: Emitting 'session-exited' signal
// with exit code '1'" or "'session-died' signal with signal number '11'" (gdm-session.c, on_session_exited), and the
// manager's "GdmManager: session exited with status 1" or "session died with signal Segmentation fault"
// (gdm-manager.c, on_user_session_exited and _died, the signal as strsignal(3) names it).
const GDM_SESSION_OBJECT_ENDED =
  /^GdmSession: Emitting 'session-(?:exited' signal with exit code '(?<status>[1-9]\d*)'|died' signal with signal number '(?<signal>\d+)')$/;
const GDM_MANAGER_SESSION_ENDED =
  /^GdmManager: session (?:exited with status (?<status>[1-9]\d*)|died with signal (?<signalWords>.+))$/;
// strsignal(3)'s words for the signals of a program's own fault.
const STRSIGNAL_NAMES: Readonly<Record<string, string>> = {
  'Segmentation fault': 'SIGSEGV',
  Aborted: 'SIGABRT',
  'Bus error': 'SIGBUS',
  'Floating point exception': 'SIGFPE',
  'Illegal instruction': 'SIGILL',
  'Bad system call': 'SIGSYS',
  'Trace/breakpoint trap': 'SIGTRAP',
};
// The login screen's session ending so (gdm-display.c, on_launch_environment_session_exited and _died, GDM 3.x to 49):
// "GdmDisplay: Greeter exited: 1", "GdmDisplay: Greeter died: 11". GDM then ends the display and starts another, and
// the person sees no login screen or a blank one in a loop. Not 0, nor the SIGTERM that stops it once someone signed
// in.
const GDM_GREETER_ENDED = /^GdmDisplay: Greeter (?:exited: (?<status>[1-9]\d*)|died: (?<signal>\d+))$/;
// The worker failing to start the session's command at all (gdm-session-worker.c, gdm_session_worker_start_session):
// "GdmSessionWorker: child '/usr/bin/gnome-session' could not be started: Failed to execute child process …".
const GDM_CHILD_NOT_STARTED = /^GdmSessionWorker: child '([^']*)' could not be started: (.+)$/s;
// The daemon's session object on its worker failing to open the PAM session or to start the session's command
// (gdm-session.c, on_opened and on_session_started, GDM 2.30 to 49): "GdmSession: Emitting 'session-start-failed'
// signal". Where PAM's session stage refused (pam_open_session: a required session module that did not load or said
// no), no other line of gdm's says so: the manager relays only the start's failure, and the person is back at the
// login screen.
const GDM_SESSION_START_FAILED = /^GdmSession: Emitting 'session-start-failed' signal$/;

/**
 * A session's end, as a display manager's line matched above gives it, where it is a failure: a status other than 0,
 * or a signal of the program's own fault by its number or strsignal's words; null where it ended well or on purpose.
 */
function endedInFailure(match: RegExpExecArray | null): { status: string } | { signal: string } | null {
  const { status, signal, signalWords } = match?.groups ?? {};
  if (status !== undefined) return { status };
  const number = signal ?? String(signalNumber(STRSIGNAL_NAMES[signalWords ?? ''] ?? '') ?? '');
  return isFaultSignal(number) ? { signal: number } : null;
}

/** How a session gdm ran ended in failure, by the worker's, the session object's or the manager's word, or null. */
const gdmSessionEnded = (message: string) =>
  endedInFailure(
    GDM_CHILD_DONE.exec(message) ?? GDM_SESSION_OBJECT_ENDED.exec(message) ?? GDM_MANAGER_SESSION_ENDED.exec(message),
  );

/** gdm's debug word that a sign-in was refused or got no session: its title and how grave, or null. */
function gdmSignInFailed(
  entry: JournalEntry,
  writer: string | undefined,
): { title: string; severity: 'info' | 'warning'; subject?: string } | null {
  if (writer !== 'gdm' || entry.fields._UID !== '0') return null;
  const { message } = entry;
  const session = GDM_SESSION_FAILED.exec(message);
  if (session) {
    const reason = cleanLine(session[1]?.split('\n')[0] ?? '', 160);
    return { title: format(_('GDM could not start the session: {reason}'), { reason }), severity: 'warning' };
  }
  const pam = GDM_PAM_NOT_STARTED.exec(message);
  if (pam)
    return {
      title: format(_('GDM could not start PAM for a sign-in (error code {code})'), { code: pam[1] ?? '' }),
      severity: 'warning',
    };
  const notStarted = GDM_CHILD_NOT_STARTED.exec(message);
  if (notStarted) {
    const reason = cleanLine(`${notStarted[1] ?? ''}: ${notStarted[2]?.split('\n')[0] ?? ''}`, 160);
    return { title: format(_('GDM could not start the session: {reason}'), { reason }), severity: 'warning' };
  }
  if (GDM_SESSION_START_FAILED.test(message))
    return { title: _('GDM could not open or start the session after the sign-in'), severity: 'warning' };
  const ended = gdmSessionEnded(message);
  if (ended)
    return {
      title:
        'status' in ended
          ? format(_('The session GDM started ended with status {status}'), ended)
          : format(_('The session GDM started crashed on signal {signal}'), ended),
      severity: 'warning',
    };
  const greeter = endedInFailure(GDM_GREETER_ENDED.exec(message));
  if (greeter)
    return {
      subject: 'login-screen',
      title:
        'status' in greeter
          ? format(_('The login screen ended with status {status}, and GDM started it again'), greeter)
          : format(_('The login screen crashed on signal {signal}, and GDM started it again'), greeter),
      severity: 'warning',
    };
  if (GDM_MODULE_MISSING.test(message))
    return {
      title: _('GDM could not check the password: its sign-in steps name a PAM module that did not load'),
      severity: 'warning',
    };
  const refused = GDM_PAM_RESULT.exec(message)?.[1];
  if ((refused !== undefined && PAM_RESULT_ERRORS.test(refused)) || GDM_TOO_MANY_RETRIES.test(message))
    return {
      title: format(_('GDM refused the sign-in: {reason}'), {
        reason: cleanLine(refused ?? 'Have exhausted maximum number of retries for service', 160),
      }),
      severity: 'info',
    };
  return null;
}

// GNOME Shell's verifier for the login screen and the lock screen (js/gdm/util.js, _startService) when GDM could not
// start one of its PAM conversations: "Failed to start gdm-password verification for alice: …" (GNOME 40 and later),
// "Failed to start gdm-fingerprint for alice: …" before, as a JS ERROR where it was not caught. Only a desktop PAM
// service: the words name what did not start.
const SHELL_VERIFIER_FAILED = /^(?:JS ERROR: )?Failed to start ([\w.-]+) (?:verification )?for (\S+?): (.*)$/s;
// The verifier's other init errors (_reportInitError, GNOME 3.x to 49): GDM did not give it a conversation at all,
// "Failed to open reauthentication channel: …" on the lock screen, "Failed to obtain user verifier: …", and a service
// started for no user yet. The screen then says "Authentication error" and no password is checked.
const SHELL_VERIFIER_UNREACHED =
  /^(?:JS ERROR: )?(Failed to (?:open reauthentication channel|obtain user verifier|start ([\w.-]+) verification)): (.*)$/s;
// What failed, as the subject: the login screen's shell checks a password for GDM's greeter, the person's shell only
// to unlock its screen.
const SCREEN_OF_SHELL: Record<string, string> = { 'login-screen': 'login-screen', 'gnome-shell': 'lock-screen' };

/**
 * The shell's word that GDM could not start a sign-in conversation: the service, the user (empty where none was
 * named) and why, or null.
 */
function shellVerifierFailure(
  entry: JournalEntry,
  writer: string | undefined,
): { service: string; user: string; why: string; screen: string } | null {
  const screen = writer === undefined ? undefined : SCREEN_OF_SHELL[writer];
  if (screen === undefined) return null;
  const firstLine = (text: string) => text.split('\n')[0] ?? '';
  const match = SHELL_VERIFIER_FAILED.exec(entry.message);
  if (match) {
    const [, service = '', user = '', why = ''] = match;
    return isDesktopPamService(service) ? { service, user, why: firstLine(why), screen } : null;
  }
  const unreached = SHELL_VERIFIER_UNREACHED.exec(entry.message);
  if (!unreached) return null;
  const [, , service, why = ''] = unreached;
  if (service !== undefined && !isDesktopPamService(service)) return null;
  return { service: service ?? '', user: '', why: firstLine(why), screen };
}

// SDDM stopping its greeter once the person's session starts (src/daemon/Greeter.cpp, stop): "Greeter stopping...". The
// greeter it ends then reports as "Error from greeter session: "Process crashed"" (its helper killed): the stop,
// not a failure, where it follows within this long.
const SDDM_GREETER_STOPPING = /^Greeter stopping\.\.\.$/;
const SDDM_GREETER_ERROR = /^Error from greeter session: /;
const GREETER_TEARDOWN_MS = 60_000;

interface Failure {
  subject: string;
  what:
    | 'password'
    | 'locked'
    | 'keyring'
    | 'wallet'
    | 'home'
    | 'session'
    | 'no-session'
    | 'check'
    | 'autologin'
    | 'module'
    | 'fallback';
  /** For 'check' and 'no-session': the helper's or the module's own line, which says why. */
  line?: string;
}

const userIn = (text: string) => USER.map((regex) => regex.exec(text)?.[1]).find(Boolean);

/** Whether a tally module's line says the count reached its limit, or a lock-out is running. */
function tallyLockOut(module: string, text: string): boolean {
  if (!TALLY_MODULES.has(module)) return false;
  const tally = TALLY.exec(text);
  if (tally) return Number(tally[2]) > 0 && Number(tally[1]) >= Number(tally[2]);
  return TALLY_WAIT.test(text);
}

// The other words the sign-in programs give a GError or a refusal they report (GLib's "Error getting user list from
// org.freedesktop.Accounts: Timeout was reached", fprintd's "Device reported an error during verify: …" and
// "Authorization denied to :1.401 to call method 'Claim' …", sddm's "Authentication error: …" and "Auth: sddm-helper
// (…) crashed (exit code 1)"), gdm's g_error "GdmSession: no session desktop files installed, aborting...": an error,
// a denial, a time-out, a crash, an abort. Not a count of none ("no errors").
const ERROR_OR_REFUSAL = /\b(?:errors?|denied|timed out|timeout was reached|crashed|abort(?:ing|ed))\b/i;
const NO_ERRORS = /\bno errors\b/i;

const saysErrorOrRefusal = (message: string) => ERROR_OR_REFUSAL.test(message) && !NO_ERRORS.test(message);

function pamFailure(entry: JournalEntry, host: string): Failure | null {
  const pam = PAM_LINE.exec(entry.message);
  if (!pam) return null;
  const [, module = '', service = '', stage = '', text = ''] = pam;
  // The proven sign-in program is what makes the service the desktop's: gdm's worker runs only gdm's services,
  // whatever a distribution named them ("gdm" before 2.30, Debian's "gdm3", authd's "gdm-authd").
  if (!isDesktopPamService(service) && !isHostsOwnPamService(host, service)) return null;
  if (WALLET_MODULES.has(module)) return WALLET_FAILURE.test(text) ? { subject: KDE_WALLET, what: 'wallet' } : null;
  const level = lineLevel(entry);
  // At a deciding stage, a module's error, or its own word that something failed or erred at any level but debug
  // (pam_sss's "Request to sssd failed", pam_fprintd's "failed to claim device" and "Error waiting for events: 4",
  // which it logs at err: a journal pasted without levels keeps the words).
  const helperSetup = module === 'pam_unix' && HELPER_SETUID.test(text) && entry.fields._UID !== '0';
  const decidingFailure =
    DECIDING_STAGES.has(stage) &&
    ((level !== undefined && level <= LOG_ERR) ||
      (reportedAtInfoOrGraver(entry) && !helperSetup && (programSaysFailed(text) || saysErrorOrRefusal(text))));
  if (module === FALLBACK_WARNING && DECIDING_STAGES.has(stage) && reportedAtInfoOrGraver(entry))
    return { subject: service, what: 'fallback' };
  // Only in a proven sign-in program: another root program running a sign-in service (JupyterHub's "login") inside a
  // session is refused a second one, and goes on.
  // At err, or in its own word that a call failed at any level but debug, as a journal pasted without levels keeps
  // it; not "Cannot create session" and "Not creating session", its debug word on a caller already in a session.
  const sessionFailed =
    (level !== undefined && level <= LOG_ERR) || (reportedAtInfoOrGraver(entry) && SESSION_CALL_FAILED.test(text));
  if (host !== '' && module === SESSION_MAKER && stage === 'session' && sessionFailed)
    return RELEASING.test(text) ? null : { subject: service, what: 'no-session', line: text };
  if (autologinAsked(module, service, stage, text))
    return { subject: NO_PASSWORD.exec(text)?.[1] || service, what: 'autologin' };
  const lockOut = tallyLockOut(module, text);
  const refused =
    lockOut ||
    PAM_FAILURE.test(text) ||
    PAM_ERRORS.test(text) ||
    PAM_ERROR_NAMES.test(text) ||
    PAM_ACCOUNT_REFUSED.test(text) ||
    decidingFailure;
  if (!refused || PAM_NOT_A_FAILURE.test(text)) return null;
  const locked = lockOut || module === 'pam_faillock' || /temporarily locked/.test(text);
  return {
    subject: userIn(text) ?? service,
    what: locked ? 'locked' : module === 'pam_systemd_home' ? 'home' : 'password',
  };
}

export function signInFailure(entry: JournalEntry, writers: Writers): Failure | null {
  // libpam's audit record of a deciding call that failed, made by an installed program of a sign-in host.
  const audited = pamAuditFailure(entry);
  if (audited) {
    const host = [...PAM_HOSTS].some((name) => writers.isProgramOf(name, audited.program));
    return host ? { subject: audited.account || audited.program, what: 'password' } : null;
  }
  const writer = writers.provenWriter(entry)?.name;
  // unix_chkpwd runs as its caller: as the session's user, a lock screen checking that user's password (as root, a
  // service whose security policy keeps it from reading the shadow file itself, sshd under SELinux: auth-failures'
  // matter, and no writer of the session's).
  if (writer === 'unix_chkpwd') {
    if (!reportedAtInfoOrGraver(entry)) return null;
    const user = CHKPWD_USER.exec(entry.message)?.[1];
    return user ? { subject: user, what: 'password' } : { subject: 'unix_chkpwd', what: 'check', line: entry.message };
  }
  if (writer === 'systemd-homed' && entry.fields._UID === '0') {
    if (!HOMED_FAILURE.test(entry.message)) return null;
    return { subject: HOME_OF.exec(entry.message)?.[1] ?? 'systemd-homed', what: 'home' };
  }
  // logind failing to make a session's units (src/login/logind-dbus.c, logind-user.c): "Failed to start session scope
  // session-c2.scope: …", "Failed to start user service 'user@1000.service', ignoring: …": at err, the sign-in
  // that asked for them gets no session.
  if (writer === 'systemd-logind') {
    const unit = SESSION_UNIT.exec(entry.message)?.[1];
    const level = lineLevel(entry);
    // At err, or in its own word that it failed at any level but debug (a journal read without levels).
    const failed =
      (level !== undefined && level <= LOG_ERR) || (reportedAtInfoOrGraver(entry) && programSaysFailed(entry.message));
    return unit && failed ? { subject: unit, what: 'session' } : null;
  }
  if (writer === 'gnome-keyring')
    return KEYRING_DAEMON_NOT_UNLOCKED.test(entry.message) ? { subject: LOGIN_KEYRING, what: 'keyring' } : null;
  const manager = managerChildUnit(entry);
  if (manager && MANAGER_PAM_REFUSED.test(entry.message))
    return { subject: manager, what: 'no-session', line: entry.message };
  // PAM runs inside the program that asked it: a root process (journald's _UID, which no process sets for itself; an
  // entry journald completed) running a desktop sign-in service is a display manager or login(1), whatever its
  // program's path.
  const { _UID: uid, _EXE: exe, _SYSTEMD_UNIT: unit } = entry.fields;
  if (writer === undefined && uid === '0' && exe && unit && PAM_OWN_MODULE.test(entry.message)) {
    const keyring = KEYRING.exec(entry.message);
    if (keyring) return KEYRING_FAILURE.test(keyring[1] ?? '') ? { subject: LOGIN_KEYRING, what: 'keyring' } : null;
    return pamFailure(entry, '');
  }
  if (writer === undefined || !PAM_HOSTS.has(writer)) return null;
  if (writer !== 'screen-locker' && entry.fields._UID !== '0') return null;
  const relayed = writer === 'sddm' ? SDDM_PAM_RESULT.exec(entry.message)?.[1] : undefined;
  if (relayed !== undefined) return PAM_RESULT_ERRORS.test(relayed) ? { subject: 'sddm', what: 'password' } : null;
  const keyring = KEYRING.exec(entry.message);
  if (keyring) return KEYRING_FAILURE.test(keyring[1] ?? '') ? { subject: LOGIN_KEYRING, what: 'keyring' } : null;
  if (LIBPAM_REFUSES_ALL.test(entry.message) && reportedAtInfoOrGraver(entry))
    return { subject: writer, what: 'check', line: entry.message };
  const module = reportedAtInfoOrGraver(entry) ? linuxPamModuleNotLoaded(entry.message) : null;
  if (module) return { subject: module, what: 'module' };
  return pamFailure(entry, writer);
}

// The programs whose one job is signing the person in, by findings/writers.ts's names: the display managers, login,
// the lock screens, systemd-homed, fprintd and the keyring daemon. Not the login screen's shell and session (the
// greeter), whose lines are a whole desktop's.
const SIGN_IN_PROGRAMS = new Set([
  'gdm',
  'gdm-session',
  'accounts-daemon',
  'lightdm',
  'sddm',
  'display-manager',
  'login',
  'screen-locker',
  'console-locker',
  'systemd-homed',
  'fprintd',
  'gnome-keyring',
  'kwallet',
]);

/**
 * Whether the writer's one job is signing the person in: a sign-in program, or gdm's session launcher run as the
 * display manager's own account to start the login screen's display server and session (daemon/gdm-x-session.c,
 * gdm-wayland-session.c: "Unable to run X server", "Unable to register display with display manager"), which the
 * login screen's writer holds with the greeter's shell.
 */
function signsIn(writer: DesktopWriter, entry: JournalEntry, writers: Writers): boolean {
  if (SIGN_IN_PROGRAMS.has(writer.name)) return true;
  return writer.name === 'login-screen' && writers.isProgramOf('gdm-session', entry.fields._EXE);
}

// SDDM's relay of what a PAM module told the person (src/daemon/Display.cpp, slotAuthInfo): "Authentication
// information: SDDM::Auth::INFO_UNKNOWN "Place your finger on the fingerprint reader"", before SDDM 0.20 without the
// code. The module's message to the person (pam_faillock's "There were 14 failed login attempts since the last
// successful login."), not SDDM's failure: SDDM names the one that matters, INFO_PASS_CHANGE_REQUIRED.
const SDDM_PAM_INFO = /^Authentication information: (?:SDDM::Auth::INFO_UNKNOWN )?"/;

/** Whether the line relays a PAM module's message to the person rather than saying something of the program's. */
const relaysPamMessage = (writer: DesktopWriter, message: string) =>
  writer.name === 'sddm' && SDDM_PAM_INFO.test(message);

/**
 * A sign-in program's own line (not a PAM module's, read above by PAM's structure) saying in its own words that
 * something of its job failed, at any level but debug: gdm's "GdmDisplay: Session never registered, failing", the
 * keyring daemon's g_message "couldn't connect to dbus session bus", fprintd's "Failed to claim device". Its title.
 */
function ownFailure(entry: JournalEntry, writer: DesktopWriter, writers: Writers): string | null {
  const { message } = entry;
  if (!signsIn(writer, entry, writers) || PAM_OWN.test(message) || !reportedAtInfoOrGraver(entry)) return null;
  if (relaysPamMessage(writer, message)) return null;
  if (!programSaysFailed(message) && !saysErrorOrRefusal(message)) return null;
  return format(_('{component} reported a failure: {line}'), {
    component: writer.title,
    line: cleanLine(message.split('\n')[0] ?? '', 160),
  });
}

function title(failure: Failure): string {
  switch (failure.what) {
    case 'locked':
      return format(_('{user} was locked out of signing in after repeated failures'), {
        user: shownName(failure.subject),
      });
    case 'keyring':
      return _('The login keyring was not unlocked at sign-in');
    case 'wallet':
      return _('KDE Wallet was not opened at sign-in');
    case 'home':
      return format(_('The home area of {user} could not be opened at sign-in'), { user: shownName(failure.subject) });
    case 'password':
      return format(_('Signing in or unlocking the screen failed for {user}'), { user: shownName(failure.subject) });
    case 'check':
      return format(_('The password could not be checked: {line}'), { line: cleanLine(failure.line ?? '', 160) });
    case 'autologin':
      return format(_('Automatic login was refused for {user}: the sign-in asked for a password'), {
        user: shownName(failure.subject),
      });
    case 'fallback':
      // Translators: {service} is a PAM service, the name of a sign-in's configuration ("sddm-greeter").
      return format(
        _(
          'The sign-in service {service} has no PAM configuration of its own: PAM’s fallback stack (pam_warn) answered it',
        ),
        {
          service: failure.subject,
        },
      );
    case 'module':
      return format(_('PAM could not load its own module {module}, which a sign-in’s configuration names'), {
        module: failure.subject,
      });
    case 'no-session':
      return format(_('Signing in could not start a session: {line}'), { line: cleanLine(failure.line ?? '', 160) });
    case 'session':
      // Translators: {unit} is the unit of a sign-in's session, such as "session-2.scope".
      return format(_('A session could not be started at sign-in: systemd-logind could not start {unit}'), {
        unit: failure.subject,
      });
  }
}

/** The program and user a keyring line is from: a sign-in's stages run in one program as one user. */
const keyringKey = (event: JournalEvent) => `${event.entry.fields._EXE}\0${event.entry.fields._UID}`;

/** The journal a line is in: the system's (the kernel's, root's and system accounts'), or the person's own. */
function journalOf(event: JournalEvent): string {
  const uid = event.entry.fields._UID;
  return uid !== undefined && Number(uid) >= FIRST_PERSON_UID ? uid : 'system';
}

export class SignInFailureDetector implements Detector {
  readonly kinds = [SIGN_IN_FAILURE];
  /** The display managers', systemd-homed's and fprintd's units failing. */
  private readonly units: ComponentUnitDetector;
  /** When SDDM last said it was stopping its greeter. */
  private greeterStoppedAt = Number.NEGATIVE_INFINITY;
  /** gkr-pam's failures waiting for the same program's next stage to unlock the keyring, per program and user. */
  private readonly keyringWaits = new Map<string, { event: JournalEvent; until: number }>();
  /** When each lock screen (its program and user) last ended a try whose conversation brought no password. */
  private readonly triedWithoutPassword = new Map<string, { at: number; user: string }>();

  constructor(private readonly writers: Writers) {
    this.units = new ComponentUnitDetector('sign-in', SIGN_IN_FAILURE, writers, 'warning');
  }

  detect(event: WatchEvent): DetectorOutput[] {
    return [...this.keyringWaitsOver(event), ...this.read(event)];
  }

  heldUntil(): number | undefined {
    return earliestDeadline(this.keyringWaits.values());
  }

  /** A keyring failure whose wait ended by `now` on this machine's clock with no unlock, though the journal fell silent. */
  expire(now: number): HeldOutput[] {
    const expired: HeldOutput[] = [];
    for (const [key, { event, until }] of this.keyringWaits) {
      if (until > now) continue;
      this.keyringWaits.delete(key);
      for (const output of this.keyringNotUnlocked(event)) expired.push({ event, output });
    }
    return expired;
  }

  private read(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event) || isSystemManager(event.entry)) return this.units.detect(event);
    if (isCoredumpRecord(event.entry.fields)) return this.programCrash(event);
    const writerName = this.writers.provenWriter(event.entry)?.name;
    // The findings show the line as it came; it is read as the journal would hold it.
    const read = { ...event, entry: withoutOwnLogPrefix(event.entry, writerName) };
    if (writerName === 'sddm' && this.greeterTeardown(read)) return [];
    const activation = busActivationFailure('sign-in', read.entry, writerName);
    if (activation) return this.report(event, activation.name, activationFailureTitle(activation), 'warning');
    if (lightdmSessionFailed(read.entry, writerName))
      return this.report(
        event,
        'lightdm',
        format(_('{component} reported a failure: {line}'), {
          component: 'LightDM',
          line: cleanLine(read.entry.message, 160),
        }),
        'warning',
      );
    const helper = sddmHelperFailure(read.entry, writerName);
    if (helper)
      return this.report(
        event,
        'sddm',
        format(_('SDDM’s sign-in helper ended with an error: {status}'), { status: helper }),
        'warning',
      );
    const lost = sessionLost(read.entry, writerName, this.writers);
    if (lost !== null)
      return this.report(
        event,
        lost.loginScreen ? 'login-screen' : lost.component || 'gnome-session',
        sessionLostTitle(lost),
        'warning',
      );
    const gdmFailed = gdmSignInFailed(read.entry, writerName);
    if (gdmFailed) return this.report(event, gdmFailed.subject ?? 'gdm', gdmFailed.title, gdmFailed.severity);
    const verifier = shellVerifierFailure(read.entry, writerName);
    if (verifier)
      return this.report(
        event,
        verifier.user || verifier.screen,
        verifier.user
          ? format(_('GDM could not start {service} for {user}: {reason}'), {
              service: verifier.service,
              user: shownName(verifier.user),
              reason: cleanLine(verifier.why, 160),
            })
          : format(_('The login or lock screen could not get a password check from GDM: {reason}'), {
              reason: cleanLine(verifier.why, 160),
            }),
        'warning',
      );
    const noPassword = writerName === 'screen-locker' ? this.noPasswordTry(read) : null;
    if (noPassword !== null)
      return this.report(
        event,
        noPassword.user,
        format(
          noPassword.again
            ? _('Unlocking the screen failed again for {user}: the screen locker gave PAM no password to check')
            : _('Unlocking the screen failed for {user}: the screen locker gave PAM no password to check'),
          { user: shownName(noPassword.user) },
        ),
        'warning',
      );
    if (KEYRING_UNLOCKED.test(read.entry.message)) this.keyringWaits.delete(keyringKey(event));
    this.forgetAutomaticLoginKeyring(event);
    const failure = signInFailure(read.entry, this.writers);
    if (failure?.what === 'keyring' && this.waitForUnlock(event, read.entry.message)) return [];
    if (failure)
      return this.report(event, failure.subject, title(failure), failure.what === 'password' ? 'info' : 'warning');
    // The sign-in programs' other errors: those that name their cause (fprintd's D-Bus errors, the keyring's device
    // errors), and any of the program's own at err or worse (gdm's, the keyring daemon's, homed's): signing in is
    // their one job. PAM's lines in them are read above by PAM's structure; libpam's others, about another package's
    // module or reading its configuration, are logged on sign-ins that work.
    const other = componentFailure('sign-in', read.entry, this.writers);
    const writer = this.writers.provenWriter(event.entry);
    const own = writer?.area === 'sign-in';
    if (other && (other.raise || (own && !PAM_OWN.test(read.entry.message))))
      return this.report(event, other.subject ?? writer?.name ?? other.component, other.title, 'warning');
    const said = writer && ownFailure(read.entry, writer, this.writers);
    return said ? this.report(event, writer.name, said, 'warning') : [];
  }

  /**
   * systemd-coredump's record of a sign-in program dumping core: its installed program, as root or the system account
   * it runs as, or as the session's user for the session's own (the keyring, the lock screen). The crash finding says
   * where it crashed; this one that signing in broke with it. Not the login screen's shell, whose program is the
   * person's shell too.
   */
  private programCrash(event: Extract<WatchEvent, { type: 'journal' }>): DetectorOutput[] {
    const { COREDUMP_EXE: exe, COREDUMP_UID: uid } = event.entry.fields;
    const session = uid === String(this.writers.sessionUid);
    const crashed = this.writers.table.find(
      (writer) =>
        writer.area === 'sign-in' &&
        (writer.runsAs === 'session' ? session : writer.runsAs === 'system' && uid === '0') &&
        this.writers.isProgramOf(writer.name, exe),
    );
    if (!crashed) return [];
    const title = format(_('{component} crashed'), { component: crashed.title });
    return this.report(event, crashed.name, title, 'warning');
  }

  /**
   * A lock screen's pam_unix line that its conversation brought no password, on a try after one that ended so within
   * RETRY_WINDOW_MS, or ending a try of a lock screen that asks PAM only with a typed password: the user tried (or
   * the screen locker) and whether it was tried again, or null.
   */
  private noPasswordTry(event: Extract<WatchEvent, { type: 'journal' }>): { user: string; again: boolean } | null {
    const pam = PAM_LINE.exec(event.entry.message);
    if (!pam || pam[1] !== 'pam_unix' || pam[3] !== 'auth') return null;
    const said = NO_PASSWORD.exec(pam[4] ?? '');
    if (!said) return null;
    const key = `${event.entry.fields._EXE}\0${event.entry.fields._UID}`;
    const at = event.at.getTime();
    const lastTry = this.triedWithoutPassword.get(key);
    const user = said[1] || lastTry?.user || 'screen-locker';
    const tryEnds = NO_PASSWORD_TRY_ENDS.test(pam[4] ?? '');
    if (tryEnds) this.triedWithoutPassword.set(key, { at, user });
    if (lastTry !== undefined && at > lastTry.at && at - lastTry.at <= RETRY_WINDOW_MS) return { user, again: true };
    const typedOnly = TYPED_PASSWORD_LOCKERS.has(basename(event.entry.fields._EXE ?? ''));
    return tryEnds && typedOnly ? { user, again: false } : null;
  }

  /** Drops the same program's wait for gkr-pam's unlock where its PAM line says the sign-in is an automatic login. */
  private forgetAutomaticLoginKeyring(event: JournalEvent): void {
    const service = PAM_LINE.exec(event.entry.message)?.[2];
    if (service === undefined || !AUTOLOGIN_SERVICE.test(service)) return;
    const key = keyringKey(event);
    const wait = this.keyringWaits.get(key);
    if (wait && NO_PASSWORD_AVAILABLE.test(wait.event.entry.message)) this.keyringWaits.delete(key);
  }

  /** Holds gkr-pam's failure other than a refused password for its next stage; false where it is told at once. */
  private waitForUnlock(event: JournalEvent, message: string): boolean {
    if (!KEYRING.test(message) || KEYRING_REFUSED.test(message)) return false;
    const key = keyringKey(event);
    if (!this.keyringWaits.has(key)) this.keyringWaits.set(key, { event, until: Date.now() + KEYRING_WAIT_MS });
    return true;
  }

  /**
   * The keyring failures whose wait is over by this line's time, in the journal they were written to (a person's is
   * read apart from the system's): no unlock came.
   */
  private keyringWaitsOver(event: WatchEvent): DetectorOutput[] {
    if (!isJournal(event) || this.keyringWaits.size === 0) return [];
    const journal = journalOf(event);
    const over = [...this.keyringWaits].filter(
      ([, wait]) =>
        journalOf(wait.event) === journal && event.at.getTime() - wait.event.at.getTime() >= KEYRING_WAIT_MS,
    );
    return over.flatMap(([key, wait]) => {
      this.keyringWaits.delete(key);
      return this.keyringNotUnlocked(wait.event);
    });
  }

  private keyringNotUnlocked(event: JournalEvent): DetectorOutput[] {
    return this.report(event, LOGIN_KEYRING, title({ subject: LOGIN_KEYRING, what: 'keyring' }), 'warning');
  }

  /** Whether SDDM's line is its greeter being stopped, or the greeter's end that follows it. */
  private greeterTeardown(event: Extract<WatchEvent, { type: 'journal' }>): boolean {
    const at = event.at.getTime();
    if (SDDM_GREETER_STOPPING.test(event.entry.message)) this.greeterStoppedAt = at;
    return SDDM_GREETER_ERROR.test(event.entry.message) && at - this.greeterStoppedAt <= GREETER_TEARDOWN_MS;
  }

  /** A sign-in component's error line that names nothing above is still this kind's: claimed, never unrecognised. */
  claims(event: WatchEvent): boolean {
    if (!isJournal(event)) return false;
    const entry = withoutOwnLogPrefix(event.entry, this.writers.provenWriter(event.entry)?.name);
    return componentFailure('sign-in', entry, this.writers) !== null || signInFailure(entry, this.writers) !== null;
  }

  private report(
    event: Extract<WatchEvent, { type: 'journal' }>,
    subject: string,
    text: string,
    // A lock-out or a keyring that stays locked keeps hurting; one mistyped password does not.
    severity: 'info' | 'warning',
  ): DetectorOutput[] {
    return [
      {
        report: {
          kind: SIGN_IN_FAILURE,
          severity,
          subject,
          title: text,
          evidence: [journalEvidence(event)],
          at: event.at,
        },
      },
    ];
  }
}
