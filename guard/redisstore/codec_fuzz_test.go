package redisstore

import (
	"testing"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/guard"
)

// FuzzDecodeEntry: whatever Redis holds under an entry's key, Load gets an
// entry the guard can use or errBadEntry, never a panic; and an entry the
// store wrote decodes to itself.
func FuzzDecodeEntry(f *testing.F) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	e := guard.Entry{Verdict: guard.VerdictFound, AskedAt: at, Until: at.Add(time.Minute),
		Session: okta.Session{Login: "a@example.com", UserId: "00u1", Status: okta.SessionStatusActive, CreatedAt: at}}
	good, err := encodeEntry(e)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte("1|2|2|"))
	f.Add([]byte("1|2|1|null"))
	f.Add([]byte("-9223372036854775808|9223372036854775807|1|{}"))
	f.Add([]byte("1|2|9|{}"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		e, err := decodeEntry(raw)
		if err != nil {
			return
		}
		if e.Verdict != guard.VerdictFound && e.Verdict != guard.VerdictNotFound {
			t.Fatalf("verdict %d decoded", e.Verdict)
		}
		if e.Session.Id != "" || e.Session.Links != nil {
			t.Fatal("an id or links decoded")
		}
	})
}

// FuzzParseMessage: a published message, whatever it holds, is a
// revocation or nothing, never a panic; a revocation written again is
// itself.
func FuzzParseMessage(f *testing.F) {
	f.Add("1:2:s:" + "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
	f.Add("1:2:u:00u1")
	f.Add("1:2:l:a@example.com")
	f.Add("1:2:x:y")
	f.Add("::")
	f.Add("1:2:s:zz")
	f.Fuzz(func(t *testing.T, m string) {
		field, sp, ok := parseMessage(m)
		if !ok {
			return
		}
		r, ok := revocationOf(field, sp)
		if !ok {
			return
		}
		// Written again (after Redis lost it), it is the same revocation.
		back, sp2, ok := fieldOf(r)
		again, ok2 := revocationOf(back, sp2)
		if !ok || !ok2 || again != r {
			t.Fatalf("%q: %+v, written again %q %v: %+v", m, r, back, sp2, again)
		}
	})
}
