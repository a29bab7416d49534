// Worker-thread entry for the token pool: counts one text or a batch, without the memo (the main
// thread owns it). Kept tiny so a worker starts fast; the encoder is built on its first task.
import { countUncached } from './count';
import type { EncodingName } from './encodings';

export interface CountTask {
  encoding: EncodingName;
  texts: string[];
}

export default function countTask(task: CountTask): number[] {
  const out = new Array<number>(task.texts.length);
  for (let i = 0; i < task.texts.length; i++) out[i] = countUncached(task.texts[i], task.encoding);
  return out;
}
