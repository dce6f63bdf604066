import { parentPort, workerData } from 'node:worker_threads';
import { runFit, type FitInput } from './clv.fit';

/** The worker thread of runFitInWorker: one fit, its result posted back. */
parentPort!.postMessage(runFit(workerData as FitInput));
