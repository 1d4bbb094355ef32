// The service's documentation index, opened where the state is kept. It is a
// cache of what is on disk: a state directory that cannot hold it leaves the
// assistant without it, never the service without a start.
import type { Logger } from '../logging.js';
import { DocsIndex } from './docsIndex.js';
import { DocsStore } from './docsStore.js';
import { defaultSources } from './indexer.js';

export function openDocsIndex(options: { file: string; home: string; log: Logger }): DocsIndex | undefined {
  let store: DocsStore;
  try {
    store = DocsStore.open(options.file);
  } catch (error) {
    options.log.warning('no documentation index: its file cannot be opened', {
      file: options.file,
      reason: (error as Error).message,
    });
    return undefined;
  }
  if (store.setAside) options.log.warning('the damaged documentation index was set aside', { kept: store.setAside });
  return new DocsIndex({ store, sources: defaultSources(options.home), log: options.log });
}
