import { createHmac, randomUUID } from 'node:crypto';
import type { SimStore } from '../state/store.js';
import type { JobAction } from '../state/store.js';
import type { SimJob } from '../state/types.js';
import type { Urls } from '../http/urls.js';
import { SimInputError } from '../engine/errors.js';
import { repoContext, serializeOrgForWebhook, workflowJobPayload } from './payloads.js';
import { signWebhookBody } from './sign.js';

/** A webhook to deliver to: on one repository, one organization, or (neither) every repository. */
export interface WebhookSpec {
  url: string;
  /** Signs deliveries (`X-Hub-Signature-256`) when set. */
  secret?: string;
  /** Default `['workflow_job']`; `*` for all. */
  events?: string[];
  /** `owner/name`. */
  repo?: string;
  org?: string;
  /** Send the `ping` GitHub sends when a hook is created (default true). */
  ping?: boolean;
}

/** One delivery attempt, as GitHub's "Recent Deliveries" lists it. */
export interface WebhookDelivery {
  /** The `X-GitHub-Delivery` GUID; a redelivery reuses it. */
  guid: string;
  hookId: number;
  event: string;
  action: string | undefined;
  /** The HTTP status the receiver answered, or 0 when it could not be reached. */
  status: number;
  error?: string;
  redelivery: boolean;
  deliveredAt: string;
  durationMs: number;
  /** The exact body sent. */
  body: string;
}

interface Hook {
  id: number;
  spec: WebhookSpec;
  createdAt: string;
  /** Deliveries of one hook go out in order. */
  queue: Promise<void>;
}

const DELIVERY_TIMEOUT_MS = 10_000;

/** Holds the simulator's webhooks and delivers `workflow_job` (and `ping`) events to them. */
export class WebhookHub {
  private readonly hooks = new Map<number, Hook>();
  private readonly log: WebhookDelivery[] = [];
  private nextId = 1;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: SimStore,
    private readonly urls: () => Urls,
  ) {
    this.unsubscribe = store.onJob((action, job) => this.onJob(action, job));
  }

  /** Adds a webhook; GitHub pings a new hook, and so does this unless `ping: false`. */
  add(spec: WebhookSpec): number {
    if (!/^https?:\/\//.test(spec.url)) throw new SimInputError('webhook url must be http(s)');
    const hook: Hook = {
      id: this.nextId++,
      spec,
      createdAt: new Date().toISOString(),
      queue: Promise.resolve(),
    };
    this.hooks.set(hook.id, hook);
    if (spec.ping !== false) this.enqueue(hook, 'ping', this.pingPayload(hook), randomUUID(), false);
    return hook.id;
  }

  /** Removes every webhook (deliveries already queued still go out). */
  clear(): void {
    this.hooks.clear();
  }

  /** Deliveries so far, oldest first. */
  deliveries(): WebhookDelivery[] {
    return this.log.map((d) => ({ ...d }));
  }

  /** Sends a recorded delivery again with the same GUID, as GitHub's redeliver does. */
  redeliver(guid: string): void {
    const original = this.log.find((d) => d.guid === guid);
    const hook = original ? this.hooks.get(original.hookId) : undefined;
    if (!original || !hook) throw new SimInputError('delivery not found', 404);
    this.enqueue(hook, original.event, JSON.parse(original.body) as Record<string, unknown>, guid, true);
  }

  /** Waits until every queued delivery has been attempted. */
  async idle(): Promise<void> {
    await Promise.all([...this.hooks.values()].map((h) => h.queue));
  }

  /** Stops listening to job events. */
  close(): void {
    this.unsubscribe();
  }

  private pingPayload(hook: Hook): Record<string, unknown> {
    const urls = this.urls();
    const base = hook.spec.repo
      ? `${urls.api}/repos/${hook.spec.repo}/hooks/${hook.id}`
      : `${urls.api}/orgs/${hook.spec.org ?? '_'}/hooks/${hook.id}`;
    const payload: Record<string, unknown> = {
      zen: 'Keep it logically awesome.',
      hook_id: hook.id,
      hook: {
        type: hook.spec.repo ? 'Repository' : 'Organization',
        id: hook.id,
        name: 'web',
        active: true,
        events: hook.spec.events ?? ['workflow_job'],
        config: {
          content_type: 'json',
          insecure_ssl: '0',
          url: hook.spec.url,
          ...(hook.spec.secret ? { secret: '********' } : {}),
        },
        updated_at: hook.createdAt,
        created_at: hook.createdAt,
        url: base,
        ping_url: `${base}/pings`,
        deliveries_url: `${base}/deliveries`,
      },
    };
    const repo = hook.spec.repo
      ? this.store.repo(...(hook.spec.repo.split('/') as [string, string]))
      : undefined;
    const org = hook.spec.org ? this.store.account(hook.spec.org) : undefined;
    if (repo) Object.assign(payload, repoContext(this.store, repo, urls));
    else if (org) payload['organization'] = serializeOrgForWebhook(org, urls);
    return payload;
  }

  private wants(hook: Hook, event: string, job: SimJob): boolean {
    const events = hook.spec.events ?? ['workflow_job'];
    if (!events.includes('*') && !events.includes(event)) return false;
    const repo = this.store.repoById(job.repoId);
    if (!repo) return false;
    if (hook.spec.repo) return hook.spec.repo.toLowerCase() === `${repo.owner}/${repo.name}`.toLowerCase();
    if (hook.spec.org) return hook.spec.org.toLowerCase() === repo.owner.toLowerCase();
    return true;
  }

  private onJob(action: JobAction, job: SimJob): void {
    // The payload is built now, so it shows the job as it was at this event even if delivery is late.
    const payload = workflowJobPayload(this.store, action, job, this.urls());
    if (!payload) return;
    for (const hook of this.hooks.values()) {
      if (this.wants(hook, 'workflow_job', job))
        this.enqueue(hook, 'workflow_job', payload, randomUUID(), false);
    }
  }

  private enqueue(
    hook: Hook,
    event: string,
    payload: Record<string, unknown>,
    guid: string,
    redelivery: boolean,
  ): void {
    const body = JSON.stringify(payload);
    hook.queue = hook.queue.then(() => this.deliver(hook, event, body, guid, redelivery));
  }

  private async deliver(
    hook: Hook,
    event: string,
    body: string,
    guid: string,
    redelivery: boolean,
  ): Promise<void> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/sim',
      'x-github-event': event,
      'x-github-delivery': guid,
      'x-github-hook-id': String(hook.id),
      'x-github-hook-installation-target-type': hook.spec.repo ? 'repository' : 'organization',
    };
    if (hook.spec.secret) {
      headers['x-hub-signature-256'] = signWebhookBody(hook.spec.secret, body);
      headers['x-hub-signature'] = `sha1=${createHmac('sha1', hook.spec.secret).update(body).digest('hex')}`;
    }
    const started = Date.now();
    const action = (JSON.parse(body) as { action?: string }).action;
    const record: WebhookDelivery = {
      guid,
      hookId: hook.id,
      event,
      action,
      status: 0,
      redelivery,
      deliveredAt: new Date().toISOString(),
      durationMs: 0,
      body,
    };
    try {
      const res = await fetch(hook.spec.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      record.status = res.status;
      await res.body?.cancel();
    } catch (error) {
      // GitHub does not retry a failed delivery by itself; it is only recorded.
      record.error = error instanceof Error ? error.message : 'delivery failed';
    }
    record.durationMs = Date.now() - started;
    this.log.push(record);
  }
}
