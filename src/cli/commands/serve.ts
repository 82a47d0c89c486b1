/** `tidemark serve`: the HTTP API (src/server). It holds the warehouse while it runs. */
import type { Command } from 'commander';
import { metaPathOf } from '../../accounts/index.js';
import { startServer } from '../../server/serve.js';
import { addCommonOptions, dbPathOf, parsePositiveInt, untilStopped, write, type CommonOptions } from '../output.js';
import { catalogPath, openCatalog } from './analysis.js';

interface ServeOpts extends CommonOptions {
  readonly port: string;
  readonly host: string;
  readonly catalog?: string;
  readonly secureCookies?: boolean;
  readonly maxUploadMb?: string;
}

export function registerServe(program: Command, version: string): void {
  const cmd = program
    .command('serve')
    .description('start the HTTP API (docs/api.md); it holds the warehouse while it runs')
    .option('--port <n>', 'port (0: any free port)', '8080')
    .option('--host <address>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--catalog <file>', 'catalog config with your own metrics (default: $TIDEMARK_CATALOG, else ./tidemark.catalog.json if present)')
    .option('--secure-cookies', 'always mark cookies Secure (behind an https proxy); default: when the request is https')
    .option('--max-upload-mb <n>', 'largest file upload (POST /api/imports) in MiB', '1024');
  addCommonOptions(cmd);
  cmd.action(async (opts: ServeOpts) => {
    const port = parsePositiveInt('--port', opts.port, { allowZero: true });
    const catalog = openCatalog({ ...(catalogPath(opts) ? { catalog: catalogPath(opts)! } : {}) });
    const maxUploadBytes = parsePositiveInt('--max-upload-mb', opts.maxUploadMb ?? '1024') * 1024 * 1024;
    const dbPath = dbPathOf(opts);
    const server = await startServer({ dbPath, catalog, port, host: opts.host, version, maxUploadBytes, ...(opts.secureCookies ? { secureCookies: true } : {}) });
    const users = server.meta.userCount();
    await write(
      `Tidemark API on ${server.url} (warehouse ${dbPath}; accounts ${metaPathOf(dbPath)}). Ctrl-C stops it.\n` +
        (users === 0 ? 'No users yet: create the first admin with `tidemark user add LOGIN --role admin`.\n' : ''),
      process.stderr,
    );
    await untilStopped();
    await server.close();
  });
}


