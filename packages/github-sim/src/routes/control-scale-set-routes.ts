import type { FastifyInstance } from 'fastify';
import type { SimControl } from '../control/sim-control.js';
import { SimInputError } from '../engine/errors.js';
import type { ActionsServiceOptions } from '../state/actions-options.js';

const idOf = (params: unknown): number => Number((params as { id: string }).id);

/** The scale-set part of the `/_sim` control API (registered inside the control routes' scope). */
export function registerScaleSetControlRoutes(app: FastifyInstance, control: SimControl): void {
  app.get('/_sim/scale-sets', async () => ({ scaleSets: control.listScaleSets() }));
  app.get('/_sim/scale-sets/:id', async (request) => {
    const view = control.getScaleSet(idOf(request.params));
    if (!view) throw new SimInputError('scale set not found', 404);
    return view;
  });
  app.delete('/_sim/scale-sets/:id/session', async (request, reply) => {
    if (!control.endScaleSetSession(idOf(request.params)))
      throw new SimInputError('no session for that scale set', 404);
    return reply.code(204).send();
  });

  app.get('/_sim/scale-set-options', async () => control.scaleSetOptions());
  app.patch('/_sim/scale-set-options', async (request) =>
    control.setScaleSetOptions((request.body ?? {}) as Partial<ActionsServiceOptions>),
  );

  app.post('/_sim/scale-sets/expire-admin-tokens', async () => ({ expired: control.expireAdminTokens() }));
  app.post('/_sim/scale-sets/expire-queue-tokens', async (request) => {
    const id = (request.body as { scaleSetId?: unknown } | undefined)?.scaleSetId;
    if (id !== undefined && !Number.isInteger(id)) throw new SimInputError('scaleSetId must be an integer');
    return { expired: control.expireQueueTokens(id as number | undefined) };
  });
}
