import { logicalIdOf, synthIdp, type TemplateJson } from './support/synth-stack';

/*
 * docs/contract.md §6 least privilege for DynamoDB, asserted on the synthesized policies
 * per item type (src/storage/keys.ts): a tiny evaluator answers "may this
 * function call this action on an item of this table with this partition
 * key?" from the role's Allow statements (actions with wildcards, resource =
 * the table, `ForAllValues:StringLike dynamodb:LeadingKeys`). IAM denies by
 * default, so "no statement allows it" is a refusal.
 */
const { json, fn, stack } = synthIdp();
const tableId = (name: 'Data' | 'Runtime') => logicalIdOf(stack, stack.deviceIdp.node.findChild(name).node.findChild('Table'));
const tables = { config: tableId('Data'), runtime: tableId('Runtime') };

interface RawStatement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');

function statementsOf(template: TemplateJson, functionId: string): RawStatement[] {
  const role = template.Resources[functionId].Properties.Role['Fn::GetAtt'][0];
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && asArray(r.Properties.Roles).some((ref: { Ref?: string }) => ref.Ref === role))
    .flatMap((r) => asArray<RawStatement>(r.Properties.PolicyDocument.Statement));
}

/** Whether some statement names the table itself (its ARN, not an index or stream). */
function coversTable(statement: RawStatement, tableLogicalId: string): boolean {
  return asArray(statement.Resource).some((resource) => {
    if (resource === '*') return true;
    const text = JSON.stringify(resource);
    return text.includes(`"${tableLogicalId}"`) && !text.includes('/index/') && !text.includes('/stream/');
  });
}

function leadingKeysAllow(statement: RawStatement, partitionKey: string): boolean {
  const conditions = statement.Condition ?? {};
  for (const [operator, clauses] of Object.entries(conditions)) {
    for (const [key, values] of Object.entries(clauses)) {
      if (key !== 'dynamodb:LeadingKeys') return false; // a condition this evaluator does not know: assume it may deny
      if (operator !== 'ForAllValues:StringLike') return false;
      if (!asArray(values).some((pattern) => glob(pattern).test(partitionKey))) return false;
    }
  }
  return true;
}

function mayCall(functionId: string, action: string, table: keyof typeof tables, partitionKey: string): boolean {
  return statementsOf(json, functionId).some(
    (s) =>
      s.Effect === 'Allow' &&
      asArray(s.Action).some((a) => glob(a).test(`dynamodb:${action}`)) &&
      coversTable(s, tables[table]) &&
      leadingKeysAllow(s, partitionKey),
  );
}

const WRITES = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'];
const READS = ['GetItem', 'BatchGetItem', 'Query'];

/** Every configuration item type, by the partition key prefix it lives under (src/storage/keys.ts). */
const CONFIG_PARTITIONS = {
  'organisation and environment (ORG#)': 'ORG#acme',
  'org API-key index (ORG#, APIKEY#…)': 'ORG#acme',
  'API-key hash (APIKEY#)': 'APIKEY#k0123456789abcdef',
  'pool, root, revocation, CRL, device, binding (POOL#)': 'POOL#pool-abc',
};

describe('token function: DynamoDB least privilege', () => {
  it.each(Object.entries(CONFIG_PARTITIONS))('may not write %s', (_what, partition) => {
    expect(WRITES.filter((action) => mayCall(fn.token, action, 'config', partition))).toEqual([]);
  });

  it('reads and condition-checks only pool partitions of the configuration table', () => {
    for (const action of [...READS, 'ConditionCheckItem']) expect(mayCall(fn.token, action, 'config', 'POOL#pool-abc')).toBe(true);
    for (const partition of ['ORG#acme', 'APIKEY#k0123456789abcdef', 'JTI#x', 'SOMETHING-ELSE']) {
      expect({ partition, reads: READS.filter((action) => mayCall(fn.token, action, 'config', partition)) }).toEqual({ partition, reads: [] });
    }
  });

  it('never scans either table', () => {
    for (const table of ['config', 'runtime'] as const) expect(mayCall(fn.token, 'Scan', table, 'POOL#pool-abc')).toBe(false);
    expect(
      statementsOf(json, fn.token)
        .flatMap((s) => asArray(s.Action))
        .filter((a) => glob(a).test('dynamodb:Scan')),
    ).toEqual([]);
  });

  it('writes the replay cache and provisioning state of the runtime table, and deletes nothing there', () => {
    for (const partition of ['JTI#pool-abc#0f', 'PROV#pool-abc#device-1']) {
      expect(['PutItem', 'UpdateItem', 'GetItem', 'BatchGetItem'].every((action) => mayCall(fn.token, action, 'runtime', partition))).toBe(true);
      expect(mayCall(fn.token, 'DeleteItem', 'runtime', partition)).toBe(false);
    }
    expect(mayCall(fn.token, 'PutItem', 'runtime', 'POOL#pool-abc')).toBe(false);
  });

  it('has no grant on the tables without a LeadingKeys condition (no grantReadWriteData left behind)', () => {
    const unconditioned = statementsOf(json, fn.token).filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:')) && s.Condition === undefined);
    expect(unconditioned).toEqual([]);
  });
});

describe('admin and certificates functions', () => {
  it('the admin function reads and removes provisioning state but cannot write the replay cache', () => {
    expect(mayCall(fn.admin, 'Query', 'runtime', 'PROV#pool-abc#device-1')).toBe(true);
    expect(mayCall(fn.admin, 'DeleteItem', 'runtime', 'PROV#pool-abc#device-1')).toBe(true);
    expect(['PutItem', 'UpdateItem', 'DeleteItem', 'GetItem'].filter((action) => mayCall(fn.admin, action, 'runtime', 'JTI#pool-abc#0f'))).toEqual([]);
    expect(mayCall(fn.admin, 'PutItem', 'runtime', 'PROV#pool-abc#device-1')).toBe(false);
  });

  it('the certificates function has no access to the runtime table', () => {
    for (const action of [...READS, ...WRITES, 'Scan']) expect(mayCall(fn.certificates, action, 'runtime', 'JTI#pool-abc#0f')).toBe(false);
  });

  it('the token and admin functions are told the runtime table name', () => {
    const runtimeRef = { Ref: tables.runtime };
    expect(json.Resources[fn.token].Properties.Environment.Variables.RUNTIME_TABLE_NAME).toEqual(runtimeRef);
    expect(json.Resources[fn.admin].Properties.Environment.Variables.RUNTIME_TABLE_NAME).toEqual(runtimeRef);
    expect(json.Resources[fn.certificates].Properties.Environment.Variables.RUNTIME_TABLE_NAME).toBeUndefined();
  });

  it('the runtime table has TTL on expiresAt, point-in-time recovery and encryption, like the configuration table', () => {
    expect(json.Resources[tables.runtime].Properties).toMatchObject({
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });
});
