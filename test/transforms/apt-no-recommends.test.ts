import { fix } from '../../src/index';
import { lines, transformTable } from '../harness';

transformTable('apt-no-recommends', {
  unchanged: [
    {
      name: 'curl on a slim Debian with nothing else giving the certificates',
      input: lines(
        'FROM debian:bookworm-slim',
        'RUN apt-get update && apt-get install -y build-essential curl && rm -rf /var/lib/apt/lists/*',
        'RUN curl -fsSL https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz | tar xz',
      ),
      reason: 'ca-certificates reaches the image only as a recommendation of curl',
      note: 'Leaves `apt-get install` as it is: `curl` only recommends `ca-certificates`, and nothing else here installs it, so without recommends HTTPS downloads (`curl https://…`, `git clone`) fail on the certificate. Adding `ca-certificates` to the packages would let dslim apply it.',
    },
    {
      name: 'git with a release, ca-certificates only in a later RUN',
      input: lines(
        'FROM ubuntu:24.04',
        'RUN apt-get install -y -t noble git/noble',
        'RUN apt-get install -y --no-install-recommends ca-certificates',
      ),
      reason: 'a later install does not help the RUNs before it',
      note: '`git` only recommends `ca-certificates`',
    },
    {
      name: 'libcurl through sudo',
      input: lines('FROM debian:12', 'RUN sudo apt-get install -y libcurl4-openssl-dev:amd64'),
      reason: 'libcurl recommends ca-certificates too',
      note: '`libcurl4-openssl-dev` only recommends',
    },
    {
      name: 'already off',
      input: lines('FROM debian:12', 'RUN apt-get install -y --no-install-recommends curl'),
      reason: 'the flag is there',
    },
    {
      name: 'off through an apt option',
      input: lines(
        'FROM debian:12',
        'RUN apt-get -o APT::Install-Recommends=false install -y curl',
      ),
      reason: 'the option already turns recommends off',
    },
    {
      name: 'exec form',
      input: lines('FROM debian:12', 'RUN ["apt-get", "install", "-y", "curl"]'),
      reason: 'no shell reads an exec-form RUN',
      note: 'exec-form (JSON) RUN',
    },
  ],
  changed: [
    {
      name: 'apt-get install',
      input: lines('FROM debian:12', 'RUN apt-get update && apt-get install -y make'),
      output: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install --no-install-recommends -y make',
      ),
      message: 'this changes what gets installed',
    },
    {
      name: 'apt install over lines',
      input: lines('FROM debian:12', 'RUN apt install \\', '      make'),
      output: lines('FROM debian:12', 'RUN apt install --no-install-recommends \\', '      make'),
    },
    {
      name: 'curl with ca-certificates in the same install',
      input: lines(
        'FROM debian:bookworm-slim',
        'RUN apt-get install -y ca-certificates curl=7.88.1-10',
      ),
      output: lines(
        'FROM debian:bookworm-slim',
        'RUN apt-get install --no-install-recommends -y ca-certificates curl=7.88.1-10',
      ),
    },
    {
      name: 'git after an earlier RUN installed ca-certificates',
      input: lines(
        'FROM ubuntu:24.04',
        'RUN apt-get install -y ca-certificates',
        'RUN apt-get install -y git',
      ),
      output: lines(
        'FROM ubuntu:24.04',
        'RUN apt-get install --no-install-recommends -y ca-certificates',
        'RUN apt-get install --no-install-recommends -y git',
      ),
    },
    {
      name: 'wget in a stage built on one that installed ca-certificates',
      input: lines(
        'FROM debian:12 AS base',
        'RUN apt-get install -y -o Dpkg::Use-Pty=0 ca-certificates',
        'FROM base',
        'RUN apt-get install -y wget',
      ),
      output: lines(
        'FROM debian:12 AS base',
        'RUN apt-get install --no-install-recommends -y -o Dpkg::Use-Pty=0 ca-certificates',
        'FROM base',
        'RUN apt-get install --no-install-recommends -y wget',
      ),
    },
    {
      name: 'curl on an official image that has ca-certificates',
      input: lines('FROM python:3.12-slim', 'RUN apt-get install -y curl'),
      output: lines('FROM python:3.12-slim', 'RUN apt-get install --no-install-recommends -y curl'),
    },
  ],
});

test('apt-no-recommends does not run unless content changes are allowed', async () => {
  const input = lines('FROM debian:12', 'RUN apt-get install -y curl');
  const result = await fix(input, { only: ['apt-no-recommends'] });
  expect(result.output).toBe(input);
});
