// Checks the shape of the Swarm deployment (deploy/stack.yaml), which parsing alone does not: the orchestrator
// alone on a manager with the Docker socket, its API reachable from the gateway only and only with the token both
// read from one Docker secret, the networks overlays, and the same variables as deploy/compose.yaml.
// Reads the stack as JSON on stdin (`docker stack config` converted, or the file itself when that command is
// missing); prints each problem and exits 1 when there is one.
//
// Usage: node scripts/check-stack-shape.mjs [compose.json] < stack.json
//   compose.json: deploy/compose.yaml resolved with an empty env_file: each service's variables are compared.
import { readFileSync } from 'node:fs';

const TOKEN_FILE = '/run/secrets/orchestrator-api-token';
const SOCKET = '/var/run/docker.sock';
// Variables the stack may add to compose.yaml's, each with why.
const STACK_ONLY = {
  orchestrator: new Set(['RUNNER_RUNTIME']), // Swarm pools are the point of a stack
  'api-gateway': new Set(),
};
const stack = JSON.parse(readFileSync(0, 'utf8'));
const compose = process.argv[2] === undefined ? null : JSON.parse(readFileSync(process.argv[2], 'utf8'));
const services = stack.services ?? {};
const networks = stack.networks ?? {};
const problems = [];
const expect = (ok, message) => {
  if (!ok) problems.push(message);
};

/** A service's networks as a name → settings map, whichever form the file used. */
function networksOf(service) {
  const list = service?.networks ?? {};
  return Array.isArray(list) ? Object.fromEntries(list.map((name) => [name, {}])) : list;
}

/** A service's environment as a name → value map, whichever form the file used. */
function environmentOf(service) {
  const env = service?.environment ?? {};
  if (!Array.isArray(env)) return env;
  return Object.fromEntries(env.map((entry) => [entry.split('=')[0], entry.split('=').slice(1).join('=')]));
}

const normalize = (text) => String(text).replace(/\s+/g, '');

function checkOrchestrator() {
  const orchestrator = services.orchestrator;
  expect(orchestrator !== undefined, 'no orchestrator service');
  const deploy = orchestrator?.deploy ?? {};
  expect(Number(deploy.replicas) === 1, 'the orchestrator must run one replica (deploy.replicas: 1)');
  expect(
    (deploy.placement?.constraints ?? []).map(normalize).includes('node.role==manager'),
    'the orchestrator must be pinned to a manager (deploy.placement.constraints: [node.role == manager])',
  );
  expect(
    (orchestrator?.volumes ?? []).some(
      (volume) =>
        (typeof volume === 'object' && volume.target === SOCKET) ||
        (typeof volume === 'string' && volume.split(':')[1] === SOCKET),
    ),
    `the orchestrator must mount the Docker socket at ${SOCKET}`,
  );
  expect(!orchestrator?.ports?.length, 'the orchestrator must publish no port');
  // compose.yaml's way to the runnerenv_* variables; the gateway must not get the GitHub credentials in .env.
  expect(
    Boolean(orchestrator?.env_file),
    'the orchestrator must read the env_file (the runnerenv_* variables)',
  );
  expect(
    !services['api-gateway']?.env_file,
    'the gateway must not read the env_file (the GitHub credentials)',
  );
  const capAdd = orchestrator?.cap_add ?? [];
  expect(
    (orchestrator?.cap_drop ?? []).includes('ALL') &&
      capAdd.every((cap) => ['SETUID', 'SETGID'].includes(cap)),
    'the orchestrator must drop every capability but SETUID and SETGID',
  );
}

function checkToken() {
  for (const name of ['orchestrator', 'api-gateway']) {
    const service = services[name];
    const env = environmentOf(service);
    expect(
      env.ORCHESTRATOR_API_TOKEN_FILE === TOKEN_FILE,
      `${name}: ORCHESTRATOR_API_TOKEN_FILE=${TOKEN_FILE}`,
    );
    expect(
      !env.ORCHESTRATOR_API_TOKEN,
      `${name}: ORCHESTRATOR_API_TOKEN must be empty (it comes from the secret)`,
    );
    const secret = (service?.secrets ?? []).find(
      (entry) => typeof entry === 'object' && entry.target === 'orchestrator-api-token',
    );
    expect(
      secret?.source === 'orchestrator-api-token' &&
        String(secret?.uid) === '1000' &&
        Number(secret?.mode) === 0o400,
      `${name} must mount the orchestrator-api-token secret at ${TOKEN_FILE}, uid 1000, mode 0400`,
    );
    expect(service?.read_only === true, `${name} must have a read-only file system`);
  }
  expect(
    stack.secrets?.['orchestrator-api-token']?.external === true,
    'the orchestrator-api-token secret must be external (made once with docker secret create, kept across deploys)',
  );
}

function checkNetworks() {
  for (const [name, network] of Object.entries(networks)) {
    expect(
      network?.driver === 'overlay',
      `the network ${name} must be an overlay (a bridge does not span nodes)`,
    );
  }
  expect(networks['gha-network']?.internal === true, 'gha-network must be internal');
  for (const name of Object.keys(networksOf(services.orchestrator))) {
    expect(['gha-network', 'egress'].includes(name), `the orchestrator must not join the network "${name}"`);
  }
  for (const [name, service] of Object.entries(services)) {
    if (name === 'orchestrator') continue;
    expect(!('egress' in networksOf(service)), `${name} must not join egress (the orchestrator's way out)`);
    if (name !== 'api-gateway') {
      expect(!('gha-network' in networksOf(service)), `${name} must not join gha-network`);
    }
  }
  expect((services['api-gateway']?.ports ?? []).length === 1, 'the gateway must publish its one port');
}

function checkSameVariables() {
  if (compose === null) return;
  for (const name of ['orchestrator', 'api-gateway']) {
    const inCompose = new Set(Object.keys(environmentOf(compose.services?.[name])));
    const inStack = new Set(Object.keys(environmentOf(services[name])));
    for (const key of inCompose) {
      expect(inStack.has(key), `${name}: ${key} is in compose.yaml but not in stack.yaml`);
    }
    for (const key of inStack) {
      expect(
        inCompose.has(key) || STACK_ONLY[name].has(key),
        `${name}: ${key} is in stack.yaml but not in compose.yaml`,
      );
    }
  }
}

checkOrchestrator();
checkToken();
checkNetworks();
checkSameVariables();
for (const problem of problems) console.log(`stack shape: ${problem}`);
process.exit(problems.length === 0 ? 0 : 1);
