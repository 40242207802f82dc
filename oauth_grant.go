package okta

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/oktasessions/okta-session-go/internal/keys"
)

// grant is the credential of one token fetch (tokenProvider.fetch): every
// request it authorizes carries a new client assertion in its form body and
// a new DPoP proof with the token endpoint's latest nonce, and it asks for
// one repeat when the endpoint answers use_dpop_nonce with a new nonce. It
// also reads the answers (reader), keeping the token of a 2xx one.
type tokenGrant struct {
	p            *tokenProvider
	r            *call        // the token request
	now          time.Time    // when the latest request was made: the token's lifetime runs from it
	sentNonce    string       // the nonce in the latest request's proof
	nonceRetried bool         // repeat has said yes
	sent         []string     // every assertion and proof sent, for secrets
	tok          *accessToken // the token of a 2xx answer
}

// authorize makes req a token request: the form of the client-credentials
// grant with a fresh assertion, and a fresh proof. Both are single-use, so
// newRequest makes req one Go's transport never resends.
func (g *tokenGrant) authorize(_ context.Context, req *http.Request) error {
	p := g.p
	g.now = p.clock.Now()
	assertion, err := p.assertion.Sign(p.clientID, p.tokenURL, g.now)
	if err != nil {
		return err
	}
	g.sentNonce = p.tokenNonce.Get()
	proof, err := p.dpop.Proof(http.MethodPost, p.tokenURL, g.now, "", g.sentNonce)
	if err != nil {
		return err
	}
	g.sent = append(g.sent, assertion, proof)
	form := url.Values{
		"grant_type":            {"client_credentials"},
		"scope":                 {p.scope},
		"client_assertion_type": {keys.ClientAssertionType},
		"client_assertion":      {assertion},
	}.Encode()
	req.Body, req.ContentLength = io.NopCloser(strings.NewReader(form)), int64(len(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header[httpx.HeaderDPoP] = []string{proof}
	return nil
}

// repeat says yes once, for a use_dpop_nonce answer that brought a nonce
// other than the one sent (RFC 9449 section 8).
func (g *tokenGrant) repeat(_ *http.Response, err error) bool {
	var oe *OAuthError
	if g.nonceRetried || !errors.As(err, &oe) || oe.ErrorCode != "use_dpop_nonce" || g.p.tokenNonce.Get() == g.sentNonce {
		return false
	}
	g.nonceRetried = true
	return true
}

// secrets are the assertions and proofs sent so far.
func (g *tokenGrant) secrets() []string { return g.sent }

// newTokenRequest returns the token request of grant g: a POST to the
// token endpoint that g authorizes and whose answers, of every status, g
// reads through one cap, maxTokenBody.
func newTokenRequest(g *tokenGrant) *call {
	g.r = &call{method: http.MethodPost, url: g.p.tokenURL, cred: g, idempotent: true,
		reader: &answerReader{okLimit: maxTokenBody, errLimit: maxTokenBody, ok: g.read, fail: g.read}}
	return g.r
}

// read reads a token endpoint answer (body nil for a 1xx): it records the
// answer's DPoP-Nonce, keeps the token of a usable 2xx answer, and returns
// an *OAuthError for any other, or a transport failure (a *url.Error) for a
// body cut off part-way. An answer over the cap is still an *OAuthError
// with its status, so that a 401 matches ErrUnauthorized and a 503 is
// retried.
func (g *tokenGrant) read(resp *http.Response, body *httpx.CappedBody) error {
	r := g.r
	g.p.tokenNonce.Record(resp)
	var raw []byte
	if body != nil {
		raw = httpx.ReadCapped(body, maxTokenBody+1) // one byte more, to see the cap passed
		switch {
		case body.ReadErr() != nil:
			return r.readError(resp, body.ReadErr())
		case body.Over():
			return newOAuthError(resp, "", fmt.Sprintf("the answer is larger than %d KiB", maxTokenBody>>10))
		}
	}
	var err error
	g.tok, err = parseTokenResponse(resp, raw, g.now, r.secrets()...)
	return err
}
