// Tiny shared helpers for the test scripts: --name value arguments and a bounded wait.
export function parseArgs(argv = process.argv.slice(2)) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}'`);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[a.slice(2)] = true;
    else { out[a.slice(2)] = next; i++; }
  }
  return out;
}

export function required(args, name) {
  if (args[name] === undefined || args[name] === true) throw new Error(`--${name} is required`);
  return args[name];
}

export function connection(args) {
  // Loopback only: the tests never talk to anything else.
  return { host: '127.0.0.1', port: Number(required(args, 'port')) };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls check() until it returns a truthy value, at most timeoutMs; throws with `what` if it never does.
export async function waitFor(check, timeoutMs, what, everyMs = 25) {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 100000; i++) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) break;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
