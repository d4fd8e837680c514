/**
 * One certificate order, start to finish (RFC 8555 §7.4): new order for the names, answer each
 * pending authorization with the first challenge the CA offers that the resolver can answer
 * (lego's rule: the CA's order, among the solvers configured), finalize with a CSR for a new
 * key (or the old key on renewal, as lego's renew does), and download the chain
 * (`preferredChain` picks an alternate chain by issuer CN). Answers are withdrawn however the
 * order ends.
 */
import { crypto as acmeCrypto, type Client } from 'acme-client';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import type { AcmeKeyType } from '../../config/static-acme.ts';
import { generateCertificateKey, pkcs8Pem, storageKeyPem } from './acme-crypto.ts';
import type { ChallengeResponder } from './challenge-responder.ts';

export type ChallengeType = 'http-01' | 'tls-alpn-01';

export interface OrderRequest {
  /** The names; the first is the subject CN unless `disableCommonName`. */
  readonly names: readonly string[];
  readonly keyType: AcmeKeyType;
  /** The key to certify (renewals reuse the old key); a new one otherwise. */
  readonly key?: KeyObject;
  readonly disableCommonName: boolean;
  readonly profile?: string;
  readonly preferredChain?: string;
}

export interface OrderContext {
  readonly client: Client;
  readonly responder: ChallengeResponder;
  /** Challenge types the resolver answers. */
  readonly challenges: readonly ChallengeType[];
  /** Waits before asking the CA to validate (`httpChallenge.delay`, `tlsChallenge.delay`). */
  readonly delayBeforeValidation: (type: ChallengeType) => Promise<void>;
}

export interface ObtainedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

// The subject CN is limited to 64 characters (RFC 5280 ub-common-name); lego leaves it out then.
const maxCommonNameLength = 64;

async function answer(
  context: OrderContext, authz: Awaited<ReturnType<Client['getAuthorizations']>>[number],
): Promise<void> {
  const name = authz.identifier.value;
  const challenge = authz.challenges.find((c) => (context.challenges as readonly string[]).includes(c.type));
  if (challenge === undefined) {
    const offered = authz.challenges.map((c) => c.type).join(', ');
    throw new Error(`the CA offers no challenge this resolver can answer for ${name} (offered: ${offered})`);
  }
  const type = challenge.type as ChallengeType;
  const keyAuthorization = await context.client.getChallengeKeyAuthorization(challenge);
  let withdraw: () => void;
  if (type === 'http-01') {
    withdraw = context.responder.addHttp01(challenge.token, keyAuthorization);
  } else {
    // A throwaway P-256 key: the validator only reads the acmeIdentifier extension.
    const alpnKey = pkcs8Pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const [, alpnCert] = await acmeCrypto.createAlpnCertificate(authz, keyAuthorization, alpnKey);
    withdraw = context.responder.addTlsAlpn01(name, alpnCert.toString(), alpnKey);
  }
  try {
    await context.delayBeforeValidation(type);
    await context.client.completeChallenge(challenge);
    await context.client.waitForValidStatus(challenge);
  } catch (err) {
    throw new Error(`${type} challenge for ${name} failed: ${(err as Error).message}`, { cause: err });
  } finally {
    withdraw();
  }
}

/** Runs one order; rejects with the CA's or the validator's reason. */
export async function obtainCertificate(context: OrderContext, request: OrderRequest): Promise<ObtainedCertificate> {
  const { client } = context;
  // `profile` (ACME profiles draft) is not in acme-client's types; the CA reads it from the body.
  const orderRequest: Parameters<Client['createOrder']>[0] & { profile?: string } = {
    // IP addresses are `ip` identifiers (RFC 8738), as lego orders them.
    identifiers: request.names.map((value) => ({ type: isIP(value) === 0 ? 'dns' : 'ip', value })),
    ...(request.profile === undefined || request.profile === '' ? {} : { profile: request.profile }),
  };
  const order = await client.createOrder(orderRequest);
  const authorizations = await client.getAuthorizations(order);
  const outcomes = await Promise.allSettled(authorizations
    .filter((authz) => authz.status !== 'valid')
    .map((authz) => answer(context, authz)));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed !== undefined) throw failed.reason;

  const key = request.key ?? await generateCertificateKey(request.keyType);
  const main = request.names[0]!;
  const commonName = request.disableCommonName || main.length > maxCommonNameLength || isIP(main) !== 0 ? undefined : main;
  const [, csr] = await acmeCrypto.createCsr({
    ...(commonName === undefined ? {} : { commonName }),
    altNames: [...request.names],
  }, pkcs8Pem(key));
  const finalized = await client.finalizeOrder(order, csr);
  const certPem = await client.getCertificate(finalized, request.preferredChain);
  return { certPem, keyPem: storageKeyPem(key) };
}
