package auth

import (
	"context"
	"net/http"
	"strings"

	"github.com/oktasessions/okta-session-go/internal/dpop"
	"github.com/oktasessions/okta-session-go/internal/httpx"
)

// Call authorizes the attempts of one API call in "PrivateKey" mode.
// The request path makes one per call (Provider.Call) and, for every
// attempt:
//
//  1. calls Authorize on the built request, which sets Authorization and,
//     for a DPoP-bound token, a new DPoP proof: every attempt, a retry after
//     a 429, a 503 or a dropped connection included, carries a proof never
//     sent before;
//  2. after the answer, calls Repeat, which records the API's DPoP-Nonce
//     and says whether to repeat the attempt at once, not counted as a
//     retry and with no wait (see Again).
//
// An Call is used by one goroutine; the provider behind it is shared.
type Call struct {
	p            *Provider
	tok          *Token // the token of the last attempt
	sentNonce    string // the nonce in the last attempt's proof
	nonceRetried bool   // Repeat has said yes for a DPoP nonce
	tokenRetried bool   // ... and for a new token
	// sent is every secret the call sent: its tokens and proofs, and the
	// client assertions and DPoP proofs of the token requests that got
	// them (an API may echo them as well as a token endpoint may).
	sent []string
}

// Call starts the authorization of one API call.
func (p *Provider) Call() *Call { return &Call{p: p} }

// Authorize sets req's Authorization header, fetching a token if none is
// cached (bounded by ctx), and for a DPoP-bound token its DPoP header: a new
// proof for req's method and URL, with the token's ath and the API's latest
// nonce. Errors are the token endpoint's (Config.NewError) or transport errors of the token request, for
// the caller to wrap with the operation name.
func (c *Call) Authorize(ctx context.Context, req *http.Request) error {
	tok, fetched, err := c.p.Token(ctx)
	if err != nil {
		c.sent = append(c.sent, fetched...)
		return err
	}
	if tok != c.tok { // a retry with the same token adds no secret
		_, token, _ := strings.Cut(tok.auth, " ")
		if c.sent == nil {
			c.sent = make([]string, 0, len(fetched)+2) // and a proof
		}
		c.sent = append(append(c.sent, fetched...), token)
		c.tok = tok
	}
	req.Header.Set("Authorization", tok.auth)
	if tok.ath == "" { // Bearer: the API gets no proofs
		delete(req.Header, httpx.HeaderDPoP)
		return nil
	}
	c.sentNonce = c.p.APINonce.Get()
	proof, err := c.p.DPoP.Proof(req.Method, dpop.ProofURL(req.URL), c.p.Clock.Now(), tok.ath, c.sentNonce)
	if err != nil {
		return err
	}
	c.sent = append(c.sent, proof)
	req.Header[httpx.HeaderDPoP] = []string{proof} // which makes the pipeline make req unreplayable
	return nil
}

// Repeat looks at the answer to an attempt that Authorize
// prepared (nil when the attempt got none): it records the API's DPoP-Nonce,
// if any, and reports whether to repeat the attempt at once. It says yes at
// most once per reason in a call, for a 401 whose WWW-Authenticate is
//
//   - DPoP error="use_dpop_nonce" with a DPoP-Nonce other than the one sent
//     (RFC 9449 section 9): the repeat's proof carries the new nonce; or
//   - error="invalid_token" (RFC 6750 section 3.1, scheme Bearer or DPoP):
//     the token is dropped from the cache (every time, so that the next call
//     fetches a new one) and the repeat fetches a new one.
//
// So a server that refuses everything costs at most two more attempts and one
// more token request, then the 401 is returned.
func (c *Call) Repeat(resp *http.Response, _ error) bool {
	if c.tok == nil || resp == nil {
		return false
	}
	nonce := ""
	if c.tok.ath != "" {
		nonce = c.p.APINonce.Record(resp)
	}
	if resp.StatusCode != http.StatusUnauthorized {
		return false
	}
	for _, ch := range httpx.ParseChallenges(resp.Header.Values("WWW-Authenticate")) {
		switch ch.Params["error"] {
		case "use_dpop_nonce":
			if !c.nonceRetried && strings.EqualFold(ch.Scheme, "DPoP") && nonce != "" && nonce != c.sentNonce {
				c.nonceRetried = true
				return true
			}
		case "invalid_token":
			c.p.Invalidate(c.tok)
			if !c.tokenRetried {
				c.tokenRetried = true
				return true
			}
		}
	}
	return false
}

// Secrets are every access token and DPoP proof the call has sent (a
// retry after invalid_token sent two tokens), with the secrets of the
// token requests behind them.
func (c *Call) Secrets() []string { return c.sent }
