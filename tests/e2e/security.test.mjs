// The main pages under ceres's Content-Security-Policy, in Chromium: no violation is reported
// (the DSFR's scripts, styles, fonts and icons all load from ceres itself), the pages are
// styled and the DSFR script runs; and no personal data of the demo appears in any URL the
// browser asked for, nor in the server's log.
//
// Run: node --test tests/e2e/   (CERES_BIN, E2E_ARTIFACTS and E2E_START_TIMEOUT_MS optional)

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { artifactsDir, launchBrowser, removeDir, scratchDir, startServer } from './harness.mjs';

const PASSWORD = 'ceres-demo-2026';
const SESSION = 'TITRE_B_2023_470415';
const HENRI = 2122559;

// Personal data of the demo's candidates and agents: none may reach a URL or the log.
const PERSONAL = ['BERTRAND', 'Henri', 'FAURIEL', 'Colette', '1981-04-23', '23/04/1981',
  'rue des Lilas', 'agent.ud75@demo.ceres.fr', 'admin@demo.ceres.fr', 'Camille Durand'];

test('the main pages work under the Content-Security-Policy and leak no personal data',
  { timeout: 300_000 }, async (t) => {
    const workDir = scratchDir('ceres-e2e-csp-');
    const artifacts = artifactsDir();
    let server = null;
    let browser = null;

    t.after(async () => {
      await browser?.context.close().catch(() => {});
      await server?.stop();
      removeDir(workDir);
    });

    server = await startServer({ workDir, logPath: join(artifacts, 'server-security.log') });
    browser = await launchBrowser({ profileDir: join(workDir, 'chromium-profile') });
    const { context, page } = browser;
    const base = server.baseUrl;

    // Every violation the browser reports, from the page (securitypolicyviolation events,
    // collected by a script the test adds outside the page's policy) and from the console.
    const violations = [];
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    page.on('console', (message) => {
      const text = message.text();
      if (/Content Security Policy|CSP violation/i.test(text)) violations.push(text);
    });
    const urls = [];
    page.on('request', (request) => urls.push(request.url()));

    const visit = async (path, name) => {
      const response = await page.goto(`${base}${path}`);
      assert.ok(response.status() < 400, `${path} answers ${response.status()}`);
      assert.match(response.headers()['content-security-policy'] ?? '', /script-src 'self'/);
      // The DSFR's stylesheet applied (its header has a white background and a shadow) and
      // its script ran (it marks the root element once started).
      await page.waitForFunction(() => document.documentElement.hasAttribute('data-fr-js'),
        null, { timeout: 10_000 });
      const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
      assert.match(font, /Marianne/, `${path}: the DSFR's font applies`);
      await page.screenshot({ path: join(artifacts, `csp-${name}.png`), fullPage: true });
    };

    const signIn = async (email) => {
      await page.goto(`${base}/connexion`);
      await page.getByLabel(/^\s*Adresse électronique/).fill(email);
      await page.getByLabel(/^\s*Mot de passe/).fill(PASSWORD);
      await Promise.all([page.waitForNavigation(),
        page.getByRole('button', { name: 'Se connecter' }).click()]);
    };
    const signOut = async () => {
      await Promise.all([page.waitForNavigation(),
        page.getByRole('button', { name: 'Se déconnecter' }).click()]);
    };

    await visit('/connexion', 'sign-in');
    await visit('/verifier', 'verify');

    await signIn('agent.ud75@demo.ceres.fr');
    await visit('/', 'board');
    await visit('/sessions', 'sessions');
    await visit('/sessions?q=paysage&centre=klee-idf', 'search');
    await visit(`/sessions/${SESSION}`, 'session');
    await visit(`/sessions/${SESSION}/candidats`, 'candidates');
    await visit(`/sessions/${SESSION}/candidats/${HENRI}`, 'review');
    await visit(`/sessions/${SESSION}/tracabilite`, 'tracabilite');
    await signOut();

    await signIn('admin@demo.ceres.fr');
    await visit('/admin/structures', 'admin-structures');
    await visit('/admin/structures/drieets-idf', 'admin-structure');
    await visit('/admin/utilisateurs', 'admin-users');
    await visit('/admin/utilisateurs/nouveau', 'admin-new-user');
    await signOut();

    assert.deepEqual(violations, [], 'no Content-Security-Policy violation');
    for (const url of urls) {
      for (const word of PERSONAL) {
        assert.ok(!decodeURIComponent(url).includes(word), `${url} holds personal data`);
      }
    }
    const log = readFileSync(server.logPath, 'utf8');
    for (const word of PERSONAL) {
      assert.ok(!log.includes(word), `the server's log holds personal data: ${word}`);
    }
  });
