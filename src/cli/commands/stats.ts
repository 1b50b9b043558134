// `goroscope stats`: being built (docs/architecture.md names its owner). Replace this file.
import type { Register } from './index.js';
import { GoroscopeError, EXIT } from '../../errors.js';

export const register: Register = (program) => {
  program
    .command('stats')
    .description('restart count, state, CPU, memory, net and block I/O, like docker stats')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new GoroscopeError('not built yet', EXIT.SOFTWARE, 'stats');
    });
};
