package auth

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/oktasessions/okta-session-go/internal/keys"
)

// Grant is the credential of one token fetch (Provider.Fetch): every
// request it authorizes carries a new client assertion in its form body and
// a new DPoP proof with the token endpoint's latest nonce, and it asks for
// one repeat when the endpoint answers use_dpop_nonce with a new nonce. It
// also reads the answers (Read), keeping the token of a 2xx one.
type Grant struct {
	p            *Provider
	now          time.Time // when the latest request was made: the token's lifetime runs from it
	sentNonce    string    // the nonce in the latest request's proof
	nonceRetried bool      // Repeat has said yes
	sent         []string  // every assertion and proof sent, for Secrets
	tok          *Token    // the token of a 2xx answer
}

// TokenURL is the token endpoint the grant's requests go to.
func (g *Grant) TokenURL() string { return g.p.TokenURL }

// Authorize makes req a token request: the form of the client-credentials
// grant with a fresh assertion, and a fresh proof. Both are single-use, so
// the pipeline makes req one Go's transport never resends.
func (g *Grant) Authorize(_ context.Context, req *http.Request) error {
	p := g.p
	g.now = p.Clock.Now()
	assertion, err := p.Assertion.Sign(p.ClientID, p.TokenURL, g.now)
	if err != nil {
		return err
	}
	g.sentNonce = p.TokenNonce.Get()
	proof, err := p.DPoP.Proof(http.MethodPost, p.TokenURL, g.now, "", g.sentNonce)
	if err != nil {
		return err
	}
	g.sent = append(g.sent, assertion, proof)
	form := url.Values{
		"grant_type":            {"client_credentials"},
		"scope":                 {p.Scope},
		"client_assertion_type": {keys.ClientAssertionType},
		"client_assertion":      {assertion},
	}.Encode()
	req.Body, req.ContentLength = io.NopCloser(strings.NewReader(form)), int64(len(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header[httpx.HeaderDPoP] = []string{proof}
	return nil
}

// Repeat says yes once, for a use_dpop_nonce answer that brought a nonce
// other than the one sent (RFC 9449 section 8).
func (g *Grant) Repeat(_ *http.Response, err error) bool {
	if g.nonceRetried || g.p.ErrorCode(err) != "use_dpop_nonce" || g.p.TokenNonce.Get() == g.sentNonce {
		return false
	}
	g.nonceRetried = true
	return true
}

// Secrets are the assertions and proofs sent so far.
func (g *Grant) Secrets() []string { return g.sent }

// Read reads a token endpoint answer of any status (body nil for a 1xx,
// else capped at MaxTokenBody): it records the answer's DPoP-Nonce, keeps
// the token of a usable 2xx answer, and returns Config.NewError's error for
// any other, or readError's (a transport failure) for a body cut off
// part-way. An answer over the cap is still a token endpoint error with its
// status, so that a 401 matches ErrUnauthorized and a 503 is retried.
func (g *Grant) Read(resp *http.Response, body *httpx.CappedBody, readError func(*http.Response, error) error) error {
	g.p.TokenNonce.Record(resp)
	var raw []byte
	if body != nil {
		raw = httpx.ReadCapped(body, MaxTokenBody+1) // one byte more, to see the cap passed
		switch {
		case body.ReadErr() != nil:
			return readError(resp, body.ReadErr())
		case body.Over():
			return g.p.NewError(resp, "", fmt.Sprintf("the answer is larger than %d KiB", MaxTokenBody>>10))
		}
	}
	var err error
	g.tok, err = ParseTokenResponse(resp, raw, g.now, g.p.NewError, g.sent...)
	return err
}
