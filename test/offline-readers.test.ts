import {
  APT_DOWNLOAD_ONLY,
  configSetting,
  NPM_OFFLINE,
  RPM_OFFLINE,
  switchedOn,
  ZYPPER_OFFLINE,
  type Switches,
} from '../src/offline-readers';
import type { Word } from '../src/shell-commands';

const words = (text: string): Word[] => text.split(' ').map((t) => ({ text: t, start: 0, end: 0 }));

describe('switchedOn', () => {
  test.each<[string, Switches, string, string | null]>([
    ['a plain option', NPM_OFFLINE, 'install --offline lodash', '--offline'],
    ['an option set to true', NPM_OFFLINE, 'install --offline=true', '--offline=true'],
    ['an option set to false', NPM_OFFLINE, 'install --offline=false', null],
    ['an option set to 0', NPM_OFFLINE, 'install --prefer-offline=0', null],
    ['`--no-offline`', NPM_OFFLINE, 'install --no-offline', null],
    ['a letter alone', RPM_OFFLINE, '-C install git', '-C'],
    ['a letter grouped', RPM_OFFLINE, '-yC install git', '-C'],
    ['another letter', RPM_OFFLINE, '-c /etc/yum.conf install git', null],
    ['a letter in an operand', RPM_OFFLINE, 'install C-lib', null],
    ['a setting in one word', RPM_OFFLINE, '--setopt=cacheonly=1 list', '--setopt cacheonly=1'],
    [
      'a setting in two words',
      RPM_OFFLINE,
      '--setopt cacheonly=True list',
      '--setopt cacheonly=True',
    ],
    ['a setting turned off', RPM_OFFLINE, '--setopt=cacheonly=none list', null],
    ['another setting', RPM_OFFLINE, '--setopt=keepcache=1 install git', null],
    [
      'an option with its value in the next word',
      ZYPPER_OFFLINE.downloadOnly!,
      'in --download only git',
      '--download only',
    ],
    [
      'an option with its value glued',
      ZYPPER_OFFLINE.downloadOnly!,
      'in --download=only git',
      '--download=only',
    ],
    [
      'an option with another value',
      ZYPPER_OFFLINE.downloadOnly!,
      'in --download in-advance git',
      null,
    ],
    [
      'a glued `-o` setting',
      APT_DOWNLOAD_ONLY,
      'install -oAPT::Get::Download-Only=1 curl',
      '-o APT::Get::Download-Only=1',
    ],
    [
      '`-o` with a setting of another name',
      APT_DOWNLOAD_ONLY,
      'install -o Dpkg::Use-Pty=0 curl',
      null,
    ],
  ])('%s', (_, switches, text, expected) => {
    expect(switchedOn(words(text), switches)).toBe(expected);
  });
});

describe('configSetting', () => {
  test.each([
    ['config set offline true', { key: 'offline', value: 'true', text: 'config set offline' }],
    [
      'set prefer-offline=true',
      { key: 'prefer-offline', value: 'true', text: 'set prefer-offline' },
    ],
    ['config set --global offline', { key: 'offline', value: null, text: 'config set offline' }],
    ['config --set offline true', { key: 'offline', value: 'true', text: 'config --set offline' }],
    ['config get offline', null],
    ['install offline', null],
  ])('%s', (text, expected) => {
    expect(configSetting(words(text))).toEqual(expected);
  });
});
