package okta

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oktasessions/okta-session-go/internal/config"
)

// String, LogValue and MarshalJSON show what is in force: the default a
// zero field stands for, and the mode the credential fields imply.
func TestConfiguration_showsWhatIsInForce(t *testing.T) {
	tests := []struct {
		name string
		cfg  Configuration
		want map[string]any
	}{
		{"a literal", Configuration{BasePath: orgURL, APIToken: testToken}, map[string]any{
			"AuthorizationMode": "SSWS", "Domain": "okta.com", "MaxRetries": float64(DefaultMaxRetries),
			"MaxRetryWait": "30s", "AttemptTimeout": "15s", "Timeout": "1m0s"}},
		{"nothing set", Configuration{}, map[string]any{"BasePath": defaultBasePath, "AuthorizationMode": ""}},
		{"implied PrivateKey", Configuration{ClientID: "0oa1"}, map[string]any{"AuthorizationMode": "PrivateKey"}},
		{"implied Bearer", Configuration{TokenSource: &ptrTokenSource{}}, map[string]any{"AuthorizationMode": "Bearer"}},
		{"no retries", Configuration{MaxRetries: NoRetries, Timeout: 90e9}, map[string]any{"MaxRetries": float64(0), "Timeout": "1m30s"}},
		{"a mode given", Configuration{AuthorizationMode: "PrivateKey", APIToken: "x"}, map[string]any{"AuthorizationMode": "PrivateKey"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.cfg)
			require.NoError(t, err)
			var got map[string]any
			require.NoError(t, json.Unmarshal(b, &got))
			logged := map[string]any{}
			for _, a := range tt.cfg.LogValue().Group() {
				logged[a.Key] = a.Value.String()
			}
			for k, v := range tt.want {
				assert.Equal(t, v, got[k], k)
				assert.Contains(t, tt.cfg.String(), k+": ")
				if s, ok := v.(string); ok {
					assert.Equal(t, s, logged[k], k)
				}
			}
			assert.NotContains(t, tt.cfg.String(), testToken)
		})
	}
	assert.Zero(t, Configuration{}.Timeout, "the Configuration itself is not changed")
}

// The constants internal/config repeats are the root's.
func TestConfig_constantsAgree(t *testing.T) {
	assert.Equal(t, NoRetries, config.NoRetries)
	assert.Equal(t, authModes(), []string{config.ModeSSWS, config.ModeBearer, config.ModePrivateKey})
}

// authModes are the AuthorizationMode values the Configuration documents.
func authModes() []string { return []string{"SSWS", "Bearer", "PrivateKey"} }
