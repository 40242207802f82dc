package oktatest

import (
	"crypto"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Denial is how the API refuses a request that CheckAPIRequest does not
// let through, for the route to write: the status, the headers to add
// (WWW-Authenticate and, when the API wants a DPoP nonce, DPoP-Nonce) and
// Okta's error body code and summary.
type Denial struct {
	// Status is 401 (no valid token, proof or nonce) or 403 (a scope is
	// missing).
	Status int
	// Header holds WWW-Authenticate, and DPoP-Nonce for use_dpop_nonce.
	Header http.Header
	// ErrorCode is Okta's errorCode: E0000011 for 401, E0000006 for 403.
	ErrorCode string
	// ErrorSummary is Okta's errorSummary.
	ErrorSummary string
}

// CheckAPIRequest checks the access token of an API request r to rawURL
// with method, for a route that needs scope (empty: any valid token). It
// returns nil to let the request through, or the Denial Okta gives:
//
//   - 401 E0000011 with WWW-Authenticate error="invalid_token" (scheme
//     Bearer or DPoP as presented) for a token unknown, expired, or bound
//     otherwise than presented (a DPoP-bound token sent as Bearer, or a
//     proof by another key);
//   - 401 with DPoP error="invalid_dpop_proof" for a missing or bad proof;
//   - 401 with DPoP error="use_dpop_nonce" and DPoP-Nonce when the API's
//     nonce dance is on (RequireAPINonce) and the proof lacks the nonce;
//   - 403 E0000006 with error="insufficient_scope" and the scope needed,
//     when the token lacks scope.
//
// Credentials other than "Bearer" and "DPoP" are the caller's business: it
// should check an SSWS token itself before asking.
func (a *AuthServer) CheckAPIRequest(r *http.Request, method, rawURL, scope string) *Denial {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	dpop := strings.EqualFold(scheme, "DPoP")
	presented := "Bearer"
	if dpop {
		presented = "DPoP"
	}
	in := a.instant()
	a.mu.Lock()
	defer a.mu.Unlock()
	it := a.tokens[token]
	switch {
	case !dpop && !strings.EqualFold(scheme, "Bearer"), it == nil, !in.server.Before(it.expiry):
		return newDenial(http.StatusUnauthorized, rawURL, presented, "error", "invalid_token", "error_description", "The access token is invalid")
	case (it.jkt != "") != dpop:
		return newDenial(http.StatusUnauthorized, rawURL, presented, "error", "invalid_token", "error_description", "The access token is bound otherwise than presented")
	}
	if dpop {
		if d := a.checkBinding(r, method, rawURL, token, it.jkt, in); d != nil {
			return d
		}
	}
	if scope != "" && !slices.Contains(it.scopes, scope) {
		return newDenial(http.StatusForbidden, rawURL, presented, "scope", scope, "error", "insufficient_scope",
			"error_description", "The access token provided does not contain the required scopes.", "resource", pathOf(rawURL))
	}
	return nil
}

// checkBinding checks the DPoP proof of an API request with a token bound
// to the key with thumbprint jkt. The caller holds a.mu.
func (a *AuthServer) checkBinding(r *http.Request, method, rawURL, token, jkt string, in instant) *Denial {
	proofs := r.Header.Values("DPoP")
	if len(proofs) != 1 {
		return newDenial(http.StatusUnauthorized, rawURL, "DPoP", "error", "invalid_dpop_proof", "error_description", "The request needs exactly one DPoP proof")
	}
	got, reason := a.checkProof(proofs[0], method, rawURL, token, a.apiNonce, in)
	switch {
	case reason == errUseNonce:
		d := newDenial(http.StatusUnauthorized, rawURL, "DPoP", "error", "use_dpop_nonce", "error_description", "Resource server requires nonce in DPoP proof")
		d.Header.Set("DPoP-Nonce", a.apiNonce)
		return d
	case reason != "":
		return newDenial(http.StatusUnauthorized, rawURL, "DPoP", "error", "invalid_dpop_proof", "error_description", reason)
	case got != jkt:
		return newDenial(http.StatusUnauthorized, rawURL, "DPoP", "error", "invalid_token", "error_description", "The access token is not bound to the key of the DPoP proof")
	}
	return nil
}

// newDenial builds a Denial whose WWW-Authenticate challenge has the given
// scheme, Okta's authorization_uri and realm for the org of rawURL, then
// params (name, value pairs).
func newDenial(status int, rawURL, scheme string, params ...string) *Denial {
	origin := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		origin = u.Scheme + "://" + u.Host
	}
	var b strings.Builder
	b.WriteString(scheme + ` authorization_uri="` + origin + `/oauth2/v1/authorize", realm="` + origin + `"`)
	for i := 0; i+1 < len(params); i += 2 {
		b.WriteString(", " + params[i] + `="` + strings.ReplaceAll(params[i+1], `"`, `'`) + `"`)
	}
	e := errInvalidToken
	if status == http.StatusForbidden {
		e = errForbidden
	}
	d := &Denial{Status: status, Header: http.Header{}, ErrorCode: e.code, ErrorSummary: e.summary}
	d.Header.Set("WWW-Authenticate", b.String())
	return d
}

// pathOf is the path of a URL, for a challenge's resource.
func pathOf(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil {
		return u.EscapedPath()
	}
	return ""
}

// errUseNonce is checkProof's reason when the proof lacks the current nonce.
const errUseNonce = "use_dpop_nonce"

// checkProof verifies a DPoP proof for a request of method to rawURL: typ
// dpop+jwt, a public jwk that verifies the signature, htm, htu (query and
// fragment aside), iat within ProofWindow, a jti never seen, ath of token
// when not empty, and nonce when not empty (errUseNonce otherwise). It
// returns the jwk's thumbprint, or why the proof is refused. The caller
// holds a.mu.
func (a *AuthServer) checkProof(proof, method, rawURL, token, nonce string, in instant) (jkt, reason string) {
	jws, err := jose.ParseSignedCompact(proof, jwsAlgorithms)
	if err != nil || len(jws.Signatures) != 1 {
		return "", "The DPoP proof is not a valid JWS."
	}
	h := jws.Signatures[0].Protected
	typ, _ := h.ExtraHeaders[jose.HeaderType].(string) // a media type: any case (RFC 7515 section 4.1.9)
	if !strings.EqualFold(typ, "dpop+jwt") || h.JSONWebKey == nil || !h.JSONWebKey.IsPublic() {
		return "", "The DPoP proof must have typ dpop+jwt and a public jwk."
	}
	payload, err := jws.Verify(h.JSONWebKey)
	if err != nil {
		return "", "The DPoP proof signature is invalid."
	}
	var c struct {
		JTI, HTM, HTU, ATH, Nonce string
		IAT                       *jwt.NumericDate
	}
	if json.Unmarshal(payload, &c) != nil || c.IAT == nil || c.JTI == "" {
		return "", "The DPoP proof claims are invalid."
	}
	iat := c.IAT.Time()
	switch {
	case c.HTM != method || normalHTU(c.HTU) != normalHTU(rawURL):
		return "", "The DPoP proof htm or htu does not match the request."
	case !in.within(iat, ProofWindow):
		return "", "The DPoP proof iat is outside the acceptable window."
	case token != "" && c.ATH != accessTokenHash(token):
		return "", "The DPoP proof ath does not match the access token."
	case nonce != "" && c.Nonce != nonce:
		return "", errUseNonce
	case !a.remember("proof "+c.JTI, iat.Add(ProofWindow), in):
		return "", "The DPoP proof jti has already been used."
	}
	sum, err := h.JSONWebKey.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", "The DPoP proof jwk has no thumbprint."
	}
	return base64.RawURLEncoding.EncodeToString(sum), ""
}

// normalHTU is a URL as a DPoP proof's htu is compared (RFC 9449 section
// 4.3, after RFC 3986 section 6.2.2 and 6.2.3): without query and
// fragment, scheme and host in lower case, no default port, an empty path as
// "/", percent-escapes of unreserved characters decoded and the others in
// upper case. A URL that does not parse is compared as it is.
func normalHTU(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Opaque != "" {
		return rawURL
	}
	scheme, host, port := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), u.Port()
	if scheme == "http" && port == "80" || scheme == "https" && port == "443" {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	path := normalEscapes(u.EscapedPath())
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path
}

// normalEscapes decodes the percent-escapes of unreserved characters in an
// escaped path and writes the others' hex digits in upper case.
func normalEscapes(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '%' && i+2 < len(p) {
			if c, err := strconv.ParseUint(p[i+1:i+3], 16, 8); err == nil {
				if unreserved(byte(c)) {
					b.WriteByte(byte(c))
				} else {
					b.WriteString("%" + strings.ToUpper(p[i+1:i+3]))
				}
				i += 2
				continue
			}
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// unreserved reports whether c is an unreserved character of RFC 3986.
func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0
}

// accessTokenHash is a DPoP proof's ath of a token.
func accessTokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(h[:])
}
