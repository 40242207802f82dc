package okta

import (
	"net/http"

	"github.com/oktasessions/okta-session-go/internal/httpx"
)

// NewHTTPClient returns a new HTTP client tuned as the one NewAPIClient makes
// when Configuration.HTTPClient is nil: proxy from the environment, dial and
// TLS handshake timeouts, 100 idle connections kept per host, and no
// redirects followed. Wrap its Transport (with a tracing RoundTripper such as
// OpenTelemetry's otelhttp.NewTransport) and set the result as
// Configuration.HTTPClient to observe every attempt, retries included,
// keeping that tuning; NewAPIClient adds its redirect rule for the org's
// origin to it as to any client given there.
func NewHTTPClient() *http.Client { return httpx.NewClient() }
