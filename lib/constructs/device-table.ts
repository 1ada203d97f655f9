import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../src/storage/table-schema';

export interface DeviceTableProps {
  /** Default RETAIN: orgs, devices, bindings and API-key hashes outlive the stack. */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * One of the IDP's two tables (src/storage/keys.ts): configuration (orgs,
 * environments, pools, devices, bindings, API keys, trust list) or runtime
 * state (replay cache, provisioning). Keys and TTL come from the same
 * TABLE_SCHEMA the local runtime and integration tests create their tables
 * from.
 */
export class DeviceTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: DeviceTableProps = {}) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.sortKey, type: AttributeType.STRING },
      timeToLiveAttribute: TABLE_SCHEMA.timeToLiveAttribute,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // AWS-managed key (aws/dynamodb): encrypted at rest, and the functions'
      // roles need no KMS permissions that could be confused with signing.
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
