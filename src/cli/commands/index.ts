// The command list. Each module declares one command's arguments and options and imports its implementation lazily.
import type { Register } from '../context.js';
import { register as scan } from './scan.js';
import { register as check } from './check.js';
import { register as stats } from './stats.js';
import { register as watch } from './watch.js';
import { register as bundle } from './bundle.js';
import { register as trend } from './trend.js';
import { register as channels } from './channels.js';
import { register as review } from './review.js';
import { register as goroutines } from './goroutines.js';
import { register as alert } from './alert.js';
import { register as doctor } from './doctor.js';

export const COMMANDS: Register[] = [scan, check, stats, watch, bundle, trend, channels, review, goroutines, alert, doctor];
