package okta

import (
	"context"
	"io"
	"net/http"
	"strings"
)

// oauthCall authorizes the attempts of one API call in "PrivateKey" mode.
// The request path makes one per call (tokenProvider.call) and, for every
// attempt:
//
//  1. calls authorize on the built request, which sets Authorization and,
//     for a DPoP-bound token, a new DPoP proof: every attempt, a retry after
//     a 429, a 503 or a dropped connection included, carries a proof never
//     sent before;
//  2. after the answer, calls retryAfterUnauthorized, which records the
//     API's DPoP-Nonce and says whether to repeat the attempt at once, not
//     counted as a retry and with no wait.
//
// An oauthCall is used by one goroutine; the provider behind it is shared.
type oauthCall struct {
	p         *tokenProvider
	tok       *accessToken // the token of the last attempt
	sentNonce string       // the nonce in the last attempt's proof
	repeated  bool         // retryAfterUnauthorized has said yes once
}

// call starts the authorization of one API call.
func (p *tokenProvider) call() *oauthCall { return &oauthCall{p: p} }

// authorize sets req's Authorization header, fetching a token if none is
// cached (bounded by ctx), and for a DPoP-bound token its DPoP header: a new
// proof for req's method and URL, with the token's ath and the API's latest
// nonce. Errors are *OAuthError or transport errors of the token request, for
// the caller to wrap with the operation name.
func (c *oauthCall) authorize(ctx context.Context, req *http.Request) error {
	tok, err := c.p.token(ctx)
	if err != nil {
		return err
	}
	c.tok = tok
	req.Header.Set("Authorization", tok.auth)
	if tok.ath == "" { // Bearer: the API gets no proofs
		req.Header.Del("DPoP")
		return nil
	}
	c.sentNonce = c.p.apiNonce.get()
	proof, err := c.p.dpop.proof(req.Method, proofURL(req.URL), c.p.clock.Now(), tok.ath, c.sentNonce)
	if err != nil {
		return err
	}
	req.Header.Set("DPoP", proof)
	if req.Method == http.MethodGet && (req.Body == nil || req.Body == http.NoBody) {
		req.Body = unreplayable{}
	}
	return nil
}

// unreplayable is the body of a GET that carries a DPoP proof: empty (Go's
// transport sends no body for it), but not http.NoBody. Go's transport
// resends by itself a GET without a body whose reused connection broke
// before the answer, with the same headers, so the same proof, which the
// server may have seen already; it does not resend a request with a body
// it cannot rewind (no GetBody). See http.Transport. do's retry rules then
// decide, and a retry gets a new proof.
type unreplayable struct{}

func (unreplayable) Read([]byte) (int, error) { return 0, io.EOF }
func (unreplayable) Close() error             { return nil }

// retryAfterUnauthorized looks at the answer to an attempt that authorize
// prepared (nil when the attempt got none): it records the API's DPoP-Nonce, if any, and reports whether
// to repeat the attempt at once. It says yes at most once per call, for a
// 401 whose WWW-Authenticate is
//
//   - DPoP error="use_dpop_nonce" with a DPoP-Nonce other than the one sent
//     (RFC 9449 section 9): the repeat's proof carries the new nonce; or
//   - error="invalid_token" (RFC 6750 section 3.1, scheme Bearer or DPoP):
//     the token is dropped from the cache and the repeat fetches a new one.
//
// It never says yes twice, so a server that refuses every token costs one
// more token request and one more attempt, then the 401 is returned.
func (c *oauthCall) retryAfterUnauthorized(resp *http.Response) bool {
	if c.tok == nil || resp == nil {
		return false
	}
	nonce := ""
	if c.tok.ath != "" {
		nonce = c.p.apiNonce.record(resp)
	}
	if c.repeated || resp.StatusCode != http.StatusUnauthorized {
		return false
	}
	for _, ch := range parseChallenges(resp.Header.Values("WWW-Authenticate")) {
		switch ch.params["error"] {
		case "use_dpop_nonce":
			if !strings.EqualFold(ch.scheme, "DPoP") || nonce == "" || nonce == c.sentNonce {
				continue
			}
		case "invalid_token":
			c.p.invalidate(c.tok)
		default:
			continue
		}
		c.repeated = true
		return true
	}
	return false
}

// secret is the access token of the last attempt, or "" before the first.
func (c *oauthCall) secret() string {
	if c.tok == nil {
		return ""
	}
	_, token, _ := strings.Cut(c.tok.auth, " ")
	return token
}
