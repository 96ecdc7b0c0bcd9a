// The first part of the CERES 2.0 agents' tutorial, played in a real browser against the demo
// data of `ceres serve --demo`: an agent signs in, opens a session's candidate list, reviews
// each candidate's documents, sends the valid one for printing, is refused for the invalid
// one, and finds the initial printing request on the candidate list. Then the tutorial's
// correction: the agent opens the refused candidate's record, returns it to brouillon with
// the « ⋮ » menu, fixes her birth name and birth date, validates, finds the corrected data
// on the review screen and sends her documents for printing.
//
// Run: node --test tests/e2e/   (CERES_BIN, E2E_ARTIFACTS and E2E_START_TIMEOUT_MS optional)

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import {
  artifactsDir, launchBrowser, parisToday, removeDir, scratchDir, startServer,
} from './harness.mjs';

const AGENT = { email: 'agent.ud75@demo.ceres.fr', password: 'ceres-demo-2026' };
const SESSION = 'TITRE_B_2023_470415';
const SESSION_TABS = [
  'Informations pratiques',
  'Responsable de session',
  'Liste des candidats',
  'Liste des jurés',
  'Surveillant',
  'Traçabilité de la session',
];
const BERTRAND = { surname: 'BERTRAND', fullName: 'Monsieur BERTRAND Henri' };
const FAURIEL1 = { surname: 'FAURIEL1', fullName: 'Madame FAURIEL1 Colette' };
const FAURIEL = { surname: 'FAURIEL', fullName: 'Madame FAURIEL Colette' };
const VERIFIED = 'Données vérifiées et conformes';
const INVALID =
  /Les informations du candidat sont invalides\s*:\s*Date de naissance,\s*Nom de naissance/;
const PRINT_SENT = /Demande d['’]impression initiale transmise/;
const PRINT_REQUESTED = /Demande d['’]impression initiale transmise le\s+(\d{2}\/\d{2}\/\d{4})/;

test('tutorial, part 1: an agent reviews a session and sends its candidates for printing',
  { timeout: 300_000 }, async (t) => {
    const workDir = scratchDir('ceres-e2e-');
    const artifacts = artifactsDir();
    let server = null;
    let browser = null;
    let failed = false;

    t.after(async () => {
      await browser?.context.close().catch(() => {});
      await server?.stop();
      if (failed && server) console.error(`ceres log, last lines:\n${server.logTail()}`);
      console.error(`e2e artifacts (screenshots, server log): ${artifacts}`);
      removeDir(workDir);
    });

    server = await startServer({ workDir, logPath: join(artifacts, 'server.log') });
    browser = await launchBrowser({ profileDir: join(workDir, 'chromium-profile') });
    const { page } = browser;
    const base = server.baseUrl;

    // Each step is a subtest; after the first failure the others are skipped, not failed.
    const step = (name, body) => t.test(name, async (s) => {
      if (failed) return s.skip('an earlier step failed');
      try {
        await body();
      } catch (error) {
        failed = true;
        await shoot(page, artifacts, `failure-${slug(name)}`).catch(() => {});
        throw error;
      }
    });

    let candidatesUrl;
    const sentOn = new Set();

    await step('the agent signs in and sees the sessions list', async () => {
      await page.goto(`${base}/connexion`);
      await page.getByLabel(/^\s*Adresse électronique/).fill(AGENT.email);
      await page.getByLabel(/^\s*Mot de passe/).fill(AGENT.password);
      await page.getByRole('button', { name: 'Se connecter' }).click();

      // The home page is the tracking board; the search lists the sessions.
      await page.getByRole('heading', { name: 'Suivi des sessions' }).waitFor();
      await page.getByRole('link', { name: 'Rechercher une session' }).click();
      await page.getByRole('link', { name: SESSION }).first().waitFor();
    });

    await step('the session page has its six tabs', async () => {
      await page.getByRole('link', { name: SESSION }).first().click();

      for (const name of SESSION_TABS) await sessionTab(page, name).waitFor();
    });

    await step('the candidate list shows the two candidates', async () => {
      await sessionTab(page, 'Liste des candidats').click();

      await visible(page.getByText('2 candidats inscrits à la session'));
      await visible(page.getByText(BERTRAND.fullName));
      await visible(page.getByText(FAURIEL1.fullName));
      candidatesUrl = page.url();
    });

    await step("BERTRAND's review page shows his documents and the controls", async () => {
      await editDocumentsLink(page, BERTRAND).click();

      await visible(page.getByText('1 sur 2'));
      await visible(page.getByText(BERTRAND.surname));
      await visible(page.getByText(/\bAdmis\b/));
      await verifiedCheckbox(page).waitFor({ state: 'attached' });
      await sendButton(page).waitFor();
      await page.getByRole('link', { name: 'Précédent' }).first().waitFor();
      await page.getByRole('link', { name: 'Suivant' }).first().waitFor();
      await shoot(page, artifacts, 'review-1-bertrand');
    });

    await step('the preview documents are PDF files', async () => {
      const links = page.locator('a[href$=".pdf"]');
      await links.first().waitFor({ state: 'attached' });
      const urls = [...new Set(await links.evaluateAll((as) => as.map((a) => a.href)))];

      const texts = [];
      for (const [index, url] of urls.entries()) {
        const response = await page.request.get(url);
        assert.equal(response.status(), 200, `GET ${url}`);
        assert.match(response.headers()['content-type'] ?? '', /^application\/pdf\b/, url);
        const body = await response.body();
        assert.equal(body.subarray(0, 4).toString('latin1'), '%PDF', `${url} starts with %PDF`);

        const text = pdfText(body, join(workDir, `preview-${index}.pdf`));
        if (text !== null) texts.push(text);
      }

      // Where poppler's pdftotext is installed, the previews must be this candidate's.
      if (texts.length > 0) {
        assert.ok(texts.some((text) => text.includes(BERTRAND.surname)),
          `no preview PDF names ${BERTRAND.surname}`);
      }
    });

    await step('sending is refused until the data are ticked as verified', async () => {
      const checkbox = verifiedCheckbox(page);
      assert.equal(await checkbox.isChecked(), false, 'the box starts unticked');

      // A `required` box would let the browser stop the form first; the server must refuse
      // on its own as well, so that check is taken away here.
      await checkbox.evaluate((box) => box.removeAttribute('required'));
      await submitAndWaitForNewPage(page, sendButton(page));

      await visible(errorMessage(page, VERIFIED));
      await visible(page.getByText('1 sur 2'));
      await visible(page.getByText(BERTRAND.surname));
    });

    await step('once ticked, BERTRAND is sent and the next candidate comes up', async () => {
      await tick(verifiedCheckbox(page));
      sentOn.add(parisToday());
      await submitAndWaitForNewPage(page, sendButton(page));
      sentOn.add(parisToday());

      await visible(page.getByText('2 sur 2'));
      await visible(page.getByText(FAURIEL1.surname));
      await visible(page.getByText(INVALID));
      await shoot(page, artifacts, 'review-2-fauriel1');
    });

    await step('FAURIEL1 cannot be sent while her data are invalid', async () => {
      await tick(verifiedCheckbox(page));
      await submitAndWaitForNewPage(page, sendButton(page));

      await visible(page.getByText(INVALID));
      await visible(page.getByText('2 sur 2'));
      await visible(page.getByText(FAURIEL1.surname));
      assert.equal(await page.locator('.fr-alert--success').count(), 0, 'no success message');
      assert.equal(await page.getByText(PRINT_SENT).count(), 0, 'nothing said sent');
      await shoot(page, artifacts, 'review-2-fauriel1-refused');
    });

    await step('the candidate list shows the initial printing request of BERTRAND only',
      async () => {
        const back = page.getByRole('link', { name: 'Liste des candidats' });
        if (await back.count() > 0) await back.first().click();
        else await page.goto(candidatesUrl);
        await visible(page.getByText('2 candidats inscrits à la session'));
        sentOn.add(parisToday());

        const bertrand = await candidateRowText(page, BERTRAND);
        const request = bertrand.match(PRINT_REQUESTED);
        assert.ok(request, `BERTRAND's row says the request was sent: «${bertrand}»`);
        assert.ok(sentOn.has(request[1]),
          `request dated ${request[1]}, expected ${[...sentOn].join(' or ')} (Europe/Paris)`);

        const fauriel = await candidateRowText(page, FAURIEL1);
        assert.doesNotMatch(fauriel, PRINT_SENT);
        await shoot(page, artifacts, 'candidate-list');
      });

    await step("FAURIEL1's record opens from the candidate list", async () => {
      await page.getByRole('link', { name: `Fiche du candidat ${FAURIEL1.surname} Colette` })
        .click();

      await visible(page.getByRole('heading', { name: /Madame FAURIEL1 Colette/ }));
      await visible(page.getByText('CERES ID : 2122560'));
      for (const section of ['Identification du candidat', 'Coordonnées', 'Formation et emploi',
        'Parcours de certification', 'Traçabilité du candidat']) {
        await visible(page.getByRole('heading', { name: section }));
      }
      await shoot(page, artifacts, 'record-fauriel1');
    });

    await step('the « ⋮ » menu returns the record to brouillon', async () => {
      await page.locator('summary', { hasText: 'Actions sur le candidat' }).click();
      await submitAndWaitForNewPage(page,
        page.getByRole('button', { name: "Revenir à l'état brouillon" }));

      await visible(page.getByText(/revenue à l['’]état brouillon/));
      assert.ok(await page.locator('.fr-input-group--error').count() >= 2,
        'the birth name and the birth date are in error beside their fields');
      await shoot(page, artifacts, 'record-fauriel1-draft-form');
    });

    await step('the birth name and the birth date are fixed and saved', async () => {
      await page.getByLabel(/^\s*Nom de naissance/).fill(FAURIEL.surname);
      await page.getByLabel(/^\s*Date de naissance/).fill('23/04/1970');
      await submitAndWaitForNewPage(page, page.getByRole('button', { name: 'Enregistrer' }));

      await visible(page.getByText('Modifications enregistrées'));
      await visible(page.getByRole('heading', { name: /Madame FAURIEL Colette/ }));
    });

    await step('the record is validated again', async () => {
      await submitAndWaitForNewPage(page, page.getByRole('button', { name: 'Valider' }));

      await visible(page.getByText('Les informations du candidat sont validées'));
      await visible(page.getByText('Validé ✓'));
      await visible(page.getByText(/FAURIEL1 → FAURIEL/));
      await shoot(page, artifacts, 'record-fauriel-validated');
    });

    await step('the review screen shows the corrected data at once', async () => {
      await page.getByRole('link', { name: 'Retour à l’édition des documents du candidat' })
        .or(page.getByRole('link', { name: "Retour à l'édition des documents du candidat" }))
        .first()
        .click();

      await visible(page.getByText('2 sur 2'));
      await visible(page.getByRole('heading', { name: FAURIEL.fullName }));
      await visible(page.getByText(/Née le 23\/04\/1970/));
      assert.equal(await page.getByText(INVALID).count(), 0, 'the data are valid now');
      assert.equal(await page.getByText(FAURIEL1.surname).count(), 0, 'the old name is gone');

      const diploma = page.locator('a[href$="/apercu/diplome.pdf"]').first();
      const response = await page.request.get(await diploma.evaluate((a) => a.href));
      const text = pdfText(await response.body(), join(workDir, 'preview-fauriel.pdf'));
      if (text !== null) {
        assert.match(text, /FAURIEL Colette/);
        assert.doesNotMatch(text, /FAURIEL1/);
      }
      await shoot(page, artifacts, 'review-2-fauriel-corrected');
    });

    await step('FAURIEL is sent for printing and the list shows both requests', async () => {
      await tick(verifiedCheckbox(page));
      sentOn.add(parisToday());
      await submitAndWaitForNewPage(page, sendButton(page));
      sentOn.add(parisToday());

      await visible(page.getByText('2 candidats inscrits à la session'));
      for (const candidate of [BERTRAND, FAURIEL]) {
        const row = await candidateRowText(page, candidate);
        const request = row.match(PRINT_REQUESTED);
        assert.ok(request, `${candidate.surname}'s row says the request was sent: «${row}»`);
        assert.ok(sentOn.has(request[1]), `request dated ${request[1]}`);
      }
      await shoot(page, artifacts, 'candidate-list-both-sent');
    });
  });

/** A session tab: a link (one page per tab) or, failing that, an ARIA tab. */
function sessionTab(page, name) {
  return page.getByRole('link', { name }).or(page.getByRole('tab', { name })).first();
}

/** The link of one candidate's row; its accessible name carries the candidate's name. */
function editDocumentsLink(page, candidate) {
  const name = new RegExp(`[ÉE]diter les documents du candidat.*${candidate.surname}`, 'i');
  return page.getByRole('link', { name });
}

function verifiedCheckbox(page) {
  return page.getByRole('checkbox', { name: VERIFIED });
}

function sendButton(page) {
  return page.getByRole('button', { name: /Envoyer pour impression/i });
}

/** An error shown to the user (DSFR alert or message, or an ARIA alert) with this text. */
function errorMessage(page, text) {
  return page
    .locator('[role="alert"], .fr-alert--error, .fr-error-text, .fr-message--error')
    .filter({ hasText: text });
}

async function visible(locator) {
  await locator.first().waitFor({ state: 'visible' });
}

/**
 * Ticks a DSFR checkbox. The design system hides the input and draws the box on its label,
 * so Playwright never finds the input visible: the click is forced where the input sits (it
 * lands on the drawn box), and Playwright still checks that the box became ticked.
 */
async function tick(checkbox) {
  await checkbox.check({ force: true });
  assert.equal(await checkbox.isChecked(), true);
}

/** Clicks a form's submit button and waits until the browser shows the page it answers. */
async function submitAndWaitForNewPage(page, button) {
  await page.evaluate(() => { window.__ceresE2eOldPage = true; });
  await button.click();
  await page.waitForFunction(() => !window.__ceresE2eOldPage);
  await page.waitForLoadState('load');
}

/**
 * The text of a candidate's row on the candidate list: from the candidate's edit link, the
 * nearest enclosing element that also shows the candidate's name.
 */
async function candidateRowText(page, candidate) {
  const row = await editDocumentsLink(page, candidate).evaluate((link, fullName) => {
    const squash = (text) => text.replace(/\s+/g, ' ').trim();
    let node = link;
    while (node && !squash(node.textContent).includes(fullName)) node = node.parentElement;
    return node ? squash(node.textContent) : null;
  }, candidate.fullName);
  assert.ok(row, `no element around the edit link of ${candidate.surname} shows its name`);
  for (const other of [BERTRAND, FAURIEL1]) {
    if (other.surname.startsWith(candidate.surname) || candidate.surname.startsWith(other.surname)) {
      continue;
    }
    assert.ok(!row.includes(other.surname), `the row of ${candidate.surname} is its own`);
  }
  return row;
}

/** The text of a PDF by poppler's pdftotext, or null where it is not installed. */
function pdfText(bytes, path) {
  writeFileSync(path, bytes);
  try {
    return execFileSync('pdftotext', ['-q', path, '-'], { encoding: 'utf8' });
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
}

async function shoot(page, dir, name) {
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

function slug(text) {
  return text.normalize('NFD').replace(/[^\w]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
}
