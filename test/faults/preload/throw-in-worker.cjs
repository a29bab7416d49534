'use strict';
// A -r preload that throws inside worker threads (workers inherit the process's execArgv).
if (!require('node:worker_threads').isMainThread) throw new Error('no workers here (fault matrix preload)');
