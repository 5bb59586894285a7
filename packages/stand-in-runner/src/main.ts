#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { mintInstallationToken } from './app-token.js';
import { RunnerExit, statusName } from './errors.js';
import { requestJson } from './http.js';
import { planFromImageInput } from './image-config.js';
import type { ImagePlan } from './image-config.js';
import { runStandInRunner } from './run-stand-in-runner.js';

type RegisterPlan = Extract<ImagePlan, { kind: 'register' }>;

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** Mints a registration token with ACCESS_TOKEN, as the myoung34 image's token.sh does. */
async function mintToken(plan: RegisterPlan, accessToken: string): Promise<string> {
  if (plan.scope.kind === 'ent')
    throw new RunnerExit(1, 'enterprise runners are not supported by the simulator');
  const path =
    plan.scope.kind === 'repo'
      ? `/repos/${plan.scope.owner}/${plan.scope.repo}/actions/runners/registration-token`
      : `/orgs/${plan.scope.org}/actions/runners/registration-token`;
  const res = await requestJson(`${plan.tokenApiUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `token ${accessToken}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
    },
  });
  const token = (res.body as { token?: unknown } | undefined)?.token;
  if (res.status !== 201 || typeof token !== 'string') {
    throw new RunnerExit(
      1,
      `Could not get a registration token: ${statusName(res.status)} from 'POST ${plan.tokenApiUrl}${path}'`,
    );
  }
  return token;
}

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

async function main(): Promise<number> {
  const plan = planFromImageInput(process.argv.slice(2), process.env);
  if (plan.kind === 'error') {
    log(`Error: ${plan.message}`);
    return 1;
  }
  if (plan.kind === 'exec') return execCommand(plan.command);
  const controller = new AbortController();
  const stop = (): void => {
    if (controller.signal.aborted) return;
    log('Exiting...');
    controller.abort();
    // The orchestrator waits about 2 s before a SIGKILL; never outlive it.
    setTimeout(() => process.exit(0), 1800).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const common = { signal: controller.signal, log };
  if (plan.kind === 'jit')
    return (await runStandInRunner({ mode: 'jit', jitConfig: plan.jitConfig, ...common })).exitCode;
  let token = plan.runnerToken;
  try {
    const accessToken = plan.app ? await mintInstallationToken(plan.tokenApiUrl, plan.app) : plan.accessToken;
    if (accessToken) token = await mintToken(plan, accessToken);
  } catch (error) {
    log(`Error: ${error instanceof Error ? error.message : 'could not get a registration token'}`);
    return 1;
  }
  const result = await runStandInRunner({
    mode: 'register',
    url: plan.url,
    token: token ?? '',
    name: plan.name,
    labels: plan.labels,
    ephemeral: plan.ephemeral,
    noDefaultLabels: plan.noDefaultLabels,
    workFolder: plan.workFolder,
    runnerGroup: plan.runnerGroup,
    replace: true,
    deregisterOnStop: plan.deregisterOnStop,
    ...common,
  });
  return result.exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`Error: ${error instanceof Error ? error.message : 'stand-in runner failed'}`);
    process.exit(1);
  },
);
