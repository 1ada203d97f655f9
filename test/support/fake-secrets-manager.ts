import { randomInt } from 'node:crypto';
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';

export const CURRENT = 'AWSCURRENT';
export const PREVIOUS = 'AWSPREVIOUS';
export const PENDING = 'AWSPENDING';

interface Version {
  value?: string;
  readonly stages: Set<string>;
}

export interface RecordedCall {
  readonly command: string;
  readonly input: Record<string, unknown>;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const randomAlphanumeric = (length: number) => Array.from({ length }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');

/**
 * One secret in memory, with the staging-label rules of the Secrets Manager
 * API reference: a label is on at most one version; moving AWSCURRENT (by
 * PutSecretValue or UpdateSecretVersionStage) moves AWSPREVIOUS onto the
 * version it left; a label already on another version moves only with
 * RemoveFromVersionId naming that version; PutSecretValue with an existing
 * version id and the same value does nothing, with another value fails; a
 * version without a value (as RotateSecret leaves AWSPENDING) is not found by
 * GetSecretValue. DescribeSecret lists only versions that carry a label.
 */
export class FakeSecretsManager {
  readonly arn = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:AdminApiKeySecret-AbCdEf';
  readonly versions = new Map<string, Version>();
  readonly calls: RecordedCall[] = [];
  rotationEnabled = true;
  /** What GetRandomPassword answers next (default: random letters and digits of the requested length). */
  randomPassword?: (input: Record<string, unknown>) => string;
  private readonly failures: Array<{ command: string; error: Error }> = [];
  /** Runs before a command is applied: lets a test change the secret between two calls. */
  beforeCommand?: (call: RecordedCall) => void | Promise<void>;

  constructor(initialValue: string, initialVersionId = 'v1') {
    this.versions.set(initialVersionId, { value: initialValue, stages: new Set([CURRENT]) });
  }

  /** The client the code under test receives. */
  get client(): Pick<SecretsManagerClient, 'send'> {
    return { send: ((command: unknown) => this.send(command)) as SecretsManagerClient['send'] };
  }

  /** The next call of `command` fails with `error` instead of being applied. */
  failNext(command: string, error: Error = new Error(`${command} failed`)): void {
    this.failures.push({ command, error });
  }

  /** What RotateSecret does before invoking the function: an empty version named by the token, labelled AWSPENDING. */
  startRotation(token: string): void {
    const pending = this.holderOf(PENDING);
    if (pending !== undefined && pending !== this.holderOf(CURRENT))
      throw new InvalidRequestException({ message: 'a previous rotation is still in progress', $metadata: {} });
    if (pending !== undefined) this.versions.get(pending)!.stages.delete(PENDING);
    this.versions.set(token, { stages: new Set([PENDING]) });
  }

  stagesOf(versionId: string): string[] {
    return [...(this.versions.get(versionId)?.stages ?? [])].sort();
  }

  valueOf(stage: string): string | undefined {
    const id = this.holderOf(stage);
    return id === undefined ? undefined : this.versions.get(id)!.value;
  }

  /** version id → labels, for every version that has a label. */
  labels(): Record<string, string[]> {
    return Object.fromEntries([...this.versions].filter(([, v]) => v.stages.size > 0).map(([id]) => [id, this.stagesOf(id)]));
  }

  callsOf(command: string): Array<Record<string, unknown>> {
    return this.calls.filter((c) => c.command === command).map((c) => c.input);
  }

  private async send(command: unknown): Promise<unknown> {
    const name = (command as object).constructor.name.replace(/Command$/, '');
    const input = { ...(command as { input: Record<string, unknown> }).input };
    const call = { command: name, input };
    this.calls.push(call);
    await this.beforeCommand?.(call);
    const failure = this.failures.findIndex((f) => f.command === name);
    if (failure >= 0) throw this.failures.splice(failure, 1)[0].error;
    if (command instanceof GetRandomPasswordCommand)
      return { RandomPassword: (this.randomPassword ?? ((i) => randomAlphanumeric(Number(i.PasswordLength ?? 32))))(input) };
    if (input.SecretId !== this.arn) throw notFound("Secrets Manager can't find the specified secret.");
    if (command instanceof DescribeSecretCommand) return { ARN: this.arn, RotationEnabled: this.rotationEnabled, VersionIdsToStages: this.labels() };
    if (command instanceof GetSecretValueCommand) return this.getSecretValue(command.input);
    if (command instanceof PutSecretValueCommand) return this.putSecretValue(command.input);
    if (command instanceof UpdateSecretVersionStageCommand) return this.updateSecretVersionStage(command.input);
    throw new Error(`the fake does not implement ${name}`);
  }

  private getSecretValue({ VersionId, VersionStage }: GetSecretValueCommand['input']) {
    const id = VersionId ?? this.holderOf(VersionStage ?? CURRENT);
    const version = id === undefined ? undefined : this.versions.get(id);
    if (!version || (VersionStage && !version.stages.has(VersionStage)) || version.value === undefined) {
      throw notFound("Secrets Manager can't find the specified secret value for the version or staging label.");
    }
    return { ARN: this.arn, VersionId: id, SecretString: version.value, VersionStages: this.stagesOf(id!) };
  }

  private putSecretValue({ ClientRequestToken: id, SecretString: value, VersionStages }: PutSecretValueCommand['input']) {
    if (!id || value === undefined) throw new InvalidParameterException({ message: 'token and value required', $metadata: {} });
    const existing = this.versions.get(id);
    if (existing?.value !== undefined) {
      if (existing.value !== value) throw new ResourceExistsException({ message: 'a version with this id already exists', $metadata: {} });
      return { ARN: this.arn, VersionId: id, VersionStages: this.stagesOf(id) };
    }
    this.versions.set(id, existing ?? { stages: new Set() });
    this.versions.get(id)!.value = value;
    for (const stage of VersionStages ?? [CURRENT]) this.attach(stage, id);
    return { ARN: this.arn, VersionId: id, VersionStages: this.stagesOf(id) };
  }

  private updateSecretVersionStage({
    VersionStage: stage,
    MoveToVersionId: moveTo,
    RemoveFromVersionId: removeFrom,
  }: UpdateSecretVersionStageCommand['input']) {
    if (!stage) throw new InvalidParameterException({ message: 'VersionStage required', $metadata: {} });
    const holder = this.holderOf(stage);
    if (removeFrom !== undefined && removeFrom !== holder)
      throw new InvalidParameterException({ message: `${stage} is not attached to ${removeFrom}`, $metadata: {} });
    if (moveTo !== undefined) {
      if (!this.versions.has(moveTo)) throw notFound(`no version ${moveTo}`);
      if (holder !== undefined && holder !== moveTo && removeFrom !== holder) {
        throw new InvalidParameterException({ message: `${stage} is attached to ${holder}: name it in RemoveFromVersionId`, $metadata: {} });
      }
      this.attach(stage, moveTo);
    } else if (removeFrom !== undefined) {
      this.versions.get(removeFrom)!.stages.delete(stage);
    }
    return { ARN: this.arn };
  }

  private attach(stage: string, id: string): void {
    const holder = this.holderOf(stage);
    if (holder === id) return;
    if (holder !== undefined) this.versions.get(holder)!.stages.delete(stage);
    this.versions.get(id)!.stages.add(stage);
    if (stage === CURRENT && holder !== undefined) this.attach(PREVIOUS, holder);
  }

  private holderOf(stage: string): string | undefined {
    return [...this.versions].find(([, v]) => v.stages.has(stage))?.[0];
  }
}

function notFound(message: string): ResourceNotFoundException {
  return new ResourceNotFoundException({ message, $metadata: {} });
}
