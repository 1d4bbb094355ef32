import { readFile } from 'node:fs/promises';
import { z } from 'zod';

export const configSchema = z
  .object({
    logLevel: z.enum(['debug', 'info', 'warning', 'error']).default('info'),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

export const defaultConfig: Config = configSchema.parse({});

export type ConfigLoad =
  | { status: 'missing'; config: Config }
  | { status: 'loaded'; config: Config }
  | { status: 'invalid'; config: Config; problem: string };

/**
 * Reads the configuration file. A missing file means defaults; a broken one
 * also gives the defaults plus a description of the problem, and the file is
 * left as it is so the user can fix it.
 */
export async function loadConfig(file: string): Promise<ConfigLoad> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing', config: defaultConfig };
    return { status: 'invalid', config: defaultConfig, problem: `cannot read ${file}: ${(error as Error).message}` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return {
      status: 'invalid',
      config: defaultConfig,
      problem: `${file} is not valid JSON: ${(error as Error).message}`,
    };
  }
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (i) => `${i.path.length > 0 ? i.path.join('.') : '(top level)'}: ${i.message}`,
    );
    return { status: 'invalid', config: defaultConfig, problem: `${file}: ${issues.join('; ')}` };
  }
  return { status: 'loaded', config: parsed.data };
}
