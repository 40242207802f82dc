package guard

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Bounds of a Universal Logout request.
const (
	// maxTokenLen caps the bearer token; Okta's are about 1 KiB.
	maxTokenLen = 8 << 10
	// maxLogoutBody caps the body; Okta's are under 200 bytes.
	maxLogoutBody = 8 << 10
	// tokenSkew is the clock skew allowed on exp, nbf and iat.
	tokenSkew = 30 * time.Second
	// maxSubjectField caps each field of a subject (an email is at most
	// 320 bytes).
	maxSubjectField = 1024
)

// The subject formats of a Universal Logout request (RFC 9493).
const (
	// FormatEmail names the user by email, matched without case against
	// the sessions' login.
	FormatEmail = "email"
	// FormatIssSub names the user by issuer and subject: for Okta, the org
	// URL and the Okta user id.
	FormatIssSub = "iss_sub"
)

// Subject is the user a Universal Logout request names.
type Subject struct {
	// Format is FormatEmail or FormatIssSub.
	Format string `json:"format"`
	// Email is the user's email (FormatEmail).
	Email string `json:"email,omitempty"`
	// Iss is the issuer (FormatIssSub), the org URL for Okta's users.
	Iss string `json:"iss,omitempty"`
	// Sub is the user's id at the issuer (FormatIssSub).
	Sub string `json:"sub,omitempty"`
}

// ErrUnknownSubject is what Options.ResolveSubject returns for a subject
// that names no user of the app; the receiver answers 404.
var ErrUnknownSubject = errors.New("guard: unknown subject")

// UniversalLogout returns the receiver of Okta's Universal Logout requests
// sent to endpoint, the URL registered in Okta (the token's aud). It answers
// 405 (with Allow: POST) to any method but POST; then, in this order, as
// Okta's guide says: 401 unless the request carries
// "Authorization: Bearer <JWT>" signed RS256 by one of the org's keys (at
// {org}/oauth2/v1/keys, cached; an unknown kid fetches them again at most
// once a minute), iss the org URL, aud endpoint, exp ahead and nbf and iat
// past (30 s of skew); 400 unless the body is {"subject": {...}} (or the
// older "sub_id") in format email or iss_sub, with no other property; 404
// when Options.ResolveSubject does not know the subject (or an iss_sub
// subject has another issuer); 422 when the revocation could not be
// recorded; else 204. From the moment it answers 204, every session of the
// user created until then is refused (RevokeLogin for an email, RevokeUserID
// otherwise), even while Okta still says it is ACTIVE. A token accepted
// before (by its jti, or by its claims when it has none) is answered 204
// again for the same user without revoking anything new, so that a retried
// or replayed request cannot log out the sessions created since.
func (g *Guard) UniversalLogout(endpoint string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		jti, err := g.authenticate(r, endpoint)
		if err != nil {
			g.log(r.Context(), slog.LevelWarn, "guard: Universal Logout refused", slog.String("reason", "authentication"), slog.Any("error", err))
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		subj, err := parseLogout(w, r)
		if err != nil {
			g.log(r.Context(), slog.LevelWarn, "guard: Universal Logout refused", slog.String("reason", "malformed"), slog.Any("error", err))
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.WriteHeader(g.logOut(r.Context(), subj, jti))
	})
}

// authenticate checks the request's bearer token and returns its jti and
// expiry.
func (g *Guard) authenticate(r *http.Request, endpoint string) (jti, error) {
	auth := r.Header.Get("Authorization")
	scheme, raw, ok := strings.Cut(auth, " ")
	switch {
	case endpoint == "":
		return jti{}, errors.New("no endpoint given to UniversalLogout")
	case !ok || !strings.EqualFold(scheme, "Bearer") || raw == "":
		return jti{}, errors.New("no bearer token")
	case len(raw) > maxTokenLen:
		return jti{}, errors.New("token too long")
	}
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return jti{}, err
	}
	if len(tok.Headers) != 1 || tok.Headers[0].KeyID == "" {
		return jti{}, errors.New("token without a kid")
	}
	key, err := g.keys.key(r.Context(), tok.Headers[0].KeyID)
	if err != nil {
		return jti{}, err
	}
	var (
		c       jwt.Claims
		payload json.RawMessage
	)
	if err := tok.Claims(key, &c, &payload); err != nil {
		return jti{}, err
	}
	if c.Expiry == nil {
		return jti{}, errors.New("token without exp")
	}
	err = c.ValidateWithLeeway(jwt.Expected{
		Issuer:      g.link.OrgURL,
		AnyAudience: jwt.Audience{endpoint},
		Time:        g.link.Now(),
	}, tokenSkew)
	return jti{id: tokenID(c.ID, payload), exp: c.Expiry.Time().Add(tokenSkew)}, err
}

// tokenID names a token for the replay cache: its jti, or for a token
// without one the digest of its signed claims (not of the token's text,
// which another base64 spelling of the same signature would change).
func tokenID(jti string, payload []byte) string {
	if jti != "" {
		return "jti:" + jti
	}
	sum := sha256.Sum256(payload)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// parseLogout reads the request's subject.
func parseLogout(w http.ResponseWriter, r *http.Request) (Subject, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxLogoutBody))
	if err != nil {
		return Subject{}, err
	}
	var req struct {
		Subject *Subject `json:"subject"`
		SubID   *Subject `json:"sub_id"`
	}
	if err := decodeStrict(body, &req); err != nil {
		return Subject{}, err
	}
	s := req.Subject
	if (s == nil) == (req.SubID == nil) {
		return Subject{}, errors.New("want exactly one of subject and sub_id")
	}
	if s == nil {
		s = req.SubID
	}
	ok := false
	switch s.Format {
	case FormatEmail:
		ok = s.Email != "" && s.Iss == "" && s.Sub == "" && len(s.Email) <= maxSubjectField
	case FormatIssSub:
		ok = s.Iss != "" && s.Sub != "" && s.Email == "" && len(s.Iss) <= maxSubjectField && len(s.Sub) <= maxSubjectField
	}
	if !ok {
		return Subject{}, errors.New("unrecognized subject format or fields")
	}
	return *s, nil
}

// decodeStrict decodes one JSON object into v, refusing unknown properties
// and trailing data.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON object")
	}
	return nil
}

// logOut revokes the sessions of subject s, asked for by the token t, and
// returns the status to answer. The same token again for the same user
// (Okta retrying, or a replay) is answered 204 and records nothing new; the
// replay cache is keyed by the token and the revocation, not the token
// alone, since the body is not signed: a captured token sent first with
// another subject must not make Okta's own request a no-op.
func (g *Guard) logOut(ctx context.Context, s Subject, t jti) int {
	r, status := g.revocationOf(ctx, s)
	if status != 0 {
		return status
	}
	t.id += "\x00" + strconv.Itoa(int(r.Kind)) + "\x00" + r.Subject
	if g.jtis.seen(t) {
		return http.StatusNoContent
	}
	if g.closed.Load() || g.revoke(ctx, r) != nil {
		return http.StatusUnprocessableEntity
	}
	g.jtis.add(t, g.link.Now())
	g.log(ctx, slog.LevelInfo, "guard: Universal Logout accepted", slog.String("format", s.Format))
	return http.StatusNoContent
}

// revocationOf returns the revocation subject s asks for, or the status to
// answer instead (404, 422).
func (g *Guard) revocationOf(ctx context.Context, s Subject) (Revocation, int) {
	now := g.revocationTime()
	r := Revocation{At: now, Until: now.Add(g.opts.RevocationTTL)}
	switch {
	case g.opts.ResolveSubject != nil:
		userID, err := g.opts.ResolveSubject(ctx, s)
		switch {
		case errors.Is(err, ErrUnknownSubject) || err == nil && userID == "":
			return r, http.StatusNotFound
		case err != nil:
			g.log(ctx, slog.LevelWarn, "guard: Universal Logout: ResolveSubject failed", slog.Any("error", err))
			return r, http.StatusUnprocessableEntity
		}
		r.Kind, r.Subject = RevokeUserID, userID
	case s.Format == FormatEmail:
		r.Kind, r.Subject = RevokeLogin, LoginSubject(s.Email)
	case strings.TrimRight(s.Iss, "/") != g.link.OrgURL:
		return r, http.StatusNotFound
	default:
		r.Kind, r.Subject = RevokeUserID, s.Sub
	}
	return r, 0
}
