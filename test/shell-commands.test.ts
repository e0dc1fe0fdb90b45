import { listCommands } from '../src/shell-commands';
import { loadShellParser } from '../src/shell';

beforeAll(loadShellParser);

describe('listCommands: the variables earlier statements set for each command', () => {
  test.each([
    ['export NAME=1 && pip install x', [['NAME']]],
    ['declare -x NAME=1; local L; readonly R=2; typeset T=3; run', [['NAME', 'L', 'R', 'T']]],
    ['NAME=1; export NAME; run', [['NAME']]],
    ['unset NAME && run', [['NAME']]],
    ['for f in a b; do run "$f"; done', [['f']]],
    ['NAME=1 run && next', [[], []]],
    ['run && export NAME=1', [[]]],
    ['(export NAME=1) && run', [[]]],
    ['export NAME=$(printenv A) | cat; run', [[], [], []]],
  ])('%s', (script, expected) => {
    expect(listCommands(script).map((c) => c.setEarlier)).toEqual(expected);
  });
});

/** Each command as `name arg…`, with `[readOnly]`, `<hidden>` and `{assignments}` when set. */
function shown(script: string): string[] {
  return listCommands(script).map((c) =>
    [
      c.name,
      ...c.args.map((w) => w.text),
      ...(c.readOnly ? [`[${c.readOnly}]`] : []),
      ...(c.hidden ? ['<hidden>'] : []),
      ...(c.assignments.length > 0 ? [`{${c.assignments.join(',')}}`] : []),
    ].join(' '),
  );
}

describe('listCommands: the program a wrapper runs', () => {
  test.each([
    ['sudo apt-get install -y a', ['apt-get install -y a']],
    ['sudo -u app -E npm ci', ['npm ci']],
    ['sudo --user=app npm ci', ['npm ci']],
    ['env VAR=x apt-get install -y b', ['apt-get install -y b {VAR}']],
    ['env -i -u HOME A=1 B=2 apk add git', ['apk add git {A,B}']],
    ['env', ['env']],
    ['env -S "apk add git"', ['env -S apk add git <hidden>']],
    ['env -v apk add git', ['apk add git']],
    ['command apt-get install -y b', ['apt-get install -y b']],
    ['command -p apt-get install -y b', ['apt-get install -y b']],
    ['command -v apt-get', ['command -v apt-get']],
    ['exec -a name -cl apt-get install -y b', ['apt-get install -y b']],
    ['exec >log', ['exec']],
    ['time -p apt-get install -y b', ['apt-get install -y b']],
    ['nice -n 10 apt-get install -y b', ['apt-get install -y b']],
    ['nice -5 apt-get install -y b', ['apt-get install -y b']],
    ['nohup apt-get install -y b', ['apt-get install -y b']],
    ['timeout -s KILL --kill-after=5 300 apt-get install -y b', ['apt-get install -y b']],
    ['stdbuf -oL -e 0 apt-get install -y b', ['apt-get install -y b']],
    ['ionice -c 3 apt-get install -y b', ['apt-get install -y b']],
    ['ionice -p 1', ['ionice -p 1']],
    ['chrt -b 0 apt-get install -y b', ['apt-get install -y b']],
    ['sudo env A=1 nice timeout 60 apk add git', ['apk add git {A}']],
    ['xargs apt-get install -y < pkgs.txt', ['apt-get install -y [xargs]']],
    ['xargs -r -n 1 -I {} pip install {} < reqs', ['pip install {} [xargs]']],
    ['xargs -0 < list', ['echo [xargs]']],
    [
      "sh -c 'apt-get update && apt-get install -y a'",
      [
        'sh -c apt-get update && apt-get install -y a',
        'apt-get update [sh -c]',
        'apt-get install -y a [sh -c]',
      ],
    ],
    [
      'sudo /bin/bash -ec "env X=1 apk add git"',
      ['/bin/bash -ec env X=1 apk add git', 'apk add git [bash -c] {X}'],
    ],
    ['sh -c "apk add $PKG"', ['sh -c apk add $PKG']],
    ['sh script.sh -c x', ['sh script.sh -c x']],
    ['doas -u app apk add git', ['apk add git']],
    ['doas -C /etc/doas.conf apk add git', ['doas -C /etc/doas.conf apk add git']],
  ])('%s', (script, expected) => {
    expect(shown(script)).toEqual(expected);
  });

  describe('user switchers', () => {
    test.each([
      [
        "su -c 'apt-get install -y curl'",
        ['su -c apt-get install -y curl', 'apt-get install -y curl [su -c]'],
      ],
      ["su root -c 'apt-get update'", ['su root -c apt-get update', 'apt-get update [su -c]']],
      ["su - app -c 'npm ci'", ['su - app -c npm ci', 'npm ci [su -c]']],
      [
        "su -s /bin/sh -c 'pip install x' app",
        ['su -s /bin/sh -c pip install x app', 'pip install x [su -c]'],
      ],
      ["su -lc 'apk add git' app", ['su -lc apk add git app', 'apk add git [su -c]']],
      [
        "sudo su --session-command 'apk add git'",
        ['su --session-command apk add git', 'apk add git [su -c]'],
      ],
      ['su app script.sh', ['su app script.sh']],
      ["su --command='apk add git' app", ["su --command='apk add git' app <hidden>"]],
      [
        "su -s /usr/bin/python3 -c 'import os' app",
        ['su -s /usr/bin/python3 -c import os app <hidden>'],
      ],
      ["su --bogus -c 'apk add git'", ['su --bogus -c apk add git <hidden>']],
      ['runuser -u app -- pip install x', ['pip install x']],
      ['runuser -u app pip install x', ['pip install x [runuser]']],
      ["runuser -l app -c 'npm ci'", ['runuser -l app -c npm ci', 'npm ci [runuser -c]']],
      ['setpriv --reuid=1000 --regid=1000 --init-groups npm ci', ['npm ci']],
      ['setpriv --reuid 1000 --regid 1000 --clear-groups npm ci', ['npm ci']],
      ['setpriv --reu 1000 npm ci', ['setpriv --reu 1000 npm ci <hidden>']],
      ['setpriv --dump', ['setpriv --dump']],
      ['gosu app npm ci', ['npm ci']],
      ['gosu app:app -- npm ci', ['-- npm ci']],
      ['su-exec app:app apk add git', ['apk add git']],
    ])('%s', (script, expected) => {
      expect(shown(script)).toEqual(expected);
    });
  });

  describe('roots, namespaces, locks and other runners', () => {
    test.each([
      [
        'chroot /target apt-get install -y curl',
        ['chroot /target apt-get install -y curl <hidden>'],
      ],
      [
        'chroot --userspec=1:1 / apt-get update',
        ['chroot --userspec=1:1 / apt-get update <hidden>'],
      ],
      ['sudo chroot / apk add git', ['chroot / apk add git <hidden>']],
      ['chroot --help', ['chroot --help']],
      ['unshare -n -- pip install x', ['pip install x']],
      ['unshare --net --mount=/x -w /src pip install x', ['pip install x']],
      ['unshare -R /target apt-get update', ['unshare -R /target apt-get update <hidden>']],
      ['unshare --bogus pip install x', ['unshare --bogus pip install x <hidden>']],
      ['flock /tmp/lock apt-get install -y a', ['apt-get install -y a']],
      [
        'flock -x -w 10 /tmp/lock -c "apt-get install -y a"',
        ['flock -x -w 10 /tmp/lock -c apt-get install -y a', 'apt-get install -y a [flock -c]'],
      ],
      ['flock 9', ['flock 9']],
      ["busybox sh -c 'apk add git'", ['sh -c apk add git', 'apk add git [sh -c]']],
      ['busybox wget -q http://x/y', ['wget -q http://x/y']],
      ['busybox --install -s', ['busybox --install -s']],
      ['eatmydata apt-get install -y a', ['apt-get install -y a']],
      ['eatmydata -- apt-get install -y a', ['apt-get install -y a']],
      ['fakeroot -u -- dpkg -i x.deb', ['dpkg -i x.deb']],
      ['catchsegv pip install x', ['pip install x']],
      ['strace -f -o /tmp/log pip install x', ['pip install x']],
      ['strace --trace=file pip install x', ['strace --trace=file pip install x <hidden>']],
      ['taskset -c 0 make', ['make']],
      ['setsid -f make', ['make']],
      ['timeout 10 -s KILL make', ['-s KILL make']],
    ])('%s', (script, expected) => {
      expect(shown(script)).toEqual(expected);
    });
  });

  describe('interpreters running a program file', () => {
    test.each([
      ['php composer.phar install', ['composer.phar install']],
      [
        'php -d memory_limit=-1 /usr/local/bin/composer install',
        ['/usr/local/bin/composer install'],
      ],
      ['php8.2 -dmemory_limit=-1 -n composer.phar install', ['composer.phar install']],
      ['php -f composer.phar install', ['composer.phar install']],
      ["php -r 'echo 1;'", ['php -r echo 1;']],
      ['php --ini', ['php --ini']],
      ['php -Z x.php', ['php -Z x.php <hidden>']],
    ])('%s', (script, expected) => {
      expect(shown(script)).toEqual(expected);
    });
  });

  test.each([
    [
      'chroot /t apk add git',
      'it runs its program under another root directory, so dslim cannot tell which files that program uses',
    ],
    [
      'env -S "apk add git"',
      'it splits the program it runs out of a string (`-S`), which dslim does not read',
    ],
    [
      'setpriv --reu 1000 npm ci',
      'dslim does not know its option `--reu`, so cannot tell which word is the program it runs',
    ],
    [
      "su --command='apk add git'",
      'its script is glued to `--command`, where dslim does not read it',
    ],
    [
      "su -s /usr/bin/python3 -c 'x'",
      'it runs its script with `/usr/bin/python3`, which is not a shell dslim reads',
    ],
  ])('why `%s` hides its program', (script, why) => {
    expect(listCommands(script)[0].hidden).toBe(why);
  });

  test('a command of a `sh -c` script lies inside the script word, in its order', () => {
    const script = "a && sh -c 'b; c' && d";
    const starts = listCommands(script).map((c) => [c.name, c.start, c.end, c.andElement]);
    expect(starts).toEqual([
      ['a', 0, 1, { start: 0, end: 5 }],
      ['sh', 5, 17, expect.anything()],
      ['b', 12, 13, null],
      ['c', 15, 16, null],
      ['d', 21, 22, expect.anything()],
    ]);
  });

  test('variables set for `sh -c` count as set for the commands of its script', () => {
    const inner = listCommands("export P=1 && Q=2 sh -c 'pip install x'").at(-1)!;
    expect([inner.name, [...inner.setEarlier].sort()]).toEqual(['pip', ['P', 'Q']]);
  });
});

describe('listCommands: the user a wrapper runs the program as', () => {
  test.each([
    ['npm ci', ['npm: -']],
    ['sudo npm ci', ['npm: root']],
    ['sudo -E -H npm ci', ['npm: root']],
    ['sudo -u app npm ci', ['npm: app']],
    ['sudo -uapp npm ci', ['npm: app']],
    ['sudo --user=app npm ci', ['npm: app']],
    ['sudo --user app:staff npm ci', ['npm: app:staff']],
    ["sudo -u '#1000' npm ci", ['npm: #1000']],
    ['sudo -g staff npm ci', ['npm: -']],
    ['sudo -g staff -u app npm ci', ['npm: app']],
    ['sudo env A=1 npm ci', ['npm: root']],
    ['doas npm ci', ['npm: root']],
    ['doas -u app npm ci', ['npm: app']],
    ['gosu app npm ci', ['npm: app']],
    ['gosu 1000:1000 npm ci', ['npm: 1000:1000']],
    ['gosu $APP_USER npm ci', ['npm: $APP_USER']],
    ['su-exec app:app npm ci', ['npm: app:app']],
    ["su -c 'npm ci'", ['su: root', 'npm: root']],
    ["su app -c 'npm ci'", ['su: app', 'npm: app']],
    ["su - app -c 'npm ci'", ['su: app', 'npm: app']],
    ["su -c 'npm ci' app", ['su: app', 'npm: app']],
    ["su -l -s /bin/sh app -c 'npm ci'", ['su: app', 'npm: app']],
    ['runuser -u app -- npm ci', ['npm: app']],
    ['runuser --user=app -- npm ci', ['npm: app']],
    ["runuser -l app -c 'npm ci'", ['runuser: app', 'npm: app']],
    ['setpriv --reuid=1000 --regid=1000 --init-groups npm ci', ['npm: 1000']],
    ['setpriv --reuid app npm ci', ['npm: app']],
    ['setpriv --ruid=1000 --euid=1000 npm ci', ['npm: 1000']],
    ['setpriv --ruid=1000 --euid=0 npm ci', ['npm: ?']],
    ['setpriv --euid=1000 npm ci', ['npm: 1000']],
    ['setpriv --no-new-privs npm ci', ['npm: -']],
    ['setpriv --reu 0 npm ci', ['setpriv: ?']],
    ['chroot --userspec=app:app /target npm ci', ['chroot: app:app']],
    ['chroot /target npm ci', ['chroot: -']],
    ['unshare --setuid 1000 --user npm ci', ['npm: ?']],
    ['unshare --map-root-user npm ci', ['npm: -']],
    ['fakeroot npm ci', ['npm: -']],
    ['env A=1 nice npm ci', ['npm: -']],
    ['gosu app sudo npm ci', ['npm: root']],
    ['sudo -u app gosu root npm ci', ['npm: root']],
    ['sudo gosu app env A=1 npm ci', ['npm: app']],
    ['busybox su app -c "npm ci"', ['su: app', 'npm: app']],
    ["sudo sh -c 'gosu app npm ci && npm ci'", ['sh: root', 'npm: app', 'npm: root']],
    ["su app -c 'sudo npm ci'", ['su: app', 'npm: root']],
  ])('%s', (script, expected) => {
    expect(listCommands(script).map((c) => `${c.name}: ${c.user ?? '-'}`)).toEqual(expected);
  });
});
