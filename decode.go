package okta

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/oktasessions/okta-session-go/internal/httpx"
)

// sessionBuffer is how much of a success answer is read before it is
// decoded at once; a session is about 1 KiB. A longer answer is decoded as
// it streams, as every answer was before (see decodeSession).
const sessionBuffer = 8 << 10

// sessionDecoding is what decoding one answer needs, kept in a pool
// (decodings) between calls: the answer's bytes, the session decoded, and
// the sessionDecoder aimed at it. Only its user touches it, from Get to
// Put.
type sessionDecoding struct {
	buf [sessionBuffer]byte
	s   Session
	in  sessionDecoder
}

var decodings = sync.Pool{New: func() any { return new(sessionDecoding) }}

// decodeSession decodes a success answer into out. It refuses what is not
// exactly one complete JSON session with an id (wantID, when not empty),
// and then leaves out as the zero Session: never half a session, or
// another one, with an error.
//
// The session is decoded into a pooled sessionDecoding and copied to out,
// so that out does not escape (an operation's Session stays on its stack).
func decodeSession(contentType string, body io.Reader, out *Session, wantID string) error {
	d := decodings.Get().(*sessionDecoding)
	err := d.decode(contentType, body)
	if err == nil && wantID != "" && d.s.Id != wantID {
		err = errSessionMismatch
	}
	if err == nil {
		*out = d.s
	} else {
		*out = Session{}
	}
	d.s, d.in = Session{}, sessionDecoder{} // the pool keeps no session
	decodings.Put(d)
	return err
}

// decode decodes body into d.s. An answer that ends within d.buf, as any
// session does, is decoded from there by json.Unmarshal: it needs no
// json.Decoder, whose reads and buffer cost three allocations, and its one
// scanner costs fewer than the Decoder's two. Anything else (a longer
// answer, a read that fails, and every answer json.Unmarshal refuses) goes
// to stream, which meets the same bytes in the same order as when every
// answer was streamed, and so refuses them for the same reason.
func (d *sessionDecoding) decode(contentType string, body io.Reader) error {
	if contentType != "" && !httpx.IsJSON(contentType) {
		return errNotJSON
	}
	n, err := io.ReadFull(body, d.buf[:])
	defer clear(d.buf[:n]) // the pool keeps no answer
	switch err {
	case io.EOF, io.ErrUnexpectedEOF: // the whole answer is in d.buf[:n]
		d.in = sessionDecoder{Session: &d.s}
		if json.Unmarshal(d.buf[:n], &d.in) == nil {
			return d.took()
		}
		return d.stream(bytes.NewReader(d.buf[:n]))
	case nil: // the answer goes on past d.buf
		return d.stream(io.MultiReader(bytes.NewReader(d.buf[:n]), body))
	}
	return d.stream(io.MultiReader(bytes.NewReader(d.buf[:n]), failedRead{err}))
}

// failedRead is a body whose reads fail with err.
type failedRead struct{ err error }

func (f failedRead) Read([]byte) (int, error) { return 0, f.err }

// stream decodes d.s from body as it streams.
func (d *sessionDecoding) stream(body io.Reader) error {
	d.s = Session{}
	d.in = sessionDecoder{Session: &d.s}
	dec := json.NewDecoder(body)
	if err := dec.Decode(&d.in); err != nil {
		switch {
		case errors.Is(err, io.EOF):
			return errEmptyBody
		case errors.Is(err, io.ErrUnexpectedEOF):
			return errTruncated
		case errors.As(err, new(*time.ParseError)):
			// Its text quotes the value, which may be a secret the server
			// echoed (the session token, a new session's id).
			return errBadTime
		}
		return err
	}
	// Anything but white space after the session, even a stray ']' or '}'
	// that dec.More would let pass, is refused.
	if _, err := dec.Token(); err != io.EOF {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return errTrailingData
	}
	return d.took()
}

// took sets d.s's id from the one the answer gave.
func (d *sessionDecoding) took() error {
	d.s.Id = d.in.ID.v
	if d.s.Id == "" {
		return errNoSessionID
	}
	return nil
}

// sessionDecoder decodes a session into Session and refuses a body that names
// its id more than once: twice as "id", or in another case ("ID", "Id",
// "iD"), which encoding/json would match to Session.Id too, the last one
// winning. Either would let one body carry one session's id and another
// session's data past the id check.
type sessionDecoder struct {
	*Session
	ID onceString `json:"id"` // shadows Session.Id, which is set from it

	// The other cases of "id": encoding/json prefers these exact matches.
	UpperID refusedKey `json:"ID"`
	TitleID refusedKey `json:"Id"`
	MixedID refusedKey `json:"iD"`
}

// onceString is a JSON string that may be given only once.
type onceString struct {
	v   string
	set bool
}

// UnmarshalJSON refuses a second value.
func (s *onceString) UnmarshalJSON(b []byte) error {
	if s.set {
		return errDuplicateID
	}
	s.set = true
	if v, ok := plainString(b); ok {
		// As Okta's ids are: this saves json.Unmarshal's allocations on
		// every answer.
		s.v = string(v)
		return nil
	}
	return json.Unmarshal(b, &s.v)
}

// refusedKey is a JSON member that may not be present.
type refusedKey struct{}

// UnmarshalJSON refuses any value.
func (refusedKey) UnmarshalJSON([]byte) error { return errDuplicateID }

// plainString returns the content of b, a valid JSON value, when it is a
// string that encoding/json would decode to exactly its bytes: no escapes,
// valid UTF-8 (encoding/json replaces invalid bytes with U+FFFD).
func plainString(b []byte) ([]byte, bool) {
	if len(b) < 2 || b[0] != '"' {
		return nil, false
	}
	v := b[1 : len(b)-1]
	return v, bytes.IndexByte(v, '\\') < 0 && utf8.Valid(v)
}

// decodeEnum decodes b, a valid JSON value, into v as encoding/json decodes
// a string, except that a documented value (one of known) shares the
// constant's memory instead of costing an allocation per answer.
func decodeEnum[T ~string](b []byte, v *T, known []T) error {
	if plain, ok := plainString(b); ok {
		for _, k := range known {
			if string(plain) == string(k) {
				*v = k
				return nil
			}
		}
		*v = T(plain)
		return nil
	}
	s := string(*v) // null leaves v as it is
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*v = T(s)
	return nil
}
