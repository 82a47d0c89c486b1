/** A problem with the input: names the file and, where known, line and column. Exit code 2, warehouse untouched. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
    readonly column?: string | number,
  ) {
    const where = [file, line !== undefined ? `line ${line}` : undefined, column !== undefined ? `column ${column}` : undefined].filter(Boolean).join(', ');
    super(`${where}: ${detail}`);
  }
}
