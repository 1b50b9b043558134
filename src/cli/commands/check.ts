// `goroscope check`: being built (docs/architecture.md names its owner). Replace this file.
import type { Register } from './index.js';
import { GoroscopeError, EXIT } from '../../errors.js';

export const register: Register = (program) => {
  program
    .command('check')
    .description('the quick check: verdict and exit code 0 ok, 1 warning, 2 critical, 3 unknown')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new GoroscopeError('not built yet', EXIT.SOFTWARE, 'check');
    });
};
