package okta

// SessionIdentityProvider is the identity provider that authenticated a
// session's user.
type SessionIdentityProvider struct {
	// Id is the org ID when Type is OKTA, otherwise the identity provider's ID.
	Id string `json:"id,omitempty"`
	// Type is the kind of identity provider.
	Type SessionIdentityProviderType `json:"type,omitempty"`
}
