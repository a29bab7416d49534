// Writes the compact vocabulary files (table-file.ts) next to the compiled encoder. Run by `make build`
// after tsc: `node dist/cjs/accelerators/tokens/build-tables.js [dir]`. From the rank lists of the
// gpt-tokenizer dependency; the tests check every encoding built from these files against tiktoken.
import path from 'node:path';
import { ENCODINGS, loadRankList } from './encodings';
import { writeTableFile } from './table-file';
import { rankListData } from './tables';

export function buildTables(dir: string): string[] {
  return ENCODINGS.map((name) => writeTableFile(dir, name, rankListData(loadRankList(name))));
}

if (require.main === module) {
  const dir = process.argv[2] ?? path.join(__dirname, 'tables');
  for (const file of buildTables(dir)) console.log(`tokens: ${path.relative(process.cwd(), file)}`);
}
