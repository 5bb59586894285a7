import type { Octokit } from '@octokit/core';
import type { Hooks } from '@octokit/core/types';

/** The options a `request` hook receives: a route template, its parameters and the merged defaults. */
export type HookEndpoint = Hooks['request']['Options'];

/** The method and full URL (query included) a request hook's options will be sent to. */
export interface RequestTarget {
  method: string;
  url: string;
  /** The path without the query and without the API base's own path (`/api/v3`), for logs and route checks. */
  path: string;
}

/** Expands a request hook's endpoint options (a route template and its parameters) the way Octokit will send them. */
export function requestTarget(octokit: Octokit, endpoint: HookEndpoint): RequestTarget {
  const parsed = octokit.request.endpoint.parse(endpoint);
  const url = new URL(parsed.url);
  const basePath = endpoint.baseUrl ? new URL(endpoint.baseUrl).pathname.replace(/\/+$/, '') : '';
  const path =
    basePath && url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : url.pathname;
  return { method: parsed.method, url: parsed.url, path };
}

/** Reads a header of the hook's options, whatever case the caller used. */
export function requestHeader(endpoint: HookEndpoint, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(endpoint.headers)) {
    if (key.toLowerCase() === lower && value !== undefined) return String(value);
  }
  return undefined;
}
