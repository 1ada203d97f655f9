import type { PolicyViolation } from 'aws-cdk-lib';
import { type Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DeviceIdpStack, type DeviceIdpStackProps } from '../../lib/idp-stack';
import { newApp, synthIdp } from './support/synth-stack';

/*
 * The AwsSolutions rule pack of cdk-nag 3 (a CDK policy-validation plugin)
 * finds nothing the stack has not acknowledged, errors and warnings alike,
 * and every acknowledgement names one finding, gives a reason, sits on the
 * construct that causes it and is still needed.
 */
const EVERY_OPTION: DeviceIdpStackProps = {
  tracing: true,
  cloudWatchRole: true,
  webAclArn: 'arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/idp/0123',
  signingKeySpec: 'RSA_2048',
  customDomain: {
    domainName: 'idp.example.com',
    certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/abc',
    hostedZone: { hostedZoneId: 'Z123', zoneName: 'example.com' },
  },
};

const describeViolations = (violations: PolicyViolation[]) =>
  violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`));

/** The pack with every acknowledgement ignored: what the stack would be told without them. */
function unacknowledgedPack(): AwsSolutionsChecks {
  const pack = new AwsSolutionsChecks();
  (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  return pack;
}

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

function acknowledgementsIn(stack: Stack): Acknowledgement[] {
  return [stack.node.root, ...stack.node.findAll()].flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([id, reason]) => ({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason })),
  );
}

describe.each([
  ['default props', {}],
  ['every option on (tracing, CloudWatch role, WAF, RSA, custom domain)', EVERY_OPTION],
])('AwsSolutions checks, %s', (_name, props) => {
  const { stack } = synthIdp(props);
  const acknowledgements = acknowledgementsIn(stack);

  it('report no unacknowledged error and no unacknowledged warning', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(describeViolations(report.violations)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('are silenced only by finding-specific acknowledgements with a reason a reviewer can check', () => {
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acknowledgements) {
      expect({ path, id }).toEqual({ path, id: expect.stringMatching(/^AwsSolutions-[A-Z]+[0-9]+(\[.+\])?$/) });
      // IAM4 and IAM5 findings are per policy or wildcard: never the whole rule.
      if (/^AwsSolutions-IAM[45]/.test(id)) expect({ path, id }).toEqual({ path, id: expect.stringMatching(/\[(Policy|Resource|Action)::.+\]$/) });
      expect({ path, id, long: reason.length >= 100 }).toEqual({ path, id, long: true });
    }
  });

  it('are never acknowledged for the whole app, stack or DeviceIdp', () => {
    const blanket = [stack.node.root.node.path, stack.node.path, stack.deviceIdp.node.path];
    expect(acknowledgements.filter((a) => blanket.includes(a.path))).toEqual([]);
  });

  it('acknowledge only findings that exist, on or below the construct that causes them', () => {
    const findings = unacknowledgedPack()
      .validateScope(stack)
      .violations.flatMap((v) => v.violatingResources.map((r) => ({ id: v.ruleName, path: r.constructPath })));
    const stale = acknowledgements.filter((a) => !findings.some((f) => f.id === a.id && (f.path === a.path || f.path?.startsWith(`${a.path}/`))));
    expect(stale).toEqual([]);
  });
});

describe('the synth-time gate (`cdk synth -c nag=true`)', () => {
  function synthWithPack(props: DeviceIdpStackProps): () => void {
    const app = newApp();
    new DeviceIdpStack(app, 'NagGate', props);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    return () => app.synth();
  }

  it('lets the default stack synthesise', () => {
    expect(synthWithPack({})).not.toThrow();
  });

  it('stops a stack whose deployer turned the API logs off (AwsSolutions-APIG1 and APIG6)', () => {
    expect(synthWithPack({ accessLogs: false })).toThrow(/AwsSolutions-APIG1[\s\S]*AwsSolutions-APIG6/);
    const findings = new AwsSolutionsChecks().validateScope(synthIdp({ accessLogs: false }).stack).violations.map((v) => v.ruleName);
    expect(findings.sort()).toEqual(['AwsSolutions-APIG1', 'AwsSolutions-APIG6']);
  });
});
