// Checks the security shape of the compose deployment, which `docker compose config` alone does not: the
// orchestrator's API is reachable only by the gateway, and only with a token both of them read from one place.
// Reads the resolved configuration as JSON on stdin (`docker compose config --format json`, or docker-compose
// 1.29's YAML converted); prints each problem and exits 1 when there is one.
//
// Usage: node scripts/check-compose-shape.mjs [base|demo] < config.json
//   base: deploy/compose.yaml alone; demo: with deploy/compose.demo.yaml (the simulator may share a network with
//   the orchestrator, as GitHub's stand-in).
import { readFileSync } from 'node:fs';

const TOKEN_FILE = '/run/gha-ephemeral/orchestrator-api-token';
const mode = process.argv[2] ?? 'base';
const config = JSON.parse(readFileSync(0, 'utf8'));
const services = config.services ?? {};
const networks = config.networks ?? {};
const problems = [];
const expect = (ok, message) => {
  if (!ok) problems.push(message);
};

/** A service's networks as a name → settings map, whichever form the file used. */
function networksOf(service) {
  const list = service?.networks ?? {};
  return Array.isArray(list) ? Object.fromEntries(list.map((name) => [name, {}])) : list;
}

/** True when the service mounts the token volume, read-only, where the token file is. */
function mountsToken(service, readOnly) {
  return (service?.volumes ?? []).some(
    (volume) =>
      typeof volume === 'object' &&
      volume.source === 'orchestrator-token' &&
      TOKEN_FILE.startsWith(`${volume.target}/`) &&
      Boolean(volume.read_only) === readOnly,
  );
}

function checkToken() {
  const init = services['orchestrator-token'];
  expect(init !== undefined, 'no orchestrator-token service: nothing makes the API token on the first start');
  expect(mountsToken(init, false), 'orchestrator-token must mount the orchestrator-token volume writable');
  expect(init?.network_mode === 'none', 'orchestrator-token needs no network (network_mode: none)');
  for (const name of ['orchestrator', 'api-gateway']) {
    const service = services[name];
    const env = service?.environment ?? {};
    expect(mountsToken(service, true), `${name} must mount the orchestrator-token volume read-only`);
    expect(
      env.ORCHESTRATOR_API_TOKEN_FILE === TOKEN_FILE,
      `${name}: ORCHESTRATOR_API_TOKEN_FILE=${TOKEN_FILE}`,
    );
    expect(
      !env.ORCHESTRATOR_API_TOKEN,
      `${name}: ORCHESTRATOR_API_TOKEN must be empty (it comes from the file)`,
    );
    expect(
      service?.depends_on?.['orchestrator-token']?.condition === 'service_completed_successfully',
      `${name} must start after orchestrator-token has completed`,
    );
  }
}

function checkNetworks() {
  const orchestrator = services.orchestrator;
  const own = networksOf(orchestrator);
  const allowed = new Set(['gha-network', 'egress', ...(mode === 'demo' ? ['github'] : [])]);
  for (const name of Object.keys(own)) {
    expect(allowed.has(name), `the orchestrator must not join the network "${name}"`);
  }
  expect(networks['gha-network']?.internal === true, 'gha-network must be internal');
  expect(
    String(networks.egress?.driver_opts?.['com.docker.network.bridge.enable_icc']) === 'false',
    'egress must drop traffic between containers (driver_opts com.docker.network.bridge.enable_icc: "false")',
  );
  const host = orchestrator?.environment?.ORCHESTRATOR_HOST;
  expect(
    typeof host === 'string' && (own['gha-network']?.aliases ?? []).includes(host),
    'ORCHESTRATOR_HOST must be an alias the orchestrator has on gha-network only, so it listens there alone',
  );
  for (const [name, settings] of Object.entries(own)) {
    if (name !== 'gha-network') {
      expect(!(settings?.aliases ?? []).includes(host), `the alias ${host} must not be on ${name}`);
    }
  }
  expect(!orchestrator?.ports?.length, 'the orchestrator must publish no port');
  for (const [name, service] of Object.entries(services)) {
    if (name === 'orchestrator') continue;
    expect(!('egress' in networksOf(service)), `${name} must not join egress (the orchestrator's way out)`);
    if (name !== 'api-gateway') {
      expect(!('gha-network' in networksOf(service)), `${name} must not join gha-network`);
    }
  }
}

checkToken();
checkNetworks();
for (const problem of problems) console.log(`compose shape (${mode}): ${problem}`);
process.exit(problems.length === 0 ? 0 : 1);
