// The tutorial's second half, played in a real browser against `ceres serve --demo`: after
// the send, an administrator puts the waiting plis into a lot, the print provider's operator
// prints and posts the pli in its console and records the post's return (PND); the agent
// finds the returned pli counted on the sessions page, reads on the candidate's screen that a
// PND was recorded, corrects the address in the candidate module and informs the Afpa; a
// duplicata asked the same day is refused with the date from which it is possible, and,
// the server started again eight days later (CERES_CLOCK_OFFSET_DAYS), it is accepted.
//
// Run: node --test tests/e2e/   (CERES_BIN, E2E_ARTIFACTS and E2E_START_TIMEOUT_MS optional)

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';

import {
  artifactsDir, launchBrowser, parisToday, removeDir, scratchDir, startServer,
} from './harness.mjs';

const PASSWORD = 'ceres-demo-2026';
const AGENT = 'agent.ud75@demo.ceres.fr';
const ADMIN = 'admin@demo.ceres.fr';
const OPERATOR = 'operateur.afpa@demo.ceres.fr';
const SESSION = 'TITRE_B_2023_470415';
const HENRI = 2122559;

test('after the send: a lot, the provider, a returned pli, the address fixed, a duplicata',
  { timeout: 300_000 }, async (t) => {
    const workDir = scratchDir('ceres-e2e-after-');
    const artifacts = artifactsDir();
    let server = null;
    let browser = null;
    let failed = false;

    t.after(async () => {
      await browser?.context.close().catch(() => {});
      await server?.stop();
      if (failed && server) console.error(`ceres log, last lines:\n${server.logTail()}`);
      removeDir(workDir);
    });

    server = await startServer({ workDir, logPath: join(artifacts, 'server-after-send.log') });
    browser = await launchBrowser({ profileDir: join(workDir, 'chromium-profile') });
    const { page } = browser;
    let base = server.baseUrl;
    let review = `${base}/sessions/${SESSION}/candidats/${HENRI}`;

    const step = (name, body) => t.test(name, async (s) => {
      if (failed) return s.skip('an earlier step failed');
      try {
        await body();
      } catch (error) {
        failed = true;
        await page.screenshot({ path: join(artifacts, `failure-after-${slug(name)}.png`),
          fullPage: true }).catch(() => {});
        throw error;
      }
    });

    await step('the agent sends BERTRAND for printing', async () => {
      await signIn(page, base, AGENT);
      await page.goto(review);
      await page.getByRole('checkbox', { name: 'Données vérifiées et conformes' }).first()
        .check({ force: true });
      await submit(page, page.getByRole('button', { name: /Envoyer pour impression/ }));
      await visible(page.getByText(/Demande d['’]impression initiale transmise/));
    });

    await step('an administrator puts the waiting plis into a lot', async () => {
      await signOut(page);
      await signIn(page, base, ADMIN);
      await page.goto(`${base}/admin/impression`);
      await submit(page, page.getByRole('button', { name: 'Constituer un lot maintenant' }));
      await visible(page.getByText(/La constitution d['’]un lot est demandée/));
      // The worker renders the documents and builds the lot in the background.
      await waitFor(page, `${base}/admin/impression`, /Plis transmis dans un lot : 1\b/);
    });

    await step('the provider prints, posts, and records the return of the pli', async () => {
      await signOut(page);
      await signIn(page, base, OPERATOR);
      await page.goto(`${base}/prestataire/lots`);
      await page.locator('a[href^="/prestataire/lots/"]').first().click();
      await visible(page.getByText('BERTRAND'));
      await visible(page.getByText('01-lettre-accompagnement.pdf'));
      assert.equal(await page.getByText('23/04/1981').count(), 0, 'no birth date');

      await recordEvent(page, 'imprime');
      await visible(page.getByText('Pli enregistré : Imprimé.'));
      await recordEvent(page, 'poste', { date: parisToday().split('/').reverse().join('-') });
      await visible(page.getByText('Pli enregistré : Posté.'));
      await recordEvent(page, 'pnd', { reason: 'n_habite_pas' });
      await visible(page.getByText('Pli enregistré : Pli non distribué.'));
    });

    await step('the agent finds the returned pli and the R10 answer', async () => {
      await signOut(page);
      await signIn(page, base, AGENT);
      await page.goto(`${base}/sessions`);
      await page.getByRole('link', { name: /1 pli\(s\) non distribué\(s\) à traiter/ }).click();
      await visible(page.getByRole('heading', { name: 'Plis non distribués à traiter' }));
      await page.getByRole('link', { name: 'Traiter' }).first().click();
      await visible(page.getByText(/Un retour de pli non distribué \(PND\) a été enregistré le/));
      await visible(page.getByText(/n['’]habite pas à l['’]adresse indiquée/));
    });

    await step('informing the Afpa before the address is corrected is refused', async () => {
      await submit(page, page.getByRole('button', { name: /Informer l['’]Afpa/ }));
      await visible(page.getByText(/L['’]adresse n['’]a pas changé/));
    });

    await step('the address is corrected in the candidate module', async () => {
      await page.goto(`${base}/candidats/${HENRI}?session=${SESSION}`);
      await page.locator('summary', { hasText: 'Actions sur le candidat' }).click();
      await submit(page, page.getByRole('button', { name: "Revenir à l'état brouillon" }));
      await page.getByLabel(/^\s*Numéro et voie/).fill('5 rue des Roses');
      await submit(page, page.getByRole('button', { name: 'Enregistrer' }));
      await submit(page, page.getByRole('button', { name: 'Valider' }));
      await visible(page.getByText('Les informations du candidat sont validées'));
    });

    await step('the Afpa is informed: the same pli will be posted again', async () => {
      await page.goto(review);
      await submit(page, page.getByRole('button', { name: /Informer l['’]Afpa/ }));
      await visible(page.getByText(/le pli sera posté de nouveau à la nouvelle adresse/));
      await visible(page.getByText(/À poster de nouveau/));
      await visible(page.getByText(/5 rue des roses/i));
    });

    await step('a duplicata asked the same day is refused with its date', async () => {
      await page.getByLabel('Motif du duplicata').selectOption('courrier_perdu');
      await page.getByRole('checkbox', { name: 'Données vérifiées et conformes' }).last()
        .check({ force: true });
      await submit(page, page.getByRole('button', { name: 'Envoyer un duplicata' }));
      await visible(page.locator('[role="alert"]')
        .filter({ hasText: /Un duplicata ne peut être demandé qu['’]à partir du \d{2}\/\d{2}\/\d{4}/ }));
      await page.screenshot({ path: join(artifacts, 'after-send-duplicata-refused.png'),
        fullPage: true });
    });

    await step('eight days later the duplicata is accepted and listed', async () => {
      await server.stop();
      server = await startServer({
        workDir,
        logPath: join(artifacts, 'server-after-send-8-days.log'),
        env: { CERES_CLOCK_OFFSET_DAYS: '8' },
      });
      base = server.baseUrl;
      review = `${base}/sessions/${SESSION}/candidats/${HENRI}`;
      await signIn(page, base, AGENT);
      await page.goto(review);
      await page.getByLabel('Motif du duplicata').selectOption('courrier_perdu');
      await page.getByRole('checkbox', { name: 'Données vérifiées et conformes' }).last()
        .check({ force: true });
      await submit(page, page.getByRole('button', { name: 'Envoyer un duplicata' }));
      await visible(page.getByText(/Dernière demande de duplicatas transmise le \d{2}\/\d{2}\/\d{4} \(1\)/));
      await page.goto(`${base}/sessions/${SESSION}/candidats`);
      await visible(page.getByText(/Dernière demande de duplicatas transmise le \d{2}\/\d{2}\/\d{4} \(1\)/));
    });
  });

async function signIn(page, base, email) {
  await page.goto(`${base}/connexion`);
  await page.getByLabel(/^\s*Adresse électronique/).fill(email);
  await page.getByLabel(/^\s*Mot de passe/).fill(PASSWORD);
  await submit(page, page.getByRole('button', { name: 'Se connecter' }));
}

async function signOut(page) {
  await submit(page, page.getByRole('button', { name: 'Se déconnecter' }));
}

/** Fills the event form of the (only) pli on the lot page and sends it. */
async function recordEvent(page, type, { date = null, reason = null } = {}) {
  await page.locator('select[name="type"]').first().selectOption(type);
  if (date) await page.locator('input[name="date"]').first().fill(date);
  if (reason) await page.locator('select[name="reason"]').first().selectOption(reason);
  await submit(page, page.getByRole('button', { name: 'Enregistrer' }).first());
}

/** Reloads `url` until its text matches, for the background worker (30 s at most). */
async function waitFor(page, url, pattern) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await page.goto(url);
    const text = await page.locator('main').innerText();
    if (pattern.test(text)) return;
    assert.ok(Date.now() < deadline, `${url} never showed ${pattern}: «${text}»`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function submit(page, button) {
  await page.evaluate(() => { window.__ceresE2eOldPage = true; });
  await button.click();
  await page.waitForFunction(() => !window.__ceresE2eOldPage);
  await page.waitForLoadState('load');
}

async function visible(locator) {
  await locator.first().waitFor({ state: 'visible' });
}

function slug(text) {
  return text.normalize('NFD').replace(/[^\w]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
}
