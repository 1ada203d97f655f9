#!/usr/bin/env node
// Runs before jest (npm test): fail in one clear line instead of a JVM spawn error deep in global setup.
// Plain Node, no dependencies: it must work before anything is compiled.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const MINIMUM_NODE_MAJOR = 20;
const MINIMUM_JAVA_MAJOR = 17;
const JAVA_INSTALL_HINT =
  'Java 17+ is required for DynamoDB Local. Install it with: ' +
  'sudo apt-get install -y openjdk-17-jre-headless (Debian/Ubuntu) or brew install openjdk@17 (macOS)';

function fail(message) {
  process.stderr.write(`check-prereqs: ${message}\n`);
  process.exit(1);
}

const nodeMajor = Number(process.versions.node.split('.')[0]);
if (nodeMajor < MINIMUM_NODE_MAJOR) {
  fail(`Node ${MINIMUM_NODE_MAJOR}+ is required; this is Node ${process.versions.node}.`);
}

// Same lookup as local/emulators/java-runtime.ts: JAVA_HOME first, then PATH.
const javaHome = process.env.JAVA_HOME;
const homeJava = javaHome ? join(javaHome, 'bin', process.platform === 'win32' ? 'java.exe' : 'java') : undefined;
const java = homeJava && existsSync(homeJava) ? homeJava : 'java';

const result = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 15_000 });
if (result.error || result.status !== 0) {
  fail(`${JAVA_INSTALL_HINT}\n(could not run "${java} -version": ${result.error?.message ?? result.stderr.trim()})`);
}
// `openjdk version "17.0.15"`, or `java version "1.8.0_392"` before Java 9.
const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}\n${result.stdout}`);
const javaMajor = match ? (match[1] === '1' && match[2] ? Number(match[2]) : Number(match[1])) : undefined;
if (javaMajor === undefined) {
  fail(`${JAVA_INSTALL_HINT}\n(unrecognised "${java} -version" output: ${result.stderr.trim().split('\n')[0]})`);
}
if (javaMajor < MINIMUM_JAVA_MAJOR) {
  fail(`${JAVA_INSTALL_HINT}\n(found Java ${javaMajor} at "${java}")`);
}
