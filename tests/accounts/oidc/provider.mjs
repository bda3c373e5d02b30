// A real OpenID provider for the tests: panva's oidc-provider with its development login and
// consent pages (any login name is accepted; the account's `sub` is that name).
//
//   node provider.mjs <port>
//
// Settings by environment (tests/accounts/oidc_provider.py sets them):
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET      the one confidential client
//   OIDC_REDIRECT_URIS                      comma-separated
//   OIDC_POST_LOGOUT_REDIRECT_URIS          comma-separated
//   OIDC_JWKS_FILE                          {"keys": [...]} private signing keys (else the dev key)
//   OIDC_CLOCK_OFFSET                       seconds added to the clock at the token endpoint,
//                                           where ID tokens are signed (-7200: already expired)
// Prints "ready <issuer>" once it listens.
import fs from 'node:fs';
import Provider from 'oidc-provider';

const port = Number(process.argv[2] || process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const env = process.env;
const list = (value) => (value || '').split(',').map((item) => item.trim()).filter(Boolean);
const offsetMs = Number(env.OIDC_CLOCK_OFFSET || 0) * 1000;

const configuration = {
  clients: [{
    client_id: env.OIDC_CLIENT_ID || 'lms',
    client_secret: env.OIDC_CLIENT_SECRET || 'lms-secret',
    redirect_uris: list(env.OIDC_REDIRECT_URIS),
    post_logout_redirect_uris: list(env.OIDC_POST_LOGOUT_REDIRECT_URIS),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], email: ['email', 'email_verified', 'xms_edov'], profile: ['name'] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ['test-only-cookie-key'] },
  async findAccount(ctx, login) {
    const email = login.includes('@') ? login : `${login}@example.org`;
    const name = login.split('@')[0].replace(/[._-]+/g, ' ')
      .replace(/\b\w/g, (letter) => letter.toUpperCase());
    return {
      accountId: login,
      async claims() {
        // 'domain-verified...': unverified in the standard claim, verified in Entra ID's xms_edov
        return { sub: login, email, email_verified: !login.startsWith('unverified')
                   && !login.startsWith('domain-verified'),
                 xms_edov: !login.startsWith('unverified'), name };
      },
    };
  },
};
if (env.OIDC_JWKS_FILE) {
  configuration.jwks = JSON.parse(fs.readFileSync(env.OIDC_JWKS_FILE, 'utf8'));
}

const provider = new Provider(issuer, configuration);
if (offsetMs) {
  // Only where tokens are signed: the login pages' cookies must not be born expired.
  const realNow = Date.now;
  provider.use(async (ctx, next) => {
    if (ctx.path !== '/token') return next();
    Date.now = () => realNow() + offsetMs;
    try {
      return await next();
    } finally {
      Date.now = realNow;
    }
  });
}
const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
