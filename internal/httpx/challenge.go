package httpx

import "strings"

// Challenge is one challenge of a WWW-Authenticate header (RFC 9110 section
// 11.6.1): its scheme and its parameters, names in lower case.
type Challenge struct {
	Scheme string
	Params map[string]string
}

// ParseChallenges reads the challenges of WWW-Authenticate header values,
// such as `Bearer realm="x", error="invalid_token", DPoP algs="ES256"`.
// It never fails: what it cannot read ends that header value. A token68
// (as in Basic's) is read as a parameter without a value.
func ParseChallenges(values []string) []Challenge {
	var out []Challenge
	for _, s := range values {
		for {
			s = strings.TrimLeft(s, " \t,=") // '=': a token68's padding
			name, rest := cutToken(s)
			if name == "" {
				break
			}
			after := strings.TrimLeft(rest, " \t")
			if !strings.HasPrefix(after, "=") || len(out) == 0 {
				out = append(out, Challenge{Scheme: name, Params: map[string]string{}})
				s = rest
				continue
			}
			var value string
			value, s = cutValue(strings.TrimLeft(after[1:], " \t"))
			out[len(out)-1].Params[strings.ToLower(name)] = value
		}
	}
	return out
}

// cutToken splits s after its leading RFC 9110 token.
func cutToken(s string) (token, rest string) {
	i := 0
	for i < len(s) && tokenChar(s[i]) {
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
