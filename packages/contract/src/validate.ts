import type { z } from 'zod';
import { AppError } from './app-error.js';

/** Formats zod issues as one line each: `field: problem`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)';
    if (issue.code === 'unrecognized_keys') {
      return `${path}: unknown field(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    }
    return `${path}: ${issue.message}`;
  });
}

/**
 * Parses `data` with `schema` or throws a 400 `request.invalid` whose message lists every problem, so a client can
 * fix them all at once. `what` names the thing checked ("request body", "path").
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, data: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const problems = describeIssues(result.error.issues);
  throw new AppError('request.invalid', `Invalid ${what}: ${problems.join('; ')}`, {
    details: { problems },
  });
}
