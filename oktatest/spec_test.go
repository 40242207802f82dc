package oktatest_test

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openAPI loads api/openapi.yaml, the description of Okta's routes the fake
// serves.
func openAPI(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile("../api/openapi.yaml")
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()))
	return doc
}

// createSession takes what Okta documents for it: its published spec lists
// the API token alone, and its documentation says it can be performed
// anonymously. No Okta document names an OAuth 2.0 scope for it.
func TestSpec_createSessionSecurity(t *testing.T) {
	op := openAPI(t).Paths.Find("/api/v1/sessions").Post
	require.NotNil(t, op.Security)
	assert.Equal(t, openapi3.SecurityRequirements{{"apiToken": {}}, {}}, *op.Security)
}
