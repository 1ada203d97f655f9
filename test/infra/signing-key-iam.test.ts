import { SIGNING_KEY_SWEEP_EVENT } from '../../src/config-names';
import { logicalIdOf, synthIdp, type TemplateJson } from './support/synth-stack';

/*
 * docs/contract.md §4.6 / §6: per-pool signing keys are created at runtime, so IAM is
 * scoped by tag (`device-idp:stack` = the stack name), not by key ARN. These
 * tests read the synthesized statements themselves, conditions included, and
 * assert both what is allowed and what must never be.
 */
const idp = synthIdp();
const { json, fn, stack } = idp;
const legacyKey = logicalIdOf(stack, stack.deviceIdp.node.findChild('TokenSigning').node.findChild('Key'));
const STACK_TAG = { StringEquals: { 'aws:ResourceTag/device-idp:stack': 'TestIdp' } };
const REQUEST_TAGS = {
  'aws:RequestTag/device-idp:stack': 'TestIdp',
  tagKeys: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['device-idp:stack', 'device-idp:pool'] } },
};

interface FullStatement {
  Effect: 'Allow' | 'Deny';
  actions: string[];
  resources: unknown[];
  Condition?: Record<string, Record<string, unknown>>;
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function statementsOf(template: TemplateJson, functionId: string): FullStatement[] {
  const role = template.Resources[functionId].Properties.Role['Fn::GetAtt'][0];
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && asArray(r.Properties.Roles).some((ref: any) => ref.Ref === role))
    .flatMap((r) => asArray(r.Properties.PolicyDocument.Statement))
    .map((s: any) => ({ Effect: s.Effect, actions: asArray(s.Action), resources: asArray(s.Resource), Condition: s.Condition }));
}

const granting = (statements: FullStatement[], action: string) =>
  statements.filter((s) => s.Effect === 'Allow' && s.actions.some((a) => a === action || a === 'kms:*' || a === '*'));
const text = (value: unknown) => JSON.stringify(value);
const isLegacyKey = (s: FullStatement) => text(s.resources) === text([{ 'Fn::GetAtt': [legacyKey, 'Arn'] }]);
const isAccountKeys = (s: FullStatement) => s.resources.length === 1 && text(s.resources[0]).endsWith(':key/*"]]}');

describe('pool signing keys: IAM by tag', () => {
  const token = statementsOf(json, fn.token);
  const admin = statementsOf(json, fn.admin);
  const certificates = statementsOf(json, fn.certificates);

  describe('token function', () => {
    it('may Sign and GetPublicKey only on keys tagged with this stack (and the shared legacy key)', () => {
      for (const action of ['kms:Sign', 'kms:GetPublicKey']) {
        const statements = granting(token, action);
        expect(statements.filter(isAccountKeys)).toEqual([expect.objectContaining({ Condition: STACK_TAG })]);
        for (const statement of statements) expect(isLegacyKey(statement) || text(statement.Condition) === text(STACK_TAG)).toBe(true);
      }
    });

    it('never signs with "*" or any key without the tag condition', () => {
      for (const statement of granting(token, 'kms:Sign')) {
        expect(statement.resources).not.toContain('*');
        if (!isLegacyKey(statement)) expect(statement.Condition).toEqual(STACK_TAG);
      }
    });

    it('cannot create, tag, alias or delete keys', () => {
      for (const action of ['kms:CreateKey', 'kms:TagResource', 'kms:CreateAlias', 'kms:ScheduleKeyDeletion']) {
        expect(granting(token, action)).toEqual([]);
      }
    });
  });

  describe('admin function', () => {
    it('may CreateKey only with the stack tag in the request, only tag keys it names, and only the stack key spec', () => {
      const [createKey, ...others] = granting(admin, 'kms:CreateKey');
      expect(others).toEqual([]);
      expect(createKey.resources).toEqual(['*']);
      expect(createKey.Condition).toEqual({
        StringEquals: {
          'aws:RequestTag/device-idp:stack': REQUEST_TAGS['aws:RequestTag/device-idp:stack'],
          'kms:KeySpec': 'ECC_NIST_P256',
          'kms:KeyUsage': 'SIGN_VERIFY',
          'kms:KeyOrigin': 'AWS_KMS',
        },
        ...REQUEST_TAGS.tagKeys,
      });
    });

    it('may TagResource only with the stack tag in the request and only the two tag keys', () => {
      const statements = granting(admin, 'kms:TagResource');
      expect(statements).toHaveLength(1);
      expect(statements[0].Condition).toEqual({
        StringEquals: { 'aws:RequestTag/device-idp:stack': 'TestIdp' },
        ...REQUEST_TAGS.tagKeys,
      });
      expect(isAccountKeys(statements[0])).toBe(true);
    });

    it('may CreateAlias only under alias/device-idp/<stack tag>/, for keys with the stack tag', () => {
      const statements = granting(admin, 'kms:CreateAlias');
      const onAliases = statements.filter((s) => text(s.resources).includes(':alias/'));
      expect(onAliases).toHaveLength(1);
      expect(text(onAliases[0].resources)).toMatch(/:alias\/device-idp\/TestIdp\/\*"\]\]\}\]$/);
      expect(onAliases[0].Condition).toBeUndefined();
      const onKeys = statements.filter((s) => !onAliases.includes(s));
      expect(onKeys.length).toBeGreaterThan(0);
      for (const statement of onKeys) expect(statement.Condition).toEqual(STACK_TAG);
    });

    it('may GetPublicKey, DescribeKey and ScheduleKeyDeletion only on keys with the stack tag (read-only on the legacy key)', () => {
      for (const action of ['kms:GetPublicKey', 'kms:DescribeKey', 'kms:ScheduleKeyDeletion']) {
        for (const statement of granting(admin, action)) {
          expect(statement.resources).not.toContain('*');
          if (isLegacyKey(statement)) expect(action).not.toBe('kms:ScheduleKeyDeletion');
          else expect(statement.Condition).toEqual(STACK_TAG);
        }
      }
    });

    it('is explicitly denied deleting, disabling or (un)tagging the shared legacy key', () => {
      const denied = admin.filter((s) => s.Effect === 'Deny' && isLegacyKey(s)).flatMap((s) => s.actions);
      expect(denied).toEqual(expect.arrayContaining(['kms:ScheduleKeyDeletion', 'kms:TagResource', 'kms:UntagResource', 'kms:DisableKey']));
    });

    it('may not sign, and holds no KMS wildcard action', () => {
      expect(granting(admin, 'kms:Sign')).toEqual([]);
      expect(admin.flatMap((s) => s.actions).filter((a) => a === '*' || a === 'kms:*' || /^kms:.*\*/.test(a))).toEqual([]);
    });
  });

  it('certificates function has nothing of KMS', () => {
    expect(certificates.flatMap((s) => s.actions).filter((a) => a === '*' || a.toLowerCase().startsWith('kms:'))).toEqual([]);
  });

  it('no statement of any role allows a KMS action on "*" without a condition', () => {
    for (const [, resource] of Object.entries(json.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Policy')) {
      for (const s of asArray(resource.Properties.PolicyDocument.Statement) as any[]) {
        const kms = asArray<string>(s.Action).some((a) => a.startsWith('kms:') || a === '*');
        if (kms && s.Effect === 'Allow' && asArray(s.Resource).includes('*')) expect(s.Condition).toBeDefined();
      }
    }
  });

  it('follows the signingKeySpec prop (RSA_2048)', () => {
    const rsa = synthIdp({ signingKeySpec: 'RSA_2048' });
    const [createKey] = granting(statementsOf(rsa.json, rsa.fn.admin), 'kms:CreateKey');
    expect(createKey.Condition?.StringEquals['kms:KeySpec']).toBe('RSA_2048');
    expect(rsa.json.Resources[rsa.fn.admin].Properties.Environment.Variables.SIGNING_KEY_SPEC).toBe('RSA_2048');
  });

  it('sweeps retired keys daily through the admin function', () => {
    const rules = Object.values(json.Resources).filter((r) => r.Type === 'AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    expect(rules[0].Properties.ScheduleExpression).toBe('rate(1 day)');
    const [target] = rules[0].Properties.Targets;
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [fn.admin, 'Arn'] });
    expect(JSON.parse(target.Input)).toEqual(SIGNING_KEY_SWEEP_EVENT);
    const permissions = Object.values(json.Resources).filter((r) => r.Type === 'AWS::Lambda::Permission' && r.Properties.Principal === 'events.amazonaws.com');
    expect(permissions.map((p) => p.Properties.FunctionName)).toEqual([{ 'Fn::GetAtt': [fn.admin, 'Arn'] }]);
  });
});
