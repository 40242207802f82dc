package okta

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A secret typed into a DefaultHeader name ("X-Api-Key: <secret>" as the
// name) is shown shortened by String, %#v, slog and JSON, as Validate's
// error shows it; a valid name is shown whole.
func TestConfiguration_headerNameWithSecretHidden(t *testing.T) {
	const secret = "00HEADERsecretVALUEthatMUSTnotSHOW"
	cfg := Configuration{BasePath: orgURL, DefaultHeader: map[string]string{"X-Api-Key: " + secret: "v", "X-Trace": "1"}}
	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("cfg", "cfg", cfg)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("cfg", "cfg", cfg)
	marshalled, err := json.Marshal(cfg)
	require.NoError(t, err)
	for _, out := range []string{cfg.String(), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%v", &cfg), text.String(), js.String(), string(marshalled), cfg.Validate().Error()} {
		assert.NotContains(t, out, secret)
	}
	assert.Contains(t, cfg.String(), "X-Trace")
}
