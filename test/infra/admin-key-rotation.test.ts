import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Duration } from 'aws-cdk-lib';
import { bundleHandler } from './support/bundle-handler';
import { logicalIdOf, type SynthesizedIdp, synthIdp } from './support/synth-stack';
import { allows, roleStatements } from './support/template-queries';

const SECRETS_WRITES = ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'];
const ROTATION_ACTIONS = [
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
];

function rotationIds(idp: SynthesizedIdp) {
  const adminKey = idp.stack.deviceIdp.node.findChild('AdminApiKey');
  const rotation = adminKey.node.findChild('Rotation').node.findChild('Function');
  return { secret: logicalIdOf(idp.stack, adminKey.node.findChild('Secret')), rotationFn: logicalIdOf(idp.stack, rotation) };
}

function resourcesOf(idp: SynthesizedIdp, type: string) {
  return Object.entries(idp.json.Resources).filter(([, r]) => r.Type === type);
}

/*
 * docs/contract.md §3.5: the global admin key is rotated on a schedule by the project's own
 * rotation function, which may touch that secret and nothing else.
 */
describe('admin key rotation', () => {
  const idp = synthIdp();
  const ids = rotationIds(idp);
  const rotation = roleStatements(idp.json, ids.rotationFn);

  it('schedules the admin secret for rotation every 30 days by default, with our function, never on deploy', () => {
    const schedules = resourcesOf(idp, 'AWS::SecretsManager::RotationSchedule');
    expect(schedules.map(([, r]) => r.Properties)).toEqual([
      {
        SecretId: { Ref: ids.secret },
        RotationLambdaARN: { 'Fn::GetAtt': [ids.rotationFn, 'Arn'] },
        RotationRules: { ScheduleExpression: 'rate(30 days)' },
        RotateImmediatelyOnUpdate: false,
      },
    ]);
  });

  it('follows the adminKeyRotation prop', () => {
    const weekly = synthIdp({ adminKeyRotation: Duration.days(7) });
    const [[, schedule]] = resourcesOf(weekly, 'AWS::SecretsManager::RotationSchedule');
    expect(schedule.Properties.RotationRules).toEqual({ ScheduleExpression: 'rate(7 days)' });
  });

  it.each([Duration.hours(1), Duration.days(1001)])('refuses a rotation interval of %s at synth time', (adminKeyRotation) => {
    expect(() => synthIdp({ adminKeyRotation })).toThrow(/automaticallyAfter/);
  });

  it('runs the rotation handler on Node.js 22, arm64, with no configuration in its environment but the Powertools settings', () => {
    const fn = idp.json.Resources[ids.rotationFn].Properties;
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Handler).toBe('index.handler');
    expect(fn.Environment.Variables).toEqual({
      POWERTOOLS_SERVICE_NAME: 'device-idp',
      POWERTOOLS_METRICS_NAMESPACE: 'DeviceIdp',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
    });
  });

  it("gives the rotation function the four rotation actions on the admin secret's ARN and GetRandomPassword, nothing else", () => {
    const onSecret = rotation.filter((s) => JSON.stringify(s.resources) === JSON.stringify([{ Ref: ids.secret }]));
    expect(onSecret.flatMap((s) => s.actions).sort()).toEqual(ROTATION_ACTIONS);
    const elsewhere = rotation.filter((s) => !onSecret.includes(s));
    expect(elsewhere).toEqual([{ effect: 'Allow', actions: ['secretsmanager:GetRandomPassword'], resources: ['*'] }]);
    for (const action of [
      'secretsmanager:DeleteSecret',
      'secretsmanager:RotateSecret',
      'secretsmanager:CreateSecret',
      'kms:Decrypt',
      'dynamodb:GetItem',
      's3:GetObject',
    ]) {
      expect(allows(rotation, action)).toBe(false);
    }
    expect(rotation.every((s) => s.effect === 'Allow' && !s.actions.some((a) => a.includes('*')))).toBe(true);
  });

  it('lets Secrets Manager invoke the rotation function for the admin secret of this account only', () => {
    const permissions = resourcesOf(idp, 'AWS::Lambda::Permission')
      .map(([, r]) => r.Properties)
      .filter((p) => JSON.stringify(p.FunctionName).includes(`"${ids.rotationFn}"`));
    expect(permissions).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [ids.rotationFn, 'Arn'] },
        Principal: 'secretsmanager.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
        SourceArn: { Ref: ids.secret },
      },
    ]);
  });

  it('no other identity policy may write the secret or manage its rotation', () => {
    const rotationRole = idp.json.Resources[ids.rotationFn].Properties.Role['Fn::GetAtt'][0];
    const policies = resourcesOf(idp, 'AWS::IAM::Policy');
    expect(policies.length).toBeGreaterThan(1);
    for (const [, policy] of policies) {
      const roles = JSON.stringify(policy.Properties.Roles);
      const statements = [policy.Properties.PolicyDocument.Statement]
        .flat()
        .map((s: any) => ({ effect: s.Effect, actions: [s.Action].flat(), resources: [s.Resource].flat() }));
      if (roles === JSON.stringify([{ Ref: rotationRole }])) continue;
      for (const action of [...SECRETS_WRITES, 'secretsmanager:RotateSecret', 'secretsmanager:CancelRotateSecret', 'secretsmanager:PutResourcePolicy']) {
        expect([roles, action, allows(statements, action)]).toEqual([roles, action, false]);
      }
    }
  });

  it('the admin and certificates functions still read the secret, and only read it', () => {
    for (const fn of [idp.fn.admin, idp.fn.certificates]) {
      const statements = roleStatements(idp.json, fn);
      expect(allows(statements, 'secretsmanager:GetSecretValue', ids.secret)).toBe(true);
      for (const action of SECRETS_WRITES) expect(allows(statements, action)).toBe(false);
    }
  });
});

/*
 * The infra tests skip bundling; this bundles the rotation handler as
 * NodejsFunction does (ESM, node22, @aws-sdk external) and runs it in a fresh
 * Node process against a stand-in Secrets Manager endpoint: it must load, build
 * its client, and refuse a secret whose rotation is not enabled.
 */
describe('bundled rotation handler', () => {
  const root = resolve(__dirname, '..', '..');
  const out = join(root, '.cache', 'bundle-test-rotation');
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('bundles, loads, calls DescribeSecret on the secret it is given and stops when rotation is not enabled', async () => {
    mkdirSync(out, { recursive: true });
    const outfile = join(out, 'index.mjs');
    await bundleHandler('admin-key-rotation', outfile);
    const targets: Array<{ target: unknown; body: unknown }> = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        targets.push({ target: request.headers['x-amz-target'], body: JSON.parse(body) });
        response.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:admin', RotationEnabled: false, VersionIdsToStages: {} }));
      });
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    try {
      const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(outfile).href)});
        try { await handler(JSON.parse(process.argv[1])); console.log('resolved'); } catch (error) { console.log(error.message); }`;
      const event = { Step: 'createSecret', SecretId: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:admin', ClientRequestToken: 'token-1' };
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(event)], {
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'eu-west-1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          IDP_LOG_LEVEL: 'silent',
        },
        encoding: 'utf8',
      });
      expect(stdout.trim().split('\n').pop()).toBe('the secret is not enabled for rotation');
      expect(targets).toEqual([{ target: 'secretsmanager.DescribeSecret', body: { SecretId: event.SecretId } }]);
    } finally {
      await new Promise((closed) => server.close(closed));
    }
  });
});
