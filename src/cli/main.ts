/**
 * The `tidemark` command. bin/tidemark.js imports this module, which runs the command line at once.
 * Conventions shared by every command (JSON vs tables, errors, exit codes) are in output.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerAudit } from './commands/audit.js';
import { registerCohorts } from './commands/cohorts.js';
import { registerCluster } from './commands/cluster.js';
import { registerDemo } from './commands/demo.js';
import { registerExport } from './commands/export.js';
import { registerImport } from './commands/import.js';
import { registerLifecycle } from './commands/lifecycle.js';
import { registerLog } from './commands/log.js';
import { registerMembers } from './commands/members.js';
import { registerMetrics } from './commands/metrics.js';
import { registerOverview } from './commands/overview.js';
import { registerDrill, registerQuery } from './commands/query.js';
import { registerReport } from './commands/report.js';
import { registerRepurchase } from './commands/repurchase.js';
import { registerRfm } from './commands/rfm.js';
import { registerRole } from './commands/role.js';
import { registerSegment } from './commands/segment.js';
import { registerServe } from './commands/serve.js';
import { registerSql } from './commands/sql.js';
import { registerStart } from './commands/start.js';
import { registerStatus } from './commands/status.js';
import { registerTags } from './commands/tags.js';
import { registerUser } from './commands/user.js';
import { registerValue } from './commands/value.js';
import { configureProgram, runProgram } from './output.js';

/** The version in package.json, found by walking up from this file (src/cli or dist/src/cli). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tidemark' && pkg.version) return pkg.version;
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

export function buildProgram(): Command {
  const program = new Command('tidemark');
  program
    .description('Tidemark: an open-source analytical CRM. Import messy customer and order files into one DuckDB warehouse, then analyse them.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help');
  // Before the commands are added, so they inherit it (errors → one `tidemark: …` line, exit 2).
  configureProgram(program);
  registerStart(program, packageVersion());
  registerStatus(program);
  registerImport(program);
  registerLog(program);
  registerOverview(program);
  registerMetrics(program);
  registerQuery(program);
  registerDrill(program);
  registerReport(program);
  registerRfm(program);
  registerLifecycle(program);
  registerCohorts(program);
  registerValue(program);
  registerRepurchase(program);
  registerMembers(program);
  registerSegment(program);
  registerTags(program);
  registerCluster(program);
  registerSql(program);
  registerExport(program);
  registerDemo(program);
  registerServe(program, packageVersion());
  registerUser(program);
  registerRole(program);
  registerAudit(program);
  program.addHelpText(
    'after',
    `
Every command takes --db PATH (default: $TIDEMARK_DB, else ./data/tidemark.duckdb) and --json.
Output is JSON when stdout is not a terminal. Exit codes: 0 ok, 1 failure, 2 bad usage or input.
Set TIDEMARK_DEBUG=1 for stack traces. Docs: docs/cli.md`,
  );
  return program;
}

export async function main(argv: readonly string[] = process.argv): Promise<number> {
  return runProgram(buildProgram(), argv);
}

process.exitCode = await main();
