/**
 * A server handler for the body cap: `/announced` announces 1 GiB and sends a little, any other path
 * streams spaces without end (as fast as the client reads). `sent()` is how many 64 KiB chunks the
 * endless answer got out: a client that stops reading at the cap stops it well before 1024.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export function oversizedBodies(): { handler: (req: IncomingMessage, res: ServerResponse) => void; sent: () => number } {
  let chunks = 0;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.url === '/announced') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1024 ** 3) });
      res.write('{"a":');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk)) chunks++;
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  };
  return { handler, sent: () => chunks };
}

/** What the HTTP client must say of both answers: unexpected responses naming the cap and the announced size. */
export const CAPPED_ENDLESS = 'past 1048576 bytes';
export const CAPPED_ANNOUNCED = 'announced 1073741824 bytes';
