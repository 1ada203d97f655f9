import { Duration, Stack, Token } from 'aws-cdk-lib';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ENV, SIGNING_KEY_SWEEP_EVENT, SIGNING_KEY_TAGS, signingKeyAliasPrefix } from '../../src/config-names';
import type { SigningKeySpec } from './token-signing-key';

export interface PoolSigningKeysProps {
  readonly keySpec: SigningKeySpec;
  /** The stack's shared key (TokenSigningKey) that pools created before per-pool keys sign with until rotated. */
  readonly legacyKey: IKey;
}

/** Stack names are [A-Za-z][A-Za-z0-9-]*; the tag is also a path segment of every alias. */
const STACK_TAG = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * SPEC §4.6: each pool's own KMS key, created at runtime by the admin
 * function. Nothing here creates a key: it scopes who may do what with keys
 * that carry this stack's tag (`device-idp:stack` = the stack name), and
 * schedules the daily sweep of retired keys.
 *
 * - token function: Sign and GetPublicKey on keys with the stack tag only;
 * - admin function: CreateKey only with the stack tag in the request (and only
 *   the stack's key spec, SIGN_VERIFY, KMS origin), tagging likewise,
 *   CreateAlias only under `alias/device-idp/<stack tag>/`, and
 *   GetPublicKey / DescribeKey / ScheduleKeyDeletion on stack-tagged keys;
 *   the legacy key it may only read, never tag or schedule for deletion.
 */
export class PoolSigningKeys extends Construct {
  readonly stackTag: string;
  readonly aliasPrefix: string;
  readonly keySpec: SigningKeySpec;
  private readonly legacyKey: IKey;

  constructor(scope: Construct, id: string, props: PoolSigningKeysProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.stackName) || !STACK_TAG.test(stack.stackName)) {
      throw new Error(`the stack name tags its signing keys and must match ${STACK_TAG.source}, got ${stack.stackName}`);
    }
    this.stackTag = stack.stackName;
    this.aliasPrefix = signingKeyAliasPrefix(this.stackTag);
    this.keySpec = props.keySpec;
    this.legacyKey = props.legacyKey;
  }

  /** What the admin function needs to create pool keys (src/signing-key-composition.ts reads them). */
  get adminEnvironment(): Record<string, string> {
    return {
      [ENV.signingKeyStackTag]: this.stackTag,
      [ENV.signingKeySpec]: this.keySpec,
      [ENV.signingKeyAliasPrefix]: this.aliasPrefix,
    };
  }

  grantSigning(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['kms:Sign', 'kms:GetPublicKey'], resources: [this.keyArns()], conditions: this.taggedForStack() }),
    );
  }

  grantManagement(grantee: IGrantable): void {
    const requestTags = {
      StringEquals: { [`aws:RequestTag/${SIGNING_KEY_TAGS.stack}`]: this.stackTag },
      'ForAllValues:StringEquals': { 'aws:TagKeys': [SIGNING_KEY_TAGS.stack, SIGNING_KEY_TAGS.pool] },
    };
    const statements = [
      // CreateKey has no resource; the conditions are the boundary.
      new PolicyStatement({
        actions: ['kms:CreateKey'],
        resources: ['*'],
        conditions: {
          ...requestTags,
          StringEquals: { ...requestTags.StringEquals, 'kms:KeySpec': this.keySpec, 'kms:KeyUsage': 'SIGN_VERIFY', 'kms:KeyOrigin': 'AWS_KMS' },
        },
      }),
      // Tags given to CreateKey need TagResource on keys not yet known (the KMS developer guide, "Controlling access to tags").
      new PolicyStatement({ actions: ['kms:TagResource'], resources: [this.keyArns()], conditions: requestTags }),
      // CreateAlias is authorised on the alias and on the key it names (ibid., "Controlling access to aliases").
      new PolicyStatement({ actions: ['kms:CreateAlias'], resources: [Stack.of(this).formatArn({ service: 'kms', resource: 'alias', resourceName: `${this.aliasPrefix.slice('alias/'.length)}/*` })] }),
      new PolicyStatement({
        actions: ['kms:CreateAlias', 'kms:GetPublicKey', 'kms:DescribeKey', 'kms:ScheduleKeyDeletion'],
        resources: [this.keyArns()],
        conditions: this.taggedForStack(),
      }),
      // Migration reads the shared key's public key; nothing may ever tag it into the stack's set or delete it.
      new PolicyStatement({ actions: ['kms:GetPublicKey', 'kms:DescribeKey'], resources: [this.legacyKey.keyArn] }),
      new PolicyStatement({
        effect: Effect.DENY,
        actions: ['kms:ScheduleKeyDeletion', 'kms:TagResource', 'kms:UntagResource', 'kms:DisableKey'],
        resources: [this.legacyKey.keyArn],
      }),
    ];
    for (const statement of statements) grantee.grantPrincipal.addToPrincipalPolicy(statement);
  }

  /** Daily: retired keys leave their pool item and are scheduled for deletion (SigningKeyService.sweepAll). */
  scheduleSweep(adminFunction: IFunction): Rule {
    return new Rule(this, 'DailySweep', {
      description: 'Removes retired pool signing keys and schedules their KMS keys for deletion',
      schedule: Schedule.rate(Duration.days(1)),
      targets: [new LambdaFunction(adminFunction, { event: RuleTargetInput.fromObject(SIGNING_KEY_SWEEP_EVENT), retryAttempts: 2 })],
    });
  }

  /** Every key of this account and region: the tag condition picks the stack's. */
  private keyArns(): string {
    return Stack.of(this).formatArn({ service: 'kms', resource: 'key', resourceName: '*' });
  }

  private taggedForStack() {
    return { StringEquals: { [`aws:ResourceTag/${SIGNING_KEY_TAGS.stack}`]: this.stackTag } };
  }
}
