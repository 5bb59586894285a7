#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { planFromImageInput } from './image-config.js';
import type { ImagePlan } from './image-config.js';
import { KILLED_BY_SIGTERM, runImageRegistration } from './image-register.js';
import { runStandInRunner } from './run-stand-in-runner.js';

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function execCommand(command: string[]): Promise<number> {
  const [file, ...args] = command;
  return new Promise((resolve) => {
    const child = spawn(file ?? 'true', args, { stdio: 'inherit' });
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => child.kill(sig));
    child.on('error', (error) => {
      log(`cannot run ${file ?? ''}: ${error.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
  });
}

/** The exit code when stopped: the myoung34 entrypoint's trap exits 1, with no trap bash dies of the signal. */
function stoppedExitCode(plan: ImagePlan): number {
  if (plan.kind !== 'register') return 0;
  return plan.exitTrap ? 1 : KILLED_BY_SIGTERM;
}

async function main(): Promise<number> {
  const plan = planFromImageInput(process.argv.slice(2), process.env);
  if (plan.kind === 'error') {
    log(`Error: ${plan.message}`);
    return 1;
  }
  if (plan.kind === 'exec') return execCommand(plan.command);
  // Runner.Listener reads ACTIONS_RUNNER_INPUT_* and removes them, so no job step inherits the JIT config.
  delete process.env['ACTIONS_RUNNER_INPUT_JITCONFIG'];
  const controller = new AbortController();
  const stop = (): void => {
    if (controller.signal.aborted) return;
    log('Exiting...');
    controller.abort();
    // The orchestrator waits about 2 s before a SIGKILL; never outlive it.
    setTimeout(() => process.exit(stoppedExitCode(plan)), 1800).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const common = { signal: controller.signal, log };
  if (plan.kind === 'jit') {
    const result = await runStandInRunner({ mode: 'jit', jitConfig: plan.jitConfig, ...common });
    return result.exitCode;
  }
  return runImageRegistration(plan, { ...common, env: process.env });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`Error: ${error instanceof Error ? error.message : 'stand-in runner failed'}`);
    process.exit(1);
  },
);
