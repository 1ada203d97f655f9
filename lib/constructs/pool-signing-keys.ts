import { Duration, Stack, Token } from 'aws-cdk-lib';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct, type IConstruct } from 'constructs';
import { ENV, SIGNING_KEY_SWEEP_EVENT, SIGNING_KEY_TAGS, signingKeyAliasPrefix } from '../../src/config-names';
import { acknowledgeWildcardResource } from './nag-acknowledgements';
import type { SigningKeySpec } from './token-signing-key';

export interface PoolSigningKeysProps {
  readonly keySpec: SigningKeySpec;
  /** The stack's shared key (TokenSigningKey) that pools created before per-pool keys sign with until rotated. */
  readonly legacyKey: IKey;
}

/** Stack names are [A-Za-z][A-Za-z0-9-]*; the tag is also a path segment of every alias. */
const STACK_TAG = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * docs/contract.md §4.6: each pool's own KMS key, created at runtime by the admin
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

  /** What the admin function needs to create pool keys (src/config.ts reads them). */
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
    acknowledgeWildcardResource(
      principalConstruct(grantee),
      this.keyArns(),
      `Pool signing keys are created at runtime (docs/contract.md §4.6), so no key ARN is known at deploy time. The statement on key/* allows ` +
        `only kms:Sign and kms:GetPublicKey, and only on keys tagged ${SIGNING_KEY_TAGS.stack}=${this.stackTag} ` +
        `(aws:ResourceTag condition; test/infra/signing-key-iam.test.ts).`,
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
      new PolicyStatement({ actions: ['kms:CreateAlias'], resources: [this.aliasArns()] }),
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
    const role = principalConstruct(grantee);
    acknowledgeWildcardResource(
      role,
      '*',
      `kms:CreateKey has no resource to name, so IAM takes only "*". The statement is bounded by conditions: the request must tag ` +
        `the key ${SIGNING_KEY_TAGS.stack}=${this.stackTag}, carry no tag keys but the stack and pool tags, and ask for ` +
        `${this.keySpec}, SIGN_VERIFY, AWS_KMS origin (test/infra/signing-key-iam.test.ts).`,
    );
    acknowledgeWildcardResource(
      role,
      this.keyArns(),
      `Pool signing keys are created at runtime (docs/contract.md §4.6), so their ARNs are unknown at deploy time. On key/*, ` +
        `CreateAlias, GetPublicKey, DescribeKey and ScheduleKeyDeletion require the resource tag ${SIGNING_KEY_TAGS.stack}=` +
        `${this.stackTag}; TagResource requires that tag in the request and allows only the stack and pool tag keys (KMS checks ` +
        `TagResource for the tags given to CreateKey, on a key not yet known).`,
    );
    acknowledgeWildcardResource(
      role,
      this.aliasArns(),
      `Each pool key gets the alias ${this.aliasPrefix}/<clientPoolId>/<n>, named at runtime; CreateAlias is allowed under this ` +
        `stack's prefix only, and KMS also requires it on the target key, which must carry the stack tag.`,
    );
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

  /** Every alias under this stack's prefix. */
  private aliasArns(): string {
    return Stack.of(this).formatArn({ service: 'kms', resource: 'alias', resourceName: `${this.aliasPrefix.slice('alias/'.length)}/*` });
  }

  private taggedForStack() {
    return { StringEquals: { [`aws:ResourceTag/${SIGNING_KEY_TAGS.stack}`]: this.stackTag } };
  }
}

/** The role behind a grantee, where the reasons for its wildcard statements are recorded. */
function principalConstruct(grantee: IGrantable): IConstruct {
  const principal = grantee.grantPrincipal;
  if (!Construct.isConstruct(principal)) throw new Error('pool signing-key grants need a grantee whose principal is a construct (a role)');
  return principal;
}
