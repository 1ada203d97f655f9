import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const MINIMUM_JAVA_MAJOR = 17;

const JAVA_INSTALL_HINT =
  'Java 17+ is required for DynamoDB Local. Install it with: ' +
  'sudo apt-get install -y openjdk-17-jre-headless (Debian/Ubuntu) or brew install openjdk@17 (macOS)';

class JavaRuntimeError extends Error {
  readonly code = 'JAVA_RUNTIME_UNAVAILABLE';
  constructor(detail: string) {
    super(`${JAVA_INSTALL_HINT}\n(${detail})`);
    this.name = 'JavaRuntimeError';
  }
}

export interface JavaRuntime {
  command: string;
  majorVersion: number;
}

/** JAVA_HOME wins over PATH, as the JDK launcher scripts and build tools do. */
function javaCommand(): string {
  const home = process.env.JAVA_HOME;
  const candidate = home ? join(home, 'bin', process.platform === 'win32' ? 'java.exe' : 'java') : undefined;
  return candidate && existsSync(candidate) ? candidate : 'java';
}

/** `java -version` prints e.g. `openjdk version "17.0.15"` or, before Java 9, `java version "1.8.0_392"`. */
function parseJavaMajorVersion(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

export function requireJava(minimumMajor: number = MINIMUM_JAVA_MAJOR): JavaRuntime {
  const command = javaCommand();
  const result = spawnSync(command, ['-version'], { encoding: 'utf8', timeout: 15_000 });
  if (result.error || result.status !== 0) {
    throw new JavaRuntimeError(`could not run "${command} -version": ${result.error?.message ?? result.stderr.trim()}`);
  }
  const output = `${result.stderr}\n${result.stdout}`;
  const majorVersion = parseJavaMajorVersion(output);
  if (majorVersion === undefined) {
    throw new JavaRuntimeError(`unrecognised "${command} -version" output: ${output.trim().split('\n')[0]}`);
  }
  if (majorVersion < minimumMajor) {
    throw new JavaRuntimeError(`found Java ${majorVersion} at "${command}"`);
  }
  return { command, majorVersion };
}
