// Writes every vector of the C2SP age testkit (npm package cctv-age) as a file, named as the
// package names it, into the folder given as --out. Prints the number written.
// Usage: node tests/node/scripts/age-vectors.mjs --out <folder>
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, required } from './args.mjs';

const args = parseArgs();
const out = required(args, 'out');
const vectors = await import('cctv-age');
mkdirSync(out, { recursive: true });
let count = 0;
for (const [name, bytes] of Object.entries(vectors)) {
  if (name === 'default' || !(bytes instanceof Uint8Array)) continue;
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected vector name '${name}'`);
  writeFileSync(join(out, name), bytes);
  count++;
}
if (count === 0) throw new Error('cctv-age exported no vectors');
console.log(count);
