import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { DeviceIdpStack, type DeviceIdpStackProps } from '../../../lib/idp-stack';

/** The feature flags `cdk synth` uses, so tests see the template a deploy would. */
const CDK_JSON_CONTEXT = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'cdk.json'), 'utf8')).context as Record<string, unknown>;

export interface SynthesizedIdp {
  readonly stack: DeviceIdpStack;
  readonly template: Template;
  readonly json: TemplateJson;
  /** Logical ids of the three functions. */
  readonly fn: { admin: string; certificates: string; token: string };
}

export interface TemplateJson {
  Resources: Record<string, { Type: string; Properties?: any; DeletionPolicy?: string; DependsOn?: string | string[] }>;
  Outputs?: Record<string, { Value: unknown }>;
  Parameters?: Record<string, unknown>;
}

export function newApp(): App {
  // An empty bundling-stacks list skips esbuild: NodejsFunction then points at
  // the project folder without bundling, keeping these tests fast and offline.
  // The built-in CloudFormation validation (WASM, seconds per synth) is left
  // to `cdk synth`, which runs it on the real template.
  return new App({
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  });
}

export function synthIdp(props: DeviceIdpStackProps = {}): SynthesizedIdp {
  const stack = new DeviceIdpStack(newApp(), 'TestIdp', props);
  const template = Template.fromStack(stack);
  return {
    stack,
    template,
    json: template.toJSON() as TemplateJson,
    fn: {
      admin: logicalIdOf(stack, stack.adminFunction.function),
      certificates: logicalIdOf(stack, stack.certificatesFunction.function),
      token: logicalIdOf(stack, stack.tokenFunction.function),
    },
  };
}

export function logicalIdOf(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}
