package okta

import "slices"

// SessionAuthenticationMethod is an authentication method reference (amr)
// value. Values this package does not know decode as-is (see IsKnown).
type SessionAuthenticationMethod string

// The authentication methods Okta documents.
const (
	// SessionAuthenticationMethodPassword: password authentication.
	SessionAuthenticationMethodPassword SessionAuthenticationMethod = "pwd"
	// SessionAuthenticationMethodSoftwareKey: proof of possession of a software key.
	SessionAuthenticationMethodSoftwareKey SessionAuthenticationMethod = "swk"
	// SessionAuthenticationMethodHardwareKey: proof of possession of a hardware key.
	SessionAuthenticationMethodHardwareKey SessionAuthenticationMethod = "hwk"
	// SessionAuthenticationMethodOneTimePassword: a one-time password.
	SessionAuthenticationMethodOneTimePassword SessionAuthenticationMethod = "otp"
	// SessionAuthenticationMethodSMS: an SMS message to a registered number.
	SessionAuthenticationMethodSMS SessionAuthenticationMethod = "sms"
	// SessionAuthenticationMethodTelephone: a phone call to a registered number.
	SessionAuthenticationMethodTelephone SessionAuthenticationMethod = "tel"
	// SessionAuthenticationMethodGeolocation: use of geo-location information.
	SessionAuthenticationMethodGeolocation SessionAuthenticationMethod = "geo"
	// SessionAuthenticationMethodFingerprint: fingerprint biometric authentication.
	SessionAuthenticationMethodFingerprint SessionAuthenticationMethod = "fpt"
	// SessionAuthenticationMethodKnowledgeBased: knowledge-based authentication.
	SessionAuthenticationMethodKnowledgeBased SessionAuthenticationMethod = "kba"
	// SessionAuthenticationMethodMultifactor: present whenever any MFA factor was verified.
	SessionAuthenticationMethodMultifactor SessionAuthenticationMethod = "mfa"
	// SessionAuthenticationMethodMultipleChannel: authentication over more than one channel.
	SessionAuthenticationMethodMultipleChannel SessionAuthenticationMethod = "mca"
	// SessionAuthenticationMethodSmartCard: smart card (PIV or CAC) authentication.
	SessionAuthenticationMethodSmartCard SessionAuthenticationMethod = "sc"
)

// authenticationMethods are the 12 documented methods.
var authenticationMethods = []SessionAuthenticationMethod{
	SessionAuthenticationMethodPassword, SessionAuthenticationMethodSoftwareKey,
	SessionAuthenticationMethodHardwareKey, SessionAuthenticationMethodOneTimePassword,
	SessionAuthenticationMethodSMS, SessionAuthenticationMethodTelephone,
	SessionAuthenticationMethodGeolocation, SessionAuthenticationMethodFingerprint,
	SessionAuthenticationMethodKnowledgeBased, SessionAuthenticationMethodMultifactor,
	SessionAuthenticationMethodMultipleChannel, SessionAuthenticationMethodSmartCard,
}

// IsKnown reports whether m is one of the 12 documented methods.
func (m SessionAuthenticationMethod) IsKnown() bool { return slices.Contains(authenticationMethods, m) }

// UnmarshalJSON decodes a method as encoding/json decodes a string; a
// documented one costs no allocation.
func (m *SessionAuthenticationMethod) UnmarshalJSON(b []byte) error {
	return decodeEnum(b, m, authenticationMethods)
}
