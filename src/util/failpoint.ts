/**
 * Failpoints let crash tests stop a process at an exact point (e.g. inside an import's transaction)
 * and kill it there. Inert unless TIDEMARK_FAILPOINT names the point.
 */
export async function failpoint(name: string): Promise<void> {
  if (process.env.TIDEMARK_FAILPOINT !== name) return;
  process.stderr.write(`failpoint ${name} reached\n`);
  await new Promise<never>(() => setInterval(() => undefined, 60_000));
}
