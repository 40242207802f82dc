package oktatest

import (
	"crypto"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Behaviour of the fake authorization server, after Okta's org
// authorization server.
const (
	// TokenPath is the org authorization server's token endpoint.
	TokenPath = "/oauth2/v1/token"
	// DefaultTokenLifetime is how long an access token lives (Okta: 1 hour).
	DefaultTokenLifetime = time.Hour
	// MaxAssertionLifetime is the longest exp - iat of a client assertion.
	MaxAssertionLifetime = time.Hour
	// AssertionLeeway is how far a client assertion's iat, nbf and exp may
	// be off, as a server allows for clock skew: off the server's clock or
	// the wall clock, so that a client on the real clock keeps
	// authenticating with a server on a FakeClock a test has advanced
	// (okta-fake -fake-clock).
	AssertionLeeway = time.Minute
	// ProofWindow is how far a DPoP proof's iat may be from the server's
	// clock or the wall clock, either way.
	ProofWindow = time.Minute
)

// jwsAlgorithms are the signature algorithms the server accepts.
var jwsAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512}

// ServiceApp is an OAuth 2.0 API Services app registered with an
// AuthServer: its client id, its public keys, the scopes granted to it and
// whether it requires DPoP ("Require Demonstrating Proof of Possession (DPoP)
// header in token requests", on by default for new apps in Okta).
type ServiceApp struct {
	// ClientID is the app's client id.
	ClientID string
	// PublicKey is the app's public key (*rsa.PublicKey or *ecdsa.PublicKey),
	// with KeyID its kid; or leave it nil and set JWKS.
	PublicKey crypto.PublicKey
	// KeyID is the kid of PublicKey; empty means none.
	KeyID string
	// JWKS is the app's public keys as a JSON Web Key Set, as an admin pastes
	// it into Okta.
	JWKS string
	// Scopes are the okta.* scopes granted to the app.
	Scopes []string
	// RequireDPoP makes the app refuse token requests without a DPoP proof
	// and issue DPoP-bound tokens.
	RequireDPoP bool
}

// issuedToken is an access token the server issued.
type issuedToken struct {
	scopes []string
	expiry time.Time
	jkt    string // the thumbprint of the DPoP key it is bound to; empty for Bearer
}

// AuthServer is a fake of Okta's org authorization server: it issues access
// tokens to registered service apps by the client-credentials grant with a
// private_key_jwt client assertion, binds them with DPoP (RFC 9449) when
// the app requires it, and checks the tokens that API requests carry (see
// CheckAPIRequest). It serves the token endpoint as an http.Handler. It is
// safe for concurrent use.
type AuthServer struct {
	clock Clock
	wall  func() time.Time // the wall clock, by which clients elsewhere sign (see authclock.go)

	mu         sync.Mutex
	apps       map[string]*registeredApp
	tokens     map[string]*issuedToken
	seen       map[string]time.Time // assertion and proof jtis, until they may be forgotten
	tokenNonce string               // the token endpoint's DPoP nonce; empty: no nonce dance
	apiNonce   string               // the API's DPoP nonce; empty: no nonce dance
	lifetime   time.Duration
}

// registeredApp is a ServiceApp with its keys parsed.
type registeredApp struct {
	ServiceApp
	keys jose.JSONWebKeySet
}

// NewAuthServer returns an authorization server telling time by clock (nil
// means the real clock). Like Okta, it asks for a DPoP nonce at the token
// endpoint; the API asks for none until RequireAPINonce.
func NewAuthServer(clock Clock) *AuthServer {
	if clock == nil {
		clock = realClock{}
	}
	return &AuthServer{
		clock: clock, wall: time.Now, apps: map[string]*registeredApp{}, tokens: map[string]*issuedToken{},
		seen: map[string]time.Time{}, tokenNonce: newNonce(), lifetime: DefaultTokenLifetime,
	}
}

// Register adds a service app, or replaces the one with its client id. It
// fails when the app has no client id or no usable public key.
func (a *AuthServer) Register(app ServiceApp) error {
	reg := &registeredApp{ServiceApp: app}
	reg.Scopes = slices.Clone(app.Scopes)
	switch {
	case app.ClientID == "":
		return errors.New("oktatest: the service app has no ClientID")
	case app.PublicKey != nil:
		reg.keys.Keys = []jose.JSONWebKey{{Key: app.PublicKey, KeyID: app.KeyID}}
	case json.Unmarshal([]byte(app.JWKS), &reg.keys) != nil:
		return errors.New("oktatest: the service app's JWKS is not a JSON Web Key Set")
	}
	if len(reg.keys.Keys) == 0 {
		return errors.New("oktatest: the service app has no public key")
	}
	for _, k := range reg.keys.Keys {
		if !k.Valid() || !k.IsPublic() {
			return errors.New("oktatest: the service app's keys must be valid public keys")
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.apps[app.ClientID] = reg
	return nil
}

// RequireTokenNonce turns the nonce dance at the token endpoint on (the
// default, as Okta does) or off.
func (a *AuthServer) RequireTokenNonce(on bool) { a.setNonce(&a.tokenNonce, on) }

// RequireAPINonce turns the nonce dance of API requests with DPoP-bound
// tokens on or off (the default).
func (a *AuthServer) RequireAPINonce(on bool) { a.setNonce(&a.apiNonce, on) }

// setNonce sets a fresh nonce, or none.
func (a *AuthServer) setNonce(n *string, on bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	*n = ""
	if on {
		*n = newNonce()
	}
}

// RotateNonces replaces the nonces in use, as a server does from time to
// time: proofs with the old ones are answered use_dpop_nonce.
func (a *AuthServer) RotateNonces() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, n := range []*string{&a.tokenNonce, &a.apiNonce} {
		if *n != "" {
			*n = newNonce()
		}
	}
}

// SetTokenLifetime sets the life of the tokens issued from now on.
func (a *AuthServer) SetTokenLifetime(d time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.lifetime = d
}

// oauthFailure is an OAuth error answer of the token endpoint.
type oauthFailure struct {
	status      int
	code        string
	description string
	nonce       string // the DPoP-Nonce header, for use_dpop_nonce
}

// ServeHTTP serves POST /oauth2/v1/token: the client-credentials grant with
// a client assertion (RFC 7523) and, when the app requires it, a DPoP proof.
func (a *AuthServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if w.Header().Get("X-Okta-Request-Id") == "" { // the Server's chain has set one
		w.Header().Set("X-Okta-Request-Id", newRequestID())
	}
	w.Header().Set("Cache-Control", "no-store")
	switch {
	case r.URL.Path != TokenPath:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not_found"})
		return
	case r.Method != http.MethodPost:
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "invalid_request", "error_description": "The token endpoint takes POST."})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
	tok, f := a.grant(r, requestURL(r))
	if f != nil {
		if f.nonce != "" {
			w.Header().Set("DPoP-Nonce", f.nonce)
		}
		writeJSON(w, f.status, map[string]string{"error": f.code, "error_description": f.description})
		return
	}
	writeJSON(w, http.StatusOK, tok)
}

// tokenAnswer is the token endpoint's success answer.
type tokenAnswer struct {
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	AccessToken string `json:"access_token"`
	Scope       string `json:"scope"`
}

// grant checks a token request to tokenURL and issues the token.
func (a *AuthServer) grant(r *http.Request, tokenURL string) (*tokenAnswer, *oauthFailure) {
	if err := r.ParseForm(); err != nil {
		return nil, &oauthFailure{400, "invalid_request", "The request body is not a valid form.", ""}
	}
	form := r.PostForm
	switch {
	case form.Get("grant_type") != "client_credentials":
		return nil, &oauthFailure{400, "unsupported_grant_type", "The authorization server supports only client_credentials here.", ""}
	case form.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
		return nil, &oauthFailure{401, "invalid_client", "The client_assertion_type is missing or not jwt-bearer.", ""}
	}
	in := a.instant()
	now := in.server
	a.mu.Lock()
	defer a.mu.Unlock()
	app, f := a.checkAssertion(form.Get("client_assertion"), tokenURL, in)
	if f != nil {
		return nil, f
	}
	jkt := ""
	if app.RequireDPoP {
		proofs := r.Header.Values("DPoP")
		if len(proofs) != 1 {
			return nil, &oauthFailure{400, "invalid_dpop_proof", "The DPoP proof JWT header is missing.", ""}
		}
		var reason string
		if jkt, reason = a.checkProof(proofs[0], http.MethodPost, tokenURL, "", a.tokenNonce, in); reason == errUseNonce {
			return nil, &oauthFailure{400, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof.", a.tokenNonce}
		} else if reason != "" {
			return nil, &oauthFailure{400, "invalid_dpop_proof", reason, ""}
		}
	}
	scopes := strings.Fields(form.Get("scope"))
	if len(scopes) == 0 {
		return nil, &oauthFailure{400, "invalid_scope", "The authorization server resource does not have any configured default scopes, 'scope' must be provided.", ""}
	}
	if i := slices.IndexFunc(scopes, func(s string) bool { return !slices.Contains(app.Scopes, s) }); i >= 0 {
		return nil, &oauthFailure{400, "invalid_scope", "The following scopes are not allowed: [" + scopes[i] + "]", ""}
	}
	tok := newID("eyJ", 60)
	prune(a.tokens, func(it *issuedToken) bool { return !now.Before(it.expiry) })
	a.tokens[tok] = &issuedToken{scopes: scopes, expiry: now.Add(a.lifetime), jkt: jkt}
	answer := &tokenAnswer{TokenType: "Bearer", ExpiresIn: int64(a.lifetime / time.Second), AccessToken: tok, Scope: strings.Join(scopes, " ")}
	if jkt != "" {
		answer.TokenType = "DPoP"
	}
	return answer, nil
}

// checkAssertion verifies a client assertion: a JWT signed by a key of the
// app its iss names (by kid when the app has several), sub = iss, aud =
// the token endpoint, an exp not passed and at most an hour after iat, a
// jti never seen. The caller holds a.mu.
func (a *AuthServer) checkAssertion(assertion, tokenURL string, in instant) (*registeredApp, *oauthFailure) {
	fail := func(description string) (*registeredApp, *oauthFailure) {
		return nil, &oauthFailure{401, "invalid_client", description, ""}
	}
	tok, err := jwt.ParseSigned(assertion, jwsAlgorithms)
	if err != nil {
		return fail("The client_assertion is not a valid signed JWT.")
	}
	var claims jwt.Claims
	if tok.UnsafeClaimsWithoutVerification(&claims) != nil {
		return fail("The client_assertion claims are not valid.")
	}
	app := a.apps[claims.Issuer]
	if app == nil {
		return fail("Invalid value for 'client_id' parameter.")
	}
	keys := app.keys.Keys
	if kid := tok.Headers[0].KeyID; kid != "" {
		keys = app.keys.Key(kid)
	} else if len(keys) > 1 {
		return fail("The client_assertion has no kid, and the app has several keys.")
	}
	if len(keys) != 1 || tok.Claims(keys[0].Key, &claims) != nil {
		return fail("The client_assertion signature is invalid.")
	}
	expected := jwt.Expected{Issuer: app.ClientID, Subject: app.ClientID, AnyAudience: jwt.Audience{tokenURL}}
	iat, err := in.validate(claims, expected, AssertionLeeway)
	if err != nil {
		return fail("The client_assertion iss, sub, aud or time claims are invalid.")
	}
	if claims.IssuedAt != nil {
		iat = claims.IssuedAt.Time()
	}
	switch {
	case claims.Expiry == nil || claims.Expiry.Time().Sub(iat) > MaxAssertionLifetime:
		return fail("The client_assertion must expire within an hour of its iat.")
	case claims.ID == "" || !a.remember("assertion "+app.ClientID+" "+claims.ID, claims.Expiry.Time().Add(AssertionLeeway), in):
		return fail("The client_assertion token has no jti or has already been used.")
	}
	return app, nil
}

// The replay memory and the issued tokens are pruned of what has expired
// once they hold pruneFrom entries, then at every pruneEvery more, so that
// pruning stays rare and a long-running fake does not grow.
const (
	pruneFrom  = 1024
	pruneEvery = 256
)

// prune deletes the entries of m that have expired, when m's size says it
// is time to (see pruneFrom). The caller holds a.mu.
func prune[V any](m map[string]V, expired func(V) bool) {
	if len(m) < pruneFrom || len(m)%pruneEvery != 0 {
		return
	}
	for k, v := range m {
		if expired(v) {
			delete(m, k)
		}
	}
}

// remember records key until until has passed by both clocks, and reports
// whether it was new. It forgets what has expired as the map grows. The
// caller holds a.mu.
func (a *AuthServer) remember(key string, until time.Time, in instant) bool {
	// Remembered up to and including until: at that very instant (which a
	// frozen FakeClock can hold for ever) the JWT is still valid.
	if t, ok := a.seen[key]; ok && !in.past(t) {
		return false
	}
	prune(a.seen, in.past)
	a.seen[key] = until
	return true
}

// requestURL is the URL a request was sent to, as the client saw it,
// without query (see orgURL).
func requestURL(r *http.Request) string { return orgURL(r) + r.URL.EscapedPath() }

// newNonce returns a fresh DPoP nonce.
func newNonce() string { return newID("n-", 32) }
