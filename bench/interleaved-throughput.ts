/**
 * Sequential throughput of several implementations of the same work, measured
 * in interleaved time slices (A, B, C, A, B, C, …) so that load from other
 * processes on a shared machine falls on all of them alike and their ratios
 * stay meaningful.
 */
export interface Contender<T> {
  readonly name: string;
  /**
   * The inputs of one round, prepared before the clock starts (e.g. one
   * freshly signed assertion per device). Called again whenever a round is used up.
   */
  nextRound(): Promise<readonly T[]>;
  /** One unit of work (one token); sync work is not awaited, so promise scheduling does not tax it. */
  run(item: T): unknown;
}

export interface SliceSchedule {
  /** Untimed warm-up per contender (JIT, lazy initialisation), in seconds. */
  readonly warmupSeconds: number;
  readonly slices: number;
  readonly sliceSeconds: number;
}

export interface Throughput {
  readonly name: string;
  readonly units: number;
  readonly seconds: number;
  readonly perSecond: number;
}

/** The current round of one contender, consumed in device order. */
class Round<T> {
  private items: readonly T[] = [];
  private next = 0;
  constructor(private readonly contender: Contender<T>) {}

  /** Prepares the next round once this one is used up (untimed). */
  async refill(): Promise<void> {
    if (this.next < this.items.length) return;
    this.items = await this.contender.nextRound();
    this.next = 0;
    if (this.items.length === 0) throw new Error(`${this.contender.name}: empty round`);
  }

  get remaining(): number {
    return this.items.length - this.next;
  }

  shift(): T {
    return this.items[this.next++];
  }
}

/** Runs every contender `slices` times for about `sliceSeconds` each (whole units), after one warm-up slice each. */
export async function measureInterleaved(contenders: readonly Contender<unknown>[], schedule: SliceSchedule): Promise<Throughput[]> {
  const rounds = contenders.map((contender) => new Round(contender));
  const totals = contenders.map(() => ({ units: 0, ms: 0 }));
  for (let index = 0; index < contenders.length; index++) await slice(contenders[index], rounds[index], schedule.warmupSeconds);
  for (let round = 0; round < schedule.slices; round++) {
    for (let index = 0; index < contenders.length; index++) {
      const { units, ms } = await slice(contenders[index], rounds[index], schedule.sliceSeconds);
      totals[index].units += units;
      totals[index].ms += ms;
    }
  }
  return contenders.map((contender, index) => ({
    name: contender.name,
    units: totals[index].units,
    seconds: totals[index].ms / 1000,
    perSecond: totals[index].units / (totals[index].ms / 1000),
  }));
}

async function slice<T>(contender: Contender<T>, round: Round<T>, seconds: number): Promise<{ units: number; ms: number }> {
  let units = 0;
  let ms = 0;
  const budgetMs = seconds * 1000;
  while (ms < budgetMs) {
    await round.refill();
    const started = performance.now();
    while (round.remaining > 0 && ms + (performance.now() - started) < budgetMs) {
      const outcome = contender.run(round.shift());
      if (outcome instanceof Promise) await outcome;
      units++;
    }
    ms += performance.now() - started;
  }
  return { units, ms };
}
