// `goroscope scan`: being built (docs/architecture.md names its owner). Replace this file.
import type { Register } from './index.js';
import { GoroscopeError, EXIT } from '../../errors.js';

export const register: Register = (program) => {
  program
    .command('scan')
    .description('events from containers, log files, bundles or stdin')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new GoroscopeError('not built yet', EXIT.SOFTWARE, 'scan');
    });
};
