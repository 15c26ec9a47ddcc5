// The OpenID provider the single sign-on tests sign in through: oidc-provider (a certified implementation) on a free
// loopback port, with one client (the Clinic host under test), a fixed list of people, and a small sign-in form.
//
// Protocol with the test fixture: it prints "listening <issuer>" once the port is open, then reads one line from
// stdin, the client's redirect URI (the host's callback, known only once the host has started), and only then serves
// OpenID requests (before that every request answers 503, so polling the discovery document tells when it is ready).
// Environment: CLINIC_OIDC_CLIENT_SECRET (the client's secret) and CLINIC_OIDC_PASSWORD (every person's password),
// both generated per run by the fixture.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import Provider from 'oidc-provider';

const clientSecret = process.env.CLINIC_OIDC_CLIENT_SECRET;
const password = process.env.CLINIC_OIDC_PASSWORD;
if (!clientSecret || !password) {
  console.error('CLINIC_OIDC_CLIENT_SECRET and CLINIC_OIDC_PASSWORD must be set.');
  process.exit(2);
}

// Who can sign in: subject, e-mail, groups, and whether this IdP asked them for a second factor (amr).
const people = new Map([
  ['ines.admin', { sub: 'sub-ines-0001', email: 'ines.admin@clinic.test', groups: ['admins', 'everyone'], amr: ['pwd', 'otp', 'mfa'] }],
  ['stan.staff', { sub: 'sub-stan-0002', email: 'stan.staff@clinic.test', groups: ['staff', 'everyone'], amr: ['pwd'] }],
  ['una.unmapped', { sub: 'sub-una-0003', email: 'una.unmapped@clinic.test', groups: ['everyone'], amr: ['pwd'] }],
  ['omar.admin', { sub: 'sub-omar-0004', email: 'omar.admin@clinic.test', groups: ['admins'], amr: ['pwd'] }],
  ['lena.link', { sub: 'sub-lena-0005', email: 'lena.link@clinic.test', groups: ['staff'], amr: ['pwd'] }],
  // Her address is not verified: the clinic must not create an account from it, nor from her preferred_username.
  ['uma.unverified', { sub: 'sub-uma-0006', email: 'uma.unverified@clinic.test', emailVerified: false, groups: ['staff'], amr: ['pwd'] }],
  // An admin for the step-up test, kept apart so other tests' sessions do not interfere.
  ['rita.admin', { sub: 'sub-rita-0007', email: 'rita.admin@clinic.test', groups: ['admins'], amr: ['pwd', 'otp', 'mfa'] }],
]);
const bySubject = new Map([...people.values()].map((person) => [person.sub, person]));

let provider;
const server = http.createServer((req, res) => {
  if (!provider) {
    res.writeHead(503).end();
    return;
  }
  const url = new URL(req.url, issuer);
  const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname);
  if (match) {
    interaction(req, res, match[2] === '/login').catch((error) => {
      console.error(`interaction failed: ${error.name}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
    return;
  }
  provider.callback()(req, res);
});

let issuer;
server.listen(0, '127.0.0.1', () => {
  issuer = `http://127.0.0.1:${server.address().port}`;
  console.log(`listening ${issuer}`);
});

const lines = createInterface({ input: process.stdin });
lines.once('line', (redirectUri) => {
  provider = new Provider(issuer, {
    clients: [{
      client_id: 'clinic',
      client_secret: clientSecret,
      redirect_uris: [redirectUri.trim()],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      // auth_time in every ID token: the clinic dates the provider's second factor by it for step-up.
      require_auth_time: true,
    }],
    claims: {
      // amr (RFC 8176) in the ID token tells the clinic whether this provider asked for a second factor.
      openid: ['sub', 'amr'],
      email: ['email', 'email_verified'],
      profile: ['preferred_username'],
      groups: ['groups'],
    },
    async findAccount(ctx, sub) {
      const person = bySubject.get(sub);
      if (!person) return undefined;
      return {
        accountId: sub,
        async claims() {
          const name = [...people.entries()].find(([, p]) => p.sub === sub)[0];
          return { sub, email: person.email, email_verified: person.emailVerified ?? true, preferred_username: name, groups: person.groups };
        },
      };
    },
    // The clinic is a first-party client: consent is implied, as a workforce IdP configures it.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: [randomBytes(32).toString('base64')] },
    pkce: { required: () => true },
  });
  provider.proxy = false;
  console.log('ready');
});
// The fixture closes stdin (or ends the process) when it is done.
lines.on('close', () => { if (!provider) process.exit(0); });

const page = (title, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function interaction(req, res, submitted) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name !== 'login') {
    res.writeHead(501).end();
    return;
  }
  let error = '';
  if (submitted && req.method === 'POST') {
    const form = new URLSearchParams(await body(req));
    const name = form.get('login') ?? '';
    const person = people.get(name);
    if (person && form.get('password') === password) {
      await provider.interactionFinished(req, res, { login: { accountId: person.sub, amr: person.amr } }, { mergeWithLastSubmission: false });
      return;
    }
    error = '<p role="alert">Unknown name or wrong password.</p>';
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(page('Test identity provider', `${error}<form method="post" action="/interaction/${escape(details.uid)}/login">
<label for="login">User name</label> <input id="login" name="login" autocomplete="username">
<label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit">Sign in to the identity provider</button></form>`));
}

function body(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { data += chunk; if (data.length > 10000) req.destroy(); });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
