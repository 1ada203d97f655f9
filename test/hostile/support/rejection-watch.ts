import { runInThisContext } from 'node:vm';

/**
 * Collects unhandled promise rejections while a hostile suite runs. The local
 * server and its handlers run in this jest process, so a rejection they leave
 * unhandled surfaces here. Jest's sandbox `process` is a copy that never
 * receives the event, so the listener also goes on the host process (the
 * global of the main V8 context, reached through node:vm).
 */
export interface RejectionWatch {
  readonly rejections: readonly unknown[];
  stop(): void;
}

type Listener = (reason: unknown) => void;
type ProcessLike = { on(event: 'unhandledRejection', listener: Listener): unknown; off(event: 'unhandledRejection', listener: Listener): unknown };

export function watchUnhandledRejections(): RejectionWatch {
  const rejections: unknown[] = [];
  const listener: Listener = (reason) => {
    rejections.push(reason);
  };
  const host = runInThisContext('process') as ProcessLike;
  const targets: ProcessLike[] = host === (process as unknown) ? [host] : [host, process as unknown as ProcessLike];
  for (const target of targets) target.on('unhandledRejection', listener);
  return {
    rejections,
    stop: () => {
      for (const target of targets) target.off('unhandledRejection', listener);
    },
  };
}

/**
 * Registers the hooks of a hostile suite's watch: from its beforeAll to its
 * afterAll, and an afterEach that fails the test after which an unhandled
 * rejection was collected.
 */
export function failOnUnhandledRejections(): void {
  let watch: RejectionWatch | undefined;
  beforeAll(() => {
    watch = watchUnhandledRejections();
  });
  afterAll(() => watch?.stop());
  afterEach(() => expect(watch?.rejections).toEqual([]));
}
