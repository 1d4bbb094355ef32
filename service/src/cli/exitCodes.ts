// Exit statuses, following the LSB convention that `systemctl status` uses too.
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_NOT_RUNNING = 3;
// What shells report for a command stopped by Ctrl+C (128 + SIGINT).
export const EXIT_INTERRUPTED = 130;
