// Verifies our credentials with Digital Bazaar's reference libraries and validates them against
// 1EdTech's Open Badges 3.0 JSON schemas. Run by tests/certificates/test_reference_verifier.py:
//
//   node verify.mjs BASE_URL NAME=CODE [NAME=CODE ...]
//
// It fetches each credential from BASE_URL/verify/CODE.json, the status list from
// BASE_URL/credentials/status/1 and the issuer profile from BASE_URL/issuer, over HTTP, and
// prints one JSON object: per credential, the verifier's result as issued and after one field
// is changed, and the schema validation of each credential and of the issuer profile.
//
// The document loader is the plain kind any verifier has: the published JSON-LD contexts from
// the packages of their editors (the Open Badges one, which has no package, from the copy the
// app bundles), and everything on BASE_URL fetched over HTTP as it is served. Nothing else.
import {readFile} from 'node:fs/promises';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus, createList} from '@digitalbazaar/vc-bitstring-status-list';
import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';
import securityContext from '@digitalbazaar/security-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';

const OPEN_BADGES_V3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const here = new URL('.', import.meta.url);
const readJson = async relative => JSON.parse(await readFile(new URL(relative, here), 'utf8'));

const [base, ...pairs] = process.argv.slice(2);
if(!base || pairs.length === 0) {
  console.error('usage: node verify.mjs BASE_URL NAME=CODE [NAME=CODE ...]');
  process.exit(2);
}

const contexts = new Map([
  ...credentialsContexts,
  ...securityContext.contexts,
  ...multikeyContext.contexts,
  [OPEN_BADGES_V3, await readJson('../../../lms/certificates/contexts/ob-v3p0-context-3.0.3.json')],
]);

const fetched = [];
async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: structuredClone(contexts.get(url))};
  }
  if(url.startsWith(`${base}/`)) {
    const response = await fetch(url, {headers: {accept: 'application/ld+json, application/json'}});
    if(!response.ok) {
      throw new Error(`GET ${url}: HTTP ${response.status}`);
    }
    fetched.push(url);
    return {contextUrl: null, documentUrl: url, document: await response.json()};
  }
  throw new Error(`${url} is neither a published context nor on ${base}: not loaded`);
}

async function get(path) {
  return (await documentLoader(`${base}${path}`)).document;
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});

// What the verifier says, in plain values: verified, status, and every error's name and message.
function errorsOf(error) {
  if(!error) {
    return [];
  }
  const nested = [].concat(error.errors || [], error.cause || []);
  return [{name: error.name, message: error.message}, ...nested.flatMap(errorsOf)];
}

async function verify(credential) {
  const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
  const statuses = result.statusResult?.results || [];
  return {
    verified: result.verified,
    statusVerified: result.statusResult ? result.statusResult.verified : null,
    status: statuses.length ? statuses.map(each => each.status) : null,
    // each distinct error once (the same error is reported by a proof and by the result)
    errors: [...new Map([
      ...errorsOf(result.error),
      ...(result.results || []).flatMap(each => errorsOf(each.error)),
      ...(result.statusResult ? errorsOf(result.statusResult.error) : []),
      ...statuses.flatMap(each => errorsOf(each.error)),
    ].map(error => [`${error.name}: ${error.message}`, error])).values()],
  };
}

const ajv = new Ajv2019({allErrors: true, strict: false});
addFormats(ajv);
const validateCredential = ajv.compile(await readJson('ob3-schema/achievementcredential.json'));
const validateProfile = ajv.compile(await readJson('ob3-schema/profile.json'));
const schemaErrors = (validate, document) =>
  validate(document) ? [] : validate.errors.map(e => `${e.instancePath} ${e.message}`);

const report = {credentials: {}, statusList: null, issuer: null, fetched};

for(const pair of pairs) {
  const name = pair.slice(0, pair.indexOf('='));
  const code = pair.slice(pair.indexOf('=') + 1);  // a code may end in '='
  const {credential} = await get(`/verify/${encodeURIComponent(code)}.json`);
  const tampered = structuredClone(credential);
  tampered.credentialSubject.name = 'Someone Else';
  report.credentials[name] = {
    asIssued: await verify(credential),
    changed: {field: 'credentialSubject.name', ...await verify(tampered)},
    schemaErrors: schemaErrors(validateCredential, credential),
    proofIsArray: Array.isArray(credential.proof),
    identifier: credential.credentialSubject.identifier,
  };
}

const statusList = await get('/credentials/status/1');
const cleared = structuredClone(statusList);
// the tampering that matters: a list with no entry revoked
cleared.credentialSubject.encodedList = await (await createList({length: 131072})).encode();
report.statusList = {
  asIssued: await verify(statusList),
  changed: {field: 'credentialSubject.encodedList', ...await verify(cleared)},
};

const issuer = await get('/issuer');
report.issuer = {
  schemaErrors: schemaErrors(validateProfile, issuer),
  id: issuer.id,
  assertionMethod: issuer.assertionMethod,
};

console.log(JSON.stringify(report, null, 2));
