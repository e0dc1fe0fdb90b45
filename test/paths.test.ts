import { DockerDocument } from '../src/document';
import {
  canonicalPath,
  isWithin,
  mayBeWithin,
  mountSyntaxProblem,
  pathsOverlap,
} from '../src/paths';

const DIGEST = `@sha256:${'a'.repeat(64)}`;

/** The reason a file with this first line may not use `RUN --mount`, or null. */
function problem(firstLine: string): string | null {
  return mountSyntaxProblem(new DockerDocument(`${firstLine}\nFROM debian\n`));
}

describe('mountSyntaxProblem', () => {
  test.each([
    ['no syntax directive', '# a comment'],
    ['the 1 channel', '# syntax=docker/dockerfile:1'],
    ['no tag, which is latest', '# syntax=docker/dockerfile'],
    ['latest', '# syntax=docker/dockerfile:latest'],
    ['1.2, where `RUN --mount` came in', '# syntax=docker/dockerfile:1.2'],
    ['a patch release', '# syntax=docker/dockerfile:1.4.3'],
    ['labs', '# syntax=docker/dockerfile:1-labs'],
    ['the experimental channel of 1.0', '# syntax=docker/dockerfile:1.0-experimental'],
    ['the experimental channel', '# syntax=docker/dockerfile:experimental'],
    ['a docker.io prefix and a digest', `# syntax=docker.io/docker/dockerfile:1.7${DIGEST}`],
    ['a digest without a tag', `# syntax=docker/dockerfile${DIGEST}`],
    ['spaces and another case in the directive', '#  Syntax = docker/dockerfile:1.3'],
  ])('%s: allowed', (_, line) => {
    expect(problem(line)).toBeNull();
  });

  test.each([
    ['1.0', '# syntax=docker/dockerfile:1.0', 'pins `docker/dockerfile:1.0`'],
    ['1.1.2', '# syntax=docker/dockerfile:1.1.2', 'reads `RUN --mount` only from 1.2 on'],
    ['0.x', '# syntax=docker/dockerfile:0.9', 'only from 1.2 on'],
    ['a tag of no known form', '# syntax=docker/dockerfile:master', 'may not know'],
    ['spaces and another case in the directive', '#  Syntax = docker/dockerfile:1.0', 'pins'],
    ['another frontend', '# syntax=example.com/frontend:1', 'names the frontend'],
    ['the upstream image', '# syntax=docker/dockerfile-upstream:master', 'names the frontend'],
  ])('%s: refused', (_, line, reason) => {
    expect(problem(line)).toContain(reason);
  });
});

describe('pathsOverlap through the links of base images', () => {
  test.each([
    ['/lib/foo.conf', '/usr/lib/foo.conf'],
    ['/usr/lib', '/lib/x86_64-linux-gnu/libc.so.6'],
    ['/bin/sh', '/usr/bin'],
    ['/sbin/ldconfig', '/usr/sbin/ldconfig'],
    ['/lib64/ld.so', '/usr/lib64/ld.so'],
    ['/var/run/app.pid', '/run/app.pid'],
    ['/var/lock/x', '/run'],
    ['/var/run/lock/x', '/var/lock/x'],
    ['/usr/local/man/man1/a.1', '/usr/local/share/man/man1'],
    ['/etc/localtime', '/usr/share/zoneinfo/Etc/UTC'],
    ['/var', '/var/run/x'],
  ])('%s and %s may be the same file', (a, b) => {
    expect(pathsOverlap(a, b)).toBe(true);
    expect(pathsOverlap(b, a)).toBe(true);
  });

  test.each([
    ['/library/x', '/usr/library/x'],
    ['/usr/lib/x', '/usr/lib64/x'],
    ['/var/runner', '/run'],
    ['/tmp/a', '/tmp/b'],
  ])('%s and %s are different files', (a, b) => {
    expect(pathsOverlap(a, b)).toBe(false);
  });

  test('only the link side is mapped: /usr/bin does not lie in /bin as written', () => {
    expect(canonicalPath('/bin/sh')).toBe('/usr/bin/sh');
    expect(canonicalPath('/var/lock')).toBe('/run/lock');
    expect(mayBeWithin('/usr/bin/sh', '/bin')).toBe(true);
    expect(isWithin('/usr/bin/sh', '/bin')).toBe(false);
  });
});
