// Package redisstore is a guard.Store in Redis, so that the replicas of a
// service share what Okta said of its sessions and the revocations they
// accepted: guards given stores with the same Redis and key prefix behave as
// one.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379", ContextTimeoutEnabled: true})
//	store := redisstore.New(rdb, "myapp")
//	defer store.Close()
//	g, err := guard.New(client, guard.Options{Store: store})
//
// A Check that another replica's confirmation answers costs one Redis round
// trip (one GETRANGE, which reads no more than an entry may hold, 64 KiB):
// each guard keeps the revocations in memory, which its store loads in full
// at start and after every reconnection and tells it of as they are
// published (Redis pub/sub). Saving an answer and recording a revocation are
// Lua scripts, so that a revocation recorded by any replica refuses,
// atomically, an answer to a question asked before it.
//
// # What Redis holds
//
// Every key starts with the hash tag {keyPrefix}, so that the scripts, which
// touch several keys, work on Redis Cluster (all of a prefix's keys live on
// one shard; they are small):
//
//   - {keyPrefix}:e:<SHA-256 of the session id, hex>: what Okta answered of
//     that id (guard.Entry: the verdict, when it was asked and until when it
//     may be used on the guard's clock, and the session without its id and
//     links), expiring (in real time) at its Until: TTLs only collect
//     garbage, freshness is judged from the times stored in the value.
//   - {keyPrefix}:revocations: a hash of the revocations not yet past their
//     Until, by "s:<SHA-256 of the session id, hex>", "u:<Okta user id>" or
//     "l:<login, lower-cased>", each "<At>:<Until>" in microseconds since
//     1970 on the guard's clock; {keyPrefix}:revocations:gc orders them by
//     when (in real time) they may be forgotten. Both expire when the
//     latest may be forgotten: every key has a TTL.
//   - {keyPrefix}:alive: written when a store reconnects, to find out whether
//     Redis takes writes.
//
// New revocations are published on the channel {keyPrefix}:revoked.
//
// # When Redis fails
//
// Every Redis call is bounded in time (WithTimeout). While Redis cannot be
// reached, answers too slowly or refuses writes (a full Redis), Load and
// Save fail at once, without waiting for Redis, and the guard asks Okta
// itself; Revoke still tries Redis (under a context of its own, so that a
// caller that gives up does not leave the revocation out), remembers what
// it could not record and records it when Redis is back (a Redis that
// answers but refuses the script, a full one, is still asked to publish it
// at once). A store reconnects in the background, loads the revocations
// again (a restarted Redis without persistence has lost them: the store
// records again those it knows), and only then serves Load again, unless a
// call failed meanwhile. It logs one Warn record when it loses Redis and
// one Info record when Redis is back. A key of the wrong type or a value
// that cannot be read is not a lost Redis: it fails that Load alone.
//
// # Decisions
//
// Times are stored in microseconds since 1970, so that Lua's numbers
// (doubles, exact to 2^53) compare them exactly; each is rounded the way
// that refuses more: a revocation's At up, an answer's AskedAt and a
// session's CreatedAt down, so that a revocation never covers less than
// guard.Revocation.Covers says.
//
// The store keeps the revocations it knows in memory besides Redis (at most
// MaxKnown) only to record them again in a Redis that lost them; the guard
// keeps its own list. It forgets those past their Until by the latest time
// the guard gave it, so that one Redis forgot in time is not brought back.
//
// The times of entries and revocations are those of the guard that wrote
// them, judged by the clocks of the others: replicas' clocks must agree to
// within a few seconds (guard.CreationSkew). One that runs ahead makes the
// others trust its answers for MaxStale plus the difference (and keep them
// against newer ones), one that runs behind makes its revocations miss the
// sessions created in the last moments before them.
//
// Whoever can write to Redis can make the guards accept any cookie as any
// user's session: the values carry no secret that would let a guard check
// them. A value the store cannot read fails its Load alone (the guard asks
// Okta); a revocation the save script cannot read refuses every session of
// its subject.
//
// Load fails (the guard then asks Okta) from the moment any call fails
// until the subscription's goroutine has checked that Redis takes writes
// and loaded the revocations again: the guard judges an entry from Redis
// against the revocations it was told of, which a store that may have
// missed some cannot vouch for.
package redisstore
