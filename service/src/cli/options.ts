// Every option the CLI knows, once: the parser, the help, the man page and the
// shell completions read this table. A command lists the names it takes.

export interface OptionDefinition {
  type: 'boolean' | 'string';
  short?: string;
  /** What the value stands for, as the help shows it: --limit N. */
  value?: string;
  summary: string;
}

export const OPTIONS = {
  json: { type: 'boolean', summary: 'Print machine-readable JSON, errors included' },
  all: { type: 'boolean', summary: 'Include resolved or past entries' },
  yes: { type: 'boolean', short: 'y', summary: 'Do not ask for confirmation' },
  undoable: { type: 'boolean', summary: 'Only the jobs that can be undone' },
  limit: { type: 'string', value: 'N', summary: 'Show at most N records' },
  'after-first': { type: 'boolean', summary: 'Announce it once, then keep quiet' },
  sha256: { type: 'string', value: 'HEX', summary: 'Verify the download against this SHA-256 digest' },
  link: { type: 'boolean', summary: 'Link the file into the store instead of copying it' },
  session: { type: 'string', value: 'ID', summary: 'Continue this conversation (a unique prefix of its id is enough)' },
  continue: { type: 'boolean', short: 'c', summary: 'Continue the latest conversation' },
  new: { type: 'boolean', summary: 'Start a new conversation' },
  'max-tokens': { type: 'string', value: 'N', summary: 'Stop the answer after N tokens' },
  temperature: { type: 'string', value: 'T', summary: 'Sampling temperature (0 answers the same way each time)' },
  seed: { type: 'string', value: 'N', summary: 'Random seed, for answers that can be reproduced' },
  'no-tools': { type: 'boolean', summary: 'Answer without consulting the system' },
  'require-tool': { type: 'boolean', summary: 'Make the model consult a tool before it answers' },
  model: { type: 'string', value: 'PATH|URL', summary: 'The GGUF file or OpenAI-compatible endpoint to score' },
  'remote-model': { type: 'string', value: 'NAME', summary: 'The model name at a remote endpoint' },
  corpus: { type: 'string', value: 'DIR', summary: 'Read the scenarios from DIR' },
  category: { type: 'string', value: 'C', summary: 'Only the scenarios of category C' },
  verbose: { type: 'boolean', summary: 'List each scenario' },
  follow: { type: 'boolean', short: 'f', summary: 'Keep printing new log lines' },
  lines: { type: 'string', short: 'n', value: 'N', summary: 'Show the last N log lines' },
  http: { type: 'boolean', summary: 'Serve over Streamable HTTP on 127.0.0.1 instead of stdio' },
  port: { type: 'string', value: 'N', summary: 'The port for --http (any free one by default)' },
  purge: { type: 'boolean', summary: 'Also delete the data and the downloaded models' },
  'no-color': { type: 'boolean', summary: 'Never colour the output' },
  help: { type: 'boolean', short: 'h', summary: 'Show the help of the command' },
  version: { type: 'boolean', summary: 'Print the version of this tool' },
} as const satisfies Record<string, OptionDefinition>;

export type OptionName = keyof typeof OPTIONS;

/** The parsed options: booleans for switches, text for options with a value. */
export type OptionValues = {
  -readonly [name in OptionName]?: (typeof OPTIONS)[name]['type'] extends 'boolean' ? boolean : string;
};

/** Options every command takes. */
export const GLOBAL_OPTIONS: readonly OptionName[] = ['no-color', 'help'];

/** "--limit N" or "-y, --yes", as help and man page show it. */
export function optionLabel(name: OptionName): string {
  const option: OptionDefinition = OPTIONS[name];
  const long = `--${name}${option.value ? ` ${option.value}` : ''}`;
  return option.short ? `-${option.short}, ${long}` : long;
}
