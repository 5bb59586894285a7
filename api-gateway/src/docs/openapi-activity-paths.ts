import { DASHBOARD_EVENT_TYPES } from '@gha-ephemeral/contract';

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const error = (name: string): Json => ({ $ref: `#/components/responses/${name}` });
const upstreamAndAuth = {
  '401': error('Unauthorized'),
  '429': error('RateLimited'),
  '502': error('BadGateway'),
  '504': error('Timeout'),
};

const EVENTS_DESCRIPTION = `The dashboard's live feed, public for scripts: a [Server-Sent Events](https://html.spec.whatwg.org/multipage/server-sent-events.html) stream. Each event has an \`event:\` line with its type and one \`data:\` line holding one JSON object whose \`type\` is the same (so \`grep '^data:'\` gives one JSON event per line). Lines starting with \`:\` are heartbeats, every 15 s.

Event types (plain words, not error codes): ${DASHBOARD_EVENT_TYPES.join(', ')}.
- \`snapshot\` comes first: runners, pools, recent jobs, latency, health and GitHub's rate-limit budget.
- After it, each event replaces what it names: \`runner\` (a runner appeared or changed), runner.removed (with its \`id\`), \`job\` (a recent job appeared or changed, with \`waitReason\` while it waits), \`pools\`, \`latency\`, \`health\` (with \`rateLimit\`).
- \`bye\` is the last when the service stops (\`reason: shutdown\`). A client that reads too slowly (over 1 MiB unsent) is cut off instead, without one; reconnect and start again from the next \`snapshot\`.

A runner's start or removal reaches the stream within tens of milliseconds, other changes within a second. Needs the API key, in the \`Authorization\` header (so not the browser's \`EventSource\`, which cannot send one: read it with \`fetch\`). At most 64 streams per gateway; one more gets 503 \`events.too_many_streams\`, and one asked for while the service stops 503 \`service.stopping\`.

\`\`\`sh
curl -N -H "Authorization: Bearer $KEY" http://localhost:8080/api/v1/events | grep --line-buffered '^data:'
\`\`\``;

/** The recent jobs and the live event stream (the dashboard's data, public for scripts). */
export function activityPaths(): Json {
  return {
    '/api/v1/jobs': {
      get: {
        tags: ['dashboard'],
        operationId: 'listRecentJobs',
        summary: 'Recent jobs, why they wait, and their latency',
        description:
          "The last few hundred jobs the orchestrator saw (a ring in its memory, newest first), with when each step happened (queued, a runner started for it, taken, completed) and, for a queued job, why it waits in words (`no pool fits labels [gpu]`, `pool big at max 4`, `GitHub rate limited until 14:02 UTC`, `engine unreachable`). `latency` gives p50 and p95 of queued → running and queued → taken over the last hour, in 5-minute buckets. Without webhooks, `taken` and `completed` are inferred from the job's runner (its conclusion then unknown).",
        responses: {
          '200': {
            description: 'The recent jobs.',
            content: { 'application/json': { schema: ref('RecentJobList') } },
          },
          ...upstreamAndAuth,
          '503': error('Unavailable'),
        },
      },
    },
    '/api/v1/events': {
      get: {
        tags: ['dashboard'],
        operationId: 'streamEvents',
        summary: 'Live events (Server-Sent Events)',
        description: EVENTS_DESCRIPTION,
        responses: {
          '200': {
            description: 'The stream: `text/event-stream`; each `data:` line is one `DashboardEvent`.',
            content: {
              'text/event-stream': { schema: { type: 'string' }, itemSchema: ref('DashboardEvent') },
            },
          },
          ...upstreamAndAuth,
          '503': error('Unavailable'),
        },
      },
    },
  };
}
