import { fix } from '../../src/index';
import { lines, transformTable } from '../harness';

transformTable('apt-no-recommends', {
  unchanged: [
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
      input: lines('FROM debian:12', 'RUN apt-get update && apt-get install -y curl'),
      output: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install --no-install-recommends -y curl',
      ),
      message: 'this changes what gets installed',
    },
    {
      name: 'apt install over lines',
      input: lines('FROM debian:12', 'RUN apt install \\', '      curl'),
      output: lines('FROM debian:12', 'RUN apt install --no-install-recommends \\', '      curl'),
    },
  ],
});

test('apt-no-recommends does not run unless content changes are allowed', async () => {
  const input = lines('FROM debian:12', 'RUN apt-get install -y curl');
  const result = await fix(input, { only: ['apt-no-recommends'] });
  expect(result.output).toBe(input);
});
