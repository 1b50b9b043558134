// Preloaded with `node --import ./scripts/parse-only.mjs bin/goroscope.js ARGS…` by the docs-examples check: the
// real program parses ARGS (every option, argument and choice, as a user's command line would be), then, instead
// of running the command, prints what was parsed as one JSON line. This is how examples that need a Docker engine
// are checked without one: a misspelt flag or a missing argument fails exactly as it would for the user (exit 64).
// It works because commander is one module instance: the program built in dist/ uses the prototype patched here.
import { Command } from 'commander';

const action = Command.prototype.action;
Command.prototype.action = function (handler) {
  void handler;
  return action.call(this, (...params) => {
    const cmd = params[params.length - 1];
    const parsed = {
      command: cmd.name(),
      args: cmd.processedArgs.flat(),
      opts: cmd.opts(),
      globals: cmd.parent ? cmd.parent.opts() : {},
    };
    process.stdout.write(`${JSON.stringify(parsed)}\n`);
  });
};
