// Exit statuses, following the LSB convention that `systemctl status` uses too.
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_NOT_RUNNING = 3;
// What shells report for a command stopped by Ctrl+C (128 + SIGINT).
export const EXIT_INTERRUPTED = 130;
// How `steward apply` and `steward undo` end when the job does not succeed.
// 4 is the LSB's "insufficient privilege"; 150–199 are left to applications.
export const EXIT_NOT_AUTHORIZED = 4;
export const EXIT_NOT_FIXED = 150;

/** What each status means, for the help and the man page. */
export const EXIT_CODES: readonly { code: number; meaning: string }[] = [
  { code: 0, meaning: 'Success' },
  {
    code: EXIT_FAILURE,
    meaning: 'Failure: the error is printed on standard error, or as JSON on standard output with --json',
  },
  { code: EXIT_USAGE, meaning: 'The command line is wrong, or a confirmation was needed and --yes was not given' },
  { code: EXIT_NOT_RUNNING, meaning: 'The service is not running (status, doctor)' },
  { code: EXIT_NOT_AUTHORIZED, meaning: 'A fix was not authorised' },
  { code: EXIT_INTERRUPTED, meaning: 'Stopped with Ctrl+C' },
  { code: EXIT_NOT_FIXED, meaning: 'A fix ran but did not succeed' },
];
