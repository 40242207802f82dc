package guard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	okta "github.com/oktasessions/okta-session-go"
)

// Key names one session id in a Store: the SHA-256 digest of the id's bytes
// (unkeyed: Okta's session ids are long random strings, so the digest cannot
// be reversed by guessing). A Store never sees the session id itself.
type Key [sha256.Size]byte

// KeyOf returns the Key of sessionID.
func KeyOf(sessionID string) Key { return sha256.Sum256([]byte(sessionID)) }

// String returns the first 8 hexadecimal digits of the key, enough to tell
// keys apart in a log.
func (k Key) String() string { return hex.EncodeToString(k[:4]) }

// Verdict is what Okta said of a session id.
type Verdict uint8

const (
	// VerdictFound: Okta answered the session (Entry.Session holds it). The
	// guard judges its status and expiry by its own Options each time it
	// reads the entry, so replicas with different Options can share it.
	VerdictFound Verdict = iota + 1
	// VerdictNotFound: Okta answered 404 (an unknown, ended or expired id).
	VerdictNotFound
)

// Entry is what a Store keeps of one session id.
type Entry struct {
	// Verdict is Okta's answer.
	Verdict Verdict
	// Session is the session Okta answered (VerdictFound), without its Id
	// (the guard restores it from the caller's argument) and its Links;
	// the zero Session otherwise.
	Session okta.Session
	// AskedAt is when the guard started the GetSession that gave this
	// answer, on the guard's clock (the client's Configuration.Clock).
	// Freshness is judged from it, never from a store's own expiry.
	AskedAt time.Time
	// Until is when the guard stops using the entry, on the guard's clock.
	// A store may forget the entry then; Until minus AskedAt may serve as a
	// real-time TTL to collect garbage.
	Until time.Time
}

// RevocationKind tells what a Revocation covers.
type RevocationKind uint8

const (
	// RevokeSession covers the one session of Revocation.Key, whenever it
	// was asked of Okta (Okta never reuses a session id).
	RevokeSession RevocationKind = iota + 1
	// RevokeUserID covers the sessions of the Okta user id
	// Revocation.Subject (see Revocation.Covers).
	RevokeUserID
	// RevokeLogin covers the sessions whose login is Revocation.Subject,
	// compared as LoginSubject spells it (see Revocation.Covers).
	RevokeLogin
)

// CreationSkew is how far ahead of a revocation's At a session's CreatedAt
// (on Okta's clock) may be and still count as created before the
// revocation: the allowance for Okta's clock running ahead of the guard's.
// A session created later than that after a revocation is not covered.
const CreationSkew = 5 * time.Second

// Revocation is one revocation the guard records in a Store: by EndSession
// (RevokeSession), RevokeUser (RevokeUserID) or an accepted Universal
// Logout (RevokeLogin or RevokeUserID).
type Revocation struct {
	// Kind tells what the revocation covers.
	Kind RevocationKind
	// Key is the revoked session's key (RevokeSession only).
	Key Key
	// Subject is the user id (RevokeUserID) or the login as LoginSubject
	// returns it (RevokeLogin).
	Subject string
	// At is when the guard accepted the revocation, on its clock.
	At time.Time
	// Until is when the revocation stops mattering, on the guard's clock:
	// the store may forget it then, and Until minus At may serve as a
	// real-time TTL.
	Until time.Time
}

// LoginSubject returns login as RevokeLogin revocations spell it: lower-cased
// (strings.ToLower's Unicode mapping), except that a non-ASCII letter never
// becomes an ASCII one: the Kelvin sign (U+212A) and the dotted capital I
// (U+0130) are kept, so that "\u0130\u212A@example.com" does not name the
// same user as "ik@example.com". Logins are matched without case.
func LoginSubject(login string) string { return strings.Map(lowerNotToASCII, login) }

// lowerNotToASCII maps r to lower case unless that makes a non-ASCII rune
// ASCII.
func lowerNotToASCII(r rune) rune {
	if l := unicode.ToLower(r); r < utf8.RuneSelf || l >= utf8.RuneSelf {
		return l
	}
	return r
}

// Covers reports whether r covers the entry e saved under key, that is
// whether e must not let its session through:
//   - RevokeSession: key equals r.Key, whatever the entry's times.
//   - RevokeUserID and RevokeLogin: the subject matches e.Session.UserId
//     (or LoginSubject(e.Session.Login)), and either the question was asked
//     at or before r.At (Okta's answer may predate the revocation), or the
//     session was created at or before r.At plus CreationSkew (it existed
//     at the revocation), a zero CreatedAt counting as created before.
//
// An entry whose Verdict is not VerdictFound is never covered: it lets
// nothing through. Covers does not look at r.Until. For one subject, a
// revocation with a later At covers whatever one with an earlier At covers,
// so a store may keep only the latest At of each subject.
func (r Revocation) Covers(key Key, e Entry) bool {
	if e.Verdict != VerdictFound {
		return false
	}
	switch r.Kind {
	case RevokeSession:
		return key == r.Key
	case RevokeUserID:
		if e.Session.UserId != r.Subject || r.Subject == "" {
			return false
		}
	case RevokeLogin:
		if r.Subject == "" || LoginSubject(e.Session.Login) != r.Subject {
			return false
		}
	default:
		return false
	}
	return coveredAt(r.At, e)
}

// coveredAt reports whether a user or login revocation at `at` covers e.
func coveredAt(at time.Time, e Entry) bool {
	return !e.AskedAt.After(at) || !e.Session.CreatedAt.After(at.Add(CreationSkew))
}

// ErrRevoked is returned by Store.Save when a recorded revocation covers the
// entry (Revocation.Covers); the guard then refuses the session.
var ErrRevoked = errors.New("guard: the session is revoked")

// Store keeps what guards sharing it have learned: Okta's answers about
// session ids (Entry, by Key) and the revocations they accepted. The memory
// store (NewMemoryStore) serves one process; package guard/redisstore serves
// replicas. A Store is safe for concurrent use by several guards.
//
// Every method that takes a context returns by its deadline or cancellation
// (a store bounds its own calls in time as well). An error from any method
// makes the guard carry on without the store: it asks Okta directly, and never
// lets a session through longer than its MaxStale after Okta last confirmed
// it, nor after a revocation it knows of.
type Store interface {
	// Load returns the entry saved under key and true, or false when there
	// is none. It must fail (return an error) while the store cannot vouch
	// that every revocation recorded in it has been delivered to the
	// guards' Watch functions (while disconnected, or before its first full
	// load), since the guard checks entries against the revocations it was
	// told of. One round trip at most for a shared store; no allocation for
	// the memory store.
	Load(ctx context.Context, key Key) (Entry, bool, error)

	// Save records e under key, atomically with respect to Revoke: it
	// returns ErrRevoked, and records nothing, when a revocation recorded in
	// the store covers e (Revocation.Covers), including one recorded by
	// another guard while the question was in flight. An entry already
	// saved with a later AskedAt is kept (Save returns nil): an older
	// answer never replaces a newer one.
	Save(ctx context.Context, key Key, e Entry) error

	// Revoke records r until r.Until, durably for a shared store (a guard
	// started later learns it through Watch), and announces it: every
	// Watch function of every guard sharing the store is called with it,
	// those in this process before Revoke returns, those of other
	// processes as soon as they can be reached (within a second). From the
	// moment Revoke returns, Save refuses every entry r covers.
	Revoke(ctx context.Context, r Revocation) error

	// Watch calls fn with every revocation recorded in the store and not
	// past its Until, before Watch returns when the store can reach its
	// data (else as soon as it can, Load failing meanwhile), then with
	// every revocation recorded later by any guard sharing the store. It
	// may call fn again with revocations already given (after a
	// reconnection, say): fn is idempotent, safe for concurrent use and
	// quick. stop ends the calls; fn is not called after stop returns.
	// Watch fails only when the store is closed.
	Watch(fn func(Revocation)) (stop func(), err error)

	// Close releases the store's resources and stops its goroutines; later
	// calls fail. A guard does not close a Store given in its Options.
	Close() error
}
