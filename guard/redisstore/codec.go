package redisstore

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/oktasessions/okta-session-go/guard"
	"github.com/redis/go-redis/v9"
)

// keys are the names a store uses in Redis, all under one hash tag.
type keys struct {
	prefix      string // "{keyPrefix}"
	revocations string
	gc          string
	alive       string
	channel     string
}

func newKeys(keyPrefix string) keys {
	p := "{" + keyPrefix + "}"
	return keys{
		prefix:      p,
		revocations: p + ":revocations",
		gc:          p + ":revocations:gc",
		alive:       p + ":alive",
		channel:     p + ":revoked",
	}
}

// entryInfix is what comes between the prefix and the hex of a
// guard.Key in the key of a session's entry. A RevokeSession's field
// ("s:<hex>", fieldOf) carries the same hex, from which the revoke script
// is given the entry's key to delete (Store.record).
const entryInfix = ":e:"

// entry is the key of a session's entry.
func (k keys) entry(key guard.Key) string {
	var b [2 * len(guard.Key{})]byte
	hex.Encode(b[:], key[:])
	return k.prefix + entryInfix + string(b[:])
}

// floorMicro is t in microseconds since 1970, rounded down.
func floorMicro(t time.Time) int64 {
	m := t.UnixMicro()
	if time.UnixMicro(m).After(t) {
		m--
	}
	return m
}

// ceilMicro is t in microseconds since 1970, rounded up.
func ceilMicro(t time.Time) int64 {
	m := t.UnixMicro()
	if time.UnixMicro(m).Before(t) {
		m++
	}
	return m
}

// span is a revocation's At and Until, in microseconds on the guard's
// clock; At rounded up, so that it covers at least what the revocation
// covers.
type span struct{ at, until int64 }

// ttlMillis is how long Redis keeps the revocation, in real time: its Until
// minus its At, at least a second.
func (sp span) ttlMillis() int64 { return max((sp.until-sp.at)/1000, 1000) }

// merge returns the later At and the later Until of sp and o.
func (sp span) merge(o span) span { return span{max(sp.at, o.at), max(sp.until, o.until)} }

// fieldOf returns r's field in the revocations hash and its span; false for
// a revocation the guard would ignore (no subject, unknown kind).
func fieldOf(r guard.Revocation) (string, span, bool) {
	sp := span{ceilMicro(r.At), ceilMicro(r.Until)}
	switch {
	case r.Kind == guard.RevokeSession:
		return "s:" + hex.EncodeToString(r.Key[:]), sp, true
	case r.Kind == guard.RevokeUserID && r.Subject != "":
		return "u:" + r.Subject, sp, true
	case r.Kind == guard.RevokeLogin && r.Subject != "":
		return "l:" + r.Subject, sp, true
	}
	return "", sp, false
}

// revocationOf is the inverse of fieldOf.
func revocationOf(field string, sp span) (guard.Revocation, bool) {
	r := guard.Revocation{At: time.UnixMicro(sp.at), Until: time.UnixMicro(sp.until)}
	kind, subject, ok := strings.Cut(field, ":")
	if !ok || subject == "" {
		return r, false
	}
	switch kind {
	case "s":
		if hex.DecodedLen(len(subject)) != len(r.Key) {
			return r, false
		}
		if _, err := hex.Decode(r.Key[:], []byte(subject)); err != nil {
			return r, false
		}
		r.Kind = guard.RevokeSession
	case "u":
		r.Kind, r.Subject = guard.RevokeUserID, subject
	case "l":
		r.Kind, r.Subject = guard.RevokeLogin, subject
	default:
		return r, false
	}
	return r, true
}

// parseSpan reads "<at>:<until>".
func parseSpan(v string) (span, bool) {
	a, u, ok := strings.Cut(v, ":")
	if !ok {
		return span{}, false
	}
	at, err1 := strconv.ParseInt(a, 10, 64)
	until, err2 := strconv.ParseInt(u, 10, 64)
	return span{at, until}, err1 == nil && err2 == nil
}

// message is a published revocation, as the revoke script writes it.
func message(field string, sp span) string {
	return strconv.FormatInt(sp.at, 10) + ":" + strconv.FormatInt(sp.until, 10) + ":" + field
}

// parseMessage reads a published revocation: "<at>:<until>:<field>".
func parseMessage(m string) (string, span, bool) {
	i := strings.IndexByte(m, ':')
	if i < 0 {
		return "", span{}, false
	}
	j := strings.IndexByte(m[i+1:], ':')
	if j < 0 {
		return "", span{}, false
	}
	sp, ok := parseSpan(m[:i+1+j])
	return m[i+2+j:], sp, ok
}

// An entry's value is "<AskedAt>|<Until>|<Verdict>|<session JSON>", times
// in microseconds on the guard's clock (rounded down: an entry never seems
// younger than it is), the session without its id and links.
func encodeEntry(e guard.Entry) ([]byte, error) {
	b := make([]byte, 0, 512)
	b = strconv.AppendInt(b, floorMicro(e.AskedAt), 10)
	b = append(b, '|')
	b = strconv.AppendInt(b, floorMicro(e.Until), 10)
	b = append(b, '|')
	b = strconv.AppendUint(b, uint64(e.Verdict), 10)
	b = append(b, '|')
	if e.Verdict == guard.VerdictFound {
		s := e.Session
		s.Id, s.Links = "", nil
		j, err := json.Marshal(s)
		if err != nil {
			return nil, fmt.Errorf("redisstore: encoding an entry: %w", err)
		}
		b = append(b, j...)
	}
	if len(b) >= maxEntrySize {
		return nil, errors.New("redisstore: an entry of more than 64 KiB is not shared")
	}
	return b, nil
}

// errBadEntry is returned by Load for a value it cannot read.
var errBadEntry = errors.New("redisstore: an entry in Redis is malformed")

// maxEntrySize bounds an entry's value: Save does not share a larger one,
// and Load reads no more (a session takes about 400 bytes).
const maxEntrySize = 64 << 10

func decodeEntry(raw []byte) (guard.Entry, error) {
	if len(raw) >= maxEntrySize {
		return guard.Entry{}, errBadEntry
	}
	parts := strings.SplitN(string(raw), "|", 4)
	if len(parts) != 4 {
		return guard.Entry{}, errBadEntry
	}
	asked, err1 := strconv.ParseInt(parts[0], 10, 64)
	until, err2 := strconv.ParseInt(parts[1], 10, 64)
	verdict, err3 := strconv.ParseUint(parts[2], 10, 8)
	if err := errors.Join(err1, err2, err3); err != nil {
		return guard.Entry{}, errBadEntry
	}
	e := guard.Entry{
		Verdict: guard.Verdict(verdict),
		AskedAt: time.UnixMicro(asked),
		Until:   time.UnixMicro(until),
	}
	switch e.Verdict {
	case guard.VerdictFound:
		if err := json.Unmarshal([]byte(parts[3]), &e.Session); err != nil {
			return guard.Entry{}, errBadEntry
		}
		e.Session.Id, e.Session.Links = "", nil
	case guard.VerdictNotFound:
	default:
		return guard.Entry{}, errBadEntry
	}
	return e, nil
}

// saveArgs are the save script's arguments for e under key.
func saveArgs(key guard.Key, e guard.Entry, value []byte, ttl time.Duration) []any {
	args := []any{value, max(ttl.Milliseconds(), 1), floorMicro(e.AskedAt), "", "", "", ""}
	if e.Verdict != guard.VerdictFound {
		return args // a refusal is never covered
	}
	args[3] = "s:" + hex.EncodeToString(key[:])
	if e.Session.UserId != "" {
		args[4] = "u:" + e.Session.UserId
	}
	if e.Session.Login != "" {
		args[5] = "l:" + guard.LoginSubject(e.Session.Login)
	}
	if !e.Session.CreatedAt.IsZero() {
		args[6] = floorMicro(e.Session.CreatedAt.Add(-guard.CreationSkew))
	}
	return args
}

// saveScript saves an entry unless a revocation covers it
// (guard.Revocation.Covers; one whose value it cannot read covers every
// session of its subject) or an entry asked later is there. A key of
// another type under the entry's name is replaced.
//
//	KEYS: the entry, the revocations hash
//	ARGV: value, TTL (ms), AskedAt, the session's field, its user's field or
//	      "", its login's field or "", CreatedAt minus guard.CreationSkew
//	      or "" (times in µs)
var saveScript = redis.NewScript(`
local asked = tonumber(ARGV[3])
if ARGV[4] ~= '' and redis.call('HEXISTS', KEYS[2], ARGV[4]) == 1 then
  return 'revoked'
end
for i = 5, 6 do
  if ARGV[i] ~= '' then
    local v = redis.call('HGET', KEYS[2], ARGV[i])
    local at = v and tonumber(string.match(v, '^(%-?%d+):'))
    if v and (not at or asked <= at or ARGV[7] == '' or tonumber(ARGV[7]) <= at) then
      return 'revoked'
    end
  end
end
local old = redis.call('TYPE', KEYS[1]).ok == 'string' and redis.call('GET', KEYS[1])
local oldAsked = old and tonumber(string.match(old, '^(%-?%d+)|'))
if oldAsked and oldAsked > asked then
  return 'kept'
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 'saved'
`)

// revokeScript records a revocation, keeping the later At and Until of one
// already there, forgets a few revocations past their time, makes the hash
// and its gc set expire with the latest (so that nothing stays for ever in
// the Redis of an app that stopped), deletes the session's entry (a session
// revocation) and publishes the revocation.
//
//	KEYS: the revocations hash, its gc sorted set, [the session's entry]
//	ARGV: field, At, Until (µs), TTL (ms), channel or "" (no publishing)
var revokeScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 100)
if #old > 0 then
  redis.call('HDEL', KEYS[1], unpack(old))
  redis.call('ZREM', KEYS[2], unpack(old))
end
local at, til = tonumber(ARGV[2]), tonumber(ARGV[3])
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  local ca, cu = string.match(cur, '^(%-?%d+):(%-?%d+)$')
  if ca then
    at, til = math.max(at, tonumber(ca)), math.max(til, tonumber(cu))
  end
end
local v = string.format('%d:%d', at, til)
redis.call('HSET', KEYS[1], ARGV[1], v)
local gc = now + tonumber(ARGV[4])
local curgc = redis.call('ZSCORE', KEYS[2], ARGV[1])
if not curgc or tonumber(curgc) < gc then
  redis.call('ZADD', KEYS[2], gc, ARGV[1])
end
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')[2]
redis.call('PEXPIREAT', KEYS[1], last)
redis.call('PEXPIREAT', KEYS[2], last)
if KEYS[3] then
  redis.call('DEL', KEYS[3])
end
if ARGV[5] ~= '' then
  redis.call('PUBLISH', ARGV[5], v .. ':' .. ARGV[1])
end
return v
`)
