// A real OpenID Connect provider for the sign-in tests of ceres, shaped like the State's agent
// identity federation (ProConnect): authorization code flow with PKCE (S256), nonce and state,
// ID token and userinfo signed with RS256, RP-initiated logout.
//
// Started by the Rust integration test (crates/ceres/tests/app.rs) or by the browser tests,
// with its settings in the environment:
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET   the client ceres is registered as
//   OIDC_REDIRECT_URI                    ceres's /connexion/oidc/retour
//   OIDC_POST_LOGOUT_REDIRECT_URI        where the provider sends the browser after sign-out
//   OIDC_ACCOUNTS                        JSON: { "<sub>": { "email": …, "given_name": …,
//                                        "usual_name": … }, … }
//   OIDC_PASSWORD                        the password of every account (default "secret")
//
// It listens on 127.0.0.1 with a port chosen by the system and prints one line of JSON to
// stdout once ready: {"issuer":"http://127.0.0.1:PORT"}. It stops on SIGTERM or when stdin
// closes, so that it never outlives the test that started it.

import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';

import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

// stdout carries the ready line only: the test may stop reading it afterwards, so the
// provider's own notices go to stderr, and a closed stdout is not an error.
console.log = console.info = (...args) => console.error(...args);
process.stdout.on('error', () => {});

const accounts = JSON.parse(env('OIDC_ACCOUNTS'));
const password = env('OIDC_PASSWORD', 'secret');

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test-1' };

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: env('OIDC_CLIENT_ID'),
    client_secret: env('OIDC_CLIENT_SECRET'),
    redirect_uris: [env('OIDC_REDIRECT_URI')],
    post_logout_redirect_uris: [env('OIDC_POST_LOGOUT_REDIRECT_URI')],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
    // ProConnect answers userinfo as a signed JWT.
    userinfo_signed_response_alg: 'RS256',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    given_name: ['given_name'],
    usual_name: ['usual_name'],
  },
  scopes: ['openid', 'email', 'given_name', 'usual_name'],
  features: {
    devInteractions: { enabled: false },
    jwtUserinfo: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      // Sign-out needs no confirmation page: the form posts itself.
      logoutSource: async (ctx, form) => {
        ctx.body = `<!doctype html><html><body>${form}`
          + '<script>document.forms[0].submit()</script></body></html>';
      },
    },
  },
  async findAccount(ctx, sub) {
    const account = accounts[sub];
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, email_verified: true, ...account };
      },
    };
  },
  // The agent consents once and for all: no consent screen.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email given_name usual_name');
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!doctype html><p id="error">${out.error}: ${out.error_description ?? ''}</p>`;
  },
});

const handle = provider.callback();

server.on('request', async (req, res) => {
  const url = new URL(req.url, issuer);
  const match = url.pathname.match(/^\/interaction\/([\w-]+)(\/login)?$/);
  if (!match) return handle(req, res);
  try {
    if (req.method === 'GET') return await showLogin(req, res, match[1]);
    if (req.method === 'POST' && match[2]) return await login(req, res);
    res.writeHead(405).end();
  } catch (error) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error.message));
  }
});

async function showLogin(req, res, uid) {
  await provider.interactionDetails(req, res);
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="fr"><head><title>Fournisseur d'identité de test</title></head><body>
<h1>Fournisseur d'identité de test</h1>
<form method="post" action="/interaction/${uid}/login">
  <label for="login">Adresse électronique</label><input id="login" name="login" type="email">
  <label for="password">Mot de passe</label><input id="password" name="password" type="password">
  <button type="submit">Se connecter au fournisseur</button>
</form></body></html>`);
}

async function login(req, res) {
  const form = new URLSearchParams(await readBody(req));
  const sub = Object.keys(accounts).find((key) => accounts[key].email === form.get('login'));
  if (!sub || form.get('password') !== password) {
    res.writeHead(401, { 'content-type': 'text/plain' }).end('unknown account or wrong password');
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: sub } },
    { mergeWithLastSubmission: false });
}

async function readBody(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
