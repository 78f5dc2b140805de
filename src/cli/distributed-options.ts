/**
 * The options `run` and `sweep` take for running on several machines: a Redis queue of units
 * (BullMQ) or a Slurm job array. Plain data, so the command line is built without loading them.
 */
export const DISTRIBUTED_OPTIONS = {
  queue: {
    type: 'string',
    describe:
      'Run the units through a Redis queue: redis://HOST:PORT/DB (rediss:// for TLS, redis://:PASSWORD@... with a password; --queue alone reads MOTIONFUSE_QUEUE, which keeps a password out of `ps`); start `motionfuse worker` on other machines',
  },
  'queue-name': {
    type: 'string',
    default: 'motionfuse',
    describe: 'The BullMQ queue (coordinator and workers must name the same one)',
  },
  'local-workers': {
    type: 'boolean',
    default: true,
    describe:
      'With --queue: this machine trains units too (--workers of them at once); --no-local-workers only coordinates',
  },
  'lock-duration': {
    type: 'number',
    default: 30_000,
    describe: "With --queue: ms before a dead worker's unit goes to another worker (also the stalled-check interval)",
  },
  emit: {
    choices: ['slurm'] as const,
    describe: 'Write the run folder and a Slurm job-array script (one task per missing unit) instead of running',
  },
  partition: { type: 'string', describe: 'With --emit slurm: #SBATCH --partition' },
  time: { type: 'string', describe: 'With --emit slurm: #SBATCH --time (e.g. 02:00:00)' },
  'cpus-per-task': { type: 'number', describe: 'With --emit slurm: #SBATCH --cpus-per-task' },
  mem: { type: 'string', describe: 'With --emit slurm: #SBATCH --mem (e.g. 8G)' },
  sbatch: {
    type: 'array',
    string: true,
    default: [] as string[],
    describe: 'With --emit slurm: another #SBATCH option, as KEY=VALUE (--sbatch account=lab --sbatch gres=gpu:1)',
  },
} as const;
