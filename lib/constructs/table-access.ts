import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';

/**
 * The token function's DynamoDB access (docs/contract.md §6), by item type rather than by
 * table: the layout in src/storage/keys.ts puts configuration and runtime
 * state in separate tables, and partitions configuration by owner, so IAM's
 * `dynamodb:LeadingKeys` condition can say "only pool partitions".
 *
 * - configuration table: read POOL# partitions (pool, roots, revocations,
 *   CRLs, devices, bindings) with GetItem / BatchGetItem / Query, and
 *   condition-check items there inside the issuance transaction; no write of
 *   any kind, no Scan, and no ORG# or APIKEY# partition (organisations,
 *   environments, API-key hashes).
 * - runtime table: read and write the replay cache (JTI#) and provisioning
 *   state (PROV#) it owns; no Delete, no Scan.
 */
export function grantTokenTableAccess(grantee: IGrantable, tables: { config: ITable; runtime: ITable }): void {
  const policy = grantee.grantPrincipal;
  policy.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'ReadPoolConfiguration',
      effect: Effect.ALLOW,
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
      resources: [tables.config.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['POOL#*'] } },
    }),
  );
  policy.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'WriteRuntimeState',
      effect: Effect.ALLOW,
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
      resources: [tables.runtime.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['JTI#*', 'PROV#*'] } },
    }),
  );
}

/**
 * The admin function shows a device's provisioning state and removes it with
 * the device; it neither writes the replay cache nor creates state.
 */
export function grantAdminRuntimeAccess(grantee: IGrantable, runtime: ITable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'ReadAndRemoveProvisioningState',
      effect: Effect.ALLOW,
      actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DeleteItem'],
      resources: [runtime.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PROV#*'] } },
    }),
  );
}
