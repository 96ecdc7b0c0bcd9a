// What the browser tests stand on: the ceres server started from its binary on a free port
// with a fresh SQLite database, and Debian's Chromium driven by playwright-core.
//
// Nothing here waits a fixed time: the server is ready once it has written its bound address
// to the port file and answers 200 on /healthz.

import { spawn } from 'node:child_process';
import { accessSync, constants, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync }
  from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { chromium } from 'playwright-core';

/** Where the ceres binary is looked for unless CERES_BIN says otherwise. */
export const DEFAULT_CERES_BIN = '/root/.cache/ceres-target/debug/ceres';

/** Debian's Chromium; playwright-core never downloads a browser of its own here. */
export const CHROMIUM = '/usr/bin/chromium';

// The machine has no network beyond loopback: these flags stop Chromium from reaching out
// (and from failing on it) at every start.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

const START_TIMEOUT_MS = Number(process.env.E2E_START_TIMEOUT_MS ?? 120_000);

/** A fresh private folder under the system's temporary directory. */
export function scratchDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The folder where screenshots and the server log are left for humans. */
export function artifactsDir() {
  const dir = process.env.E2E_ARTIFACTS || scratchDir('ceres-e2e-artifacts-');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Starts `ceres serve --demo` on 127.0.0.1 with a port chosen by the system and an empty
 * SQLite database in `workDir` (also its data folder), and resolves once it answers 200 on
 * /healthz.
 *
 * The returned object has `baseUrl`, `logPath`, `logTail()` and `stop()`; `stop()` may be
 * called more than once. Should the test process end before it, the server is killed too.
 */
export async function startServer({ workDir, logPath, env = {} }) {
  const bin = process.env.CERES_BIN || DEFAULT_CERES_BIN;
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new Error(`no executable ceres binary at ${bin}: build it (cargo build -p ceres) `
      + 'or set CERES_BIN');
  }

  const portFile = join(workDir, 'port');
  // A server started again on the same folder must not read the previous one's port.
  rmSync(portFile, { force: true });
  const databaseUrl = `sqlite://${join(workDir, 'ceres.sqlite')}`;
  const args = ['serve', '--demo', '--listen', '127.0.0.1:0', '--port-file', portFile];

  const log = openSync(logPath, 'w');
  const child = spawn(bin, args, {
    env: { ...process.env, DATABASE_URL: databaseUrl, CERES_DATA_DIR: workDir, ...env },
    stdio: ['ignore', log, log],
  });
  closeSync(log);

  let exit = null;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  child.once('error', (error) => {
    exit = { error };
  });

  // Should the test process end before stop() runs, the server goes with it.
  const killOnExit = () => child.kill('SIGKILL');
  const killOnSignal = (signal) => {
    child.kill('SIGKILL');
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  };
  process.once('exit', killOnExit);
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, killOnSignal);

  const server = {
    baseUrl: null,
    logPath,
    logTail: (lines = 40) => tail(logPath, lines),
    async stop() {
      process.removeListener('exit', killOnExit);
      for (const signal of ['SIGINT', 'SIGTERM']) process.removeListener(signal, killOnSignal);
      if (exit) return;
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited, sleep(5_000, null)]);
      if (!stopped && !exit) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  const notYet = async (what) => {
    if (exit) {
      const how = exit.error ? exit.error.message : `code ${exit.code}, signal ${exit.signal}`;
      throw new Error(`ceres exited before ${what} (${how}); its log ends with:\n`
        + server.logTail());
    }
    if (Date.now() > deadline) {
      throw new Error(`ceres did not get to ${what} within ${START_TIMEOUT_MS} ms; `
        + `its log ends with:\n${server.logTail()}`);
    }
    await sleep(50);
  };

  try {
    let address;
    while (!(address = readAddress(portFile))) await notYet('writing its port file');
    server.baseUrl = `http://${address}`;

    while (!(await answersHealthz(server.baseUrl))) await notYet('answering /healthz');
  } catch (error) {
    await server.stop();
    throw error;
  }

  return server;
}

/** The `host:port` the server wrote, or null while the file is missing or incomplete. */
function readAddress(portFile) {
  let text;
  try {
    text = readFileSync(portFile, 'utf8').trim();
  } catch {
    return null;
  }
  return /^\S+:\d+$/.test(text) ? text : null;
}

async function answersHealthz(baseUrl) {
  try {
    const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

function tail(path, lines) {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts Debian's Chromium with an empty profile in `profileDir`, French and in Paris time,
 * and resolves to a browser context with one page.
 */
export async function launchBrowser({ profileDir }) {
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (scripts/test.sh does)`);
  }

  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);

  const page = context.pages()[0] ?? await context.newPage();
  return { context, page };
}

/** Today's date as the French UI writes it (DD/MM/YYYY), in Europe/Paris. */
export function parisToday() {
  return new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(new Date());
}

/** Removes a scratch folder, ignoring what is already gone. */
export function removeDir(dir) {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
