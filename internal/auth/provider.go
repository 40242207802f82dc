package auth

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
	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/oktasessions/okta-session-go/internal/keys"
)

// TokenPath is the token endpoint of the org authorization server, the one
// that issues tokens with okta.* scopes:
// https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/.
const TokenPath = "/oauth2/v1/token"

// Token timing and size bounds.
const (
	// MaxTokenBody caps what is read of a token endpoint answer.
	MaxTokenBody = 64 << 10
	// DefaultTokenLifetime stands for a missing or non-positive expires_in.
	DefaultTokenLifetime = 5 * time.Minute
	// MaxTokenLifetime caps a hostile expires_in; Okta's tokens live 1 hour.
	MaxTokenLifetime = 24 * time.Hour
	// MaxEarlyRefresh is the most by which a token is renewed before it
	// expires; shorter-lived tokens are renewed a tenth of their life early.
	MaxEarlyRefresh = time.Minute
	// earlyRefreshFraction: a short-lived token is renewed a tenth of its
	// life early instead.
	earlyRefreshFraction = 10
)

// Clock is the client's clock (Configuration.Clock): token lifetimes and
// the times in client assertions and proofs follow it.
type Clock interface{ Now() time.Time }

// Config is what a Provider is made of, set once by package okta.
type Config struct {
	TokenURL  string
	ClientID  string
	Scope     string // the scopes, space-separated
	Assertion *keys.AssertionSigner
	DPoP      *dpop.Key
	Clock     Clock         // read at each use: tests replace it
	Timeout   time.Duration // bounds one token fetch (both requests of a nonce repeat), besides the caller's context

	// Send sends one token request of g through the client's pipeline
	// (exchange: the same headers, redirect rule, time bounds and size
	// caps as an API request), g authorizing it and reading its answer
	// (Grant.Read), and records it in the log.
	Send func(ctx context.Context, g *Grant) (*http.Response, error)
	// NewError makes the error of a token endpoint answer (package okta's
	// *OAuthError), its strings with secrets shortened.
	NewError func(resp *http.Response, code, description string, secrets ...string) error
	// ErrorCode is the OAuth error code of the token endpoint error in
	// err, or "" when err holds none.
	ErrorCode func(err error) string
}

// Provider gets and caches the access tokens of "PrivateKey" mode: the
// client-credentials grant with a private_key_jwt client assertion, every
// token request carrying a DPoP proof (and every API request too when the
// token comes back DPoP-bound). It is safe for concurrent use; one token
// request at a time serves every goroutine waiting for a token.
type Provider struct {
	Config

	TokenNonce dpop.Nonce // the token endpoint's latest DPoP-Nonce
	APINonce   dpop.Nonce // the API's latest DPoP-Nonce

	// cache holds the token; one fetch at a time serves every goroutine.
	cache *flight.Cache[*Token]
}

// Token is an access token and what is derived from it once. Its fields
// are unexported so that neither fmt nor a log handler prints them.
type Token struct {
	auth      string    // the Authorization header: "DPoP <token>" or "Bearer <token>"
	ath       string    // for DPoP-bound tokens, the proofs' ath; else empty
	refreshAt time.Time // when to fetch the next one
	sent      []string  // the client assertions and proofs of the fetch that got it
}

// String hides the token.
func (t *Token) String() string { return "accessToken{[redacted]}" }

// GoString hides the token from %#v.
func (t *Token) GoString() string { return t.String() }

// Authorization is the token's Authorization header value.
func (t *Token) Authorization() string { return t.auth }

// ATH is the proofs' ath of a DPoP-bound token; empty for a Bearer one.
func (t *Token) ATH() string { return t.ath }

// RefreshAt is when the next token is fetched.
func (t *Token) RefreshAt() time.Time { return t.refreshAt }

// NewProvider returns the provider of cfg.
func NewProvider(cfg Config) *Provider {
	p := &Provider{Config: cfg}
	p.cache = flight.New(func() time.Time { return p.Clock.Now() }, // p.Clock at each call: tests replace it
		func(t *Token) time.Time { return t.refreshAt }, p.Fetch)
	return p
}

// Token returns the cached token, or fetches one (see flight.Cache.Get),
// with the secrets sent to get it: the fetch's assertions and proofs, also
// when it failed. Every fetch is bounded in time (see Fetch), so a flight
// always lands.
func (p *Provider) Token(ctx context.Context) (*Token, []string, error) {
	r := p.cache.Get(ctx)
	switch {
	case r.Err == nil:
		return r.Value, r.Value.sent, nil
	case errors.Is(r.Err, flight.ErrPanicked):
		return nil, r.Sent, fmt.Errorf("oauth2 token request: %w", r.Err)
	}
	return nil, r.Sent, r.Err
}

// Invalidate drops t from the cache, if it is still there, so that the next
// call fetches a new token; the many goroutines refused with the same token
// cause one fetch, not one each.
func (p *Provider) Invalidate(t *Token) { p.cache.Drop(t) }

// Fetch runs the client-credentials grant as a request of the pipeline,
// bounded by ctx (the attempt of the API call that needs the token) and
// p.Timeout: every read of the answer ends with them (see Config.Send).
// When the token endpoint asks for a DPoP nonce (400 use_dpop_nonce with a
// new DPoP-Nonce) the grant asks once more, with a new assertion and a new
// proof carrying the nonce. It returns the token, or the error, with every
// assertion and proof it sent. The cache calls it; it fetches whatever the
// cache holds.
func (p *Provider) Fetch(ctx context.Context) flight.Result[*Token] {
	ctx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()
	g := &Grant{p: p}
	repeats := 0
	resp, err := p.Send(ctx, g)
	for Again(ctx, g, resp, err, &repeats) {
		resp, err = p.Send(ctx, g)
	}
	if err != nil {
		return flight.Result[*Token]{Sent: g.sent, Err: err}
	}
	g.tok.sent = g.sent
	return flight.Result[*Token]{Value: g.tok, Sent: g.sent}
}

// tokenResponse is a token endpoint answer, success or error (RFC 6749
// sections 5.1 and 5.2).
type tokenResponse struct {
	AccessToken      string          `json:"access_token"`
	TokenType        string          `json:"token_type"`
	ExpiresIn        json.RawMessage `json:"expires_in"` // a number, or a string of one; see TokenLifetime
	Error            string          `json:"error"`
	ErrorDescription string          `json:"error_description"`
}

// ParseTokenResponse turns a token endpoint answer received at now into an
// access token, or the error newError makes: for any non-2xx answer, and
// for a 2xx one without a usable token. secrets are shortened in the error.
func ParseTokenResponse(resp *http.Response, body []byte, now time.Time,
	newError func(*http.Response, string, string, ...string) error, secrets ...string) (*Token, error) {
	var tr tokenResponse
	jsonErr := json.Unmarshal(body, &tr)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, newError(resp, tr.Error, tr.ErrorDescription, secrets...)
	}
	var problem string
	switch {
	case jsonErr != nil:
		problem = "the answer is not a JSON token response"
	case tr.AccessToken == "":
		problem = "the answer has no access_token"
	case !httpx.ValidHeaderValue(tr.AccessToken) || strings.ContainsAny(tr.AccessToken, " \t"):
		problem = "the access_token is not a valid header value"
	case !strings.EqualFold(tr.TokenType, "DPoP") && !strings.EqualFold(tr.TokenType, "Bearer"):
		problem = "the token_type is neither DPoP nor Bearer"
	}
	if problem != "" {
		return nil, newError(resp, "", problem)
	}
	life := TokenLifetime(tr.ExpiresIn)
	t := &Token{auth: "Bearer " + tr.AccessToken, refreshAt: now.Add(life - min(MaxEarlyRefresh, life/earlyRefreshFraction))}
	if strings.EqualFold(tr.TokenType, "DPoP") {
		t.auth, t.ath = "DPoP "+tr.AccessToken, dpop.TokenHash(tr.AccessToken)
	}
	return t, nil
}

// TokenLifetime reads expires_in: seconds as a JSON number (an integer, as
// RFC 6749 has it, or a float) or a string of one, as some servers send;
// clamped to MaxTokenLifetime. Missing, zero, negative or unreadable means
// DefaultTokenLifetime: a token is still usable without it.
func TokenLifetime(raw json.RawMessage) time.Duration {
	secs, err := strconv.ParseFloat(strings.Trim(string(raw), `"`), 64)
	if err != nil || !(secs > 0) { // !(secs > 0) is also true for NaN
		return DefaultTokenLifetime
	}
	return time.Duration(min(secs, MaxTokenLifetime.Seconds()) * float64(time.Second))
}
