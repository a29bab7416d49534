// Placeholder until the profiling commands land (issue 7).
import { UsageError } from '../args';

export async function profileCommand(argv: string[]): Promise<number> {
  throw new UsageError(`profile ${argv[0] ?? ''} is not implemented yet`);
}
