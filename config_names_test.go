package okta

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLoadConfiguration_valueInAName attacks the names an error shows: a
// token typed into a key or a variable name by a slip of the keyboard, or
// into an anchor or tag, must not reach an error or a Warn record whole.
func TestLoadConfiguration_valueInAName(t *testing.T) {
	const secret = "00SECRETtokenVALUEabcdefghijklmnop"
	tests := []struct {
		name  string
		file  string // the whole ./.okta.yaml, or ""
		env   string // one more variable, or ""
		key   string // the Key (file) or Source (variable) of every error
		field string
	}{
		{"flow key without the space", "okta: {client: {orgUrl: " + orgURL + ", token:" + secret + "}}\n", "", "okta.client.toke...", ""},
		{"block key without the space", yamlClient("orgUrl: "+orgURL, "token:"+secret+":"), "", "okta.client.toke...", ""},
		{"block key with a space", yamlClient("orgUrl: "+orgURL, "token "+secret+":"), "", "okta.client.toke...", ""},
		{"top-level key", secret + ": x\n", "", "00SE...", ""},
		{"the same unknown key twice", yamlClient("token:"+secret+": 1", "token:"+secret+": 1"), "", "okta.client.toke...", ""},
		{"variable name", "", "OKTA_CLIENT_TOKEN" + secret + "=x", "OKTA_CLIENT_TOKE...", ""},
		{"variable name with a space", "", "OKTA_CLIENT_TOKEN " + secret + "=", "OKTA_CLIENT_TOKE...", ""},
		{"an alias that names no anchor", yamlClient("token: *" + secret), "", "", ""},
		{"a tag", yamlClient("token: !" + secret + " x"), "", "okta.client.token", "APIToken"},
	}
	for _, tt := range tests {
		for _, warn := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/warn=%v", tt.name, warn), func(t *testing.T) {
				d := newDirs(t)
				if tt.file != "" {
					writeFile(t, d.workFile(), tt.file, 0o600)
				}
				env := []string{"OKTA_CLIENT_ORGURL=" + orgURL, "OKTA_CLIENT_TOKEN=" + testToken}
				if tt.env != "" {
					env = append(env, tt.env)
				}
				var log bytes.Buffer
				opts := []LoadOption{WithHomeDir(d.home), WithWorkDir(d.work), WithEnviron(env),
					WithLogger(slog.New(slog.NewJSONHandler(&log, nil)))}
				if warn {
					opts = append(opts, WithUnknownAsWarning())
				}
				_, err := LoadConfiguration(opts...)
				for e := range errorTree(err) {
					for _, verb := range []string{"%v", "%+v", "%#v"} {
						assert.NotContains(t, fmt.Sprintf(verb, e), secret[:8], verb)
					}
				}
				assert.NotContains(t, log.String(), secret[:8])
				if err == nil {
					require.True(t, warn, "only an unknown name may be a warning")
					assert.Contains(t, log.String(), `"level":"WARN"`)
					return
				}
				for _, ce := range configErrors(t, err) {
					if tt.file != "" {
						assert.Equal(t, d.workFile(), ce.Source)
						assert.Equal(t, tt.key, ce.Key)
					} else {
						assert.Equal(t, tt.key, ce.Source)
						assert.Empty(t, ce.Key)
					}
					assert.Equal(t, tt.field, ce.Field)
				}
			})
		}
	}
}
