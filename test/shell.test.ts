import { fix } from '../src/index';
import { loadShellParser, withShellTree, type ShellNode } from '../src/shell';
import { analyzeScript } from '../src/shell-effects';
import { listCommands } from '../src/shell-commands';
import { lines } from './harness';

beforeAll(loadShellParser);

/** The tree as nested `[type, text]`, named nodes only, words left out. */
function outline(node: ShellNode): unknown {
  const inner = node.namedChildren.filter((c) => !/word|name|descriptor|number/.test(c.type));
  return inner.length === 0 ? node.text : [node.type, ...inner.map(outline)];
}

/** Checks that every child points back at the node that holds it. */
function parentsAgree(node: ShellNode): boolean {
  return node.children.every((c) => c.parent === node && parentsAgree(c));
}

describe('a redirection or pipe after the last link of a list belongs to that link', () => {
  test.each([
    ['a && b > f', ['program', ['list', 'a', ['redirected_statement', 'b', '> f']]]],
    [
      'a || b 2>&1 | c',
      ['program', ['list', 'a', ['pipeline', ['redirected_statement', 'b', '2>&1'], 'c']]],
    ],
    [
      'a && b || c >> /f',
      ['program', ['list', ['list', 'a', 'b'], ['redirected_statement', 'c', '>> /f']]],
    ],
    [
      '{ a; b; } > f',
      ['program', ['redirected_statement', ['compound_statement', 'a', 'b'], '> f']],
    ],
  ])('%s', (script, expected) => {
    withShellTree(script, (root) => {
      expect(outline(root)).toEqual(expected);
      expect(parentsAgree(root)).toBe(true);
    });
  });

  test('so `a && b > f` is a plain `&&` chain and `a || b > f` is not', () => {
    expect(analyzeScript('a && b > f').andChainOnly).toBe(true);
    expect(analyzeScript('a || b > f').andChainOnly).toBe(false);
  });

  test('so merge-runs groups a RUN that is an `||` list with a redirection', async () => {
    const result = await fix(
      lines(
        'FROM debian',
        'RUN curl -fsSL https://example.test/tool -o /usr/local/bin/tool',
        'RUN grep -q tool /etc/shells || echo /usr/local/bin/tool >> /etc/shells',
      ),
    );
    // Without the brackets a failing curl would let the echo run and the build pass.
    expect(result.output).toBe(
      lines(
        'FROM debian',
        'RUN curl -fsSL https://example.test/tool -o /usr/local/bin/tool && \\',
        '    ( grep -q tool /etc/shells || echo /usr/local/bin/tool >> /etc/shells )',
      ),
    );
  });
});

describe('a script nested deeper than the analyses can follow', () => {
  const deep = Array.from({ length: 8000 }, (_, i) => `echo ${i}`).join(' && ');

  test('is unreadable, for its size, instead of overflowing the stack', () => {
    expect(analyzeScript(deep).readable).toBe(false);
    expect(analyzeScript(deep).tooDeep).toBe(true);
    expect(listCommands(deep)).toEqual([]);
  });

  test('is left as it is, with the reason: its size, not its syntax', async () => {
    const input = lines('FROM debian', `RUN ${deep}`, 'RUN echo done');
    const result = await fix(input);
    expect(result.output).toBe(input);
    expect(result.notes.map((n) => n.message)).toEqual([
      'Leaves this `RUN` apart from the one before: one of the two scripts nests deeper than the 1000 levels dslim reads (a chain of about 1000 commands), so their meaning once joined is not worked out.',
    ]);
  });

  test('a script with a syntax error is not too deep', () => {
    expect(analyzeScript('echo a ;;').readable).toBe(false);
    expect(analyzeScript('echo a ;;').tooDeep).toBe(false);
  });

  test('a long chain within the limit is still read', () => {
    const long = Array.from({ length: 500 }, (_, i) => `echo ${i}`).join(' && ');
    expect(analyzeScript(long).readable).toBe(true);
    expect(listCommands(long)).toHaveLength(500);
  });
});

describe('a script the parser reads but dash and bash reject', () => {
  test.each([
    'echo a ;;',
    'echo a;;',
    'apt-get update;;',
    'echo $(echo a;;)',
    'fi',
    'echo a; done',
    '! fi',
    '{ }',
    'if a; then fi',
    'if a; then b; else fi',
    'while a; do done',
  ])('%j is unreadable', (script) => {
    expect(analyzeScript(script).readable).toBe(false);
  });

  test.each([
    'case $x in a) echo;; esac',
    'case $x in a) ;; esac',
    'x=1 fi',
    '"fi"',
    'echo a } done',
    'if a; then # note\n b; fi',
  ])('%j is still read', (script) => {
    expect(analyzeScript(script).readable).toBe(true);
  });

  test('is left as it is by every transform', async () => {
    const input = lines('FROM debian', 'RUN apt-get update;;', 'RUN apt-get install -y curl;;');
    const result = await fix(input, { safety: ['layout', 'cache', 'content'] });
    expect(result.output).toBe(input);
  });
});
