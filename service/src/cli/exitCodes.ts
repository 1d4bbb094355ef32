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
