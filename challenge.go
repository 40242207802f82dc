package okta

import (
	"net/http"
	"strings"
)

// Challenge is the WWW-Authenticate challenge of a 401 or 403 answer to an
// OAuth 2.0 access token (RFC 6750 section 3, RFC 9449 section 7.1), which
// often says more than the body: a token without the operation's scope gets
// a 403 whose challenge has error "insufficient_scope" and the scope needed.
// See https://developer.okta.com/docs/guides/implement-oauth-for-okta/main/#scopes-and-supported-endpoints.
// Its fields are bounded in length and hold only printable characters.
type Challenge struct {
	// Scheme is the challenge's scheme, "Bearer" or "DPoP".
	Scheme string
	// Error is OAuth's error code, such as "invalid_token",
	// "insufficient_scope" or "use_dpop_nonce".
	Error string
	// ErrorDescription is the human-readable description.
	ErrorDescription string
	// Scope is the scope the operation needs, such as "okta.sessions.read",
	// when Error is "insufficient_scope".
	Scope string
}

// newChallenge returns the Challenge of a 401 or 403 answer: the first
// Bearer or DPoP challenge of its WWW-Authenticate headers, with the call's
// secrets shortened in its fields (see serverText), or nil when there is
// none.
func newChallenge(resp *http.Response, secrets []string) *Challenge {
	if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
		return nil
	}
	for _, ch := range parseChallenges(resp.Header.Values("WWW-Authenticate")) {
		if strings.EqualFold(ch.scheme, "Bearer") || strings.EqualFold(ch.scheme, "DPoP") {
			return &Challenge{
				Scheme:           serverText(ch.scheme, maxCodeLen, secrets...),
				Error:            serverText(ch.params["error"], maxCodeLen, secrets...),
				ErrorDescription: serverText(ch.params["error_description"], maxSummaryLen, secrets...),
				Scope:            serverText(ch.params["scope"], maxSummaryLen, secrets...),
			}
		}
	}
	return nil
}

// challenge is one challenge of a WWW-Authenticate header (RFC 9110 section
// 11.6.1): its scheme and its parameters, names in lower case.
type challenge struct {
	scheme string
	params map[string]string
}

// parseChallenges reads the challenges of WWW-Authenticate header values,
// such as `Bearer realm="x", error="invalid_token", DPoP algs="ES256"`.
// It never fails: what it cannot read ends that header value. A token68
// (as in Basic's) is read as a parameter without a value.
func parseChallenges(values []string) []challenge {
	var out []challenge
	for _, s := range values {
		for {
			s = strings.TrimLeft(s, " \t,=") // '=': a token68's padding
			name, rest := cutToken(s)
			if name == "" {
				break
			}
			after := strings.TrimLeft(rest, " \t")
			if !strings.HasPrefix(after, "=") || len(out) == 0 {
				out = append(out, challenge{scheme: name, params: map[string]string{}})
				s = rest
				continue
			}
			var value string
			value, s = cutValue(strings.TrimLeft(after[1:], " \t"))
			out[len(out)-1].params[strings.ToLower(name)] = value
		}
	}
	return out
}

// cutToken splits s after its leading RFC 9110 token.
func cutToken(s string) (token, rest string) {
	i := 0
	for i < len(s) && validHeaderName(s[i:i+1]) {
		i++
	}
	return s[:i], s[i:]
}

// cutValue splits s after its leading parameter value, a token or a quoted
// string (an unterminated one runs to the end), and returns the value
// unquoted.
func cutValue(s string) (value, rest string) {
	if !strings.HasPrefix(s, `"`) {
		return cutToken(s)
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '"':
			return b.String(), s[i+1:]
		case '\\':
			if i+1 < len(s) {
				i++
			}
		}
		b.WriteByte(s[i])
	}
	return b.String(), ""
}
