import { CheckHealth } from '../../../src/usecases/check-health';

describe('CheckHealth', () => {
  const ok = () => Promise.resolve('answer');
  const refused = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:4566 arn:aws:kms:secret'));

  it('is ok when every probe answers', async () => {
    await expect(new CheckHealth({ probes: { dynamodb: ok, kms: ok } }).execute()).resolves.toEqual({ status: 'ok', checks: { dynamodb: 'ok', kms: 'ok' } });
  });

  it('names the failing dependency, and carries no error text', async () => {
    const report = await new CheckHealth({ probes: { dynamodb: ok, kms: refused } }).execute();
    expect(report).toEqual({ status: 'unavailable', checks: { dynamodb: 'ok', kms: 'unavailable' } });
  });

  it('gives up on a probe at the timeout, aborting it, and reports timeout', async () => {
    let aborted = false;
    const hangs = (signal: AbortSignal) =>
      new Promise<never>(() => {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
      });
    const started = Date.now();
    const report = await new CheckHealth({ probes: { dynamodb: hangs, kms: ok }, timeoutMs: 50 }).execute();
    expect(report).toEqual({ status: 'unavailable', checks: { dynamodb: 'timeout', kms: 'ok' } });
    expect(aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
