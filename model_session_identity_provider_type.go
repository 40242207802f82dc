package okta

import "slices"

// SessionIdentityProviderType is the kind of identity provider behind a
// session. Values this package does not know decode as-is (see IsKnown).
type SessionIdentityProviderType string

// The identity provider types Okta documents.
const (
	// SessionIdentityProviderTypeActiveDirectory: Active Directory.
	SessionIdentityProviderTypeActiveDirectory SessionIdentityProviderType = "ACTIVE_DIRECTORY"
	// SessionIdentityProviderTypeFederation: a federated identity provider.
	SessionIdentityProviderTypeFederation SessionIdentityProviderType = "FEDERATION"
	// SessionIdentityProviderTypeLDAP: an LDAP directory.
	SessionIdentityProviderTypeLDAP SessionIdentityProviderType = "LDAP"
	// SessionIdentityProviderTypeOkta: Okta itself; the provider ID is the org ID.
	SessionIdentityProviderTypeOkta SessionIdentityProviderType = "OKTA"
	// SessionIdentityProviderTypeSocial: a social identity provider.
	SessionIdentityProviderTypeSocial SessionIdentityProviderType = "SOCIAL"
)

// identityProviderTypes are the documented identity provider types.
var identityProviderTypes = []SessionIdentityProviderType{
	SessionIdentityProviderTypeActiveDirectory, SessionIdentityProviderTypeFederation,
	SessionIdentityProviderTypeLDAP, SessionIdentityProviderTypeOkta, SessionIdentityProviderTypeSocial,
}

// IsKnown reports whether t is one of the documented types.
func (t SessionIdentityProviderType) IsKnown() bool { return slices.Contains(identityProviderTypes, t) }

// UnmarshalJSON decodes a type as encoding/json decodes a string; a
// documented one costs no allocation.
func (t *SessionIdentityProviderType) UnmarshalJSON(b []byte) error {
	return decodeEnum(b, t, identityProviderTypes)
}
