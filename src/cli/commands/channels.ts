// `goroscope channels`: being built (docs/architecture.md names its owner). Replace this file.
import type { Register } from './index.js';
import { GoroscopeError, EXIT } from '../../errors.js';

export const register: Register = (program) => {
  program
    .command('channels')
    .description('channels ranked by relay errors in a window or around a spike')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new GoroscopeError('not built yet', EXIT.SOFTWARE, 'channels');
    });
};
