// Writes a brotli (.br) and a gzip (.gz) twin next to each file given, for the server to send
// to browsers that accept them (see server/src/assets.rs).
//   node scripts/precompress.mjs <brotli quality 1-11> <file>...
// Node's own zlib does both, so the build needs no other tool.
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const [quality, ...files] = process.argv.slice(2);
const q = Number(quality);
if (!(q >= 1 && q <= 11) || files.length === 0) {
  console.error('usage: node scripts/precompress.mjs <brotli quality 1-11> <file>...');
  process.exit(2);
}
for (const file of files) {
  const data = readFileSync(file);
  const br = brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: q,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
  writeFileSync(`${file}.br`, br);
  writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
  console.log(`${file}: ${data.length} bytes, brotli ${br.length}`);
}
