#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { SigningKeySpec } from '../lib/constructs/token-signing-key';
import { DeviceIdpStack } from '../lib/idp-stack';

// Optional overrides (docs/deploy.md): `npx cdk deploy -c signingKeySpec=RSA_2048 -c stageName=dev -c tokenAudience=https://api.example.com
//   -c tracing=true -c accessLogs=false -c cloudWatchRole=true -c webAclArn=arn:aws:wafv2:... -c nag=true`
const app = new App();
const context = (key: string): string | undefined => app.node.tryGetContext(key) ?? undefined;
const flag = (key: string): boolean | undefined => {
  const value = context(key);
  if (value === undefined) return undefined;
  if (String(value) !== 'true' && String(value) !== 'false') throw new Error(`-c ${key} must be true or false, got ${value}`);
  return String(value) === 'true';
};

new DeviceIdpStack(app, 'DeviceIdpStack', {
  signingKeySpec: context('signingKeySpec') as SigningKeySpec | undefined,
  stageName: context('stageName'),
  tokenAudience: context('tokenAudience'),
  tracing: flag('tracing'),
  accessLogs: flag('accessLogs'),
  cloudWatchRole: flag('cloudWatchRole'),
  webAclArn: context('webAclArn'),
});

// The AwsSolutions rule pack as a synth gate: any unacknowledged finding stops `cdk synth` / `cdk deploy`.
if (flag('nag')) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
