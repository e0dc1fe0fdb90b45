import { Keyword } from 'dockerfile-ast';
import type { DockerDocument } from './document';

/** Larger than any real Dockerfile; reading further is a mistake, not a job. */
export const MAX_BYTES = 1024 * 1024;

const KEYWORDS = new Set<string>(Object.values(Keyword));

/**
 * Decodes file bytes as a Dockerfile's text, or says in one phrase why they
 * are not one: binary, not UTF-8, empty or too large.
 */
export function decodeDockerfile(bytes: Uint8Array): { text: string } | { problem: string } {
  if (bytes.length > MAX_BYTES) {
    const mib = (bytes.length / 1024 / 1024).toFixed(1);
    return {
      problem: `file is ${mib} MiB; a Dockerfile over ${MAX_BYTES / 1024 / 1024} MiB is not read`,
    };
  }
  if (bytes.includes(0))
    return { problem: 'binary file (it contains a NUL byte), not a Dockerfile' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { problem: 'not valid UTF-8 text' };
  }
  return { text };
}

/** Says why a parsed text is not a Dockerfile dslim can rewrite, or null. */
export function checkDocument(doc: DockerDocument): string | null {
  // A file of blank lines is not empty: it has bytes, but no instruction in them.
  if (doc.text === '') return 'empty file';
  if (doc.text.trim() === '') return 'no instructions: only blank lines';
  const instructions = doc.instructions.filter((i) => !i.opaque);
  if (doc.instructions.length === 0) return 'no instructions: only comments or blank lines';
  const unknown = instructions.find((i) => !KEYWORDS.has(i.keyword));
  if (unknown) {
    return `line ${unknown.line + 1}: \`${shorten(unknown.node.getInstruction())}\` is not a Dockerfile instruction`;
  }
  const first = doc.instructions.find((i) => i.keyword !== 'ARG');
  if (first && first.keyword !== 'FROM') {
    return `line ${first.line + 1}: the first instruction is \`${first.keyword}\`; a Dockerfile starts with FROM (or ARG)`;
  }
  return null;
}

function shorten(word: string): string {
  return word.length > 30 ? `${word.slice(0, 27)}...` : word;
}
