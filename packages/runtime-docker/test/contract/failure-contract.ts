import { describe, expect, it } from 'vitest';
import { expectAppError, uniqueName, type ContractContext } from './contract-context.js';

const SECRET = 'jit-config-secret-7d2c94e1b0';

/** The failures a caller must be able to tell apart, each with a message that says what to do. */
export function describeFailureContract(context: ContractContext): void {
  describe('failures', () => {
    it('says runtime.image_unavailable, naming the image, when the image is missing and cannot be pulled', async () => {
      const runtime = context.runtime();
      const labels = context.caseLabels();
      // A registry on 127.0.0.1:1 refuses at once: the pull attempt fails fast even with no internet.
      const image = `127.0.0.1:1/gha-ephemeral/missing-${context.runId()}:none`;
      const name = uniqueName();
      const error = await expectAppError(
        runtime.create({ name, image, env: { JIT_CONFIG: SECRET }, labels }),
        'runtime.image_unavailable',
      );
      expect(error.message).toContain(image);
      expect(error.message).toMatch(/pull|build/i);
      expect(error.message).not.toContain(SECRET);
      expect(error.retryable).toBe(false);
      expect(await runtime.get(name)).toBeNull();
    });

    it('says runtime.unavailable, with how to fix it, when the engine cannot be reached', async () => {
      const runtime = context.fixtures.makeUnreachableRuntime();
      const ping = await expectAppError(runtime.ping(), 'runtime.unavailable');
      expect(ping.message).toMatch(/dockerd|DOCKER_HOST/);
      expect(ping.retryable).toBe(true);
      await expectAppError(runtime.list({ labels: context.caseLabels() }), 'runtime.unavailable');
      await expectAppError(runtime.get('anything'), 'runtime.unavailable');
      await expectAppError(runtime.remove('anything'), 'runtime.unavailable');
      const create = await expectAppError(
        runtime.create({
          name: uniqueName(),
          image: context.image(),
          env: { JIT_CONFIG: SECRET },
          labels: {},
        }),
        'runtime.unavailable',
      );
      expect(create.message).not.toContain(SECRET);
    });

    it('never puts env values in an error message', async () => {
      const runtime = context.runtime();
      const name = uniqueName();
      await runtime.create({ name, image: context.image(), env: {}, labels: context.caseLabels() });
      const errors = await Promise.all([
        expectAppError(
          runtime.create({
            name,
            image: context.image(),
            env: { JIT_CONFIG: SECRET },
            labels: context.caseLabels(),
          }),
          'runtime.failed',
        ),
        expectAppError(
          runtime.create({
            name: uniqueName(),
            image: context.image(),
            env: { JIT_CONFIG: SECRET },
            labels: context.caseLabels(),
            network: uniqueName('no-such-net'),
          }),
          'runtime.failed',
        ),
      ]);
      for (const error of errors) {
        expect(error.message).not.toContain(SECRET);
        expect(String((error.cause as Error | undefined)?.message)).not.toContain(SECRET);
      }
    });
  });
}
