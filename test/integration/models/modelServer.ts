// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A stand-in for a model host on 127.0.0.1: serves files with Range support,
// and misbehaves on request the ways real hosts and networks do.

export interface Misbehaviour {
  /** Send the whole file with 200 whatever Range asks. */
  ignoreRange?: boolean;
  /** Close the connection after this many body bytes, on the next request only. */
  dropOnceAfterBytes?: number;
  /** Send this many body bytes on the next request, then fall silent without closing. */
  stallOnceAfterBytes?: number;
  /** Announce a file this long, then send nothing. */
  claimLength?: number;
}

export interface SeenRequest {
  path: string;
  range?: string;
}

export interface ModelServer {
  baseUrl: string;
  files: Map<string, Buffer>;
  /** x-linked-etag values sent on /<user>/<repo>/resolve/<branch>/<name>, as Hugging Face does for LFS files. */
  linkedEtags: Map<string, string>;
  misbehaviour: Misbehaviour;
  requests: SeenRequest[];
  close(): Promise<void>;
}

export async function startModelServer(): Promise<ModelServer> {
  const files = new Map<string, Buffer>();
  const linkedEtags = new Map<string, string>();
  const requests: SeenRequest[] = [];
  const state: ModelServer = {
    baseUrl: '',
    files,
    linkedEtags,
    misbehaviour: {},
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: url.pathname, range: request.headers.range });
    const [, kind, name = ''] = url.pathname.split('/');
    // Hugging Face answers /<user>/<repo>/resolve/<branch>/<file> with a redirect to its CDN.
    const hub = /^\/[^/]+\/[^/]+\/resolve\/[^/]+\/([^/]+)$/.exec(url.pathname);
    if (hub) {
      const etag = linkedEtags.get(hub[1]!);
      response.writeHead(302, { location: `/models/${hub[1]}`, ...(etag ? { 'x-linked-etag': `"${etag}"` } : {}) });
      response.end();
      return;
    }
    const file = files.get(name);
    if (kind !== 'models' || !file) {
      response.writeHead(404).end();
      return;
    }
    if (state.misbehaviour.claimLength !== undefined) {
      response.writeHead(200, { 'content-length': state.misbehaviour.claimLength });
      response.flushHeaders();
      return;
    }
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    if (range && !state.misbehaviour.ignoreRange) {
      start = Number(range[1]);
      if (start >= file.length) {
        response.writeHead(416, { 'content-range': `bytes */${file.length}` }).end();
        return;
      }
      response.writeHead(206, {
        'content-range': `bytes ${start}-${file.length - 1}/${file.length}`,
        'content-length': file.length - start,
        'accept-ranges': 'bytes',
      });
    } else {
      response.writeHead(200, { 'content-length': file.length, 'accept-ranges': 'bytes' });
    }
    const body = file.subarray(start);
    const { dropOnceAfterBytes, stallOnceAfterBytes } = state.misbehaviour;
    if (dropOnceAfterBytes !== undefined) {
      state.misbehaviour.dropOnceAfterBytes = undefined;
      response.write(body.subarray(0, dropOnceAfterBytes), () => setTimeout(() => response.destroy(), 50));
    } else if (stallOnceAfterBytes !== undefined) {
      state.misbehaviour.stallOnceAfterBytes = undefined;
      response.write(body.subarray(0, stallOnceAfterBytes));
    } else {
      response.end(body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
