/** Writes `docs/transforms/` from the transform metadata: `npm run docs`. */
import { resolve } from 'node:path';
import { DOCS_DIR, writeDocs } from '../src/docs';
import { listAdvisories, listTransforms } from '../src/index';

const root = resolve(__dirname, '..', '..');
const pages = writeDocs(root, listTransforms(), listAdvisories());
process.stdout.write(`wrote ${pages.length} pages to ${DOCS_DIR}\n`);
