'use strict';
// A -r preload that ends every worker thread FAULT_WORKER_EXIT_MS after it starts (process.exit in
// a worker ends that thread): at 0 the worker dies before its first task, later it dies mid-task.
const { isMainThread } = require('node:worker_threads');
if (!isMainThread) setTimeout(() => process.exit(1), Number(process.env.FAULT_WORKER_EXIT_MS ?? 0));
