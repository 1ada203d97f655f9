#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { DeviceIdpStack } from '../lib/idp-stack';
import { SigningKeySpec } from '../lib/constructs/token-signing-key';

// Optional overrides: `npx cdk synth -c signingKeySpec=RSA_2048 -c stageName=dev -c tokenAudience=https://api.example.com`
const app = new App();
const context = (key: string): string | undefined => app.node.tryGetContext(key) ?? undefined;

new DeviceIdpStack(app, 'DeviceIdpStack', {
  signingKeySpec: context('signingKeySpec') as SigningKeySpec | undefined,
  stageName: context('stageName'),
  tokenAudience: context('tokenAudience'),
});
