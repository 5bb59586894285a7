import type { AppRegistry } from './apps/app-registry.js';
import type { FaultSet } from './control/faults.js';
import type { RequestCounter } from './control/counters.js';
import type { RunnerService } from './engine/runner-service.js';
import type { ScaleSetService } from './engine/scale-sets/scale-set-service.js';
import type { SimStore } from './state/store.js';
import type { WebhookHub } from './webhooks/webhook-hub.js';

/** What the simulator's routes share: state, engines, faults and counters. Built once per simulator. */
export interface SimContext {
  store: SimStore;
  runnerService: RunnerService;
  /** The Actions service's runner scale sets (sessions, message queues, assignment). */
  scaleSets: ScaleSetService;
  faults: FaultSet;
  counter: RequestCounter;
  webhooks: WebhookHub;
  apps: AppRegistry;
  /** Origin to put in URLs instead of the one a request arrived at (for a simulator behind a proxy or in compose). */
  publicUrl: string | undefined;
}
