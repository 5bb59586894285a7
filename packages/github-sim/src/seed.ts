import type { AppSpec } from './apps/app-registry.js';
import type { WebhookSpec } from './webhooks/webhook-hub.js';
import type { SimControl } from './control/sim-control.js';
import type { QueueJobInput, RepoSpec, TokenInfo } from './control/seeding.js';

/** A JSON seed for a simulator: accounts, tokens, repositories and jobs to start with. */
export interface SimSeed {
  tokens?: Record<string, TokenInfo>;
  users?: { login: string }[];
  orgs?: { login: string; members?: string[] }[];
  repos?: RepoSpec[];
  jobs?: QueueJobInput[];
  webhooks?: WebhookSpec[];
  apps?: AppSpec[];
}

/** Applies a seed in order: users, organizations, tokens, repositories, webhooks, then jobs. */
export function applySeed(control: SimControl, seed: SimSeed): void {
  for (const user of seed.users ?? []) control.createUser(user);
  for (const org of seed.orgs ?? []) control.createOrg(org);
  for (const [token, info] of Object.entries(seed.tokens ?? {})) control.addToken(token, info);
  for (const app of seed.apps ?? []) control.addApp(app);
  for (const repo of seed.repos ?? []) control.createRepo(repo);
  for (const hook of seed.webhooks ?? []) control.addWebhook(hook);
  for (const job of seed.jobs ?? []) control.queueJob(job);
}
