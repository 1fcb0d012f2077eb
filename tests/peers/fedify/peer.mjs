// An independent ActivityPub server built on Fedify, run by the Maillage test suite against a
// real node (tests/federation/fedify.rs). It serves one Person, `peer`, follows or is followed,
// and reports on stdout, one JSON line each, every activity its inbox accepted — Fedify only
// hands over activities whose signatures it verified.
//
// Control endpoints (for the test, not ActivityPub):
//   POST /control/follow  {"target": ACTOR_URL}  -> sends Follow
//   POST /control/post    {"to": ACTOR_URL, "content": HTML} -> sends a public Create(Note)
//   POST /control/tampered {"to": ACTOR_URL, "tamper": "none" | "body" | "date" | "keyid-host"}
//        -> posts a Follow signed with RFC 9421 by Fedify, then tampered with; answers
//           {"status": N}, the status the inbox answered
//   GET  /control/log     -> every activity received so far
//   GET  /control/knocks  -> every signed POST sent (each knock of Fedify's double-knocking):
//                            {"url", "scheme": "rfc9421" | "draft-cavage", "status"}
//
// Usage: PEER_PORT=1234 node peer.mjs

import http from "node:http";
import { createFederation, generateCryptoKeyPair, MemoryKvStore, signRequest } from "@fedify/fedify";
import { configure, getConsoleSink } from "@logtape/logtape";
import {
  Accept,
  Announce,
  Create,
  Delete,
  Endpoints,
  Follow,
  Hashtag,
  Note,
  Person,
  PUBLIC_COLLECTION,
  Undo,
  Update,
} from "@fedify/vocab";

// Fedify logs to stderr; quiet unless PEER_LOG names a level ("warning", "debug"...).
await configure({
  sinks: { console: getConsoleSink() },
  loggers: [
    { category: "fedify", sinks: ["console"], lowestLevel: process.env.PEER_LOG ?? "fatal" },
    { category: ["logtape", "meta"], sinks: ["console"], lowestLevel: "error" },
  ],
});

// Fedify signs with RFC 9421 first and, when refused (4xx), signs again with draft-cavage and
// remembers it for that server ("double-knocking"): every signed POST is recorded with the
// scheme it used and the answer, so the test sees whether the first knock was accepted.
const knocks = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  if (input instanceof Request && input.method === "POST" && input.headers.has("signature")) {
    knocks.push({
      url: input.url,
      scheme: input.headers.has("signature-input") ? "rfc9421" : "draft-cavage",
      status: response.status,
    });
  }
  return response;
};

const port = Number(process.env.PEER_PORT);
const origin = `http://localhost:${port}`;
const received = [];

const federation = createFederation({
  kv: new MemoryKvStore(),
  // The node under test runs on localhost.
  allowPrivateAddress: true,
});

const pair = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== "peer") return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Fedify peer",
      summary: "An independent ActivityPub server for Maillage's tests.",
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((k) => k.multikey),
    });
  })
  .setKeyPairsDispatcher(async (_ctx, identifier) => (identifier === "peer" ? [pair] : []));

async function summary(activity) {
  const entry = {
    type: activity.constructor.name,
    id: activity.id?.href,
    actor: activity.actorId?.href,
  };
  const object = await activity.getObject().catch(() => null);
  if (object) {
    entry.object = { type: object.constructor.name, id: object.id?.href };
    if (object instanceof Note) {
      entry.object.content = object.content?.toString();
      entry.object.tags = [];
      for await (const tag of object.getTags()) {
        if (tag instanceof Hashtag) entry.object.tags.push(tag.name?.toString());
      }
      entry.object.to = object.toIds.map((u) => u.href);
    }
  }
  return entry;
}

async function record(activity) {
  const entry = await summary(activity);
  received.push(entry);
  console.log(JSON.stringify({ received: entry }));
}

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Follow, async (ctx, follow) => {
    await record(follow);
    const follower = await follow.getActor();
    await ctx.sendActivity(
      { identifier: "peer" },
      follower,
      new Accept({
        id: new URL(`${origin}/accepts/${crypto.randomUUID()}`),
        actor: ctx.getActorUri("peer"),
        object: follow,
      }),
      { immediate: true },
    );
  })
  .on(Accept, (_ctx, activity) => record(activity))
  .on(Create, (_ctx, activity) => record(activity))
  .on(Update, (_ctx, activity) => record(activity))
  .on(Delete, (_ctx, activity) => record(activity))
  .on(Announce, (_ctx, activity) => record(activity))
  .on(Undo, (_ctx, activity) => record(activity));

// A Follow signed by Fedify with RFC 9421 (as its first knock is), then tampered with:
// "body" changes the body after signing (Content-Digest no longer matches), "date" changes a
// covered header, "keyid-host" signs with the actor's own key but names a key on another
// host; "none" sends it as signed. Sent once (no second knock); returns the status.
async function tampered(ctx, to, tamper) {
  const target = await ctx.lookupObject(to);
  const id = `${origin}/follows/${crypto.randomUUID()}`;
  const activity = {
    "@context": "https://www.w3.org/ns/activitystreams",
    id,
    type: "Follow",
    actor: ctx.getActorUri("peer").href,
    object: target.id.href,
  };
  const keyId =
    tamper === "keyid-host"
      ? new URL("http://elsewhere.example/users/peer#main-key")
      : (await ctx.getActorKeyPairs("peer"))[0].keyId;
  const request = new Request(target.inboxId, {
    method: "POST",
    headers: { "content-type": "application/activity+json" },
    body: JSON.stringify(activity),
  });
  const signed = await signRequest(request, pair.privateKey, keyId, { spec: "rfc9421" });
  const headers = new Headers(signed.headers);
  let sent = await signed.text();
  if (tamper === "body") {
    sent = JSON.stringify({ ...activity, id: `${id}-changed` });
  } else if (tamper === "date") {
    headers.set("date", new Date(Date.now() - 60_000).toUTCString());
  } else if (tamper !== "none" && tamper !== "keyid-host") {
    throw new Error(`unknown tamper: ${tamper}`);
  }
  const response = await realFetch(new Request(target.inboxId, { method: "POST", headers, body: sent }));
  return response.status;
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function control(req, res, ctx) {
  const path = new URL(req.url, origin).pathname;
  if (req.method === "GET" && path === "/control/log") {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify(received));
  }
  if (req.method === "GET" && path === "/control/knocks") {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify(knocks));
  }
  const body = JSON.parse((await readBody(req)).toString() || "{}");
  try {
    if (path === "/control/follow") {
      const target = await ctx.lookupObject(body.target);
      await ctx.sendActivity(
        { identifier: "peer" },
        target,
        new Follow({
          id: new URL(`${origin}/follows/${crypto.randomUUID()}`),
          actor: ctx.getActorUri("peer"),
          object: target.id,
        }),
        { immediate: true },
      );
    } else if (path === "/control/post") {
      const to = await ctx.lookupObject(body.to);
      const id = crypto.randomUUID();
      await ctx.sendActivity(
        { identifier: "peer" },
        to,
        new Create({
          id: new URL(`${origin}/creates/${id}`),
          actor: ctx.getActorUri("peer"),
          to: PUBLIC_COLLECTION,
          object: new Note({
            id: new URL(`${origin}/notes/${id}`),
            attribution: ctx.getActorUri("peer"),
            to: PUBLIC_COLLECTION,
            content: body.content ?? "<p>Bonjour depuis Fedify</p>",
          }),
        }),
        { immediate: true },
      );
    } else if (path === "/control/tampered") {
      const status = await tampered(ctx, body.to, body.tamper);
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ ok: true, status }));
    } else {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true }));
  } catch (error) {
    res.writeHead(502, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: false, error: String(error) }));
  }
}

const server = http.createServer(async (req, res) => {
  const ctx = federation.createContext(new URL(origin), undefined);
  if (req.url.startsWith("/control/")) return control(req, res, ctx);
  const body = req.method === "GET" || req.method === "HEAD" ? undefined : await readBody(req);
  const request = new Request(new URL(req.url, origin), {
    method: req.method,
    headers: req.headers,
    body,
  });
  const response = await federation.fetch(request, { contextData: undefined });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});

server.listen(port, "127.0.0.1", () => console.log(JSON.stringify({ ready: origin })));
