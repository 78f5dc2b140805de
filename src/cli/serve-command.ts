import type { Argv } from 'yargs';

/** `motionfuse serve DIR`: the browser page that runs exported models (src/deploy/serve-page.ts). */
export function serveCommand<T>(cli: Argv<T>): Argv<T> {
  return cli.command(
    'serve <dir>',
    'Serve a page (127.0.0.1) that runs exported models in the browser on recorded sessions',
    (y) =>
      y
        .positional('dir', {
          type: 'string',
          demandOption: true,
          describe: 'The --out folder of `motionfuse deploy`, a run folder with saved models, or one model folder',
        })
        .option('port', { type: 'number', default: 0, describe: 'Port on 127.0.0.1 (0: a free one)' }),
    async (args) => {
      const { servePage } = await import('../deploy/serve-page.ts');
      const served = await servePage(args.dir as string, args.port);
      console.log(
        `serving ${served.models.length} model${served.models.length === 1 ? '' : 's'} at ${served.url} (Ctrl-C stops)`,
      );
      await new Promise<void>((done) => {
        process.once('SIGINT', () => void served.close().then(done));
        process.once('SIGTERM', () => void served.close().then(done));
      });
    },
  );
}
