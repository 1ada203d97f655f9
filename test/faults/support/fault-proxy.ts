import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy on 127.0.0.1 in front of an emulator (DynamoDB Local,
 * s3rver) that breaks chosen calls the way networks do, to reach failure
 * windows a plain stop only hits by chance:
 *
 * - 'reset-before': the connection is reset before the call is forwarded
 *   (the write never happens);
 * - 'reset-after': the call is forwarded and applied, then the connection is
 *   reset instead of answering (the write happened; the caller cannot know);
 * - `{ holdUntil }`: the call waits at the proxy until the promise settles,
 *   then goes through: a request parked between its reads and its write,
 *   so a test can run a concurrent change exactly inside that window.
 *
 * Headers go through unchanged, so SigV4 signatures still verify upstream.
 */
export type FaultAction = 'forward' | 'reset-before' | 'reset-after' | { readonly holdUntil: Promise<void> };

export interface ProxiedCall {
  method: string;
  path: string;
  /** X-Amz-Target operation (DynamoDB), e.g. 'PutItem'; '' for S3. */
  operation: string;
  body: string;
}

export type FaultRule = (call: ProxiedCall) => FaultAction;

export interface FaultProxy {
  readonly endpoint: string;
  /** How many calls each non-forward action broke, e.g. { 'reset-after PutItem': 1 }. */
  readonly broken: Record<string, number>;
  setRule(rule: FaultRule | undefined): void;
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  const broken: Record<string, number> = {};
  let rule: FaultRule | undefined;

  const relay = (req: IncomingMessage, res: ServerResponse, body: Buffer, action: 'forward' | 'reset-after') => {
    const forwarded = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        if (action === 'reset-after') return void req.socket.destroy();
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(Buffer.concat(chunks));
      });
    });
    // Upstream down: the caller sees a reset connection, as with the emulator itself gone.
    forwarded.on('error', () => req.socket.destroy());
    forwarded.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation =
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      const call = { method: req.method ?? 'GET', path: req.url ?? '/', operation, body: body.toString('utf8') };
      const action = rule?.(call) ?? 'forward';
      if (action !== 'forward') {
        const name = `${typeof action === 'object' ? 'hold' : action} ${operation || `${call.method} ${call.path.split('?')[0]}`}`;
        broken[name] = (broken[name] ?? 0) + 1;
      }
      if (typeof action === 'object') return void action.holdUntil.then(() => relay(req, res, body, 'forward'));
      if (action === 'reset-before') return void req.socket.destroy();
      relay(req, res, body, action);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    broken,
    setRule: (next) => {
      rule = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

/** Breaks the first `times` calls matching `matches` with `action`, forwards everything else. */
export function breakFirst(matches: (call: ProxiedCall) => boolean, action: FaultAction, times = 1): FaultRule & { readonly seen: () => number } {
  let seen = 0;
  const rule = (call: ProxiedCall): FaultAction => {
    if (!matches(call)) return 'forward';
    seen += 1;
    return seen <= times ? action : 'forward';
  };
  return Object.assign(rule, { seen: () => seen });
}

/** Breaks the n-th matching call with one action and every later one with another (e.g. applied, then unreachable). */
export function breakSequence(matches: (call: ProxiedCall) => boolean, actions: readonly FaultAction[]): FaultRule {
  let seen = 0;
  return (call) => {
    if (!matches(call)) return 'forward';
    const action = actions[Math.min(seen, actions.length - 1)];
    seen += 1;
    return action;
  };
}

/**
 * Holds the first call matching `matches` at the proxy: `reached` resolves
 * when it arrives, and it goes through once `release()` is called. Every
 * other call is forwarded.
 */
export function holdFirst(matches: (call: ProxiedCall) => boolean): FaultRule & { readonly reached: Promise<ProxiedCall>; release(): void } {
  let arrived!: (call: ProxiedCall) => void;
  let release!: () => void;
  const reached = new Promise<ProxiedCall>((resolve) => (arrived = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  const rule = (call: ProxiedCall): FaultAction => {
    if (held || !matches(call)) return 'forward';
    held = true;
    arrived(call);
    return { holdUntil: gate };
  };
  return Object.assign(rule, { reached, release });
}
