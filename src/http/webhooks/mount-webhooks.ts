import type { IncomingMessage } from 'node:http';
import type { HttpServer } from '../http-server.js';
import type { WebhookResponse } from './airflow-webhook.js';

type Handle = (raw: Buffer, headers: IncomingMessage['headers']) => Promise<WebhookResponse>;

const MAX_BODY = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** POST /webhooks/airflow and /webhooks/mlflow on the bot's one HTTP server; signatures are checked on raw bytes. */
export function mountWebhooks(server: Pick<HttpServer, 'route'>, handlers: { airflow: Handle; mlflow: Handle }): void {
  for (const [name, handle] of Object.entries(handlers)) {
    server.route('POST', `/webhooks/${name}`, async (req, res) => {
      const raw = await readBody(req);
      const out: WebhookResponse = raw
        ? await handle(raw, req.headers).catch(() => ({ status: 500, body: { error: 'internal error' } }))
        : { status: 413, body: { error: 'body over 1 MB' } };
      res.writeHead(out.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out.body));
    });
  }
}
