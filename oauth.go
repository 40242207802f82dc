package okta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/oktasessions/okta-session-go/internal/dpop"
	"github.com/oktasessions/okta-session-go/internal/flight"
)

// tokenPath is the token endpoint of the org authorization server, the one
// that issues tokens with okta.* scopes:
// https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/.
const tokenPath = "/oauth2/v1/token"

// Token timing and size bounds.
const (
	// maxTokenBody caps what is read of a token endpoint answer.
	maxTokenBody = 64 << 10
	// defaultTokenLifetime stands for a missing or non-positive expires_in.
	defaultTokenLifetime = 5 * time.Minute
	// maxTokenLifetime caps a hostile expires_in; Okta's tokens live 1 hour.
	maxTokenLifetime = 24 * time.Hour
	// maxEarlyRefresh is the most by which a token is renewed before it
	// expires; shorter-lived tokens are renewed a tenth of their life early.
	maxEarlyRefresh = time.Minute
	// earlyRefreshFraction: a short-lived token is renewed a tenth of its
	// life early instead.
	earlyRefreshFraction = 10
)

// tokenProvider gets and caches the access tokens of "PrivateKey" mode: the
// client-credentials grant with a private_key_jwt client assertion, every
// token request carrying a DPoP proof (and every API request too when the
// token comes back DPoP-bound). It is safe for concurrent use; one token
// request at a time serves every goroutine waiting for a token.
//
// The token request goes through the client's pipeline (exchange, see
// pipeline.go) with its own credential (grant) and reader (tokenReader):
// the same headers, redirect rule, time bounds and size caps as an API
// request.
type tokenProvider struct {
	tokenURL  string
	clientID  string
	scope     string // the scopes, space-separated
	assertion *assertionSigner
	dpop      *dpopKey
	clock     Clock
	timeout   time.Duration // bounds one token fetch (both requests of a nonce repeat), besides the caller's context

	// exchange sends one request of the pipeline (APIClient.exchange).
	exchange func(ctx context.Context, r *call) (*http.Response, error)
	// logFetch records each token request (APIClient.logTokenFetch).
	logFetch func(ctx context.Context, endpoint string, took time.Duration, err error)

	tokenNonce dpop.Nonce // the token endpoint's latest DPoP-Nonce
	apiNonce   dpop.Nonce // the API's latest DPoP-Nonce

	// cache holds the token; one fetch at a time serves every goroutine.
	cache *flight.Cache[*accessToken]
}

// accessToken is a token and what is derived from it once.
type accessToken struct {
	auth      string    // the Authorization header: "DPoP <token>" or "Bearer <token>"
	ath       string    // for DPoP-bound tokens, the proofs' ath; else empty
	refreshAt time.Time // when to fetch the next one
	sent      []string  // the client assertions and proofs of the fetch that got it
}

// String hides the token.
func (t *accessToken) String() string { return "accessToken{[redacted]}" }

// GoString hides the token from %#v.
func (t *accessToken) GoString() string { return t.String() }

// newTokenProvider returns the provider of a "PrivateKey" configuration,
// with the keys validateAuthorization built from it, sending its requests
// by exchange and recording them by logFetch. cfg must have its defaults
// filled in (Clock, AttemptTimeout), as NewAPIClient leaves its copy; base
// is the org URL without a trailing slash. Without a DPoPKey, it makes the
// client's own P-256 key.
func newTokenProvider(cfg *Configuration, keys *serviceAppKeys, base string,
	exchange func(context.Context, *call) (*http.Response, error),
	logFetch func(context.Context, string, time.Duration, error)) (*tokenProvider, error) {
	dpop := keys.dpop
	if dpop == nil {
		var err error
		if dpop, err = newDPoPKey(nil); err != nil {
			return nil, err
		}
	}
	p := &tokenProvider{
		tokenURL: base + tokenPath, clientID: cfg.ClientID, scope: strings.Join(cfg.Scopes, " "),
		assertion: keys.assertion, dpop: dpop, clock: cfg.Clock, timeout: cfg.AttemptTimeout,
		exchange: exchange, logFetch: logFetch,
	}
	p.cache = flight.New(func() time.Time { return p.clock.Now() }, // p.clock at each call: tests replace it
		func(t *accessToken) time.Time { return t.refreshAt }, p.fetch)
	return p, nil
}

// token returns the cached token, or fetches one (see flight.Cache.Get),
// with the secrets sent to get it: the fetch's assertions and proofs, also
// when it failed. Every fetch is bounded in time (see fetch), so a flight
// always lands.
func (p *tokenProvider) token(ctx context.Context) (*accessToken, []string, error) {
	r := p.cache.Get(ctx)
	switch {
	case r.Err == nil:
		return r.Value, r.Value.sent, nil
	case errors.Is(r.Err, flight.ErrPanicked):
		return nil, r.Sent, fmt.Errorf("oauth2 token request: %w", r.Err)
	}
	return nil, r.Sent, r.Err
}

// invalidate drops t from the cache, if it is still there, so that the next
// call fetches a new token; the many goroutines refused with the same token
// cause one fetch, not one each.
func (p *tokenProvider) invalidate(t *accessToken) { p.cache.Drop(t) }

// fetch runs the client-credentials grant as a request of the pipeline,
// bounded by ctx (the attempt of the API call that needs the token) and
// p.timeout: every read of the answer ends with them (see exchange). When
// the token endpoint asks for a DPoP nonce (400 use_dpop_nonce with a new
// DPoP-Nonce) the grant asks once more, with a new assertion and a new
// proof carrying the nonce. It returns the token, or the error, with every
// assertion and proof it sent.
func (p *tokenProvider) fetch(ctx context.Context) flight.Result[*accessToken] {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	g := &tokenGrant{p: p}
	r := newTokenRequest(g)
	resp, err := p.send(ctx, r)
	for r.again(ctx, resp, err) {
		resp, err = p.send(ctx, r)
	}
	if err != nil {
		return flight.Result[*accessToken]{Sent: g.sent, Err: err}
	}
	g.tok.sent = g.sent
	return flight.Result[*accessToken]{Value: g.tok, Sent: g.sent}
}

// send sends the token request r once, by the pipeline's exchange, and
// records it in the log.
func (p *tokenProvider) send(ctx context.Context, r *call) (*http.Response, error) {
	start := time.Now()
	resp, err := p.exchange(ctx, r)
	p.logFetch(ctx, p.tokenURL, time.Since(start), err)
	return resp, err
}

// tokenResponse is a token endpoint answer, success or error (RFC 6749
// sections 5.1 and 5.2).
type tokenResponse struct {
	AccessToken      string          `json:"access_token"`
	TokenType        string          `json:"token_type"`
	ExpiresIn        json.RawMessage `json:"expires_in"` // a number, or a string of one; see tokenLifetime
	Error            string          `json:"error"`
	ErrorDescription string          `json:"error_description"`
}

// parseTokenResponse turns a token endpoint answer received at now into an
// access token, or an *OAuthError: for any non-2xx answer, and for a 2xx one
// without a usable token. secrets are shortened in the error.
func parseTokenResponse(resp *http.Response, body []byte, now time.Time, secrets ...string) (*accessToken, error) {
	var tr tokenResponse
	jsonErr := json.Unmarshal(body, &tr)
	if !isSuccess(resp.StatusCode) {
		return nil, newOAuthError(resp, tr.Error, tr.ErrorDescription, secrets...)
	}
	var problem string
	switch {
	case jsonErr != nil:
		problem = "the answer is not a JSON token response"
	case tr.AccessToken == "":
		problem = "the answer has no access_token"
	case !validHeaderValue(tr.AccessToken) || strings.ContainsAny(tr.AccessToken, " \t"):
		problem = "the access_token is not a valid header value"
	case !strings.EqualFold(tr.TokenType, "DPoP") && !strings.EqualFold(tr.TokenType, "Bearer"):
		problem = "the token_type is neither DPoP nor Bearer"
	}
	if problem != "" {
		return nil, newOAuthError(resp, "", problem)
	}
	life := tokenLifetime(tr.ExpiresIn)
	t := &accessToken{auth: "Bearer " + tr.AccessToken, refreshAt: now.Add(life - min(maxEarlyRefresh, life/earlyRefreshFraction))}
	if strings.EqualFold(tr.TokenType, "DPoP") {
		t.auth, t.ath = "DPoP "+tr.AccessToken, dpop.TokenHash(tr.AccessToken)
	}
	return t, nil
}

// tokenLifetime reads expires_in: seconds as a JSON number (an integer, as
// RFC 6749 has it, or a float) or a string of one, as some servers send;
// clamped to maxTokenLifetime. Missing, zero, negative or unreadable means
// defaultTokenLifetime: a token is still usable without it.
func tokenLifetime(raw json.RawMessage) time.Duration {
	secs, err := strconv.ParseFloat(strings.Trim(string(raw), `"`), 64)
	if err != nil || !(secs > 0) { // !(secs > 0) is also true for NaN
		return defaultTokenLifetime
	}
	return time.Duration(min(secs, maxTokenLifetime.Seconds()) * float64(time.Second))
}
