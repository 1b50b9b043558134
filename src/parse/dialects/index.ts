// Every dialect, in the order the fold asks them (for a line's first character, the first that knows it wins).
// A new fork: one file in this directory, one entry here, one table test in test/parse/dialects/.
import type { Dialect } from '../dialect.js';
import { ezlinkaiJson } from './ezlinkai-json.js';
import { gin, ginDebug } from './gin.js';
import { ginRecovery } from './gin-recovery.js';
import { goCrash } from './go-crash.js';
import { gorm } from './gorm.js';
import { mysql } from './mysql.js';
import { oneapi } from './oneapi.js';
import { onehubZap } from './onehub-zap.js';
import { stdlog } from './stdlog.js';

export const DIALECTS: readonly Dialect[] = [
  // `[`: access lines are the bulk of a busy gateway's log, then app lines
  gin,
  oneapi,
  mysql,
  ginDebug,
  // (gorm, below with the digits, also takes an `[error] …` line that lost its head line)
  // `{"ts":`
  ezlinkaiJson,
  // digits: zap's `2025/01/05 - …` before the std-log family, whose generic member comes last
  onehubZap,
  ginRecovery,
  gorm,
  stdlog,
  // `panic: `, `fatal error: `
  goCrash,
];
