import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
const spec = JSON.parse(
  readFileSync(require.resolve('@octokit/openapi-webhooks/generated/api.github.com.json'), 'utf8'),
) as {
  webhooks: Record<
    string,
    { post: { requestBody: { content: Record<string, { schema: { $ref: string } }> } } }
  >;
};
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, 'webhooks.json');

/** Asserts a webhook payload matches `@octokit/openapi-webhooks` for an event key such as `workflow-job-queued`. */
export function expectWebhookSchema(eventKey: string, payload: unknown): void {
  const ref = spec.webhooks[eventKey]?.post.requestBody.content['application/json']?.schema.$ref;
  if (!ref) throw new Error(`no webhook schema for ${eventKey}`);
  const validate = ajv.getSchema(`webhooks.json${ref}`) ?? ajv.compile({ $ref: `webhooks.json${ref}` });
  if (!validate(payload)) {
    throw new Error(
      `${eventKey} payload does not match: ${ajv.errorsText(validate.errors, { separator: '\n' })}`,
    );
  }
}
