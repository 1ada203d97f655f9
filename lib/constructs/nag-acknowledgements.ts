import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledgements of AwsSolutions (cdk-nag) findings, made next to the code
 * that causes them so that the reason travels with the grant or setting.
 * They use CDK's own `Validations.of(...).acknowledge` (what cdk-nag 3 reads),
 * so the library needs no cdk-nag at synth time.
 *
 * An acknowledgement covers the construct it is made on and everything below
 * it; each names one finding (`AwsSolutions-IAM5[Resource::…]`), never a
 * whole rule, so a new wildcard still shows up.
 */
export function acknowledgeFinding(scope: IConstruct, ruleId: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${ruleId}`, reason });
}

/** AwsSolutions-IAM5 for one wildcard resource of a policy statement, named as cdk-nag names it. */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  acknowledgeFinding(scope, `IAM5[Resource::${nagReference(Stack.of(scope).resolve(resource))}]`, reason);
}

/** AwsSolutions-IAM4 for one AWS managed policy, by its name (`service-role/…`). */
export function acknowledgeManagedPolicy(scope: IConstruct, managedPolicyName: string, reason: string): void {
  acknowledgeFinding(scope, `IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${managedPolicyName}]`, reason);
}

/**
 * A resolved CloudFormation value as cdk-nag prints it in a finding id
 * (its `flattenCfnReference`): `{Ref: X}` → `<X>`, `{Fn::GetAtt: [X, Y]}` →
 * `<X.Y>`, `Fn::Join` concatenated, `${…}` in strings → `<…>`.
 */
function nagReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const node = value as Record<string, unknown>;
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(nagReference).join(delimiter);
  }
  if (node['Fn::Sub']) return nagReference(node['Fn::Sub']);
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${nagReference(resource)}.${nagReference(attribute)}>`;
  }
  if (node['Fn::ImportValue']) return nagReference(node['Fn::ImportValue']);
  if (node.Ref) return `<${nagReference(node.Ref)}>`;
  return JSON.stringify(value);
}
